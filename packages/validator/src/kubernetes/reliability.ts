// Reliability: probes, resources, pinned images, replicas, PodDisruptionBudgets, autoscalers, spreading.
import { parseImageReference } from '../formats.js';
import { at, containerRule, family, objectRule, setRule, tiered, where } from './_define.js';
import { isScaled, type Located, type SetIndex } from './_index.js';
import { dict, list, show, text } from './_objects.js';

const probeRule = (kind: 'liveness' | 'readiness', description: string) =>
  containerRule(
    {
      id: `k8s/${kind}-probe`,
      severity: tiered('medium', 'low', 'off'),
      description,
      recommendation: `Add a \`${kind}Probe\` (httpGet on a health endpoint, or tcpSocket) to the container.`,
      tags: ['reliability'],
    },
    (c, o, out) => {
      if (c.container[`${kind}Probe`] === undefined)
        out.push({ path: [...c.path, `${kind}Probe`], message: `${where(c, o)} has no ${kind} probe` });
    },
    { init: false, batch: false },
  );

const livenessProbe = probeRule('liveness', 'Without a liveness probe a hung process is never restarted.');
const readinessProbe = probeRule(
  'readiness',
  'Without a readiness probe a pod receives traffic before it can serve it and while it is overloaded.',
);

/** Liveness probes that wait this long before their first check suggest a slow start. */
const SLOW_START_SECONDS = 30;

const startupProbe = containerRule(
  {
    id: 'k8s/startup-probe',
    severity: tiered('low', 'info', 'off'),
    description:
      'A slow-starting container protected only by a long liveness initialDelaySeconds is checked late for its whole life, or killed while starting.',
    recommendation:
      'Add a `startupProbe` (failureThreshold × periodSeconds ≥ the start time) and drop the liveness initialDelaySeconds.',
    tags: ['reliability'],
  },
  (c, o, out) => {
    const delay = dict(c.container.livenessProbe)?.initialDelaySeconds;
    if (typeof delay === 'number' && delay >= SLOW_START_SECONDS && c.container.startupProbe === undefined)
      out.push({
        path: [...c.path, 'livenessProbe', 'initialDelaySeconds'],
        message: `${where(c, o)} delays its liveness probe ${delay}s but has no startup probe`,
      });
  },
  { init: false, batch: false },
);

const probePort = containerRule(
  {
    id: 'k8s/probe-port',
    severity: 'high',
    description:
      'A probe on a port the container does not expose always fails: the pod never becomes ready or is restarted forever.',
    recommendation: 'Point the probe at a port the container declares in `ports` (by name or number).',
    tags: ['reliability', 'correctness'],
  },
  (c, o, out) => {
    const ports = list(c.container.ports).map((p) => dict(p) ?? {});
    const names = new Set(ports.map((p) => p.name).filter((n) => typeof n === 'string'));
    const numbers = new Set(ports.map((p) => p.containerPort).filter((n) => typeof n === 'number'));
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const probe = dict(c.container[kind]);
      for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = dict(probe?.[handler])?.port;
        const missing =
          (typeof port === 'string' && !/^\d+$/.test(port) && !names.has(port)) ||
          (typeof port === 'number' && ports.length > 0 && !numbers.has(port));
        if (missing)
          out.push({
            path: [...c.path, kind, handler, 'port'],
            message: `the ${kind} of ${where(c, o)} probes port ${JSON.stringify(port)}, which the container does not declare`,
          });
      }
    }
  },
  { init: false },
);

const resources = containerRule(
  {
    id: 'k8s/resources',
    severity: tiered('high', 'medium', 'low'),
    description:
      'Without requests the scheduler overcommits nodes; without limits one container can starve the others.',
    recommendation: 'Set `resources.requests` and `resources.limits` for both cpu and memory.',
    tags: ['reliability'],
  },
  (c, o, out) => {
    if (c.field === 'ephemeralContainers') return;
    const r = dict(c.container.resources);
    for (const group of ['requests', 'limits'])
      for (const resource of ['cpu', 'memory'])
        if (dict(r?.[group])?.[resource] === undefined)
          out.push({
            path: [...c.path, 'resources', group, resource],
            message: `${where(c, o)} sets no ${resource} ${group === 'requests' ? 'request' : 'limit'}`,
          });
  },
);

const imagePinned = containerRule(
  {
    id: 'k8s/image-pinned',
    severity: tiered('high', 'medium', 'low'),
    description:
      'An image without a tag, or tagged `latest`, changes under a running workload and cannot be rolled back.',
    recommendation: 'Pin a version tag, better with its digest: `ghcr.io/agentforge/swarm:1.8.2@sha256:…`.',
    tags: ['reliability', 'supply-chain'],
  },
  (c, o, out) => {
    const image = text(c.container.image);
    const ref = image === undefined ? undefined : parseImageReference(image);
    if (ref?.digest === undefined && (ref?.tag === undefined || ref.tag === 'latest'))
      out.push({
        path: [...c.path, 'image'],
        message: `${where(c, o)} runs ${image === undefined ? 'no image' : JSON.stringify(image)}, which is not pinned to a version or digest`,
      });
  },
);

