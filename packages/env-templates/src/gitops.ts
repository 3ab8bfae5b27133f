import {
  AgentforgeError,
  driftGlobSegments,
  type EnvironmentDocument,
  type IgnoreRule,
  SERVICE_NAMES,
} from '@agentforge/schema';
import { stringify } from 'yaml';
import { header } from './_yaml.js';
import { type PreparedDocument, prepareDocument } from './document.js';
import type { GeneratedFile, Logger } from './files.js';
import { K8S_ROOT } from './k8s-base.js';

/** Where `env generate --type argocd|flux` writes, relative to the workspace. */
export const GITOPS_DIR = 'deployment/gitops';

/** Where a GitOps controller finds an environment's manifests: the overlay the k8s generator writes. */
export function overlayPath(environment: string): string {
  return `${K8S_ROOT}/overlays/${environment}`;
}

/** Options of the Argo CD and Flux generators. */
export interface GitOpsOptions {
  /** The git repository the controller reads (agentforge.yaml `gitops.repoUrl` or `--repo-url`). Required. */
  repoUrl?: string | undefined;
  /**
   * Branch, tag or commit the controller follows: a branch name, `refs/tags/<tag>`, `refs/heads/<branch>`
   * or a full commit SHA.
   * @default 'main'
   */
  revision?: string | undefined;
  /** The drift policy's ignore rules (`policy.ignore`), translated to `ignoreDifferences` and Flux patches. */
  ignore?: readonly IgnoreRule[] | undefined;
  /** Namespace of the Argo CD Application/ApplicationSet. @default 'argocd' */
  argocdNamespace?: string | undefined;
  /** Argo CD project of the Applications. @default 'default' */
  project?: string | undefined;
  /** Namespace of the Flux GitRepository and Kustomization. @default 'flux-system' */
  fluxNamespace?: string | undefined;
  /** pino-compatible; told which ignore rules a controller cannot express. */
  logger?: Logger | undefined;
}

/** How the controller applies revisions, after the tier default and the document's `platform.gitops`. */
export interface GitOpsSyncPolicy {
  /** Applies new revisions on its own (false: an operator syncs). */
  automated: boolean;
  /** Reverts changes made in the cluster (Argo CD `selfHeal`). */
  selfHeal: boolean;
  /** Deletes objects removed from git. */
  prune: boolean;
}

/**
 * The sync policy of an environment: `platform.gitops` of the document, else the tier default —
 * automated with self-heal and prune in development and staging, manual in production (a release
 * there is a decision, not a side effect of a merge).
 */
export function gitopsSyncPolicy(document: EnvironmentDocument): GitOpsSyncPolicy {
  const stated = document.platform.gitops ?? {};
  const automated =
    (stated.sync ?? (document.tier === 'production' ? 'manual' : 'automated')) === 'automated';
  return {
    automated,
    selfHeal: automated && (stated.selfHeal ?? true),
    // Manual production syncs keep removed objects unless the document asks for pruning: deleting
    // is the one step a later sync cannot undo.
    prune: stated.prune ?? automated,
  };
}

// ---- ignore rules -----------------------------------------------------------------------------

/** One Argo CD `ignoreDifferences` entry. */
export interface ArgoIgnoreDifference {
  group: string;
  kind: string;
  name?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
}

/** A drift ignore rule a controller cannot express, and why. */
export interface UntranslatedRule {
  rule: IgnoreRule;
  reason: string;
}

/**
 * API groups of the kinds the AgentForge overlays render (core kinds have group ""). Argo CD
 * matches `ignoreDifferences` by group and kind, the drift policy by kind only; a kind not listed
 * gets group `*`, which Argo CD matches as a glob (argo-cd util/argo/normalizers).
 */
