import { resolve } from 'node:path';
import { AgentforgeError, findWorkspace } from '@agentforge/schema';
import {
  annotationSuppressions,
  createKubernetesValidator,
  loadManifestPolicies,
  loadManifests,
  parseKubernetesVersion,
  parseManifests,
  resolveManifestEnvironment,
  type ValidationInput,
} from '@agentforge/validator';
import type { Command } from '../context.js';
import { emitReports, REPORT_OPTIONS, reportOptions, workspaceSuppressions } from './_report.js';
import { displayPath, environmentOption, readStdin, usageError } from './_shared.js';

const fail = usageError('manifests validate');
const STDIN = '<stdin>';

export const command: Command = {
  usage:
    'manifests validate <file|dir|->... [-e <name>] [--policy <file>...] [--kubernetes-version <version>] [--schema-location <dir>...] [--format human|json|sarif|github|junit] [--fail-on <severity>] [--output <file>] [--baseline <file>] [--write-baseline <file>] [--no-suppressions]',
  description:
    'Validate rendered Kubernetes manifests (multi-document YAML, JSON, List; files, folders or - for stdin) against the Kubernetes rules: Pod Security restricted, reliability, wiring, secrets and hygiene. Findings on an object can be suppressed by its annotation `agentforge.dev/suppress: "<rule-id>: <reason>"`.',
  arguments: [
    {
      name: 'file|dir|-',
      description:
        'the manifests to check: files, folders (searched for *.yaml, *.yml, *.json) or - for standard input, e.g. agentforge manifests validate deployment/rendered/',
      variadic: true,
      file: true,
      stdin: true,
    },
  ],
  examples: ['helm template deployment/helm/agentforge | agentforge manifests validate - -e production'],
  options: {
    environment: environmentOption(
      "Environment (or tier) whose severities apply; default: the manifests' agentforge.io/environment and agentforge.io/tier labels, else production",
    ),
    policy: {
      type: 'string',
      multiple: true,
      description:
        'Policy file (severity overrides, off, per environment or tier, scopes by namespace or kind); after agentforge.yaml `manifests.policy`',
      valueName: 'file',
      file: true,
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
    const { format, failOn, baseline } = await reportOptions(context, fail);
    if (positionals.filter((p) => p === '-').length > 1) throw fail('stdin (-) can be read only once');

    const inputs: ValidationInput[] = [];
    for (const path of positionals) {
      if (path === '-')
        inputs.push(...parseManifests(await readStdin(context, 'manifests validate'), { file: STDIN }));
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
    const environment = await resolveManifestEnvironment(inputs, {
      environment: values.environment as string | undefined,
      workspace,
    });
    if (environment.note) stderr.write(`agentforge manifests validate: ${environment.note}\n`);

    const suppressions =
      values.suppressions === false
        ? []
        : [...(await workspaceSuppressions(workspace, cwd)), ...annotationSuppressions(inputs)];
    const policies = await loadManifestPolicies([
      ...(workspace?.manifestPolicyFiles() ?? []),
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
    return emitReports([report], format, context, { workspace, command: 'manifests validate' });
  },
};
