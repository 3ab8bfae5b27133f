import { join, resolve } from 'node:path';
import { AgentforgeError, type EnvironmentDocument, TIERS } from '@agentforge/schema';
import {
  annotationSuppressions,
  createKubernetesValidator,
  loadManifestPolicies,
  loadManifests,
  manifestEnvironment,
  parseKubernetesVersion,
  parseManifests,
  type ValidationInput,
} from '@agentforge/validator';
import type { Command, CommandContext } from '../context.js';
import { findWorkspace, type Workspace } from '../workspace.js';
import { emitReports, REPORT_OPTIONS, reportOptions, workspaceSuppressions } from './_report.js';
import { displayPath, usageError } from './_shared.js';

const fail = usageError('manifests validate');
const STDIN = '<stdin>';

export const command: Command = {
  usage:
    'manifests validate <file|dir|->... [--environment <name>] [--policy <file>...] [--kubernetes-version <version>] [--schema-location <dir>...] [--format human|json|sarif|github|junit] [--fail-on <severity>] [--output <file>] [--baseline <file>] [--write-baseline <file>] [--no-suppressions]',
  description:
    'Validate rendered Kubernetes manifests (multi-document YAML, JSON, List; files, folders or - for stdin) against the Kubernetes rules: Pod Security restricted, reliability, wiring, secrets and hygiene. Findings on an object can be suppressed by its annotation `agentforge.dev/suppress: "<rule-id>: <reason>"`.',
  positionals: [1, Number.MAX_SAFE_INTEGER],
  options: {
    environment: {
      type: 'string',
      description:
        "Environment (or tier) whose severities apply; default: the manifests' agentforge.io/environment and agentforge.io/tier labels, else production",
      valueName: 'name',
    },
    policy: {
      type: 'string',
      multiple: true,
      description:
        'Policy file (severity overrides, off, per environment or tier, scopes by namespace or kind); after agentforge.yaml `manifests.policy`',
      valueName: 'file',
    },
    'kubernetes-version': {
      type: 'string',
      description:
        "Kubernetes version the manifests are for: which apiVersions and kinds exist (default: the Helm chart's kubeVersion floor, 1.25)",
      valueName: 'version',
    },
    'schema-location': {
      type: 'string',
      multiple: true,
      description:
        'Folder of JSON schemas for custom resources, as <group>/<kind>_<version>.json (kubeconform layout); without one they are noted as not checked',
      valueName: 'dir',
    },
    ...REPORT_OPTIONS,
    suppressions: {
      type: 'boolean',
      description:
        'Apply suppression annotations and the workspace suppressions file (--no-suppressions ignores both)',
    },
  },
  async run(context) {
    const { values, cwd, dir, positionals, stderr } = context;
    const { format, failOn, baseline } = await reportOptions({ values, cwd }, fail);
    if (positionals.filter((p) => p === '-').length > 1) throw fail('stdin (-) can be read only once');

    const inputs: ValidationInput[] = [];
    for (const path of positionals) {
      if (path === '-') inputs.push(...parseManifests(await readStdin(context), { file: STDIN }));
      else
        inputs.push(...(await loadManifests([resolve(cwd, path)], { display: (f) => displayPath(cwd, f) })));
    }

    if (inputs.length === 0)
      throw new AgentforgeError(
        'FILE_NOT_FOUND',
        `no Kubernetes documents in ${positionals.join(', ')} (folders are searched for *.yaml, *.yml and *.json)`,
      );

    const workspace = await findWorkspace(cwd, dir).catch((error) => {
      if (dir !== undefined) throw error;
      return undefined;
    });
    const environment = await resolveEnvironment(values.environment as string | undefined, inputs, workspace);
    if (environment.note) stderr.write(`agentforge manifests validate: ${environment.note}\n`);

    const suppressions =
      values.suppressions === false
        ? []
        : [...(await workspaceSuppressions(workspace, cwd)), ...annotationSuppressions(inputs)];
    const policies = await loadManifestPolicies([
      ...manifestPolicyFiles(workspace),
      ...((values.policy as string[] | undefined) ?? []).map((p) => resolve(cwd, p)),
    ]);
    const version = values['kubernetes-version'] as string | undefined;
    if (version !== undefined && !parseKubernetesVersion(version))
      throw fail(`--kubernetes-version "${version}" is not a Kubernetes version (1.29, v1.29.3)`);
    const validator = createKubernetesValidator({
      ...(version !== undefined ? { kubernetesVersion: version } : {}),
      schemaLocations: ((values['schema-location'] as string[] | undefined) ?? []).map((p) =>
        resolve(cwd, p),
      ),
      policies,
      failOn,
      baseline,
      suppressions,
      logger: context.logger,
    });
    const report = validator.validateDocuments(inputs, {
      environment: environment.name,
      tier: environment.tier,
    });
    return emitReports([report], format, context);
  },
};

/** The policy files of agentforge.yaml `manifests.policy` (one path or a list, relative to the workspace). */
function manifestPolicyFiles(workspace: Workspace | undefined): string[] {
  const manifests = workspace?.settings.manifests;
  if (manifests === undefined || manifests === null) return [];
  const policy = (manifests as { policy?: unknown }).policy;
  const files = policy === undefined ? [] : Array.isArray(policy) ? policy : [policy];
  if (typeof manifests !== 'object' || files.some((f) => typeof f !== 'string' || f === ''))
    throw new AgentforgeError(
      'PARSE_ERROR',
      `${displayPath(workspace!.root, join(workspace!.root, 'agentforge.yaml'))}: manifests.policy must be a path or a list of paths`,
    );
  return files.map((f) => resolve(workspace!.root, f as string));
}

/**
 * The environment whose severities apply: `--environment` names a workspace environment (its
 * document gives the tier) or a tier; without it, the manifests' labels say; else production,
 * the strictest, with a note.
 */
async function resolveEnvironment(
  given: string | undefined,
  inputs: readonly ValidationInput[],
  workspace: Workspace | undefined,
): Promise<{ name: string; tier: string; note?: string }> {
  const labelled = manifestEnvironment(inputs);
  const isTier = (tier: string | undefined): tier is string => TIERS.includes(tier as never);
  if (given === undefined && isTier(labelled.tier))
    return { name: labelled.name ?? labelled.tier, tier: labelled.tier };
  const name = given ?? labelled.name;
  const known = (await workspace?.listEnvironments()) ?? [];
  if (name !== undefined) {
    if (workspace && known.includes(name)) {
      const tier = ((await workspace.loadEnvironment(name)).data as Partial<EnvironmentDocument> | null)
        ?.tier;
      if (isTier(tier)) return { name, tier };
    }
    if (isTier(name)) return { name, tier: name };
    if (labelled.name === name && isTier(labelled.tier)) return { name, tier: labelled.tier };
  }
  if (given !== undefined)
    throw new AgentforgeError(
      'UNKNOWN_ENVIRONMENT',
      `unknown environment "${given}": not a tier (${TIERS.join(', ')})${workspace ? `, not in ${displayPath(workspace.root, workspace.environmentsDir)} (known: ${known.join(', ') || 'none'})` : ''} and not the manifests' agentforge.io/environment label`,
    );
  return {
    name: name ?? 'production',
    tier: 'production',
    note: `no --environment and no tier known for ${name === undefined ? 'the manifests' : `environment "${name}"`}: the production rules apply`,
  };
}

async function readStdin({ stdin }: CommandContext): Promise<Buffer> {
  if (!stdin) throw fail('no standard input to read "-" from');
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
