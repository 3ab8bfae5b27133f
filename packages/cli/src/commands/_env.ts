import {
  EnvironmentDocumentSchema,
  findWorkspace,
  parseWithSchema,
  type Workspace,
} from '@agentforge/schema';

/** The workspace for `env` commands; `env create` may start one in the current folder. */
export function envWorkspace(cwd: string, dir: string | undefined, create = false): Promise<Workspace> {
  return findWorkspace(cwd, dir, { allowNew: create });
}

/** Loads `environments/<name>.yaml` and checks it, failing with the file, line and column of the first problem. */
export async function loadCheckedEnvironment(workspace: Workspace, name: string): Promise<unknown> {
  const loaded = await workspace.loadEnvironment(name);
  parseWithSchema(EnvironmentDocumentSchema, loaded.data, {
    locator: loaded.locator,
    what: `environment ${name}`,
  });
  return loaded.data;
}
