import {
  AgentforgeError,
  type ChangeKind,
  type ClassificationRule,
  ClassificationRuleSchema,
  DriftPolicyFileSchema,
  type IgnoreRule,
  IgnoreRuleSchema,
  type Locator,
  loadDocument,
  loadFile,
  parseDriftPolicyFile,
  type Severity,
  shiftSeverity,
} from '@agentforge/schema';
import { compileGlobs, type SegmentMatcher } from './paths.js';

export type { ClassificationRule, IgnoreRule };
// The policy file's schemas live in @agentforge/schema (env-templates reads the same file);
// they are re-exported from this package's barrel for existing users.
export { ClassificationRuleSchema, DriftPolicyFileSchema, IgnoreRuleSchema };

/** Everything that decides how changes are classified and which are ignored. */
export interface DriftPolicy {
  rules: ClassificationRule[];
  ignore: IgnoreRule[];
  orderSensitive: string[];
  listKeys: Record<string, string>;
  numericStrings: boolean | string[];
}

const rule = (
  id: string,
  paths: string[],
  severity: Severity,
  explanation: string,
  recommendation: string,
  extra: Partial<ClassificationRule> = {},
): ClassificationRule => ({
  id,
  paths,
  severity,
  explanation,
  recommendation,
  ...extra,
});

/**
 * The AgentForge default classification: secrets, security and TLS critical; dependency URLs,
 * the LLM provider and images high; replicas, resources and autoscaling medium; logging and
 * features low; anything else medium. First match wins.
 */