const KIND_GROUPS: Readonly<Record<string, string>> = {
  ConfigMap: '',
  Secret: '',
  Service: '',
  ServiceAccount: '',
  Namespace: '',
  PersistentVolumeClaim: '',
  Pod: '',
  ResourceQuota: '',
  LimitRange: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  Job: 'batch',
  CronJob: 'batch',
  HorizontalPodAutoscaler: 'autoscaling',
  PodDisruptionBudget: 'policy',
  Ingress: 'networking.k8s.io',
  NetworkPolicy: 'networking.k8s.io',
  Role: 'rbac.authorization.k8s.io',
  RoleBinding: 'rbac.authorization.k8s.io',
  ClusterRole: 'rbac.authorization.k8s.io',
  ClusterRoleBinding: 'rbac.authorization.k8s.io',
  Certificate: 'cert-manager.io',
  ExternalSecret: 'external-secrets.io',
  ServiceMonitor: 'monitoring.coreos.com',
  PrometheusRule: 'monitoring.coreos.com',
};

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// `**` alone, the whole object: everything but its identity (apiVersion, kind, name,
// namespace), which Argo CD needs to match live and desired objects. `..` would delete the root.
const WHOLE_OBJECT =
  '.metadata.labels, .metadata.annotations, .[(keys_unsorted[] | select(. != "apiVersion" and . != "kind" and . != "metadata"))]';
const INDEX = /^\[?(\d+)\]?$/;
const KEYED = /^\[([^=\]]+)=([^\]]*)\]$/;

/**
 * A drift path glob as Argo CD addresses it: a JSON pointer when it names one field, else a jq
 * path expression (`*` → `[]?`, `**` → `..`, `[name=swarm]` → `select(.name? == "swarm")`).
 * `**` alone is the whole object but its identity. A `*` inside a segment (`LOG_*`) is not
 * translated (`undefined`): Argo CD's jq would need a regular expression over the keys, which
 * this translation does not attempt.
 */
export function globToArgoPath(glob: string): { jsonPointer: string } | { jq: string } | undefined {
  const segments = driftGlobSegments(glob);
  if (segments.length === 0) return undefined;
  if (segments.length === 1 && segments[0] === '**') return { jq: WHOLE_OBJECT };
  if (segments.every((s) => !s.includes('*') && (INDEX.test(s) || !s.startsWith('['))))
    return {
      jsonPointer: segments
        .map((s) => `/${(INDEX.exec(s)?.[1] ?? s).replace(/~/g, '~0').replace(/\//g, '~1')}`)
        .join(''),
    };
  let out = '';
  // After `..` or `select(…)` the expression continues with a pipe; `?` keeps a step that meets
  // a value of another type (a string under `..`) from failing the whole expression.
  let piped = false;
  let lenient = false;
  const step = (accessor: string) => {
    const dotted = accessor.startsWith('.') ? accessor : `.${accessor}`;
    if (piped) out += ` | ${dotted}`;
    else out += out === '' ? dotted : accessor;
    piped = false;
  };
  for (const segment of segments) {
    const keyed = KEYED.exec(segment);
    if (segment === '**') {
      out += out === '' ? '..' : ' | ..';
      piped = true;
      lenient = true;
    } else if (segment === '*') step('[]?');
    else if (keyed) {
      step('[]?');
      out += ` | select(.${jqKey(keyed[1]!)}? == ${JSON.stringify(keyed[2])})`;
      piped = true;
    } else if (segment.includes('*')) return undefined;
    else if (INDEX.test(segment)) step(`[${INDEX.exec(segment)![1]}]${lenient ? '?' : ''}`);
    else {
      const key = IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
      step(`${key}${lenient ? '?' : ''}`);
    }
  }
  return { jq: out };
}

const jqKey = (key: string) => (IDENTIFIER.test(key) ? key : `[${JSON.stringify(key)}]`);

const appliesTo = (rule: IgnoreRule, environment: string) =>
  rule.environments === undefined || rule.environments.includes(environment);

/** The (group, kind, name) targets of a rule: every kind × every name; none named → all objects. */
function targets(rule: IgnoreRule): Array<{ group: string; kind: string; name?: string }> {
  const kinds = rule.resourceKinds ?? ['*'];
  const names = rule.resourceNames ?? [undefined];
  return kinds.flatMap((kind) =>
    names.map((name) => ({
      group: kind === '*' ? '*' : (KIND_GROUPS[kind] ?? '*'),
      kind,
      ...(name === undefined ? {} : { name }),
    })),
  );
}

