// Availability of replicated workloads: replicas, PodDisruptionBudgets, autoscalers and spreading.
import { at, family, objectRule, setRule, tiered } from './_define.js';
import { isScaled, type Located, type SetIndex } from './_index.js';
import { dict, type K8sObject, list, show } from './_objects.js';

const hpaMinOf = (h: K8sObject) => {
  const min = dict(h.object.spec)?.minReplicas;
  return typeof min === 'number' ? min : 1;
};

const minReplicas = setRule(
  {
    id: 'k8s/min-replicas',
    severity: tiered('high', 'off', 'off'),
    description:
      'A single replica is a single point of failure and drops traffic on every rollout and node drain.',
    recommendation: 'Run at least 2 replicas (`spec.replicas`).',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const w of index.all.filter(isScaled)) {
      // A workload scaled by an HPA gets its replicas from it: k8s/hpa-min-replicas.
      if (index.hpaOf(w)) continue;
      const min = index.minReplicas(w);
      if (min < 2) out.push(at(w, [...w.path, 'spec', 'replicas'], `${show(w)} runs ${min} replica`));
    }
  },
);

const hpaMinReplicas = objectRule(
  {
    id: 'k8s/hpa-min-replicas',
    severity: tiered('high', 'off', 'off'),
    description:
      'An autoscaler that may scale down to one replica leaves a single point of failure at quiet hours.',
    recommendation: 'Set `minReplicas` of the HorizontalPodAutoscaler to 2 or more.',
    tags: ['reliability'],
  },
  (o, out) => {
    if (o.kind !== 'HorizontalPodAutoscaler') return;
    const min = hpaMinOf(o);
    if (min < 2)
      out.push({
        path: [...o.path, 'spec', 'minReplicas'],
        message: `${show(o)} scales down to ${min} replica`,
      });
  },
);

const hpaBounds = objectRule(
  {
    id: 'k8s/hpa-bounds',
    severity: 'high',
    description:
      'A HorizontalPodAutoscaler with minReplicas above maxReplicas (or below 1) is rejected or never scales.',
    recommendation: 'Set 1 ≤ `minReplicas` ≤ `maxReplicas`.',
    tags: ['reliability', 'correctness'],
  },
  (o, out) => {
    if (o.kind !== 'HorizontalPodAutoscaler') return;
    const spec = dict(o.object.spec) ?? {};
    const min = hpaMinOf(o);
    if (typeof spec.maxReplicas === 'number' && min > spec.maxReplicas)
      out.push({
        path: [...o.path, 'spec', 'minReplicas'],
        message: `${show(o)} has minReplicas ${min} above maxReplicas ${spec.maxReplicas}`,
      });
    if (min < 1)
      out.push({ path: [...o.path, 'spec', 'minReplicas'], message: `${show(o)} has minReplicas ${min}` });
  },
);

const hpaHeadroom = objectRule(
  {
    id: 'k8s/hpa-headroom',
    severity: tiered('medium', 'low', 'off'),
    description:
      'An autoscaler whose maxReplicas equals its minReplicas cannot add a replica under load: it is a fixed replica count in disguise.',
    recommendation: 'Set `maxReplicas` above `minReplicas` (or remove the autoscaler and set `replicas`).',
    tags: ['reliability'],
  },
  (o, out) => {
    if (o.kind !== 'HorizontalPodAutoscaler') return;
    const max = dict(o.object.spec)?.maxReplicas;
    // Equal bounds only: min above max is k8s/hpa-bounds' finding.
    if (typeof max === 'number' && max === hpaMinOf(o))
      out.push({
        path: [...o.path, 'spec', 'maxReplicas'],
        message: `${show(o)} has maxReplicas ${max}, equal to its minReplicas: it never scales`,
      });
  },
);

const hpaReplicas = setRule(
  {
    id: 'k8s/hpa-replicas',
    severity: tiered('medium', 'low', 'low'),
    description:
      'A workload scaled by a HorizontalPodAutoscaler that also sets `replicas` is scaled back to that number on every apply.',
    recommendation: 'Remove `spec.replicas` from the workload; the HPA owns it.',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const w of index.all.filter(isScaled)) {
      const hpa = index.hpaOf(w);
      if (hpa && dict(w.object.spec)?.replicas !== undefined)
        out.push(
          at(w, [...w.path, 'spec', 'replicas'], `${show(w)} sets replicas although ${show(hpa)} scales it`),
        );
    }
  },
);

