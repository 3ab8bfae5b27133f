import {
  AgentforgeError,
  checkSchema,
  EnvironmentDocumentSchema,
  findWorkspace,
  type Workspace,
} from '@agentforge/schema';

/** The workspace for `env` commands; `env create` may start one in the current folder. */
export function envWorkspace(cwd: string, dir: string | undefined, create = false): Promise<Workspace> {
  return findWorkspace(cwd, dir, { allowNew: create });
}

/** Loads `environments/<name>.yaml` and checks it, failing with the file, line and column of the first problem. */
export async function loadCheckedEnvironment(workspace: Workspace, name: string): Promise<unknown> {
  const loaded = await workspace.loadEnvironment(name);
  const checked = checkSchema(EnvironmentDocumentSchema, loaded.data, { locator: loaded.locator });
  if (!checked.success) {
    const [first] = checked.findings;
    const more =
      checked.findings.length > 1
        ? ` (and ${checked.findings.length - 1} more problem(s); see agentforge config validate)`
        : '';
    throw new AgentforgeError('SCHEMA_VIOLATION', `${first!.message}${more}`, {
      location: first!.location,
      details: checked.findings,
    });
  }
  return loaded.data;
}
