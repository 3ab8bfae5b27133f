import { isPlainObject, setOwnProperty } from '@agentforge/schema';
import { type ResourceRef, resourceRef } from '@agentforge/schema/kubernetes';
import { createCanonicalizer } from './canonical.js';
import { diffCanonical, type RawChange } from './diff.js';
import type { Json } from './json.js';
import { cleanKubernetesObject, flattenManifests } from './kubernetes.js';
import { buildReport, type DriftOptions, type DriftReport, settings, side } from './report.js';

/** Options of {@link compareLive}. */
export interface LiveDriftOptions extends DriftOptions {
  /** Namespace of desired objects that name none (`kubectl apply -n`). @default 'default' */
  namespace?: string;
  /**
   * Labels an object must carry for an extra live object to be reported. Default: the labels
   * every desired object shares (e.g. `app.kubernetes.io/part-of: agentforge`), so objects of
   * other applications in the namespace are not drift.
   */
  appLabels?: Record<string, string>;
  labels?: { desired?: string; live?: string };
  environment?: string;
}

/** `apps` for `apps/v1`, `` for `v1`: objects are matched by group, not version. */
function group(apiVersion: unknown): string {
  return typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

const identity = (object: Record<string, unknown>, ref: ResourceRef) =>
  `${group(object.apiVersion)}\u0000${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`;

function labelsOf(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  return isPlainObject(metadata.labels) ? metadata.labels : {};
}

/** The labels (key and value) every desired object carries. */
function sharedLabels(objects: readonly Record<string, unknown>[]): Record<string, string> {
  let shared: Record<string, string> | undefined;
  for (const object of objects) {
    const labels = labelsOf(object);
    if (shared === undefined) {
      shared = {};
      for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') shared[k] = v;
    } else for (const k of Object.keys(shared)) if (labels[k] !== shared[k]) delete shared[k];
  }
  return shared ?? {};
}

// Keys that identify an item of a Kubernetes list (containers, env, ports, volumes…), in order.
const ITEM_KEYS = ['name', 'containerPort', 'port', 'mountPath', 'key', 'type'];

function itemKey(item: unknown): string | undefined {
  if (!isPlainObject(item)) return undefined;
  for (const key of ITEM_KEYS) if (item[key] !== undefined) return `${key}=${String(item[key])}`;
  return undefined;
}

/**
 * `live` reduced to the fields `desired` sets — what `kubectl apply` owns. A field the server
 * or a controller added is not drift; a list item of desired's list missing in live, or an
 * extra keyed item in live (another container, env variable), still is.
 */
export function pruneToDesired(desired: unknown, live: unknown): unknown {
  if (isPlainObject(desired) && isPlainObject(live)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(desired))
      if (Object.hasOwn(live, key)) out[key] = pruneToDesired(desired[key], live[key]);
    return out;
  }
  if (Array.isArray(desired) && Array.isArray(live)) {
    const keyed = desired.every((item) => itemKey(item) !== undefined);
    if (!keyed) return live.map((item, i) => (i < desired.length ? pruneToDesired(desired[i], item) : item));
    const byKey = new Map(desired.map((item) => [itemKey(item), item]));
    return live.map((item) => {
      const match = byKey.get(itemKey(item));
      return match === undefined ? item : pruneToDesired(match, item);
    });
  }
  return live;
}

// The key-value maps of a ConfigMap or Secret. Pods load them whole (`envFrom`, volumes), so a
// key someone added in the cluster reaches every consumer; `kubectl apply` keeps such a key
// (its three-way merge only removes keys it applied itself), so only this check shows it.
const DATA_FIELDS = ['data', 'binaryData'] as const;

/**
 * Puts back the keys of `live`'s data maps that pruning to the desired fields dropped: they
 * become `added` changes at `/data/<key>`. A Secret's values are fingerprints by then
 * (`cleanKubernetesObject`), so an extra Secret key shows as added with its value hidden.
 */
function keepExtraDataKeys(
  desired: Record<string, unknown>,
  pruned: unknown,
  live: Record<string, unknown>,
): void {
  if (!isPlainObject(pruned)) return;
  for (const field of DATA_FIELDS) {
    const extra = live[field];
    if (!isPlainObject(extra) || Object.keys(extra).length === 0) continue;
    const kept = isPlainObject(pruned[field]) ? pruned[field] : {};
    for (const [key, value] of Object.entries(extra))
      if (!Object.hasOwn(kept, key)) setOwnProperty(kept, key, value);
    pruned[field] = kept;
    // An empty map on the desired side makes each key its own change (`/binaryData/<key>`),
    // not one change of the whole map.
    if (!isPlainObject(desired[field])) desired[field] = {};
  }
}

