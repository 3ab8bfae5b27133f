import type { SetRuleContext } from '../types.js';
import {
  contextObjects,
  type Dict,
  dict,
  type K8sObject,
  list,
  matchesMap,
  sameNamespace,
  selects,
  text,
} from './_objects.js';

/** An object of a multi-document set with the index of its document. */
export interface Located extends K8sObject {
  readonly document: number;
}

/** What the set rules look up, indexed so that matching objects to each other stays linear. */
export interface SetIndex {
  readonly all: readonly Located[];
  byKind(kind: string): readonly Located[];
  /** Objects of a kind and name in the namespace (or with no namespace on either side). */
  named(kind: string, name: string, namespace: string | undefined): Located[];
  /** The HPA scaling a workload, if any. */
  hpaOf(workload: Located): Located | undefined;
  /** Replicas a workload runs at least: its HPA's `minReplicas`, else `spec.replicas`, else 1. */
  minReplicas(workload: Located): number;
  /** Objects with a pod template whose labels a label selector selects. */
  podsSelectedBy(selector: Dict | undefined, namespace: string | undefined): Located[];
  /** Objects with a pod template whose labels a plain map (a Service selector) matches. */
  podsMatching(selector: Dict, namespace: string | undefined): Located[];
  /** Objects of `kind` whose selector (read by `selectorOf`) selects `labels`. */
  selecting(
    kind: string,
    selectorOf: (o: Located) => Dict | undefined,
    labels: Dict,
    namespace: string | undefined,
  ): Located[];
  /** Objects of `kind` whose own labels a label selector selects. */
  labelledBy(kind: string, selector: Dict | undefined): Located[];
}

const key = (a: string, b: string) => `${a}\u0000${b}`;

function push<T>(map: Map<string, T[]>, k: string, value: T): void {
  const list = map.get(k);
  if (list) list.push(value);
  else map.set(k, [value]);
}

/** Maps of maps, by two strings: looked up and filled without building a key string per call. */
type Nested<T> = Map<string, Map<string, T[]>>;

function push2<T>(map: Nested<T>, a: string, b: string, value: T): void {
  let inner = map.get(a);
  if (!inner) {
    inner = new Map();
    map.set(a, inner);
  }
  push(inner, b, value);
}

/**
 * Objects bucketed by each of their labels (by key, then value), to find candidates for a
 * selector without a scan. Keys walked in place: an entries array and a key string per label
 * of every pod were garbage (allocation sampling, bench/manifests.bench.mjs).
 */
function labelBuckets(objects: readonly Located[], labelsOf: (o: Located) => Dict): Nested<Located> {
  const buckets: Nested<Located> = new Map();
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    const labels = labelsOf(o);
    for (const k in labels) {
      if (!Object.hasOwn(labels, k)) continue;
      const v = labels[k];
      if (typeof v === 'string') push2(buckets, k, v, o);
    }
  }
  return buckets;
}

const NONE: readonly Located[] = [];

/**
 * Candidates for a selector: those carrying its rarest matchLabels pair (each selected object
 * carries every pair), else every object. The rarest, not the first: renders share labels such
 * as `app.kubernetes.io/instance` on every object, and Kustomize sorts keys so that such a label
 * often comes first — a bucket of every pod, which made matching quadratic.
 */
function candidates(
  buckets: Nested<Located>,
  all: readonly Located[],
  matchLabels: Dict | undefined,
): readonly Located[] {
  let best: readonly Located[] | undefined;
  for (const k in matchLabels) {
    if (!Object.hasOwn(matchLabels, k)) continue;
    const bucket = buckets.get(k)?.get(String(matchLabels[k])) ?? NONE;
    if (best === undefined || bucket.length < best.length) best = bucket;
    if (best.length === 0) break;
  }
  return best ?? all;
}

const cache = new WeakMap<object, SetIndex>();

