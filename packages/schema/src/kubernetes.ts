import { isPlainObject } from './objects.js';

/**
 * Kinds that live outside any namespace: the built-in cluster-scoped resources plus those of
 * the add-ons AgentForge's manifests use (cert-manager, external-secrets, snapshots). The one
 * list the validator's namespace rule and drift's object identity both read.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  // core, apps, rbac, storage, scheduling, networking, apiextensions, admission
  'APIService',
  'CSIDriver',
  'CSINode',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
  // cert-manager, external-secrets, snapshot-controller
  'ClusterIssuer',
  'ClusterExternalSecret',
  'ClusterSecretStore',
  'VolumeSnapshotClass',
]);

/** True when objects of `kind` have no namespace (see {@link CLUSTER_SCOPED_KINDS}). */
export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(kind);
}

/** A Kubernetes object as read from a manifest: a mapping with string `apiVersion` and `kind`. */
export type KubernetesObject = Record<string, unknown> & { apiVersion: string; kind: string };

/** True for a Kubernetes object: a plain mapping with string `apiVersion` and `kind`. */
export function isKubernetesObject(value: unknown): value is KubernetesObject {
  return isPlainObject(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string';
}

/** True for a `kind: List` document (also `ServiceList`, `PodList`…) with an `items` list. */
export function isList(
  value: unknown,
): value is Record<string, unknown> & { kind: string; items: unknown[] } {
  return (
    isPlainObject(value) &&
    typeof value.kind === 'string' &&
    value.kind.endsWith('List') &&
    Array.isArray(value.items)
  );
}

/** One entry of a manifest document, with its path inside the document. */
export interface ListEntry {
  value: unknown;
  /** `[]` for the document itself, `['items', 3]` for the fourth item of a List. */
  path: readonly (string | number)[];
}

/**
 * The entries of one manifest document: the document itself, or — for a `kind: List` (what
 * `kubectl get -o yaml` prints) — each of its items, a List inside a List expanded too. Entries
 * are not checked: callers keep what {@link isKubernetesObject} accepts.
 * @example expandList({ kind: 'List', items: [a, b] }) // [{ value: a, path: ['items', 0] }, { value: b, path: ['items', 1] }]
 */
export function expandList(document: unknown): ListEntry[] {
  const out: ListEntry[] = [];
  const visit = (value: unknown, path: readonly (string | number)[]) => {
    if (!isList(value)) {
      out.push({ value, path });
      return;
    }
    for (let i = 0; i < value.items.length; i++) visit(value.items[i], [...path, 'items', i]);
  };
  visit(document, []);
  return out;
}

/** Identifies one Kubernetes object in a manifest set. */
export interface ResourceRef {
  apiVersion?: string;
  kind: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
  name: string;
}

/**
 * The `kind/namespace/name` identity of an object; an object of a namespaced kind without a
 * namespace gets `defaultNamespace` (where `kubectl apply` would put it).
 */
export function resourceRef(object: Record<string, unknown>, defaultNamespace = 'default'): ResourceRef {
  const metadata = isPlainObject(object.metadata) ? object.metadata : {};
  const kind = String(object.kind);
  const ref: ResourceRef = { kind, name: typeof metadata.name === 'string' ? metadata.name : '' };
  if (typeof object.apiVersion === 'string') ref.apiVersion = object.apiVersion;
  if (!CLUSTER_SCOPED_KINDS.has(kind))
    ref.namespace = typeof metadata.namespace === 'string' ? metadata.namespace : defaultNamespace;
  return ref;
}

/** `Deployment/agentforge-prod/swarm` (or `ClusterRole/reader`), the text form of a {@link ResourceRef}. */
export function formatResourceRef(ref: ResourceRef): string {
  return ref.namespace === undefined ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}