const imageDigest = containerRule(
  {
    id: 'k8s/image-digest',
    severity: tiered('low', 'off', 'off'),
    description: 'A tag can be moved to a different image; a digest cannot.',
    recommendation: 'Append the digest to the tag: `…:1.8.2@sha256:<digest>`.',
    tags: ['supply-chain'],
  },
  (c, o, out) => {
    const image = text(c.container.image);
    const ref = image === undefined ? undefined : parseImageReference(image);
    // Unpinned images are k8s/image-pinned's finding.
    if (ref?.tag !== undefined && ref.tag !== 'latest' && ref.digest === undefined)
      out.push({ path: [...c.path, 'image'], message: `${where(c, o)} pins its image by tag only` });
  },
);

const minReplicas = setRule(
  {
    id: 'k8s/min-replicas',
    severity: tiered('high', 'off', 'off'),
    description:
      'A single replica is a single point of failure and drops traffic on every rollout and node drain.',
    recommendation:
      'Run at least 2 replicas (`spec.replicas`, or `minReplicas` of its HorizontalPodAutoscaler).',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const w of index.all.filter(isScaled)) {
      const min = index.minReplicas(w);
      if (min >= 2) continue;
      const hpa = index.hpaOf(w);
      out.push(
        hpa
          ? at(
              hpa,
              [...hpa.path, 'spec', 'minReplicas'],
              `${show(hpa)} scales ${show(w)} down to ${min} replica`,
            )
          : at(w, [...w.path, 'spec', 'replicas'], `${show(w)} runs ${min} replica`),
      );
    }
  },
);

const pdbSelector = (p: Located) => dict(dict(p.object.spec)?.selector);
const pdbsOf = (index: SetIndex, w: Located) =>
  index.selecting('PodDisruptionBudget', pdbSelector, w.pod!.labels, w.namespace);

const pdbPresent = setRule(
  {
    id: 'k8s/pdb',
    severity: tiered('medium', 'low', 'off'),
    description: 'Without a PodDisruptionBudget a node drain may evict every replica at once.',
    recommendation:
      'Add a PodDisruptionBudget selecting the pods, with `maxUnavailable: 1` (or a `minAvailable` below the replicas).',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const w of index.all.filter(isScaled))
      if (index.minReplicas(w) >= 2 && pdbsOf(index, w).length === 0)
        out.push(
          at(w, [...w.path, 'metadata', 'name'], `no PodDisruptionBudget selects the pods of ${show(w)}`),
        );
  },
);

/** A PDB value as pods out of `replicas` (`50%` of 3 → 2, rounded up as the disruption controller does). */
function podsOf(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = typeof value === 'string' ? /^(\d+)%$/.exec(value) : null;
  return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

const pdbCoherent = setRule(
  {
    id: 'k8s/pdb-coherent',
    severity: tiered('high', 'medium', 'low'),
    description:
      'A PodDisruptionBudget that allows no disruption at the lowest replica count blocks node drains and cluster upgrades; one that selects no pod protects nothing.',
    recommendation:
      'Keep `minAvailable` below the lowest replica count (HPA `minReplicas`), or use `maxUnavailable: 1`; make the selector match the pod labels.',
    tags: ['reliability'],
  },
  (index, out) => {
    const workloads = index.all.filter(isScaled);
    for (const pdb of index.byKind('PodDisruptionBudget')) {
      const spec = dict(pdb.object.spec) ?? {};
      const selector = dict(spec.selector);
      const targets = index.podsSelectedBy(selector, pdb.namespace).filter(isScaled);
      if (workloads.length > 0 && targets.length === 0) {
        out.push(
          at(
            pdb,
            [...pdb.path, 'spec', 'selector'],
            `${show(pdb)} selects no pod of the workloads in the input`,
          ),
        );
        continue;
      }
      for (const w of targets) {
        const replicas = index.minReplicas(w);
        const min = podsOf(spec.minAvailable, replicas);
        const max = podsOf(spec.maxUnavailable, replicas);
        if (min !== undefined && min >= replicas)
          out.push(
            at(
              pdb,
              [...pdb.path, 'spec', 'minAvailable'],
              `${show(pdb)} keeps ${min} of ${replicas} replica(s) of ${show(w)} available: no pod can ever be evicted`,
            ),
          );
        if (max === 0)
          out.push(
            at(
              pdb,
              [...pdb.path, 'spec', 'maxUnavailable'],
              `${show(pdb)} allows no pod of ${show(w)} to be unavailable`,
            ),
          );
      }
    }
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
    const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
    if (typeof spec.maxReplicas === 'number' && min > spec.maxReplicas)
      out.push({
        path: [...o.path, 'spec', 'minReplicas'],
        message: `${show(o)} has minReplicas ${min} above maxReplicas ${spec.maxReplicas}`,
      });
    if (min < 1)
      out.push({ path: [...o.path, 'spec', 'minReplicas'], message: `${show(o)} has minReplicas ${min}` });
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

const spread = setRule(
  {
    id: 'k8s/spread',
    severity: tiered('medium', 'low', 'off'),
    description: 'Replicas that may all land on one node or zone go down together with it.',
    recommendation:
      'Add `topologySpreadConstraints` over `kubernetes.io/hostname` (and `topology.kubernetes.io/zone`), or a pod anti-affinity.',
    tags: ['reliability'],
  },
  (index, out) => {
    for (const w of index.all.filter(isScaled)) {
      if (index.minReplicas(w) < 2) continue;
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

/** Reliability. */
export const reliabilityFamily = family('Reliability', [
  livenessProbe,
  readinessProbe,
  startupProbe,
  probePort,
  resources,
  imagePinned,
  imageDigest,
  minReplicas,
  pdbPresent,
  pdbCoherent,
  hpaBounds,
  hpaReplicas,
  spread,
]);
