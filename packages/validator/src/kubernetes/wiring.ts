// Wiring between objects: selectors, network policies, ServiceMonitors, autoscaler targets, references.
import { at, family, objectRule, setRule, tiered } from './_define.js';
import { type Located, providedSecrets, referencesOf } from './_index.js';
import { dict, list, matchesMap, sameNamespace, selects, show } from './_objects.js';

const workloadSelector = objectRule(
  {
    id: 'k8s/workload-selector',
    severity: 'high',
    description:
      "A workload whose selector does not match its own pod template's labels is rejected by the API server.",
    recommendation: 'Make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels`.',
    tags: ['correctness'],
  },
  (o, out) => {
    if (!o.pod || o.kind === 'Pod' || o.kind === 'CronJob') return;
    const selector = dict(dict(o.object.spec)?.selector);
    // Jobs generate their selector; a ReplicationController's is a plain map.
    if (!selector) return;
    const ok =
      o.kind === 'ReplicationController'
        ? matchesMap(selector, o.pod.labels)
        : selects(selector, o.pod.labels);
    if (!ok)
      out.push({
        path: [...o.path, 'spec', 'selector'],
        message: `the selector of ${show(o)} does not match its pod template labels`,
      });
  },
);

const serviceSelector = setRule(
  {
    id: 'k8s/service-selector',
    severity: tiered('high', 'medium', 'medium'),
    description: 'A Service whose selector matches no pod has no endpoints: every request to it fails.',
    recommendation:
      'Make the Service `selector` match the labels of a pod template (compare with `spec.template.metadata.labels`).',
    tags: ['correctness', 'wiring'],
  },
  (index, out) => {
    for (const s of index.byKind('Service')) {
      const selector = dict(dict(s.object.spec)?.selector);
      if (!selector || Object.keys(selector).length === 0) continue; // manual Endpoints or ExternalName
      if (index.podsMatching(selector, s.namespace).length === 0)
        out.push(at(s, [...s.path, 'spec', 'selector'], `${show(s)} selects no pod template of the input`));
    }
  },
);

// A NetworkPolicy without a podSelector is invalid; read it as selecting every pod rather than none.
const policySelector = (p: Located) => dict(dict(p.object.spec)?.podSelector) ?? {};

/** The directions a NetworkPolicy isolates: `policyTypes`, else Ingress (and Egress when it has egress rules). */
function policyTypes(p: Located): string[] {
  const spec = dict(p.object.spec) ?? {};
  const types = list(spec.policyTypes).filter((t): t is string => typeof t === 'string');
  if (types.length > 0) return types;
  return spec.egress === undefined ? ['Ingress'] : ['Ingress', 'Egress'];
}

/** Pods no NetworkPolicy of a direction selects: one rule per direction, as Polaris asks for both. */
const networkPolicyRule = (direction: 'Ingress' | 'Egress') =>
  setRule(
    {
      id: direction === 'Ingress' ? 'k8s/network-policy-coverage' : 'k8s/network-policy-egress',
      severity: tiered(direction === 'Ingress' ? 'high' : 'medium', 'low', 'off'),
      description:
        direction === 'Ingress'
          ? 'A pod that no NetworkPolicy selects for ingress accepts traffic from every pod of the cluster.'
          : 'A pod that no NetworkPolicy selects for egress can reach every pod and address: a compromised process exfiltrates freely.',
      recommendation: `Add a NetworkPolicy with \`policyTypes: [${direction}]\` whose \`podSelector\` selects the pods (\`podSelector: {}\` covers the namespace).`,
      tags: ['security', 'wiring'],
    },
    (index, out) => {
      for (const w of index.all) {
        if (!w.pod) continue;
        const covered = index
          .selecting('NetworkPolicy', policySelector, w.pod.labels, w.namespace)
          .some((p) => policyTypes(p).includes(direction));
        if (!covered)
          out.push(
            at(
              w,
              w.pod.labelsPath,
              `no NetworkPolicy selects the pods of ${show(w)} for ${direction.toLowerCase()}`,
            ),
          );
      }
    },
  );

