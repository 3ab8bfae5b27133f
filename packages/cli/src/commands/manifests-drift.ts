import { execFile } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  compareLive,
  DRIFT_FORMATS,
  type DriftFormat,
  failsOn,
  formatReport,
  loadDriftPolicy,
} from '@agentforge/drift';
import {
  AgentforgeError,
  findWorkspace,
  loadDocuments,
  SEVERITIES,
  type Severity,
  shouldColor,
} from '@agentforge/schema';
import type { Command, CommandContext } from '../context.js';
import { DRIFT_REPORT_OPTIONS, loadPolicy } from './_drift.js';
import { choice, displayPath, readStdin, STDIN, usageError } from './_shared.js';

const fail = usageError('manifests drift');
const KUBECTL = 'kubectl';

// The bulk (js-yaml) reader: rendered and dumped manifests are machine-made and large; the
// default reader is about 10× slower on them (bench/manifests-drift.bench.mjs).
/** The documents of a manifest file, a folder's *.yaml, *.yml and *.json (sorted), or stdin. */
async function readManifests(context: CommandContext, path: string): Promise<unknown[]> {
  if (path === STDIN)
    return loadDocuments(await readStdin(context, 'manifests drift'), {
      file: '<stdin>',
      reader: 'bulk',
    }).map((d) => d.data);
  const file = resolve(context.cwd, path);
  const info = await stat(file).catch((error: unknown) => {
    throw new AgentforgeError('FILE_NOT_FOUND', `agentforge manifests drift: ${path} does not exist`, {
      cause: error,
    });
  });
  const files = info.isDirectory()
    ? (await readdir(file, { recursive: true }))
        .filter((name) => /\.(ya?ml|json)$/.test(name))
        .sort()
        .map((name) => join(file, name))
    : [file];
  const out: unknown[] = [];
  for (const f of files)
    out.push(
      ...loadDocuments(await readFile(f), { file: displayPath(context.cwd, f), reader: 'bulk' }).map(
        (d) => d.data,
      ),
    );
  return out;
}

/** `Deployment.v1.apps` (or `ConfigMap` for the core group): a resource name `kubectl get` accepts unambiguously. */
function resourceName(object: { apiVersion: string; kind: string }): string {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  return group ? `${object.kind}.${version}.${group}` : object.kind;
}

/**
 * The arguments of the one `kubectl get` that lists the live counterparts of `desired`: every
 * kind desired holds, in the given (or desired's single) namespace, under the selector.
 * Read-only by construction: the verb is always `get`.
 */
export function kubectlGetArgs(
  desired: readonly unknown[],
  options: { context?: string; namespace?: string; selector?: string },
): string[] {
  const kinds = new Set<string>();
  const namespaces = new Set<string>();
  for (const doc of desired) {
    const object = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { namespace?: unknown } };
    if (typeof object?.apiVersion !== 'string' || typeof object.kind !== 'string') continue;
    kinds.add(resourceName(object as { apiVersion: string; kind: string }));
    if (typeof object.metadata?.namespace === 'string') namespaces.add(object.metadata.namespace);
  }
  if (kinds.size === 0) throw fail('the desired manifests hold no Kubernetes objects');
  const args = ['get', [...kinds].sort().join(','), '--output=yaml'];
  if (options.context) args.push(`--context=${options.context}`);
  const namespace = options.namespace ?? (namespaces.size === 1 ? [...namespaces][0] : undefined);
  args.push(namespace ? `--namespace=${namespace}` : '--all-namespaces');
  if (options.selector) args.push(`--selector=${options.selector}`);
  return args;
}

function runKubectl(context: CommandContext, args: string[]): Promise<string> {
  return new Promise((done, reject) => {
    execFile(
      KUBECTL,
      args,
      { env: context.env as NodeJS.ProcessEnv, cwd: context.cwd, maxBuffer: 256 << 20, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new AgentforgeError(
              'FILE_UNREADABLE',
              `agentforge manifests drift: kubectl ${args.join(' ')} failed: ${(stderr || error.message).trim()}`,
              { cause: error },
            ),
          );
        else done(stdout);
      },
    );
  });
}

