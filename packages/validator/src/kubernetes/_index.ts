import type { SetRuleContext } from '../types.js';
import { dict, type K8sObject, list, objectsOf, sameNamespace, text } from './_objects.js';

/** An object of a multi-document set with the index of its document. */
export interface Located extends K8sObject {
  readonly document: number;
}

/** What the set rules look up: objects by kind, and how HPAs scale workloads. */
export interface SetIndex {
  readonly all: readonly Located[];
  byKind(kind: string): readonly Located[];
  /** The HPA scaling a workload, if any. */
  hpaOf(workload: Located): Located | undefined;
  /** Replicas a workload runs at least: its HPA's `minReplicas`, else `spec.replicas`, else 1. */
  minReplicas(workload: Located): number;
}

const SCALED = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);
const cache = new WeakMap<object, SetIndex>();

/** The index of a set, built once and shared by every set rule of one validation. */
export function indexOf(context: SetRuleContext): SetIndex {
  let index = cache.get(context.documents);
  if (index) return index;
  const all: Located[] = [];
  context.documents.forEach((d, document) => {
    for (const object of objectsOf(d.raw)) all.push({ ...object, document });
  });
  const kinds = new Map<string, Located[]>();
  for (const o of all) {
    const of = kinds.get(o.kind);
    if (of) of.push(o);
    else kinds.set(o.kind, [o]);
  }
  const hpas = kinds.get('HorizontalPodAutoscaler') ?? [];
  const hpaOf = (workload: Located) =>
    hpas.find((h) => {
      const ref = dict(dict(h.object.spec)?.scaleTargetRef);
      return (
        ref?.kind === workload.kind &&
        ref.name === workload.name &&
        sameNamespace(h.namespace, workload.namespace)
      );
    });
  index = {
    all,
    byKind: (kind) => kinds.get(kind) ?? [],
    hpaOf,
    minReplicas(workload) {
      const hpa = hpaOf(workload);
      if (hpa) {
        const min = dict(hpa.object.spec)?.minReplicas;
        return typeof min === 'number' ? min : 1;
      }
      const replicas = dict(workload.object.spec)?.replicas;
      return typeof replicas === 'number' ? replicas : 1;
    },
  };
  cache.set(context.documents, index);
  return index;
}

/** True for workloads that run a replica count (not DaemonSets, Jobs or bare Pods). */
export const isScaled = (o: K8sObject) => SCALED.has(o.kind) && o.pod !== undefined;

/** Names a pod spec refers to, as ConfigMaps and Secrets, with where each reference is written. */
export function referencesOf(
  o: K8sObject,
): Array<{ kind: 'ConfigMap' | 'Secret'; name: string; path: readonly (string | number)[] }> {
  const pod = o.pod;
  if (!pod) return [];
  const out: Array<{ kind: 'ConfigMap' | 'Secret'; name: string; path: readonly (string | number)[] }> = [];
  const add = (
    kind: 'ConfigMap' | 'Secret',
    ref: unknown,
    path: readonly (string | number)[],
    field = 'name',
  ) => {
    const r = dict(ref);
    const name = text(r?.[field]);
    if (r && name && r.optional !== true) out.push({ kind, name, path: [...path, field] });
  };
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(pod.spec[field]).forEach((c, i) => {
      const container = dict(c);
      const at = [...pod.path, field, i];
      list(container?.envFrom).forEach((e, k) => {
        add('ConfigMap', dict(e)?.configMapRef, [...at, 'envFrom', k, 'configMapRef']);
        add('Secret', dict(e)?.secretRef, [...at, 'envFrom', k, 'secretRef']);
      });
      list(container?.env).forEach((e, k) => {
        const from = dict(dict(e)?.valueFrom);
        add('ConfigMap', from?.configMapKeyRef, [...at, 'env', k, 'valueFrom', 'configMapKeyRef']);
        add('Secret', from?.secretKeyRef, [...at, 'env', k, 'valueFrom', 'secretKeyRef']);
      });
    });
  }
  list(pod.spec.volumes).forEach((v, i) => {
    const volume = dict(v);
    const at = [...pod.path, 'volumes', i];
    add('ConfigMap', volume?.configMap, [...at, 'configMap']);
    add('Secret', volume?.secret, [...at, 'secret'], 'secretName');
    list(dict(volume?.projected)?.sources).forEach((s, k) => {
      add('ConfigMap', dict(s)?.configMap, [...at, 'projected', 'sources', k, 'configMap']);
      add('Secret', dict(s)?.secret, [...at, 'projected', 'sources', k, 'secret']);
    });
  });
  return out;
}

/** The Secrets a set provides: Secrets, and those External Secrets and Sealed Secrets create. */
export function providedSecrets(index: SetIndex): Located[] {
  const out: Located[] = [...index.byKind('Secret'), ...index.byKind('SealedSecret')];
  for (const e of index.byKind('ExternalSecret')) {
    const target = text(dict(dict(e.object.spec)?.target)?.name);
    out.push(target ? { ...e, name: target } : e);
  }
  return out;
}
