// The validator a workspace asks for: the AgentForge schema and policy, the workspace's policy
// files (which may `extends: agentforge`) and its suppressions — what `config validate`, edits
// and publishes all check with, built in one place.
import type { Workspace } from '@agentforge/schema';
import { AGENTFORGE_PRESETS, createAgentforgeValidator } from './agentforge.js';
import type { Validator, ValidatorOptions } from './engine.js';
import { loadPolicy } from './policy.js';
import { loadSuppressions } from './suppressions.js';
import type { Policy, Suppression } from './types.js';

/** Options of {@link createWorkspaceValidator}. */
export interface WorkspaceValidatorOptions
  extends Pick<ValidatorOptions, 'baseline' | 'failOn' | 'logger' | 'now'> {
  /** Policy files to apply after the workspace's own (absolute paths). */
  extraPolicies?: readonly string[];
  /** Apply the workspace's suppressions file. @default true */
  suppressions?: boolean;
  /** How a file is named in finding locations (e.g. relative to the working directory). @default the path itself */
  display?: (file: string) => string;
}

/**
 * Reads the workspace's suppressions file (`suppressions.yaml` or agentforge.yaml
 * `suppressions`), with its locations named by `display`; none when there is no such file.
 */
export async function workspaceSuppressions(
  workspace: Pick<Workspace, 'suppressionsFile'> | undefined,
  display: (file: string) => string = (file) => file,
): Promise<Suppression[]> {
  const file = workspace?.suppressionsFile();
  if (file === undefined) return [];
  const shown = display(file);
  return (await loadSuppressions(file)).map((s) =>
    s.location?.file === file ? { ...s, location: { ...s.location, file: shown } } : s,
  );
}

/**
 * The AgentForge validator with a workspace's policy files and suppressions: what
 * `agentforge config validate` checks an environment with. Without a workspace (a lone file),
 * only `extraPolicies` are added.
 * @example
 * const workspace = await findWorkspace(process.cwd());
 * const validator = await createWorkspaceValidator(workspace, { failOn: 'high' });
 * const report = validator.validate(await loadEnvironmentFile(await workspace.resolveEnvironment('production')));
 */
export async function createWorkspaceValidator(
  workspace: Pick<Workspace, 'policyFiles' | 'suppressionsFile'> | undefined,
  options: WorkspaceValidatorOptions = {},
): Promise<Validator> {
  const files = [...((await workspace?.policyFiles()) ?? []), ...(options.extraPolicies ?? [])];
  const policies: Policy[] = [];
  for (const file of files) policies.push(await loadPolicy(file, { presets: AGENTFORGE_PRESETS }));
  return createAgentforgeValidator({
    policies,
    suppressions:
      options.suppressions === false ? [] : await workspaceSuppressions(workspace, options.display),
    ...(options.baseline ? { baseline: options.baseline } : {}),
    ...(options.failOn ? { failOn: options.failOn } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
