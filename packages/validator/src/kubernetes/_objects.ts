import { asPlainObject } from '@agentforge/schema/kernel';
import { expandList, isList } from '@agentforge/schema/kubernetes';
import type { RuleContext } from '../types.js';

// The Kubernetes objects of loaded documents, with the paths the rules report at: a document is
// one object, or a `kind: List` (any `*List`) whose items are objects at `/items/<i>`.

/** A path of segments inside a document. */
export type Segments = readonly (string | number)[];
export type Dict = Record<string, unknown>;

/** The schema kernel's plain-object reader, under the short name the rules use. */
export const dict: (value: unknown) => Dict | undefined = asPlainObject;
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** One Kubernetes object of a document. */
export interface K8sObject {
  readonly object: Dict;
  /** Where the object is in its document (`[]`, or `['items', 3]` in a List). */
  readonly path: Segments;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly labels: Dict;
  readonly annotations: Dict;
  /** The pod spec of a workload (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob…). */
  readonly pod: PodTemplate | undefined;
}

/** The pod a workload runs. */
export interface PodTemplate {
  readonly spec: Dict;
  readonly path: Segments;
  /** Labels of the pods (the template's, or the Pod's own). */
  readonly labels: Dict;
  readonly labelsPath: Segments;
  /** True for Jobs, CronJobs and Pods that are not restarted: they run to completion, so probes do not apply. */
  readonly batch: boolean;
}

/** A container of a pod, with where it is written. */
export interface ContainerAt {
  readonly container: Dict;
  readonly path: Segments;
  readonly name: string;
  /** `containers`, `initContainers` or `ephemeralContainers`. */
  readonly field: string;
}

const TEMPLATE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
]);

/** The label `kubectl` shows for an object, `Deployment/gateway`. */
export const show = (o: K8sObject) => `${o.kind}/${o.name}`;

// The paths of a workload's pod spec and labels, shared by the objects at a document's root:
// each object kept one array per path for the whole validation (~1 MB on 1 MB of manifests).
const TEMPLATE_SPEC: Segments = ['spec', 'template', 'spec'];
const TEMPLATE_LABELS: Segments = ['spec', 'template', 'metadata', 'labels'];

function podOf(object: Dict, kind: string, base: Segments): PodTemplate | undefined {
  const spec = dict(object.spec);
  if (!spec) return undefined;
  if (kind === 'Pod') {
    const metadata = dict(object.metadata);
    return {
      spec,
      path: [...base, 'spec'],
      labels: dict(metadata?.labels) ?? {},
      labelsPath: [...base, 'metadata', 'labels'],
      // A Pod that is not restarted (a Helm test hook, a one-off task) runs to completion.
      batch: spec.restartPolicy === 'Never' || spec.restartPolicy === 'OnFailure',
    };
  }
  let templateOwner = spec;
  // Where the template's owner is written: the object's `spec` (undefined here), or a CronJob's job template spec.
  let ownerPath: Segments | undefined;
  if (kind === 'CronJob') {
    templateOwner = dict(dict(spec.jobTemplate)?.spec) ?? {};
    ownerPath = [...base, 'spec', 'jobTemplate', 'spec'];
  } else if (!TEMPLATE_KINDS.has(kind)) return undefined;
  const template = dict(templateOwner.template);
  const podSpec = dict(template?.spec);
  if (!template || !podSpec) return undefined;
  const atRoot = ownerPath === undefined && base === ROOT;
  return {
    spec: podSpec,
    path: atRoot ? TEMPLATE_SPEC : [...(ownerPath ?? [...base, 'spec']), 'template', 'spec'],
    labels: dict(dict(template.metadata)?.labels) ?? {},
    labelsPath: atRoot
      ? TEMPLATE_LABELS
      : [...(ownerPath ?? [...base, 'spec']), 'template', 'metadata', 'labels'],
    batch: kind === 'Job' || kind === 'CronJob',
  };
}

function toObject(value: unknown, path: Segments): K8sObject | undefined {
  const object = dict(value);
  const kind = text(object?.kind);
  const apiVersion = text(object?.apiVersion);
  if (!object || !kind || !apiVersion) return undefined;
  const metadata = dict(object.metadata);
  return {
    object,
    path,
    apiVersion,
    kind,
    name: text(metadata?.name) ?? text(metadata?.generateName) ?? '<unnamed>',
    namespace: text(metadata?.namespace),
    labels: dict(metadata?.labels) ?? {},
    annotations: dict(metadata?.annotations) ?? {},
    pod: podOf(object, kind, path),
  };
}

const cache = new WeakMap<object, K8sObject[]>();

/** The path of a document that is one object, shared by all of them (paths are never written to). */
const ROOT: Segments = [];

/** The objects of a document: itself, or the items of a List. Cached per document. */
export function objectsOf(document: unknown): K8sObject[] {
  if (document === null || typeof document !== 'object') return [];
  let found = cache.get(document);
  if (found) return found;
  found = [];
  if (!isList(document)) {
    // A document that is one object (nearly every rendered one): no list entries to make.
    const object = toObject(document, ROOT);
    if (object) found.push(object);
  } else
    for (const { value, path } of expandList(document)) {
      const object = toObject(value, path);
      if (object) found.push(object);
    }
  cache.set(document, found);
  return found;
}

const containers = new WeakMap<PodTemplate, ContainerAt[]>();

/** Every container of a pod (init and ephemeral containers included), computed once per pod. */
export function containersOf(pod: PodTemplate): ContainerAt[] {
  let out = containers.get(pod);
  if (out) return out;
  out = [];
  containers.set(pod, out);
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = list(pod.spec[field]);
    for (let i = 0; i < items.length; i++) {
      const container = dict(items[i]);
      if (container)
        out.push({ container, path: [...pod.path, field, i], name: text(container.name) ?? `#${i}`, field });
    }
  }
  return out;
}

/** True when `labels` satisfy a label selector (`matchLabels` and `matchExpressions`). An empty selector selects everything. */
export function selects(selector: Dict | undefined, labels: Dict): boolean {
  if (!selector) return false;
  // Keys walked in place: selectors are matched against every candidate pod (no entries arrays).
  const matchLabels = dict(selector.matchLabels);
  for (const key in matchLabels)
    if (Object.hasOwn(matchLabels, key) && labels[key] !== matchLabels[key]) return false;
  for (const expression of list(selector.matchExpressions)) {
    const e = dict(expression);
    const key = text(e?.key);
    if (!e || !key) return false;
    const values = list(e.values);
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** True when a plain label map (a Service selector) matches `labels`; an empty map matches nothing. */
export function matchesMap(selector: Dict, labels: Dict): boolean {
  let any = false;
  for (const key in selector) {
    if (!Object.hasOwn(selector, key)) continue;
    if (labels[key] !== selector[key]) return false;
    any = true;
  }
  return any;
}

/** Namespaces match when equal, or when either is left to the apply-time default. */
export const sameNamespace = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined || a === b;

const OBJECTS = Symbol('objects');
/**
 * The objects of a context's document, kept on the context: the engine makes one context per
 * document and validation and hands it to every rule, so after the first rule this is a
 * property read where objectsOf's WeakMap lookup was ~5% of validating 1 MB of manifests (CPU
 * profile, bench/manifests.bench.mjs). The key is a symbol no rule reads.
 */
export function contextObjects(context: Pick<RuleContext, 'raw'>): K8sObject[] {
  const held = context as Pick<RuleContext, 'raw'> & { [OBJECTS]?: K8sObject[] };
  held[OBJECTS] ??= objectsOf(context.raw);
  return held[OBJECTS];
}