/**
 * The drift policy's ignore rules for `environment` as Argo CD `ignoreDifferences`: one entry
 * per group, kind and name, with the rule's paths as JSON pointers or jq path expressions.
 * Argo CD ignores every difference at those paths; a rule limited to some change `kinds`
 * (`added` only) is therefore translated more broadly — listed in `broadened`.
 */
export function argoIgnoreDifferences(
  environment: string,
  rules: readonly IgnoreRule[],
): { entries: ArgoIgnoreDifference[]; untranslated: UntranslatedRule[]; broadened: IgnoreRule[] } {
  const byTarget = new Map<string, ArgoIgnoreDifference>();
  const untranslated: UntranslatedRule[] = [];
  const broadened: IgnoreRule[] = [];
  for (const rule of rules) {
    if (!appliesTo(rule, environment)) continue;
    const paths = rule.paths.map((glob) => ({ glob, path: globToArgoPath(glob) }));
    const bad = paths.filter((p) => p.path === undefined).map((p) => p.glob);
    if (bad.length > 0) {
      untranslated.push({
        rule,
        reason: `Argo CD has no path expression for ${bad.map((g) => JSON.stringify(g)).join(', ')} (a * inside a key)`,
      });
      continue;
    }
    if (rule.kinds !== undefined) broadened.push(rule);
    for (const target of targets(rule)) {
      const key = `${target.group}\u0000${target.kind}\u0000${target.name ?? ''}`;
      const entry = byTarget.get(key) ?? { ...target };
      byTarget.set(key, entry);
      for (const { path } of paths) {
        if (path && 'jsonPointer' in path) {
          entry.jsonPointers ??= [];
          if (!entry.jsonPointers.includes(path.jsonPointer)) entry.jsonPointers.push(path.jsonPointer);
        } else if (path) {
          entry.jqPathExpressions ??= [];
          if (!entry.jqPathExpressions.includes(path.jq)) entry.jqPathExpressions.push(path.jq);
        }
      }
    }
  }
  return { entries: [...byTarget.values()], untranslated, broadened };
}

/** A Flux Kustomization `spec.patches` entry. */
export interface FluxPatch {
  patch: string;
  target: { group?: string; kind: string; name?: string };
}

// Server-side apply policy of one object: `IfNotPresent` creates it when missing and never
// overwrites it afterwards — Flux's way of leaving an object's live state alone.
const FLUX_SSA = 'kustomize.toolkit.fluxcd.io/ssa';

/**
 * The ignore rules Flux can express. A Flux Kustomization has no field-level ignore: it applies
 * the manifests server-side at every interval and owns exactly the fields they set (fields it
 * does not set — an HPA's replicas when the Deployment leaves them out — are never reverted).
 * A rule that ignores whole objects (`paths: "**"` with `resourceKinds`) becomes a patch giving
 * those objects `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent`; every other rule is returned as
 * untranslated, for the generated file's header and the log.
 */
export function fluxIgnorePatches(
  environment: string,
  rules: readonly IgnoreRule[],
): { patches: FluxPatch[]; untranslated: UntranslatedRule[] } {
  const patches: FluxPatch[] = [];
  const untranslated: UntranslatedRule[] = [];
  for (const rule of rules) {
    if (!appliesTo(rule, environment)) continue;
    if (!rule.paths.includes('**')) {
      untranslated.push({
        rule,
        reason:
          'Flux has no field-level ignore; it reverts the fields the manifests set at every interval. Leave the field out of the manifests, or ignore the whole object (paths: "**" with resourceKinds)',
      });
      continue;
    }
    if (rule.resourceKinds === undefined) {
      untranslated.push({
        rule,
        reason: 'ignoring every object would stop Flux applying anything; name resourceKinds',
      });
      continue;
    }
    for (const target of targets(rule)) {
      patches.push({
        patch: stringify(
          {
            apiVersion: 'v1',
            kind: target.kind,
            // With a target, kustomize applies the patch to every match; this name is not used.
            metadata: { name: target.name ?? 'any', annotations: { [FLUX_SSA]: 'IfNotPresent' } },
          },
          YAML_OPTIONS,
        ),
        target: {
          ...(target.group === '*' || target.group === '' ? {} : { group: target.group }),
          kind: target.kind,
          ...(target.name === undefined ? {} : { name: target.name }),
        },
      });
    }
  }
  return { patches, untranslated };
}

