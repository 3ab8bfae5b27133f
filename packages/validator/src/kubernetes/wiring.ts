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

const networkPolicyCoverage = setRule(
  {
    id: 'k8s/network-policy-coverage',
    severity: tiered('high', 'low', 'off'),
    description: 'A pod that no NetworkPolicy selects accepts traffic from every pod of the cluster.',
    recommendation:
      'Add a NetworkPolicy whose `podSelector` selects the pods (a default-deny policy with `podSelector: {}` covers the namespace).',
    tags: ['security', 'wiring'],
  },
  (index, out) => {
    for (const w of index.all) {
      if (!w.pod) continue;
      const covered = index.selecting('NetworkPolicy', policySelector, w.pod.labels, w.namespace).length > 0;
      if (!covered) out.push(at(w, w.pod.labelsPath, `no NetworkPolicy selects the pods of ${show(w)}`));
    }
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

/** Wiring. */
export const wiringFamily = family('Wiring', [
  workloadSelector,
  serviceSelector,
  networkPolicyCoverage,
  serviceMonitorTarget,
  hpaTarget,
  danglingReference,
]);