export const DEFAULT_RULES: readonly ClassificationRule[] = [
  // Before the secret rule: an unknown key in a live Secret is an unreviewed credential every
  // pod loading the Secret gets, but not a rotation of one the manifests know.
  rule(
    'drift/live-extra-secret-key',
    ['data.*', 'binaryData.*'],
    'high',
    'The live Secret holds a key its manifest does not (the value is hidden); pods that load the Secret whole get it.',
    'Find who added it; delete it from the Secret or add it to the manifests’ source (`kubectl apply` keeps keys it did not apply).',
    { kinds: ['added'], resourceKinds: ['Secret'] },
  ),
  rule(
    'drift/live-extra-config-key',
    ['data.*', 'binaryData.*'],
    'medium',
    'The live ConfigMap holds a key its manifest does not set; pods that load it whole (envFrom, volumes) see it.',
    'Remove the key from the live ConfigMap or add it to the manifests’ source (`kubectl apply` keeps keys it did not apply).',
    { kinds: ['added'], resourceKinds: ['ConfigMap'] },
  ),
  rule(
    'drift/secret-value',
    ['**'],
    'critical',
    'A secret value changed (the value is hidden).',
    'Confirm the rotation was intended and that every consumer received the new secret.',
    { secret: true },
  ),
  rule(
    'drift/security',
    [
      'security.**',
      '**.securityContext.**',
      '**.runAsNonRoot',
      '**.readOnlyRootFilesystem',
      '**.privileged',
      '**.allowPrivilegeEscalation',
      '**.capabilities.**',
    ],
    'critical',
    'The security posture changed.',
    'Have the change reviewed by the platform security owner before it reaches production.',
  ),
  rule(
    'drift/access-control',
    ['**'],
    'critical',
    'Network or access-control policy changed.',
    'Have the change reviewed by the platform security owner.',
    {
      resourceKinds: [
        'NetworkPolicy',
        'Role',
        'ClusterRole',
        'RoleBinding',
        'ClusterRoleBinding',
        'ServiceAccount',
      ],
    },
  ),
  rule(
    'drift/secrets',
    [
      'secrets.**',
      '**.secretRef',
      '**.secretKeyRef.**',
      '**.apiKey.**',
      '**.password.**',
      '**.credentials.**',
      '**.adminPassword.**',
    ],
    'critical',
    'Where a secret is read from changed.',
    'Check the referenced Secret exists in the target namespace and holds the expected keys.',
  ),
  rule(
    'drift/tls',
    ['**.tls', '**.tls.**', '**.sslmode', '**.ssl', '**.insecureSkipVerify'],
    'critical',
    'TLS settings changed.',
    'Make sure encryption in transit stays on and certificates are still verified.',
  ),
  rule(
    'drift/identity',
    ['name', 'tier', 'platform.**', 'debug'],
    'high',
    'The environment’s identity, platform or debug mode changed.',
    'Check the document still describes the environment it is deployed to.',
  ),
  rule(
    'drift/dependency-url',
    ['dependencies.*.url', 'dependencies.*.urls.**', 'dependencies.*.host', 'dependencies.*.endpoint'],
    'high',
    'A dependency (Redis, NATS, PostgreSQL) now points somewhere else.',
    'Verify the new endpoint is reachable from the cluster and holds the expected data.',
  ),
  rule(
    'drift/llm-provider',
    ['llm.provider', 'llm.model', 'llm.endpoint'],
    'high',
    'The LLM provider, model or endpoint changed.',
    'Check cost, quotas and output quality with the new provider before rollout.',
  ),
  rule(
    'drift/live-image',
    ['**.containers.*.image', '**.initContainers.*.image', '**.ephemeralContainers.*.image'],
    'critical',
    'A workload runs a different container image than its manifest names.',
    'Find who changed it (kubectl rollout history), then re-apply the manifest or commit the new image pinned by digest.',
    { resourceKinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'] },
  ),
  rule(
    'drift/image',
    ['services.*.image', '**.containers.*.image', '**.initContainers.*.image'],
    'high',
    'A different container image will run.',
    'Confirm the image is the intended, scanned release, pinned by digest.',
  ),
  rule(
    'drift/enabled',
    ['services.*.enabled'],
    'high',
    'A service was switched on or off.',
    'Check the services that depend on it.',
  ),
  rule(
    'drift/capacity',
    [
      'services.*.replicas',
      '**.replicas',
      'services.*.resources.**',
      '**.resources.**',
      'services.*.autoscaling.**',
      '**.minReplicas',
      '**.maxReplicas',
      '**.metrics.**',
    ],
    'medium',
    'Capacity (replicas, resources or autoscaling) changed.',
    'Check the cluster has room for it and that latency and cost stay within budget.',
  ),
  rule(
    'drift/logging',
    ['logging.**'],
    'low',
    'Logging settings changed.',
    'Expect different log volume; make sure nothing sensitive is logged at the new level.',
  ),
  rule(
    'drift/features',
    ['features.**'],
    'low',
    'A feature flag changed.',
    'Confirm the flag change is part of a planned rollout.',
  ),
  rule(
    'drift/other',
    ['**'],
    'medium',
    'Configuration changed.',
    'Review the change and accept it as the new baseline if it was intended.',
  ),
];

/** The AgentForge default policy: {@link DEFAULT_RULES}, no ignores, order-sensitive `command`/`args`/`initContainers`. */
export function defaultPolicy(): DriftPolicy {
  return {
    rules: [...DEFAULT_RULES],
    ignore: [],
    orderSensitive: ['**.command', '**.args', '**.initContainers'],
    listKeys: {},
    numericStrings: false,
  };
}

/** Builds a policy from the parsed content of a policy file, merged over the defaults. */
export function policyFromData(
  data: unknown,
  options: { file?: string; locator?: Locator } = {},
): DriftPolicy {
  const file = parseDriftPolicyFile(data, options);
  const base = defaultPolicy();
  return {
    rules: [...file.rules, ...(file.defaults ? base.rules : [])],
    ignore: file.ignore,
    orderSensitive: [...file.orderSensitive, ...(file.defaults ? base.orderSensitive : [])],
    listKeys: file.listKeys,
    numericStrings: file.numericStrings,
  };
}

/**
 * Loads a drift policy file (YAML or JSON) with the shared loader; a malformed file is an
 * {@link AgentforgeError} naming file, line and column.
 * @example const policy = await loadDriftPolicy('drift-policy.yaml');
 */
export async function loadDriftPolicy(file: string): Promise<DriftPolicy> {
  const loaded = await loadFile(file);
  return policyFromData(loaded.data, { file: loaded.file, locator: loaded.locator });
}

/** {@link loadDriftPolicy} for text already in memory. */
export function parseDriftPolicy(text: string, file = 'drift-policy.yaml'): DriftPolicy {
  const loaded = loadDocument(text, { file });
  return policyFromData(loaded.data, { file, locator: loaded.locator });
}

/** What classification needs to know about a change. */
export interface ClassifiableChange {
  kind: ChangeKind;
  /** Segment texts of the path (see `segmentText`). */
  segments: readonly string[];
  secret: boolean;
  /** For a removal: whether a whole section (an object or list with content) went. */
  section: boolean;
  resourceKind?: string | undefined;
}

/** The verdict for one change. */
export interface Classification {
  ruleId: string;
  severity: Severity;
  explanation: string;
  recommendation: string;
}

/** A compiled policy: classify and ignore changes. */
export interface Classifier {
  classify(change: ClassifiableChange): Classification;
  ignored(
    change: ClassifiableChange & { resourceName?: string | undefined },
    environments: readonly string[],
  ): IgnoreRule | undefined;
}

const REORDER: Omit<Classification, 'severity'> = {
  ruleId: 'drift/reordered',
  explanation: 'Only the order of the list changed.',
  recommendation: 'Usually harmless; declare the path order-sensitive if order matters there.',
};

/**
 * Compiles a policy. Classification is a pure function of the change and the policy: the
 * first matching rule gives the severity; a reorder is low unless the path is order-sensitive;
 * a removed section is one step more severe.
 */
export function createClassifier(policy: DriftPolicy): Classifier {
  const rules = policy.rules.map((r) => ({ rule: r, match: compileGlobs(r.paths) }));
  const ignores: Array<{ rule: IgnoreRule; match: SegmentMatcher }> = policy.ignore.map((r) => ({
    rule: r,
    match: compileGlobs(r.paths),
  }));
  const orderSensitive = compileGlobs(policy.orderSensitive);
  // Without the defaults, a change no rule matches still gets the catch-all verdict.
  const fallback = DEFAULT_RULES[DEFAULT_RULES.length - 1]!;
  const find = (change: ClassifiableChange) => {
    for (const { rule: r, match } of rules)
      if (
        (r.kinds === undefined || r.kinds.includes(change.kind)) &&
        (r.secret === undefined || r.secret === change.secret) &&
        (r.resourceKinds === undefined ||
          (change.resourceKind !== undefined && r.resourceKinds.includes(change.resourceKind))) &&
        match(change.segments)
      )
        return r;
    return fallback;
  };
  return {
    classify(change) {
      const found = find(change);
      if (change.kind === 'reordered' && !orderSensitive(change.segments))
        return { ...REORDER, severity: 'low' };
      const severity =
        change.kind === 'removed' && change.section ? shiftSeverity(found.severity, 1) : found.severity;
      return {
        ruleId: found.id,
        severity,
        explanation: found.explanation,
        recommendation: found.recommendation,
      };
    },
    ignored(change, environments) {
      return ignores.find(
        ({ rule: r, match }) =>
          (r.environments === undefined || r.environments.some((e) => environments.includes(e))) &&
          (r.kinds === undefined || r.kinds.includes(change.kind)) &&
          (r.resourceKinds === undefined ||
            (change.resourceKind !== undefined && r.resourceKinds.includes(change.resourceKind))) &&
          (r.resourceNames === undefined ||
            (change.resourceName !== undefined && r.resourceNames.includes(change.resourceName))) &&
          match(change.segments),
      )?.rule;
    },
  };
}