const pdbSelector = (p: Located) => dict(dict(p.object.spec)?.selector);
const pdbsOf = (index: SetIndex, w: Located) =>
  index.selecting('PodDisruptionBudget', pdbSelector, w.pod!.labels, w.namespace);

/**
 * A workload without a PDB: for replicated workloads (`k8s/pdb`), and for single-replica ones
 * (`k8s/pdb-single-replica`, off unless a policy switches it on for a tier: one replica cannot
 * stay available through a drain anyway, but a PDB makes the drain wait for its replacement).
 */
const pdbRule = (single: boolean) =>
  setRule(
    {
      id: single ? 'k8s/pdb-single-replica' : 'k8s/pdb',
      severity: single ? { default: 'off' } : tiered('medium', 'low', 'off'),
      description: single
        ? 'A single-replica workload without a PodDisruptionBudget is evicted by a node drain before its replacement is ready. Off by default; switch it on per tier in a policy.'
        : 'Without a PodDisruptionBudget a node drain may evict every replica at once.',
      recommendation:
        'Add a PodDisruptionBudget selecting the pods, with `maxUnavailable: 1` (or a `minAvailable` below the replicas).',
      tags: ['reliability'],
    },
    (index, out) => {
      for (const w of index.all.filter(isScaled))
        if (index.minReplicas(w) >= 2 !== single && pdbsOf(index, w).length === 0)
          out.push(
            at(w, [...w.path, 'metadata', 'name'], `no PodDisruptionBudget selects the pods of ${show(w)}`),
          );
    },
  );

const pdbPresent = pdbRule(false);
const pdbSingleReplica = pdbRule(true);

/** A PDB value as pods out of `replicas` (`50%` of 3 → 2, rounded up as the disruption controller does). */
function podsOf(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

const percent = (value: unknown) =>
  typeof value === 'string' && /^\d+%$/.test(value) ? Number.parseInt(value, 10) : undefined;

/** The PDBs of a set with the scaled workloads each selects. */
function pdbTargets(
  index: SetIndex,
): Array<{ pdb: Located; spec: Record<string, unknown>; targets: Located[] }> {
  return index.byKind('PodDisruptionBudget').map((pdb) => {
    const spec = dict(pdb.object.spec) ?? {};
    return { pdb, spec, targets: index.podsSelectedBy(dict(spec.selector), pdb.namespace).filter(isScaled) };
  });
}

const pdbSelectorRule = setRule(
  {
    id: 'k8s/pdb-selector',
    severity: tiered('high', 'medium', 'low'),
    description: 'A PodDisruptionBudget that selects no pod protects nothing.',
    recommendation: 'Make `spec.selector` match the pod template labels of the workload it protects.',
    tags: ['reliability', 'wiring'],
  },
  (index, out) => {
    if (!index.all.some(isScaled)) return; // a PDB alone: its workload is elsewhere
    for (const { pdb, targets } of pdbTargets(index))
      if (targets.length === 0)
        out.push(
          at(
            pdb,
            [...pdb.path, 'spec', 'selector'],
            `${show(pdb)} selects no pod of the workloads in the input`,
          ),
        );
  },
);

const replicasOf = (index: SetIndex, w: Located) => {
  const hpa = index.hpaOf(w);
  return { count: index.minReplicas(w), from: hpa ? ` (the minReplicas of ${show(hpa)})` : '' };
};

const pdbMinAvailable = setRule(
  {
    id: 'k8s/pdb-min-available',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A PodDisruptionBudget whose minAvailable reaches the lowest replica count (HPA minReplicas, else replicas) — or is 100% — allows no eviction: node drains and cluster upgrades block.',
    recommendation:
      'Keep `minAvailable` below the lowest replica count (HPA `minReplicas`), or use `maxUnavailable: 1`.',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const { pdb, spec, targets } of pdbTargets(index)) {
      const where = [...pdb.path, 'spec', 'minAvailable'];
      // 100% blocks every eviction whatever the workload; no need to see it.
      if (percent(spec.minAvailable) === 100) {
        out.push(at(pdb, where, `${show(pdb)} keeps 100% of its pods available: no pod can ever be evicted`));
        continue;
      }
      for (const w of targets) {
        const { count, from } = replicasOf(index, w);
        const min = podsOf(spec.minAvailable, count);
        if (min !== undefined && min >= count)
          out.push(
            at(
              pdb,
              where,
              `${show(pdb)} keeps ${min} of ${count} replica(s)${from} of ${show(w)} available: no pod can ever be evicted`,
            ),
          );
      }
    }
  },
);

