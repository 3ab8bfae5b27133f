// Hygiene: labels, namespaces, API versions, the shape of a manifest, the suppression annotation.
import { isClusterScoped, isList } from '@agentforge/schema/kubernetes';
import type { Violation } from '../types.js';
import { documentRule, family, objectRule, tiered } from './_define.js';
import { dict, type K8sObject, list, show } from './_objects.js';

/** The `app.kubernetes.io/*` labels every object should carry. */
export const RECOMMENDED_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance'] as const;

const recommendedLabels = objectRule(
  {
    id: 'k8s/recommended-labels',
    severity: 'low',
    description:
      'Without the recommended labels, tools and people cannot tell which application and release an object belongs to.',
    recommendation:
      'Set `app.kubernetes.io/name` and `app.kubernetes.io/instance` (and `part-of`, `component`, `version`) in `metadata.labels`.',
    tags: ['hygiene'],
  },
  (o, out) => {
    // Checked in a loop first (no closure or array per object): the list of missing labels is
    // made only for a finding.
    let complete = true;
    for (let i = 0; i < RECOMMENDED_LABELS.length; i++)
      if (typeof o.labels[RECOMMENDED_LABELS[i]!] !== 'string') complete = false;
    if (complete) return;
    const missing = RECOMMENDED_LABELS.filter((l) => typeof o.labels[l] !== 'string');
    out.push({
      path: [...o.path, 'metadata', 'labels'],
      message: `${show(o)} lacks the label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    });
  },
);

const labelConsistency = objectRule(
  {
    id: 'k8s/label-consistency',
    severity: 'low',
    description:
      'A workload whose pods carry another `app.kubernetes.io/name` or `app.kubernetes.io/instance` than the workload itself is counted under the wrong application by dashboards, cost reports and selectors.',
    recommendation:
      'Give the pod template the same `app.kubernetes.io/name` and `app.kubernetes.io/instance` labels as the workload.',
    tags: ['hygiene'],
  },
  (o, out) => {
    if (!o.pod || o.kind === 'Pod') return;
    for (const label of RECOMMENDED_LABELS) {
      const own = o.labels[label];
      const pods = o.pod.labels[label];
      if (typeof own === 'string' && typeof pods === 'string' && own !== pods)
        out.push({
          path: [...o.pod.labelsPath, label],
          message: `the pods of ${show(o)} have ${label}=${pods}, the workload ${own}`,
        });
    }
  },
);

// kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const labelValues = objectRule(
  {
    id: 'k8s/label-values',
    severity: 'high',
    description:
      'A label value longer than 63 characters, or with characters other than letters, digits, `-`, `_` and `.`, is rejected by the API server.',
    recommendation: 'Shorten the value or replace the characters; put free text in an annotation.',
    tags: ['correctness'],
  },
  (o, out) => {
    // Run on every object: keys are walked in place and the path is built only for a finding
    // (entries arrays and a path per object were the largest survivors of a validation's
    // young-generation collections, bench/manifests.bench.mjs); no closure per object either.
    checkLabelValues(o, o.labels, undefined, out);
    if (o.pod && o.kind !== 'Pod') checkLabelValues(o, o.pod.labels, o.pod.labelsPath, out);
  },
);

/** Findings of k8s/label-values on `labels`, written at `path` (undefined: the object's own metadata.labels). */
function checkLabelValues(
  o: K8sObject,
  labels: Record<string, unknown>,
  path: readonly (string | number)[] | undefined,
  out: Violation[],
): void {
  for (const key in labels) {
    if (!Object.hasOwn(labels, key)) continue;
    const value = labels[key];
    if (typeof value !== 'string' || !LABEL_VALUE.test(value))
      out.push({
        path: [...(path ?? [...o.path, 'metadata', 'labels']), key],
        message: `the label ${key} of ${show(o)} has an invalid value ${JSON.stringify(value)}`,
      });
  }
}

const serviceType = objectRule(
  {
    id: 'k8s/service-type',
    severity: tiered('medium', 'low', 'off'),
    description:
      'A NodePort Service opens its port on every node of the cluster, past the ingress controller and its TLS and authentication.',
    recommendation:
      'Use a ClusterIP Service behind an Ingress (or a LoadBalancer where a cloud balancer is meant).',
    tags: ['security'],
  },
  (o, out) => {
    if (o.kind === 'Service' && dict(o.object.spec)?.type === 'NodePort')
      out.push({ path: [...o.path, 'spec', 'type'], message: `${show(o)} is a NodePort Service` });
  },
);

const namespace = objectRule(
  {
    id: 'k8s/namespace',
    severity: tiered('medium', 'low', 'low'),
    description:
      'An object without a namespace lands in whatever namespace the applying context points at, often `default`.',
    recommendation: 'Set `metadata.namespace` (Kustomize: `namespace:`; Helm: `{{ .Release.Namespace }}`).',
    tags: ['hygiene'],
  },
  (o, out) => {
    if (!isClusterScoped(o.kind) && o.namespace === undefined)
      out.push({ path: [...o.path, 'metadata'], message: `${show(o)} sets no namespace` });
  },
);

/** Deprecated or removed API versions: `apiVersion kind` → [replacement, Kubernetes version that removed it]. */
export const DEPRECATED_APIS: Readonly<Record<string, readonly [string, string]>> = {
  'extensions/v1beta1 Deployment': ['apps/v1', '1.16'],
  'extensions/v1beta1 DaemonSet': ['apps/v1', '1.16'],
  'extensions/v1beta1 ReplicaSet': ['apps/v1', '1.16'],
  'extensions/v1beta1 NetworkPolicy': ['networking.k8s.io/v1', '1.16'],
  'extensions/v1beta1 PodSecurityPolicy': ['(none: use Pod Security Admission)', '1.16'],
  'extensions/v1beta1 Ingress': ['networking.k8s.io/v1', '1.22'],
  'apps/v1beta1 Deployment': ['apps/v1', '1.16'],
  'apps/v1beta1 StatefulSet': ['apps/v1', '1.16'],
  'apps/v1beta2 Deployment': ['apps/v1', '1.16'],
  'apps/v1beta2 StatefulSet': ['apps/v1', '1.16'],
  'apps/v1beta2 DaemonSet': ['apps/v1', '1.16'],
  'apps/v1beta2 ReplicaSet': ['apps/v1', '1.16'],
  'networking.k8s.io/v1beta1 Ingress': ['networking.k8s.io/v1', '1.22'],
  'networking.k8s.io/v1beta1 IngressClass': ['networking.k8s.io/v1', '1.22'],
  'rbac.authorization.k8s.io/v1beta1 ClusterRole': ['rbac.authorization.k8s.io/v1', '1.22'],
  'rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding': ['rbac.authorization.k8s.io/v1', '1.22'],
  'rbac.authorization.k8s.io/v1beta1 Role': ['rbac.authorization.k8s.io/v1', '1.22'],
  'rbac.authorization.k8s.io/v1beta1 RoleBinding': ['rbac.authorization.k8s.io/v1', '1.22'],
  'apiextensions.k8s.io/v1beta1 CustomResourceDefinition': ['apiextensions.k8s.io/v1', '1.22'],
  'admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration': [
    'admissionregistration.k8s.io/v1',
    '1.22',
  ],
  'admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration': [
    'admissionregistration.k8s.io/v1',
    '1.22',
  ],
  'scheduling.k8s.io/v1beta1 PriorityClass': ['scheduling.k8s.io/v1', '1.22'],
  'storage.k8s.io/v1beta1 StorageClass': ['storage.k8s.io/v1', '1.22'],
  'batch/v1beta1 CronJob': ['batch/v1', '1.25'],
  'policy/v1beta1 PodDisruptionBudget': ['policy/v1', '1.25'],
  'policy/v1beta1 PodSecurityPolicy': ['(none: use Pod Security Admission)', '1.25'],
  'discovery.k8s.io/v1beta1 EndpointSlice': ['discovery.k8s.io/v1', '1.25'],
  'autoscaling/v2beta1 HorizontalPodAutoscaler': ['autoscaling/v2', '1.25'],
  'autoscaling/v2beta2 HorizontalPodAutoscaler': ['autoscaling/v2', '1.26'],
  'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema': ['flowcontrol.apiserver.k8s.io/v1', '1.29'],
  'flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration': [
    'flowcontrol.apiserver.k8s.io/v1',
    '1.29',
  ],
  'flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema': ['flowcontrol.apiserver.k8s.io/v1', '1.32'],
  'flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration': [
    'flowcontrol.apiserver.k8s.io/v1',
    '1.32',
  ],
};

const deprecatedApi = objectRule(
  {
    id: 'k8s/deprecated-api',
    severity: 'high',
    description:
      'An API version that Kubernetes deprecated and removed makes `kubectl apply` fail on current clusters.',
    recommendation:
      'Move the object to the replacement API version named in the message (`kubectl convert` helps).',
    tags: ['hygiene', 'correctness'],
  },
  (o, out) => {
    const entry = DEPRECATED_APIS[`${o.apiVersion} ${o.kind}`];
    if (entry)
      out.push({
        path: [...o.path, 'apiVersion'],
        message: `${show(o)} uses ${o.apiVersion}, removed in Kubernetes ${entry[1]}; use ${entry[0]}`,
      });
  },
);

const toOne = (value: unknown) =>
  typeof dict(value)?.apiVersion === 'string' && typeof dict(value)?.kind === 'string';

const manifestShape = documentRule(
  {
    id: 'k8s/manifest',
    severity: 'high',
    description:
      'A document that is not a Kubernetes object (no `apiVersion` or `kind`) is refused by `kubectl apply`.',
    recommendation: 'Give every document a string `apiVersion` and `kind`, or remove it from the manifests.',
    tags: ['correctness'],
  },
  ({ raw }) => {
    const d = dict(raw);
    if (isList(raw))
      return list(d!.items).flatMap((item, i) =>
        toOne(item)
          ? []
          : [
              {
                path: ['items', i],
                message: `item ${i} of the List is not a Kubernetes object (no apiVersion or kind)`,
              },
            ],
      );
    return toOne(raw)
      ? []
      : [{ path: [], message: 'the document is not a Kubernetes object (no apiVersion or kind)' }];
  },
);

/** Annotation that suppresses rules on one object: lines of `<rule-id>: <reason>`. */
export const SUPPRESS_ANNOTATION = 'agentforge.dev/suppress';
/** One line of the suppression annotation. */
export const SUPPRESS_LINE = /^\s*([a-z0-9*][a-z0-9*-]*(?:\/[a-z0-9*][a-z0-9*-]*)+)\s*:\s*(\S.*?)\s*$/;

const suppressAnnotation = objectRule(
  {
    id: 'k8s/suppress-annotation',
    severity: 'medium',
    description: `A \`${SUPPRESS_ANNOTATION}\` annotation that is not \`<rule-id>: <reason>\` lines suppresses nothing.`,
    recommendation: `Write one \`<rule-id>: <reason>\` per line, e.g. \`k8s/host-ports: the node-local DNS cache must bind port 53\`.`,
    tags: ['hygiene'],
  },
  (o, out) => {
    const value = o.annotations[SUPPRESS_ANNOTATION];
    if (value === undefined) return;
    const lines = typeof value === 'string' ? value.split(/\n/).filter((l) => l.trim() !== '') : [];
    const bad = typeof value !== 'string' || lines.length === 0 || lines.some((l) => !SUPPRESS_LINE.test(l));
    if (bad)
      out.push({
        path: [...o.path, 'metadata', 'annotations', SUPPRESS_ANNOTATION],
        message: `the ${SUPPRESS_ANNOTATION} annotation of ${show(o)} is not "<rule-id>: <reason>" lines; a suppression needs a reason`,
      });
  },
);

/** Hygiene. */
export const hygieneFamily = family('Hygiene', [
  recommendedLabels,
  labelConsistency,
  labelValues,
  serviceType,
  namespace,
  deprecatedApi,
  manifestShape,
  suppressAnnotation,
]);
