import {
  CHANGE_KINDS,
  type Change,
  type ChangeKind,
  compareSeverity,
  createFingerprintKey,
  isAtLeast,
  isPlainObject,
  markerKeyId,
  SEVERITIES,
  type Severity,
  setOwnProperty,
} from '@agentforge/schema';
import { formatResourceRef, type ResourceRef, resourceRef } from '@agentforge/schema/kubernetes';
import { type CanonicalOptions, createCanonicalizer, createCanonicalizers } from './canonical.js';
import { type DiffOptions, diffCanonical, type RawChange } from './diff.js';
import type { Json } from './json.js';
import { cleanKubernetesObject, flattenManifests } from './kubernetes.js';
import { segmentText } from './paths.js';
import { type Classifier, createClassifier, type DriftPolicy, defaultPolicy } from './rules.js';
import type { Logger, SnapshotMeta, SnapshotStore } from './store.js';

/** Version of the report's JSON shape; bumped on any incompatible change. */
export const REPORT_FORMAT_VERSION = 1;

/** What a masked secret value reads as in a report. */
export const HIDDEN = '«hidden»';

/** One classified change in a {@link DriftReport}: the shared `Change` plus its verdict. */
export interface DriftChange extends Change {
  kind: ChangeKind;
  /** User-facing path, e.g. `/services/swarm/env/LOG_LEVEL` or `/spec/template/spec/containers[name=swarm]/image`. */
  path: string;
  /** The old value (canonical form), secrets replaced by {@link HIDDEN}; absent for `added`. */
  before?: Json;
  /** The new value (canonical form), secrets replaced by {@link HIDDEN}; absent for `removed`. */
  after?: Json;
  /** True when a secret is involved: it changed, but its value is not shown. */
  secret: boolean;
  severity: Severity;
  ruleId: string;
  explanation: string;
  recommendation: string;
  /** The Kubernetes object the path is inside, when comparing manifests. */
  resource?: ResourceRef;
}

/** One side of a comparison. */
export interface ComparisonSide {
  label: string;
  environment?: string;
  snapshot?: Pick<SnapshotMeta, 'id' | 'createdAt' | 'message'>;
}

/** The result of a comparison: classified changes, counts and what was compared. */
export interface DriftReport {
  formatVersion: typeof REPORT_FORMAT_VERSION;
  comparison: {
    type: 'documents' | 'snapshot' | 'snapshots' | 'environments' | 'manifests';
    before: ComparisonSide;
    after: ComparisonSide;
  };
  /** Changes not ignored, most severe first. */
  changes: DriftChange[];
  counts: {
    total: number;
    ignored: number;
    bySeverity: Record<Severity, number>;
    byKind: Record<ChangeKind, number>;
    /**
     * Secrets whose fingerprints were made under different keys (another workspace's key, a
     * rotated key, a snapshot from before keyed fingerprints): whether they changed cannot be
     * told, so they are counted here and never reported as a change.
     */
    notComparable: number;
  };
  /** Paths of the secrets counted in `counts.notComparable`. */
  notComparable: string[];
}

/** Options of every comparison. */
export interface DriftOptions extends CanonicalOptions, DiffOptions {
  /** Classification, ignores and list settings. @default defaultPolicy() */
  policy?: DriftPolicy;
  /** Environments taking part, for environment-scoped ignore rules (filled in by the compare functions). */
  environments?: readonly string[];
  /**
   * A schema (zod or anything with `safeParse`) whose output is compared instead of the raw
   * documents, so defaulted fields compare equal to written ones; used only when both sides parse.
   */
  schema?: { safeParse(value: unknown): { success: boolean; data?: unknown } };
  logger?: Logger;
}

// Every marker form: keyed (`«redacted:<key id>:<fingerprint>»`), pre-key (12 hex) and bare.
const MARKERS = /\u00abredacted(?::[0-9a-f]{16}:[0-9a-f]{32}|:[0-9a-f]{12}|:too-deep)?\u00bb/g;
const MARKER_START = '«redacted';