const pdbMaxUnavailable = objectRule(
  {
    id: 'k8s/pdb-max-unavailable',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A PodDisruptionBudget with `maxUnavailable: 0` (or 0%) allows no eviction at all: node drains and cluster upgrades block.',
    recommendation: 'Set `maxUnavailable: 1` (or more).',
    tags: ['reliability'],
  },
  (o, out) => {
    if (o.kind !== 'PodDisruptionBudget') return;
    const max = dict(o.object.spec)?.maxUnavailable;
    if (max === 0 || percent(max) === 0)
      out.push({
        path: [...o.path, 'spec', 'maxUnavailable'],
        message: `${show(o)} allows no pod to be unavailable: no pod can ever be evicted`,
      });
  },
);

const pdbPolicy = objectRule(
  {
    id: 'k8s/pdb-policy',
    severity: tiered('medium', 'low', 'low'),
    description:
      'A PodDisruptionBudget with neither `minAvailable` nor `maxUnavailable` states no budget: what it protects depends on defaults nobody reads.',
    recommendation: 'Set `maxUnavailable: 1` (or a `minAvailable` below the replicas).',
    tags: ['reliability'],
  },
  (o, out) => {
    if (o.kind !== 'PodDisruptionBudget') return;
    const spec = dict(o.object.spec) ?? {};
    if (spec.minAvailable === undefined && spec.maxUnavailable === undefined)
      out.push({
        path: [...o.path, 'spec'],
        message: `${show(o)} sets neither minAvailable nor maxUnavailable`,
      });
  },
);

/** Replicas not spread over nodes, for replicated workloads or (opt-in) single-replica ones. */
const spreadRule = (single: boolean) =>
  setRule(
    {
      id: single ? 'k8s/spread-single-replica' : 'k8s/spread',
      severity: single ? { default: 'off' } : tiered('medium', 'low', 'off'),
      description: single
        ? 'A single-replica workload without a spread constraint may be scheduled next to its own replacement during a rollout, on one node. Off by default; switch it on per tier in a policy.'
        : 'Replicas that may all land on one node or zone go down together with it.',
      recommendation:
        'Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and `topology.kubernetes.io/zone`), or a pod anti-affinity.',
      tags: ['reliability'],
    },
    (index, out) => {
      for (const w of index.all.filter(isScaled)) {
        if (index.minReplicas(w) >= 2 === single) continue;
        const spec = w.pod!.spec;
        const anti = dict(dict(spec.affinity)?.podAntiAffinity);
        if (list(spec.topologySpreadConstraints).length === 0 && !anti)
          out.push(
            at(
              w,
              w.pod!.path,
              `the replicas of ${show(w)} are not spread over nodes (no topologySpreadConstraints or podAntiAffinity)`,
            ),
          );
      }
    },
  );

const spread = spreadRule(false);
const spreadSingleReplica = spreadRule(true);

/** Availability: replicas, disruption budgets, autoscalers, spreading. */
export const availabilityFamily = family(
  'Availability: replicas, disruption budgets, autoscaling, spreading',
  [
    minReplicas,
    hpaMinReplicas,
    hpaBounds,
    hpaHeadroom,
    hpaReplicas,
    pdbPresent,
    pdbSingleReplica,
    pdbSelectorRule,
    pdbPolicy,
    pdbMinAvailable,
    pdbMaxUnavailable,
    spread,
    spreadSingleReplica,
  ],
);