/** The index of a set, built once and shared by every set rule of one validation. */
export function indexOf(context: SetRuleContext): SetIndex {
  let index = cache.get(context.documents);
  if (index) return index;
  const all: Located[] = [];
  context.documents.forEach((d, document) => {
    // Written out rather than spread: a spread copy per object was ~4% of validating 1 MB.
    const objects = contextObjects(d);
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i]!;
      all.push({
        object: o.object,
        path: o.path,
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.name,
        namespace: o.namespace,
        labels: o.labels,
        annotations: o.annotations,
        pod: o.pod,
        document,
      });
    }
  });
  const kinds = new Map<string, Located[]>();
  const names: Nested<Located> = new Map();
  for (let i = 0; i < all.length; i++) {
    const o = all[i]!;
    push(kinds, o.kind, o);
    push2(names, o.kind, o.name, o);
  }
  const hpas: Nested<Located> = new Map();
  for (const h of kinds.get('HorizontalPodAutoscaler') ?? []) {
    const ref = dict(dict(h.object.spec)?.scaleTargetRef);
    if (typeof ref?.kind === 'string' && typeof ref.name === 'string') push2(hpas, ref.kind, ref.name, h);
  }
  const pods = all.filter((o) => o.pod);
  let podBuckets: Nested<Located> | undefined;
  const podsBy = () => {
    podBuckets ??= labelBuckets(pods, (o) => o.pod!.labels);
    return podBuckets;
  };
  const selectorBuckets = new Map<
    string,
    {
      /** By label key, then value: looked up per label without building a key string per call. */
      buckets: Map<string, Map<string, Located[]>>;
      open: Located[];
      first: Map<Located, { key: string; order: number }>;
    }
  >();
  const labelled = new Map<string, Nested<Located>>();
  // Loops rather than a predicate closure per call (hpaOf runs for every workload).
  const hpaOf = (workload: Located) => {
    const found = hpas.get(workload.kind)?.get(workload.name) ?? NONE;
    for (let i = 0; i < found.length; i++)
      if (sameNamespace(found[i]!.namespace, workload.namespace)) return found[i];
    return undefined;
  };
  index = {
    all,
    byKind: (kind) => kinds.get(kind) ?? [],
    named(kind, name, namespace) {
      const found = names.get(kind)?.get(name) ?? NONE;
      const out: Located[] = [];
      for (let i = 0; i < found.length; i++)
        if (sameNamespace(found[i]!.namespace, namespace)) out.push(found[i]!);
      return out;
    },
    hpaOf,
    minReplicas(workload) {
      const hpa = hpaOf(workload);
      const count = hpa ? dict(hpa.object.spec)?.minReplicas : dict(workload.object.spec)?.replicas;
      return typeof count === 'number' ? count : 1;
    },
    podsSelectedBy: (selector, namespace) =>
      selector
        ? candidates(podsBy(), pods, dict(selector.matchLabels)).filter(
            (o) => sameNamespace(o.namespace, namespace) && selects(selector, o.pod!.labels),
          )
        : [],
    podsMatching: (selector, namespace) =>
      candidates(podsBy(), pods, selector).filter(
        (o) => sameNamespace(o.namespace, namespace) && matchesMap(selector, o.pod!.labels),
      ),
    selecting(kind, selectorOf, labels, namespace) {
      let entry = selectorBuckets.get(kind);
      if (!entry) {
        // Each object is filed under its selector's rarest pair (see `candidates`), and
        // remembers its first pair's key and its place, to list matches in one order whatever
        // pair they were filed under: first those without matchLabels, then by where their first
        // pair's key is written in `labels`, then in document order.
        entry = { buckets: new Map(), open: [], first: new Map() };
        const objects = kinds.get(kind) ?? [];
        const pairsOf = objects.map((o) =>
          Object.entries(dict(selectorOf(o)?.matchLabels) ?? {}).map(
            ([k, v]) => [k, key(k, String(v)), String(v)] as const,
          ),
        );
        const counts = new Map<string, number>();
        for (const pairs of pairsOf)
          for (const [, pair] of pairs) counts.set(pair, (counts.get(pair) ?? 0) + 1);
        objects.forEach((o, i) => {
          const pairs = pairsOf[i]!;
          if (pairs.length === 0) {
            entry!.open.push(o);
            return;
          }
          let rarest = pairs[0]!;
          for (const pair of pairs) if (counts.get(pair[1])! < counts.get(rarest[1])!) rarest = pair;
          const [k, , v] = rarest;
          let byValue = entry!.buckets.get(k);
          if (!byValue) {
            byValue = new Map();
            entry!.buckets.set(k, byValue);
          }
          push(byValue, v, o);
          entry!.first.set(o, { key: pairs[0]![0], order: i });
        });
        selectorBuckets.set(kind, entry);
      }
      // Called per workload and kind: labels walked in place, matches collected in one array.
      const matches: Located[] = [];
      for (const k in labels) {
        const v = labels[k];
        if (typeof v !== 'string' || !Object.hasOwn(labels, k)) continue;
        // Indexed: an array iterator per label of every workload was garbage (allocation sampling).
        const bucket = entry.buckets.get(k)?.get(v) ?? NONE;
        for (let i = 0; i < bucket.length; i++) {
          const o = bucket[i]!;
          if (sameNamespace(o.namespace, namespace) && selects(selectorOf(o), labels)) matches.push(o);
        }
      }
      if (matches.length > 1) {
        const keys = Object.keys(labels);
        const first = entry.first;
        matches.sort(
          (a, b) =>
            keys.indexOf(first.get(a)!.key) - keys.indexOf(first.get(b)!.key) ||
            first.get(a)!.order - first.get(b)!.order,
        );
      }
      if (entry.open.length === 0) return matches;
      const open = entry.open.filter(
        (o) => sameNamespace(o.namespace, namespace) && selects(selectorOf(o), labels),
      );
      return open.length === 0 ? matches : [...open, ...matches];
    },
    labelledBy(kind, selector) {
      let buckets = labelled.get(kind);
      if (!buckets) {
        buckets = labelBuckets(kinds.get(kind) ?? [], (o) => o.labels);
        labelled.set(kind, buckets);
      }
      return selector
        ? candidates(buckets, kinds.get(kind) ?? [], dict(selector.matchLabels)).filter((o) =>
            selects(selector, o.labels),
          )
        : [];
    },
  };
  cache.set(context.documents, index);
  return index;
}