/**
 * True when a modified value differs only in secret markers made under different keys (or
 * without a key): nothing shows whether the secret changed.
 */
function incomparable(before: Json | undefined, after: Json | undefined): boolean {
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  if (!before.includes(MARKER_START) || !after.includes(MARKER_START)) return false;
  const a = before.match(MARKERS) ?? [];
  const b = after.match(MARKERS) ?? [];
  if (a.length !== b.length || before.replace(MARKERS, HIDDEN) !== after.replace(MARKERS, HIDDEN))
    return false;
  // Same text around the markers: a real change shows only between markers of one key.
  return a.some((marker, i) => {
    const id = markerKeyId(marker);
    return id === undefined || id !== markerKeyId(b[i]!);
  });
}

function mask(value: Json | undefined): { value: Json | undefined; secret: boolean } {
  let secret = false;
  const walk = (v: Json): Json => {
    if (typeof v === 'string') {
      if (!v.includes(MARKER_START)) return v;
      const masked = v.replace(MARKERS, HIDDEN);
      if (masked !== v) secret = true;
      return masked;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, Json> = {};
      for (const [k, m] of Object.entries(v)) setOwnProperty(out, k, walk(m as Json));
      return out;
    }
    return v;
  };
  return { value: value === undefined ? undefined : walk(value), secret };
}

interface Side {
  label: string;
  environment?: string;
  snapshot?: SnapshotMeta;
}

/** @internal */
export function side({ label, environment, snapshot }: Side): ComparisonSide {
  const out: ComparisonSide = { label };
  if (environment !== undefined) out.environment = environment;
  if (snapshot)
    out.snapshot = {
      id: snapshot.id,
      createdAt: snapshot.createdAt,
      ...(snapshot.message ? { message: snapshot.message } : {}),
    };
  return out;
}

// The default policy and its compiled classifier, made once: most comparisons use them.
let defaults: { policy: DriftPolicy; classifier: Classifier } | undefined;
const defaultSettings = () => {
  if (defaults === undefined) {
    const policy = defaultPolicy();
    defaults = { policy, classifier: createClassifier(policy) };
  }
  return defaults;
};

/** @internal Policy, canonical and diff settings of one comparison (shared with `live.ts`). */
export function settings(options: DriftOptions) {
  const policy = options.policy ?? defaultSettings().policy;
  const canonicalOptions: CanonicalOptions = {
    ...(options.quantityPaths ? { quantityPaths: options.quantityPaths } : {}),
    numericStrings: options.numericStrings ?? policy.numericStrings,
    kubernetes: options.kubernetes ?? 'auto',
    // Both sides of one comparison are fingerprinted under one key.
    fingerprintKey: options.fingerprintKey ?? createFingerprintKey(),
  };
  const diffOptions: DiffOptions = {
    listKeys: { ...policy.listKeys, ...options.listKeys },
    ...(options.keyFields ? { keyFields: options.keyFields } : {}),
  };
  return { policy, canonicalOptions, diffOptions };
}

