// The validator a workspace asks for: the AgentForge schema and policy, the workspace's policy
// files (with the AgentForge presets to extend), its suppressions, and whatever the caller adds.
// Every command that validates a workspace document builds it here, so `config validate`,
// `config set`, `config publish` and `report` judge a document alike.
import type { Workspace } from '@agentforge/schema';
import {
  AGENTFORGE_PRESETS,
  type AgentforgeValidatorOptions,
  createAgentforgeValidator,
} from './agentforge.js';
import type { Validator } from './engine.js';
import { loadPolicy } from './policy.js';
import { loadSuppressions } from './suppressions.js';
import type { Policy, Suppression } from './types.js';

/** Options of {@link createWorkspaceValidator}. */
export interface WorkspaceValidatorOptions
  extends Omit<AgentforgeValidatorOptions, 'policies' | 'suppressions'> {
  /** More policy files, after the workspace's own (e.g. `--policy`). */
  policyFiles?: readonly string[];
  /** Apply the workspace's suppressions file. @default true */
  suppressions?: boolean;
  /** How a file is named in the findings a suppression produces (e.g. relative to the working directory). */
  displayPath?: (file: string) => string;
}

/**
 * A validator for the documents of `workspace` (or, without one, for lone files): the workspace's
 * policies and suppressions on top of the AgentForge policy.
 * @example
 * const workspace = await findWorkspace(process.cwd());
 * const validator = await createWorkspaceValidator(workspace, { failOn: 'medium' });
 * const report = validator.validate(await loadEnvironmentFile(await workspace.resolveEnvironment('production')));
 */
export async function createWorkspaceValidator(
  workspace: Workspace | undefined,
  options: WorkspaceValidatorOptions = {},
): Promise<Validator> {
  const { policyFiles = [], suppressions: useSuppressions = true, displayPath, ...rest } = options;
  const policies: Policy[] = [];
  for (const file of [...((await workspace?.policyFiles()) ?? []), ...policyFiles])
    policies.push(await loadPolicy(file, { presets: AGENTFORGE_PRESETS }));
  const suppressions = useSuppressions ? await workspaceSuppressions(workspace, displayPath) : [];
  return createAgentforgeValidator({ ...rest, policies, suppressions });
}

/**
 * The suppressions of the workspace's suppressions file (`suppressions.yaml` or agentforge.yaml
 * `suppressions`), located as `displayPath` names the file; none without such a file.
 */
export async function workspaceSuppressions(
  workspace: Pick<Workspace, 'suppressionsFile'> | undefined,
  displayPath?: (file: string) => string,
): Promise<Suppression[]> {
  const file = workspace?.suppressionsFile();
  if (file === undefined) return [];
  const suppressions = await loadSuppressions(file);
  if (!displayPath) return suppressions;
  const shown = displayPath(file);
  return suppressions.map((s) =>
    s.location?.file === file ? { ...s, location: { ...s.location, file: shown } } : s,
  );
}