export const command: Command = {
  usage:
    'manifests drift <desired file|dir|-> --live <file|dir|-|kubectl> [--context <name>] [--namespace <ns>] [-l <selector>] [--policy <file>] [--format human|json|markdown|prometheus] [--fail-on <severity>]',
  description: [
    'Compare rendered manifests (kubectl kustomize, helm template) with the live objects: a `kubectl get -o yaml` dump',
    'or, with --live kubectl, what `kubectl get` returns now (read-only). Only fields the manifests set are compared;',
    'server-set and defaulted fields, HPA-owned replicas and quantity spellings are normalised, Secret data compared',
    'by fingerprint. Exits 1 when a change is at or above --fail-on.',
  ].join('\n'),
  arguments: [
    {
      name: 'desired',
      description: 'the desired manifests: a file, a folder (*.yaml, *.yml, *.json) or - for standard input',
      file: true,
      stdin: true,
    },
  ],
  examples: [
    'kubectl kustomize deployment/k8s/overlays/production | agentforge manifests drift - --live kubectl --context prod',
    'agentforge manifests drift rendered.yaml --live live.yaml --format markdown',
  ],
  options: {
    live: {
      type: 'string',
      description:
        'The live objects: a kubectl get -o yaml file, a folder, - for standard input, or kubectl to run kubectl get',
      valueName: 'file|dir|-|kubectl',
      file: true,
      stdin: true,
    },
    context: { type: 'string', description: 'kubeconfig context for --live kubectl', valueName: 'name' },
    namespace: {
      type: 'string',
      short: 'n',
      description:
        "Namespace of objects that name none, and kubectl's namespace (default: the manifests' one)",
      valueName: 'ns',
    },
    selector: {
      type: 'string',
      short: 'l',
      description: 'Label selector for --live kubectl (kubectl get -l)',
      valueName: 'selector',
    },
    ...DRIFT_REPORT_OPTIONS,
  },
  async run(context) {
    const { values, positionals } = context;
    const format = choice<DriftFormat>(values.format, DRIFT_FORMATS, 'human', '--format', fail);
    const failOn = choice<Severity>(values['fail-on'], SEVERITIES, 'low', '--fail-on', fail);
    const liveSource = values.live;
    if (typeof liveSource !== 'string' || liveSource === '')
      throw fail('--live <file|dir|-|kubectl> is required');
    const desiredSource = positionals[0]!;
    if (desiredSource === STDIN && liveSource === STDIN) throw fail('stdin (-) can be read only once');
    const string = (name: string) =>
      typeof values[name] === 'string' ? (values[name] as string) : undefined;
    if (liveSource !== KUBECTL && (string('context') || string('selector')))
      throw fail('--context and --selector apply to --live kubectl only');
    const desired = await readManifests(context, desiredSource);
    const namespace = string('namespace');
    let live: unknown[];
    let liveLabel = displayPath(context.cwd, resolve(context.cwd, liveSource));
    if (liveSource === KUBECTL) {
      const args = kubectlGetArgs(desired, {
        ...(string('context') ? { context: string('context')! } : {}),
        ...(namespace ? { namespace } : {}),
        ...(string('selector') ? { selector: string('selector')! } : {}),
      });
      live = loadDocuments(await runKubectl(context, args), { file: '<kubectl get>', reader: 'bulk' }).map(
        (d) => d.data,
      );
      liveLabel = `kubectl get${string('context') ? ` (context ${string('context')})` : ''}`;
    } else {
      live = await readManifests(context, liveSource);
      if (liveSource === STDIN) liveLabel = '<stdin>';
    }
    // A workspace is optional here: rendered manifests can be compared anywhere.
    const workspace = await findWorkspace(context.cwd, context.dir).catch(() => undefined);
    const policy = workspace
      ? await loadPolicy(context, workspace)
      : typeof values.policy === 'string'
        ? await loadDriftPolicy(resolve(context.cwd, values.policy))
        : undefined;
    const report = compareLive(desired, live, {
      ...(policy ? { policy } : {}),
      ...(namespace ? { namespace } : {}),
      labels: { desired: desiredSource === STDIN ? '<stdin>' : desiredSource, live: liveLabel },
      logger: context.logger,
    });
    context.stdout.write(formatReport(report, format, { color: shouldColor(context.stdout, context.env) }));
    return failsOn(report, failOn) ? 1 : 0;
  },
};