/** @internal Classifies, filters and counts raw changes into a report. */
export function buildReport(
  raw: Array<RawChange & { resource?: ResourceRef }>,
  options: DriftOptions,
  comparison: DriftReport['comparison'],
): DriftReport {
  const classifier = options.policy ? createClassifier(options.policy) : defaultSettings().classifier;
  const environments =
    options.environments ??
    [comparison.before.environment, comparison.after.environment].filter((e): e is string => e !== undefined);
  const bySeverity = {} as Record<Severity, number>;
  for (const severity of SEVERITIES) bySeverity[severity] = 0;
  const byKind = {} as Record<ChangeKind, number>;
  for (const kind of CHANGE_KINDS) byKind[kind] = 0;
  const changes: DriftChange[] = [];
  const notComparable: string[] = [];
  let ignored = 0;
  for (const change of raw) {
    if (change.kind === 'modified' && incomparable(change.before, change.after)) {
      notComparable.push(
        change.path.includes(MARKER_START) ? change.path.replace(MARKERS, HIDDEN) : change.path,
      );
      continue;
    }
    const before = mask(change.before);
    const after = mask(change.after);
    const secret = before.secret || after.secret;
    const subject = {
      kind: change.kind,
      segments: change.segments.map(segmentText),
      secret,
      // A section is a named block (`logging`, `services.swarm.probes`), not a list item.
      section:
        change.kind === 'removed' &&
        typeof (change.segments.at(-1) ?? '') === 'string' &&
        isPlainObject(change.before) &&
        Object.keys(change.before).length > 0,
      resourceKind: change.resource?.kind,
      resourceName: change.resource?.name,
    };
    if (classifier.ignored(subject, environments)) {
      ignored++;
      continue;
    }
    const verdict = classifier.classify(subject);
    // A list item keyed by a secret-looking value shows as `[name=«hidden»]`.
    const out: DriftChange = {
      kind: change.kind,
      path: change.path.includes(MARKER_START) ? change.path.replace(MARKERS, HIDDEN) : change.path,
      secret,
      ...verdict,
    };
    if (change.kind !== 'added') out.before = before.value ?? null;
    if (change.kind !== 'removed') out.after = after.value ?? null;
    if (change.resource) out.resource = change.resource;
    changes.push(out);
    bySeverity[verdict.severity]++;
    byKind[change.kind]++;
  }
  const where = (c: DriftChange) => (c.resource ? `${formatResourceRef(c.resource)}\u0000${c.path}` : c.path);
  changes.sort((x, y) => {
    const [wx, wy] = [where(x), where(y)];
    return compareSeverity(x.severity, y.severity) || (wx < wy ? -1 : wx > wy ? 1 : 0);
  });
  options.logger?.debug({ changes: changes.length, ignored, type: comparison.type }, 'drift computed');
  return {
    formatVersion: REPORT_FORMAT_VERSION,
    comparison,
    changes,
    counts: { total: changes.length, ignored, bySeverity, byKind, notComparable: notComparable.length },
    notComparable,
  };
}

function normalizePair(before: unknown, after: unknown, options: DriftOptions): [unknown, unknown] {
  if (!options.schema) return [before, after];
  const a = options.schema.safeParse(before);
  const b = options.schema.safeParse(after);
  return a.success && b.success ? [a.data, b.data] : [before, after];
}

/**
 * The raw changes between two documents after canonicalisation (no classification); the
 * building block of every comparison.
 */
export function diffDocumentsRaw(before: unknown, after: unknown, options: DriftOptions = {}): RawChange[] {
  const { canonicalOptions, diffOptions } = settings(options);
  const [a, b] = normalizePair(before, after, options);
  const canonical = createCanonicalizers(canonicalOptions).pair(a, b);
  return canonical === undefined ? [] : diffCanonical(canonical[0], canonical[1], diffOptions);
}

/**
 * Compares two documents of any shape and returns the classified report.
 * @example const report = diffDocuments(snapshotDoc, currentDoc); if (failsOn(report, 'high')) process.exitCode = 1;
 */
export function diffDocuments(
  before: unknown,
  after: unknown,
  options: DriftOptions = {},
  labels: { before?: Side; after?: Side; type?: DriftReport['comparison']['type'] } = {},
): DriftReport {
  return buildReport(diffDocumentsRaw(before, after, options), options, {
    type: labels.type ?? 'documents',
    before: side(labels.before ?? { label: 'before' }),
    after: side(labels.after ?? { label: 'after' }),
  });
}