// ---- objects ----------------------------------------------------------------------------------

const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const IN_CLUSTER = 'https://kubernetes.default.svc';

function source(options: GitOpsOptions): { repoUrl: string; revision: string } {
  const repoUrl = options.repoUrl?.trim();
  if (!repoUrl)
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      'no git repository for the GitOps controller: set gitops.repoUrl in agentforge.yaml or pass --repo-url <url>',
    );
  const revision = options.revision?.trim() || 'main';
  if (/\s/.test(revision))
    throw new AgentforgeError('INVALID_ARGUMENT', `invalid git revision ${JSON.stringify(revision)}`);
  return { repoUrl, revision };
}

const commonLabels = (document: EnvironmentDocument) => ({
  'app.kubernetes.io/part-of': 'agentforge',
  'app.kubernetes.io/managed-by': 'agentforge',
  'agentforge.io/environment': document.name,
  'agentforge.io/tier': document.tier,
});

/** The parts of an Application that differ per environment (also the ApplicationSet's elements). */
function argoVariant(document: EnvironmentDocument, options: GitOpsOptions) {
  const sync = gitopsSyncPolicy(document);
  const ignore = argoIgnoreDifferences(document.name, options.ignore ?? []);
  return {
    sync,
    ignore,
    syncPolicy: {
      ...(sync.automated ? { automated: { prune: sync.prune, selfHeal: sync.selfHeal } } : {}),
      syncOptions: [
        // Argo CD applies the ignored fields' live values instead of overwriting them.
        ...(ignore.entries.length > 0 ? ['RespectIgnoreDifferences=true'] : []),
        'PruneLast=true',
      ],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
    },
  };
}

// Argo CD's revision: a branch, tag or SHA without the `refs/heads/` / `refs/tags/` prefix.
const argoRevision = (revision: string) => revision.replace(/^refs\/(?:heads|tags)\//, '');

/** The Argo CD `Application` of one environment. */
export function argocdApplication(
  prepared: PreparedDocument,
  options: GitOpsOptions = {},
): Record<string, unknown> {
  const { document } = prepared;
  const { repoUrl, revision } = source(options);
  const variant = argoVariant(document, options);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: `agentforge-${document.name}`,
      namespace: options.argocdNamespace ?? 'argocd',
      labels: commonLabels(document),
    },
    spec: {
      project: options.project ?? 'default',
      source: { repoURL: repoUrl, targetRevision: argoRevision(revision), path: overlayPath(document.name) },
      destination: { server: IN_CLUSTER, namespace: document.platform.namespace },
      syncPolicy: variant.syncPolicy,
      ...(variant.ignore.entries.length > 0 ? { ignoreDifferences: variant.ignore.entries } : {}),
      revisionHistoryLimit: 10,
    },
  };
}

// The part of each generated Application that varies with the environment, as a Go template
// over the list element (ApplicationSet `templatePatch`, Argo CD ≥ 2.10): plain template fields
// are strings, and `automated` must be present or absent, not templated.
const TEMPLATE_PATCH = `spec:
  syncPolicy:
    {{- if .automated }}
    automated:
      prune: {{ .prune }}
      selfHeal: {{ .selfHeal }}
    {{- end }}
    syncOptions: {{ toJson .syncOptions }}
  {{- if .ignoreDifferences }}
  ignoreDifferences: {{ toJson .ignoreDifferences }}
  {{- end }}
`;

/**
 * One Argo CD `ApplicationSet` over `documents`: a list generator with one element per
 * environment (name, namespace, overlay path, sync policy and ignore rules), producing the same
 * Applications as {@link argocdApplication} one by one.
 */