const networkPolicyCoverage = networkPolicyRule('Ingress');
const networkPolicyEgress = networkPolicyRule('Egress');

const networkPolicyTarget = setRule(
  {
    id: 'k8s/network-policy-target',
    severity: tiered('medium', 'low', 'low'),
    description:
      'A NetworkPolicy whose podSelector matches no pod of the input isolates nothing: the pods it was written for stay open.',
    recommendation: 'Make `spec.podSelector` match the pod template labels of the workload it protects.',
    tags: ['security', 'wiring'],
  },
  (index, out) => {
    if (!index.all.some((o) => o.pod)) return; // policies alone: their workloads are elsewhere
    for (const p of index.byKind('NetworkPolicy')) {
      const selector = policySelector(p);
      if (index.podsSelectedBy(selector, p.namespace).length === 0)
        out.push(at(p, [...p.path, 'spec', 'podSelector'], `${show(p)} selects no pod of the input`));
    }
  },
);

/** The Services an Ingress sends traffic to, with where each is named. */
function ingressBackends(o: Located): Array<{ name: string; path: (string | number)[] }> {
  const spec = dict(o.object.spec) ?? {};
  const out: Array<{ name: string; path: (string | number)[] }> = [];
  const add = (backend: unknown, path: (string | number)[]) => {
    const name = dict(dict(backend)?.service)?.name;
    if (typeof name === 'string') out.push({ name, path: [...path, 'service', 'name'] });
  };
  add(spec.defaultBackend, [...o.path, 'spec', 'defaultBackend']);
  list(spec.rules).forEach((r, i) => {
    list(dict(dict(r)?.http)?.paths).forEach((p, k) => {
      add(dict(p)?.backend, [...o.path, 'spec', 'rules', i, 'http', 'paths', k, 'backend']);
    });
  });
  return out;
}

const ingressTarget = setRule(
  {
    id: 'k8s/ingress-target',
    severity: tiered('high', 'medium', 'low'),
    description: 'An Ingress whose backend Service does not exist answers every request with 503.',
    recommendation: 'Make the backend `service.name` name a Service of the same namespace.',
    tags: ['correctness', 'wiring'],
  },
  (index, out) => {
    for (const ingress of index.byKind('Ingress'))
      for (const b of ingressBackends(ingress))
        if (index.named('Service', b.name, ingress.namespace).length === 0)
          out.push(
            at(
              ingress,
              b.path,
              `${show(ingress)} routes to Service ${JSON.stringify(b.name)}, which is not in the input`,
            ),
          );
  },
);

const ingressTls = objectRule(
  {
    id: 'k8s/ingress-tls',
    severity: tiered('high', 'medium', 'off'),
    description:
      'An Ingress without TLS serves its hosts over plain HTTP: credentials and tokens cross the network in clear.',
    recommendation:
      'Add `spec.tls` with the hosts and the Secret of their certificate (cert-manager can issue it).',
    tags: ['security'],
  },
  (o, out) => {
    if (o.kind !== 'Ingress') return;
    const spec = dict(o.object.spec) ?? {};
    if (list(spec.tls).length === 0) {
      out.push({ path: [...o.path, 'spec'], message: `${show(o)} has no TLS settings` });
      return;
    }
    // Every host of the rules is covered by a tls entry.
    const covered = new Set(list(spec.tls).flatMap((t) => list(dict(t)?.hosts)));
    list(spec.rules).forEach((r, i) => {
      const host = dict(r)?.host;
      if (typeof host === 'string' && !covered.has(host))
        out.push({
          path: [...o.path, 'spec', 'rules', i, 'host'],
          message: `${show(o)} serves ${host} without TLS`,
        });
    });
  },
);