/** Compares the current document of an environment with one of its snapshots (`latest` by default). */
export async function compareToSnapshot(
  store: SnapshotStore,
  environment: string,
  document: unknown,
  options: DriftOptions & { against?: string; label?: string } = {},
): Promise<DriftReport> {
  const snapshot = await store.get(environment, options.against ?? 'latest');
  // The current document is masked under the store's key, so its secrets compare with the
  // snapshot's fingerprints.
  const fingerprintKey = options.fingerprintKey ?? (await store.fingerprintKey?.());
  return diffDocuments(
    snapshot.document,
    document,
    fingerprintKey ? { ...options, fingerprintKey } : options,
    {
      type: 'snapshot',
      before: { label: `snapshot ${snapshot.id.slice(0, 12)}`, environment, snapshot },
      after: { label: options.label ?? 'current', environment },
    },
  );
}

/** Compares two snapshots of one environment (ids, unique id prefixes or `latest`). */
export async function compareSnapshots(
  store: SnapshotStore,
  environment: string,
  from: string,
  to: string,
  options: DriftOptions = {},
): Promise<DriftReport> {
  const [a, b] = await Promise.all([store.get(environment, from), store.get(environment, to)]);
  return diffDocuments(a.document, b.document, options, {
    type: 'snapshots',
    before: { label: `snapshot ${a.id.slice(0, 12)}`, environment, snapshot: a },
    after: { label: `snapshot ${b.id.slice(0, 12)}`, environment, snapshot: b },
  });
}

/**
 * Compares two environments (e.g. staging against production); ignore rules scoped to either
 * environment remove the expected differences.
 */
export function compareEnvironments(
  before: { name: string; document: unknown },
  after: { name: string; document: unknown },
  options: DriftOptions = {},
): DriftReport {
  return diffDocuments(before.document, after.document, options, {
    type: 'environments',
    before: { label: before.name, environment: before.name },
    after: { label: after.name, environment: after.name },
  });
}

/**
 * Compares two Kubernetes manifest sets, e.g. desired manifests against a `kubectl get -o yaml`
 * dump. Objects are matched by kind, namespace and name; an object only in `live` is `added`,
 * one only in `desired` is `removed`; paths are relative to the object, which `resource` names.
 */
export function compareManifests(
  desired: readonly unknown[],
  live: readonly unknown[],
  options: DriftOptions & {
    namespace?: string;
    labels?: { desired?: string; live?: string };
    environment?: string;
  } = {},
): DriftReport {
  const { canonicalOptions, diffOptions } = settings(options);
  const canonical = createCanonicalizer({ ...canonicalOptions, kubernetes: false });
  const index = (documents: readonly unknown[]) => {
    const map = new Map<string, { ref: ResourceRef; canonical: Json }>();
    for (const object of flattenManifests(documents)) {
      const ref = resourceRef(object, options.namespace);
      map.set(`${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`, {
        ref,
        canonical: canonical(cleanKubernetesObject(object, ref.namespace, canonicalOptions.fingerprintKey)),
      });
    }
    return map;
  };
  const a = index(desired);
  const b = index(live);
  const raw: Array<RawChange & { resource?: ResourceRef }> = [];
  for (const [key, entry] of a) {
    const other = b.get(key);
    if (!other)
      raw.push({ kind: 'removed', segments: [], path: '', before: entry.canonical, resource: entry.ref });
    else
      for (const change of diffCanonical(entry.canonical, other.canonical, diffOptions))
        raw.push({ ...change, resource: entry.ref });
  }
  for (const [key, entry] of b)
    if (!a.has(key))
      raw.push({ kind: 'added', segments: [], path: '', after: entry.canonical, resource: entry.ref });
  const env = options.environment;
  return buildReport(raw, options, {
    type: 'manifests',
    before: side({ label: options.labels?.desired ?? 'desired', ...(env ? { environment: env } : {}) }),
    after: side({ label: options.labels?.live ?? 'live', ...(env ? { environment: env } : {}) }),
  });
}

/**
 * True when the report holds a change at or above `threshold` — the CLI's exit code 1. The
 * same name and shape as the validator's `failsOn`.
 */
export function failsOn(report: DriftReport, threshold: Severity = 'low'): boolean {
  return report.changes.some((change) => isAtLeast(change.severity, threshold));
}
