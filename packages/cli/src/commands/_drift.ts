import { relative, resolve } from 'node:path';
import {
  DRIFT_FORMATS,
  type DriftPolicy,
  defaultPolicy,
  loadDriftPolicy,
  type SnapshotMeta,
  workspaceSnapshotStore,
} from '@agentforge/drift';
import {
  AgentforgeError,
  auditedChange,
  findWorkspace,
  type LoadedDocument,
  loadDocument,
  SEVERITIES,
  type Workspace,
} from '@agentforge/schema';
import type { CommandContext, OptionSpec } from '../context.js';
import { commandActor, denied, environmentOption, readStdin, STDIN } from './_shared.js';

/** Options every snapshot command shares. */
/** --format, --fail-on and --policy of every drift command, to spread into its `options`. */
export const DRIFT_REPORT_OPTIONS: Record<string, OptionSpec> = {
  format: {
    type: 'string',
    description:
      'human (default), json, markdown (for a pull-request comment), prometheus (drift gauges) or html',
    valueName: 'format',
    choices: DRIFT_FORMATS,
  },
  'fail-on': {
    type: 'string',
    description: 'Lowest severity that exits 1: critical, high, medium, low (default) or info',
    valueName: 'severity',
    choices: SEVERITIES,
  },
  policy: {
    type: 'string',
    description: 'Drift policy file: rules, ignores, list keys (default: drift.policy in agentforge.yaml)',
    valueName: 'file',
    file: true,
  },
};

export const ENVIRONMENT_OPTIONS: Record<string, OptionSpec> = {
  environment: environmentOption('Environment name (environments/<name>.yaml)'),
  config: {
    type: 'string',
    description: 'Read the environment from this file instead (- for standard input)',
    valueName: 'file',
    file: true,
    stdin: true,
  },
};

/** What the snapshot commands work on: the workspace, the environment and its snapshot store. */
export async function openEnvironment(context: CommandContext, command: string) {
  const environment = context.values.environment;
  if (typeof environment !== 'string' || environment === '') {
    throw new AgentforgeError('INVALID_ARGUMENT', `agentforge ${command}: --environment <name> is required`);
  }
  const workspace = await findWorkspace(context.cwd, context.dir);
  const store = workspaceSnapshotStore(workspace.root, { logger: context.logger });
  const config = context.values.config;
  if (config === STDIN)
    return {
      workspace,
      environment,
      store,
      load: async () => ({
        ...loadDocument(await readStdin(context, command), { file: '<stdin>' }),
        source: '<stdin>',
      }),
    };
  const file = typeof config === 'string' ? resolve(context.cwd, config) : undefined;
  return { workspace, environment, store, load: () => loadEnvironment(workspace, environment, file) };
}

async function loadEnvironment(
  workspace: Workspace,
  environment: string,
  file: string | undefined,
): Promise<LoadedDocument & { source: string }> {
  const loaded = await workspace.loadEnvironment(environment, file);
  return { ...loaded, source: relative(workspace.root, resolve(workspace.root, loaded.file)) };
}

/** The drift policy: `--policy`, else `drift.policy` in agentforge.yaml, else the AgentForge default. */
export async function loadPolicy(context: CommandContext, workspace: Workspace): Promise<DriftPolicy> {
  if (typeof context.values.policy === 'string')
    return loadDriftPolicy(resolve(context.cwd, context.values.policy));
  const file = workspace.driftPolicyFile();
  if (file !== undefined) return loadDriftPolicy(file);
  return defaultPolicy();
}

/** Who takes a snapshot, when the environment tells: `AGENTFORGE_AUTHOR`, `GIT_AUTHOR_NAME` or `USER`. */
export function author(env: CommandContext['env']): string | undefined {
  return env.AGENTFORGE_AUTHOR || env.GIT_AUTHOR_NAME || env.USER || undefined;
}

/**
 * Stores a snapshot behind the access gate (`snapshot`, or `accept` for a new baseline) and
 * audits it with the snapshot ids before and after; `undefined` when denied (already printed).
 */
export async function saveSnapshotAudited(
  context: CommandContext,
  workspace: Workspace,
  request: { command: string; environment: string; action: 'snapshot' | 'accept' },
  save: () => Promise<SnapshotMeta>,
): Promise<SnapshotMeta | undefined> {
  const done = await auditedChange(
    workspace,
    { actor: commandActor(context, workspace.root), ...request },
    async () => {
      const meta = await save();
      return {
        value: meta,
        before: meta.parent ? `snapshot:${meta.parent}` : null,
        after: `snapshot:${meta.id}`,
      };
    },
  );
  if (done.allowed) return done.value;
  denied(context, done);
  return undefined;
}