export function argocdApplicationSet(
  documents: readonly PreparedDocument[],
  options: GitOpsOptions = {},
): Record<string, unknown> {
  if (documents.length === 0)
    throw new AgentforgeError('INVALID_ARGUMENT', 'an ApplicationSet needs at least one environment');
  const { repoUrl, revision } = source(options);
  const elements = documents.map(({ document }) => {
    const variant = argoVariant(document, options);
    return {
      environment: document.name,
      tier: document.tier,
      namespace: document.platform.namespace,
      path: overlayPath(document.name),
      automated: variant.sync.automated,
      prune: variant.sync.prune,
      selfHeal: variant.sync.selfHeal,
      syncOptions: variant.syncPolicy.syncOptions,
      ignoreDifferences: variant.ignore.entries,
    };
  });
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: {
      name: 'agentforge',
      namespace: options.argocdNamespace ?? 'argocd',
      labels: { 'app.kubernetes.io/part-of': 'agentforge', 'app.kubernetes.io/managed-by': 'agentforge' },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [{ list: { elements } }],
      template: {
        metadata: {
          name: 'agentforge-{{ .environment }}',
          labels: {
            'app.kubernetes.io/part-of': 'agentforge',
            'app.kubernetes.io/managed-by': 'agentforge',
            'agentforge.io/environment': '{{ .environment }}',
            'agentforge.io/tier': '{{ .tier }}',
          },
        },
        spec: {
          project: options.project ?? 'default',
          source: { repoURL: repoUrl, targetRevision: argoRevision(revision), path: '{{ .path }}' },
          destination: { server: IN_CLUSTER, namespace: '{{ .namespace }}' },
          syncPolicy: {
            retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
          },
          revisionHistoryLimit: 10,
        },
      },
      templatePatch: TEMPLATE_PATCH,
    },
  };
}

/** Flux's `ref` for a revision: a commit SHA, a full ref name, or a branch. */
function fluxRef(revision: string): Record<string, string> {
  if (/^[0-9a-f]{40}$/.test(revision)) return { commit: revision };
  if (revision.startsWith('refs/')) return { name: revision };
  return { branch: revision };
}

/** The Flux `GitRepository` and `Kustomization` of one environment. */
export function fluxObjects(
  prepared: PreparedDocument,
  options: GitOpsOptions = {},
): { objects: Record<string, unknown>[]; untranslated: UntranslatedRule[] } {
  const { document } = prepared;
  const { repoUrl, revision } = source(options);
  const sync = gitopsSyncPolicy(document);
  const namespace = options.fluxNamespace ?? 'flux-system';
  const name = `agentforge-${document.name}`;
  const { patches, untranslated } = fluxIgnorePatches(document.name, options.ignore ?? []);
  const deployments = SERVICE_NAMES.filter((service) => document.services[service].enabled);
  return {
    untranslated,
    objects: [
      {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'GitRepository',
        metadata: { name, namespace, labels: commonLabels(document) },
        spec: { interval: '1m', url: repoUrl, ref: fluxRef(revision) },
      },
      {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name, namespace, labels: commonLabels(document) },
        spec: {
          interval: '10m',
          retryInterval: '2m',
          path: `./${overlayPath(document.name)}`,
          sourceRef: { kind: 'GitRepository', name },
          prune: sync.prune,
          // Manual: Flux applies nothing until an operator runs `flux resume kustomization`.
          ...(sync.automated ? {} : { suspend: true }),
          // Ready only when every enabled service's Deployment has rolled out.
          healthChecks: deployments.map((service) => ({
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: service,
            namespace: document.platform.namespace,
          })),
          timeout: '5m',
          ...(patches.length > 0 ? { patches } : {}),
        },
      },
    ],
  };
}

// ---- files ------------------------------------------------------------------------------------

const toYaml = (value: unknown) => stringify(value, YAML_OPTIONS);

function notes(untranslated: readonly UntranslatedRule[], broadened: readonly IgnoreRule[] = []): string[] {
  const lines: string[] = [];
  for (const { rule, reason } of untranslated)
    lines.push(`Drift ignore rule ${JSON.stringify(rule.paths)} is not applied here: ${reason}.`);
  for (const rule of broadened)
    lines.push(
      `Drift ignore rule ${JSON.stringify(rule.paths)} covers only ${rule.kinds!.join('/')} changes; Argo CD ignores every difference at these paths.`,
    );
  return lines;
}

function warn(logger: Logger | undefined, environment: string, untranslated: readonly UntranslatedRule[]) {
  for (const { rule, reason } of untranslated)
    logger?.warn({ environment, paths: rule.paths, reason }, 'a drift ignore rule has no GitOps equivalent');
}