/** `kind\0namespace\0name` of every workload an HPA scales: its replicas belong to the HPA. */
function hpaTargets(objects: readonly Record<string, unknown>[], namespace: string | undefined): Set<string> {
  const targets = new Set<string>();
  for (const object of objects) {
    if (object.kind !== 'HorizontalPodAutoscaler' || !isPlainObject(object.spec)) continue;
    const target = object.spec.scaleTargetRef;
    if (!isPlainObject(target)) continue;
    const ref = resourceRef(object, namespace);
    targets.add(`${String(target.kind)}\u0000${ref.namespace ?? ''}\u0000${String(target.name)}`);
  }
  return targets;
}

/**
 * Compares desired manifests (a `kubectl kustomize` or `helm template` render) with live
 * objects (`kubectl get -o yaml`: a `List` or several documents). Objects are matched by API
 * group, kind, namespace and name. Only fields the desired manifest sets are compared, after
 * removing what the API server sets or defaults (status, managedFields, uid, resourceVersion,
 * the last-applied annotation, `imagePullPolicy`, `protocol: TCP`…) and normalising quantity
 * spellings; the replicas of a workload an HPA targets are ignored; Secret data compares by
 * fingerprint only. Keys of a live ConfigMap's or Secret's `data` that the desired one lacks
 * are reported as `added` (a Secret's without its value). A desired object missing in live is `removed`; a live object carrying the
 * app's labels but not desired is `added`. Changes are classified and filtered by the policy.
 * @example const report = compareLive(loadAll(render), loadAll(kubectlGetOutput), { policy });
 */
export function compareLive(
  desired: readonly unknown[],
  live: readonly unknown[],
  options: LiveDriftOptions = {},
): DriftReport {
  const { canonicalOptions, diffOptions } = settings(options);
  const canonical = createCanonicalizer({ ...canonicalOptions, kubernetes: false });
  const wanted = flattenManifests(desired);
  const running = flattenManifests(live);
  const appLabels = options.appLabels ?? sharedLabels(wanted);
  const scaled = hpaTargets([...wanted, ...running], options.namespace);
  const clean = (object: Record<string, unknown>, ref: ResourceRef) => {
    const copy = cleanKubernetesObject(object, ref.namespace, canonicalOptions.fingerprintKey);
    if (scaled.has(`${ref.kind}\u0000${ref.namespace ?? ''}\u0000${ref.name}`) && isPlainObject(copy.spec))
      delete copy.spec.replicas;
    return copy;
  };
  const liveIndex = new Map<string, { object: Record<string, unknown>; ref: ResourceRef }>();
  for (const object of running) {
    const ref = resourceRef(object, options.namespace);
    liveIndex.set(identity(object, ref), { object, ref });
  }
  const raw: Array<RawChange & { resource: ResourceRef }> = [];
  const seen = new Set<string>();
  for (const object of wanted) {
    const ref = resourceRef(object, options.namespace);
    const key = identity(object, ref);
    seen.add(key);
    const desiredClean = clean(object, ref);
    const other = liveIndex.get(key);
    if (!other) {
      raw.push({ kind: 'removed', segments: [], path: '', before: canonical(desiredClean), resource: ref });
      continue;
    }
    const liveCleaned = clean(other.object, other.ref);
    const liveClean = pruneToDesired(desiredClean, liveCleaned);
    if (ref.kind === 'ConfigMap' || ref.kind === 'Secret')
      keepExtraDataKeys(desiredClean, liveClean, liveCleaned);
    for (const change of diffCanonical(canonical(desiredClean), canonical(liveClean as Json), diffOptions))
      raw.push({ ...change, resource: ref });
  }
  const ofApp = (object: Record<string, unknown>) => {
    const labels = labelsOf(object);
    return Object.entries(appLabels).every(([k, v]) => labels[k] === v);
  };
  for (const [key, { object, ref }] of liveIndex) {
    if (seen.has(key) || !ofApp(object)) continue;
    // Objects a controller makes from desired ones (ReplicaSets, Pods, Endpoints) carry the
    // app's labels but have an owner: they are not drift.
    const metadata = isPlainObject(object.metadata) ? object.metadata : {};
    if (Array.isArray(metadata.ownerReferences) && metadata.ownerReferences.length > 0) continue;
    raw.push({ kind: 'added', segments: [], path: '', after: canonical(clean(object, ref)), resource: ref });
  }
  const env = options.environment;
  return buildReport(raw, options, {
    type: 'manifests',
    before: side({ label: options.labels?.desired ?? 'desired', ...(env ? { environment: env } : {}) }),
    after: side({ label: options.labels?.live ?? 'live', ...(env ? { environment: env } : {}) }),
  });
}