const serviceMonitorTarget = setRule(
  {
    id: 'k8s/service-monitor-target',
    severity: tiered('medium', 'medium', 'low'),
    description:
      'A ServiceMonitor that selects no Service scrapes nothing: metrics and the alerts on them silently stop.',
    recommendation:
      "Make the ServiceMonitor's `selector` match a Service's labels in a namespace of its `namespaceSelector`.",
    tags: ['observability', 'wiring'],
  },
  (index, out) => {
    for (const m of index.byKind('ServiceMonitor')) {
      const spec = dict(m.object.spec) ?? {};
      const namespaces = dict(spec.namespaceSelector);
      const names = list(namespaces?.matchNames);
      const inScope = (s: Located) =>
        namespaces?.any === true ||
        (names.length > 0
          ? s.namespace === undefined || names.includes(s.namespace)
          : sameNamespace(s.namespace, m.namespace));
      if (!index.labelledBy('Service', dict(spec.selector)).some(inScope))
        out.push(at(m, [...m.path, 'spec', 'selector'], `${show(m)} selects no Service of the input`));
    }
  },
);

const hpaTarget = setRule(
  {
    id: 'k8s/hpa-target',
    severity: tiered('medium', 'medium', 'low'),
    description: 'A HorizontalPodAutoscaler whose target does not exist scales nothing.',
    recommendation: 'Make `scaleTargetRef` name the kind and name of a workload of the same namespace.',
    tags: ['correctness', 'wiring'],
  },
  (index, out) => {
    for (const h of index.byKind('HorizontalPodAutoscaler')) {
      const ref = dict(dict(h.object.spec)?.scaleTargetRef);
      const found =
        typeof ref?.kind === 'string' &&
        typeof ref.name === 'string' &&
        index.named(ref.kind, ref.name, h.namespace).length > 0;
      if (!found)
        out.push(
          at(
            h,
            [...h.path, 'spec', 'scaleTargetRef'],
            `${show(h)} targets ${String(ref?.kind)}/${String(ref?.name)}, which is not in the input`,
          ),
        );
    }
  },
);

const danglingReference = setRule(
  {
    id: 'k8s/dangling-reference',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A pod referring to a ConfigMap or Secret that does not exist never starts (CreateContainerConfigError).',
    recommendation:
      'Add the ConfigMap or Secret (or the ExternalSecret that creates it) to the manifests, fix the name, or mark the reference `optional: true`.',
    tags: ['correctness', 'wiring'],
  },
  (index, out) => {
    const secrets = new Map<string, Located[]>();
    for (const p of providedSecrets(index)) secrets.set(p.name, [...(secrets.get(p.name) ?? []), p]);
    const provided = (kind: 'ConfigMap' | 'Secret', name: string, namespace: string | undefined) =>
      kind === 'ConfigMap'
        ? index.named('ConfigMap', name, namespace).length > 0
        : (secrets.get(name) ?? []).some((p) => sameNamespace(p.namespace, namespace));
    for (const w of index.all)
      for (const ref of referencesOf(w))
        if (!provided(ref.kind, ref.name, w.namespace))
          out.push(
            at(
              w,
              ref.path,
              `${show(w)} refers to ${ref.kind} ${JSON.stringify(ref.name)}, which the input does not define`,
            ),
          );
  },
);

const serviceAccountExists = setRule(
  {
    id: 'k8s/service-account-exists',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A pod naming a ServiceAccount that does not exist is never created: its ReplicaSet reports `serviceaccount not found`.',
    recommendation: 'Add the ServiceAccount to the manifests, or fix `serviceAccountName`.',
    tags: ['correctness', 'wiring'],
  },
  (index, out) => {
    for (const w of index.all) {
      const name = w.pod?.spec.serviceAccountName;
      // `default` exists in every namespace.
      if (typeof name !== 'string' || name === 'default' || name === '') continue;
      if (index.named('ServiceAccount', name, w.namespace).length === 0)
        out.push(
          at(
            w,
            [...w.pod!.path, 'serviceAccountName'],
            `${show(w)} runs as ServiceAccount ${JSON.stringify(name)}, which the input does not define`,
          ),
        );
    }
  },
);

/** Wiring. */
export const wiringFamily = family('Wiring', [
  workloadSelector,
  serviceSelector,
  networkPolicyCoverage,
  networkPolicyEgress,
  networkPolicyTarget,
  ingressTarget,
  ingressTls,
  serviceMonitorTarget,
  hpaTarget,
  danglingReference,
  serviceAccountExists,
]);