/** `deployment/gitops/argocd-<name>.yaml`: the environment's Argo CD Application. */
export function argocdFiles(prepared: PreparedDocument, options: GitOpsOptions = {}): GeneratedFile[] {
  const { document } = prepared;
  const { sync, ignore } = argoVariant(document, options);
  warn(options.logger, document.name, ignore.untranslated);
  const content =
    header([
      `Argo CD Application for the AgentForge environment "${document.name}" (${document.tier}).`,
      `Generated by \`agentforge env generate ${document.name} --type argocd\` from environments/${document.name}.yaml; do not edit.`,
      `Syncs ${overlayPath(document.name)} (\`agentforge env generate ${document.name} --type k8s\`) ${sync.automated ? `automatically (selfHeal ${sync.selfHeal}, prune ${sync.prune})` : 'when an operator syncs it (manual)'}.`,
      "Health: Argo CD's built-in checks (Deployments rolled out, Services and HPAs ready).",
      ...notes(ignore.untranslated, ignore.broadened),
    ]) + toYaml(argocdApplication(prepared, options));
  return [{ path: `${GITOPS_DIR}/argocd-${document.name}.yaml`, content, mode: 0o644 }];
}

/** `deployment/gitops/flux-<name>.yaml`: the environment's Flux GitRepository and Kustomization. */
export function fluxFiles(prepared: PreparedDocument, options: GitOpsOptions = {}): GeneratedFile[] {
  const { document } = prepared;
  const sync = gitopsSyncPolicy(document);
  const { objects, untranslated } = fluxObjects(prepared, options);
  warn(options.logger, document.name, untranslated);
  const content =
    header([
      `Flux GitRepository and Kustomization for the AgentForge environment "${document.name}" (${document.tier}).`,
      `Generated by \`agentforge env generate ${document.name} --type flux\` from environments/${document.name}.yaml; do not edit.`,
      sync.automated
        ? `Applies ${overlayPath(document.name)} every interval (prune ${sync.prune}); Flux always reverts changes to the fields the manifests set.`
        : `Suspended (manual sync): \`flux resume kustomization agentforge-${document.name} -n ${options.fluxNamespace ?? 'flux-system'}\` applies ${overlayPath(document.name)}, \`flux suspend\` stops it again.`,
      ...(sync.automated && !sync.selfHeal
        ? [
            'platform.gitops.selfHeal is false, but Flux has no such switch: it reverts live changes at every interval.',
          ]
        : []),
      ...notes(untranslated),
    ]) + objects.map(toYaml).join('---\n');
  return [{ path: `${GITOPS_DIR}/flux-${document.name}.yaml`, content, mode: 0o644 }];
}

/**
 * `deployment/gitops/argocd-applicationset.yaml`: one ApplicationSet over every environment.
 * Documents are validated and prepared as for every generator.
 * @example const files = argocdApplicationSetFiles(documents, { repoUrl: 'https://git.example.com/platform.git' });
 */
export function argocdApplicationSetFiles(
  documents: readonly unknown[],
  options: GitOpsOptions = {},
): GeneratedFile[] {
  const prepared = documents.map((document) => prepareDocument(document, options.logger));
  const names = prepared.map(({ document }) => document.name);
  const lines: string[] = [];
  for (const one of prepared) {
    const { ignore } = argoVariant(one.document, options);
    warn(options.logger, one.document.name, ignore.untranslated);
    lines.push(...notes(ignore.untranslated, ignore.broadened).map((n) => `${one.document.name}: ${n}`));
  }
  const content =
    header([
      `Argo CD ApplicationSet over the AgentForge environments ${names.join(', ')}.`,
      'Generated by `agentforge env generate --all --type argocd` from environments/*.yaml; do not edit.',
      'Each environment syncs its overlay deployment/k8s/overlays/<name>; sync policy per tier (templatePatch, Argo CD >= 2.10).',
      ...[...new Set(lines)],
    ]) + toYaml(argocdApplicationSet(prepared, options));
  return [{ path: `${GITOPS_DIR}/argocd-applicationset.yaml`, content, mode: 0o644 }];
}