const SCALED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** True for workloads that run a replica count (not DaemonSets, Jobs or bare Pods). */
export const isScaled = (o: K8sObject) => SCALED.has(o.kind) && o.pod !== undefined;

/** The name a ConfigMap or Secret reference names in `field`, unless it is optional. */
function referenced(ref: unknown, field = 'name'): string | undefined {
  const r = dict(ref);
  const name = text(r?.[field]);
  return r && name && r.optional !== true ? name : undefined;
}

/** The two kinds a pod spec refers to by name, with the field naming each in every place it may. */
const REFERENCE_KINDS = [
  { kind: 'ConfigMap', envFrom: 'configMapRef', env: 'configMapKeyRef', source: 'configMap' },
  { kind: 'Secret', envFrom: 'secretRef', env: 'secretKeyRef', source: 'secret' },
] as const;

/** Names a pod spec refers to, as ConfigMaps and Secrets, with where each reference is written. */
export function referencesOf(
  o: K8sObject,
): Array<{ kind: 'ConfigMap' | 'Secret'; name: string; path: readonly (string | number)[] }> {
  const pod = o.pod;
  if (!pod) return [];
  const out: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; path: readonly (string | number)[] }> = [];
  // A path is made for each reference found, not for each entry looked at: the rules ask for
  // every workload's references, and a path per env var was most of their garbage. Loops are
  // indexed (an iterator per entry was garbage too where this runs unoptimised).
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const containers = list(pod.spec[field]);
    for (let i = 0; i < containers.length; i++) {
      const container = dict(containers[i]);
      const envFrom = list(container?.envFrom);
      for (let k = 0; k < envFrom.length; k++) {
        const e = dict(envFrom[k]);
        for (let r = 0; r < REFERENCE_KINDS.length; r++) {
          const { kind, envFrom: ref } = REFERENCE_KINDS[r]!;
          const name = referenced(e?.[ref]);
          if (name) out.push({ kind, name, path: [...pod.path, field, i, 'envFrom', k, ref, 'name'] });
        }
      }
      const env = list(container?.env);
      for (let k = 0; k < env.length; k++) {
        const from = dict(dict(env[k])?.valueFrom);
        if (!from) continue;
        for (let r = 0; r < REFERENCE_KINDS.length; r++) {
          const { kind, env: ref } = REFERENCE_KINDS[r]!;
          const name = referenced(from[ref]);
          if (name)
            out.push({ kind, name, path: [...pod.path, field, i, 'env', k, 'valueFrom', ref, 'name'] });
        }
      }
    }
  }
  const volumes = list(pod.spec.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const volume = dict(volumes[i]);
    let name = referenced(volume?.configMap);
    if (name) out.push({ kind: 'ConfigMap', name, path: [...pod.path, 'volumes', i, 'configMap', 'name'] });
    name = referenced(volume?.secret, 'secretName');
    if (name) out.push({ kind: 'Secret', name, path: [...pod.path, 'volumes', i, 'secret', 'secretName'] });
    const sources = list(dict(volume?.projected)?.sources);
    for (let k = 0; k < sources.length; k++) {
      const source = dict(sources[k]);
      for (let r = 0; r < REFERENCE_KINDS.length; r++) {
        const { kind, source: ref } = REFERENCE_KINDS[r]!;
        name = referenced(source?.[ref]);
        if (name)
          out.push({ kind, name, path: [...pod.path, 'volumes', i, 'projected', 'sources', k, ref, 'name'] });
      }
    }
  }
  return out;
}

/** The Secrets a set provides: Secrets, and those External Secrets, Sealed Secrets and cert-manager Certificates create. */
export function providedSecrets(index: SetIndex): Located[] {
  const out: Located[] = [...index.byKind('Secret'), ...index.byKind('SealedSecret')];
  for (const e of index.byKind('ExternalSecret')) {
    const target = text(dict(dict(e.object.spec)?.target)?.name);
    out.push(target ? { ...e, name: target } : e);
  }
  // cert-manager writes the issued certificate into spec.secretName.
  for (const c of index.byKind('Certificate')) {
    const target = text(dict(c.object.spec)?.secretName);
    if (target) out.push({ ...c, name: target });
  }
  return out;
}
