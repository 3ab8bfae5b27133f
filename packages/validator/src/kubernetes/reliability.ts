// Reliability of each container: probes, resources, images and its environment.
import { isDeepStrictEqual } from 'node:util';
import { parseImageReference } from '../formats.js';
import { containerRule, family, objectRule, tiered, where } from './_define.js';
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

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** SameValueZero, as a Set compares (NaN equals NaN). */
const same = (a: unknown, b: unknown) => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * True when a probe's `port` names a port that `ports` (a container's) does not declare: a name
 * no port has, or a number no port has when the container declares some.
 */
function undeclared(ports: unknown, port: unknown): boolean {
  const items = list(ports);
  let field: 'name' | 'containerPort';
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return false;
    field = 'name';
  } else if (typeof port === 'number') {
    if (items.length === 0) return false;
    field = 'containerPort';
  } else return false;
  for (let i = 0; i < items.length; i++) if (same(dict(items[i])?.[field], port)) return false;
  return true;
}

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
    // Ports are looked up for each probe port (a container declares a handful): no sets or
    // arrays per container, which every container of every workload made.
    for (let k = 0; k < PROBES.length; k++) {
      const kind = PROBES[k]!;
      const probe = dict(c.container[kind]);
      if (!probe) continue;
      for (let h = 0; h < HANDLERS.length; h++) {
        const handler = HANDLERS[h]!;
        const port = dict(probe[handler])?.port;
        if (undeclared(c.container.ports, port))
          out.push({
            path: [...c.path, kind, handler, 'port'],
            message: `the ${kind} of ${where(c, o)} probes port ${JSON.stringify(port)}, which the container does not declare`,
          });
      }
    }
  },
  { init: false },
);

/** One rule per resource and kind of bound, so that results compare check by check with Polaris. */
const resourceRule = (resource: 'cpu' | 'memory', group: 'requests' | 'limits') => {
  const what = `${resource} ${group === 'requests' ? 'request' : 'limit'}`;
  return containerRule(
    {
      id: `k8s/${resource}-${group === 'requests' ? 'request' : 'limit'}`,
      severity: tiered('high', 'medium', 'low'),
      description:
        group === 'requests'
          ? `Without a ${what} the scheduler places the pod as if it needed no ${resource}: nodes are overcommitted and the pod is evicted first.`
          : `Without a ${what} one container can take all the ${resource} of its node${resource === 'memory' ? ' until the kernel kills a neighbour' : ' and starve its neighbours'}.`,
      recommendation: `Set \`resources.${group}.${resource}\` on the container.`,
      tags: ['reliability', 'efficiency'],
    },
    (c, o, out) => {
      // Ephemeral containers cannot declare resources.
      if (c.field === 'ephemeralContainers') return;
      if (dict(dict(c.container.resources)?.[group])?.[resource] === undefined)
        out.push({
          path: [...c.path, 'resources', group, resource],
          message: `${where(c, o)} sets no ${what}`,
        });
    },
  );
};

const cpuRequest = resourceRule('cpu', 'requests');
const cpuLimit = resourceRule('cpu', 'limits');
const memoryRequest = resourceRule('memory', 'requests');
const memoryLimit = resourceRule('memory', 'limits');

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

const pullPolicy = containerRule(
  {
    id: 'k8s/pull-policy',
    severity: tiered('low', 'low', 'off'),
    description:
      'With `imagePullPolicy: IfNotPresent` a node runs whatever image it cached under the tag, and a pod may start an image its pull secret no longer grants; a digest-pinned image cannot change, so it may stay cached.',
    recommendation: 'Set `imagePullPolicy: Always`, or pin the image by digest (`…@sha256:<digest>`).',
    tags: ['reliability', 'supply-chain'],
  },
  (c, o, out) => {
    const image = text(c.container.image);
    const policy = c.container.imagePullPolicy;
    const ref = image === undefined ? undefined : parseImageReference(image);
    // An unparsable image is k8s/image-pinned's finding.
    if (policy === 'Always' || !ref || ref.digest !== undefined) return;
    // Without a policy Kubernetes pulls `latest` and untagged images always, tagged ones if not present.
    if (policy === undefined && (ref.tag === undefined || ref.tag === 'latest')) return;
    out.push({
      path: [...c.path, policy === undefined ? 'image' : 'imagePullPolicy'],
      message: `${where(c, o)} pulls ${JSON.stringify(image)} only if not present (imagePullPolicy ${policy === undefined ? 'unset' : JSON.stringify(policy)})`,
    });
  },
  { init: true },
);

const priorityClass = objectRule(
  {
    id: 'k8s/priority-class',
    severity: tiered('low', 'off', 'off'),
    description:
      'Without a priority class a service pod has the default priority: under node pressure the scheduler may preempt it for a batch job, and nothing preempts for it.',
    recommendation: 'Set `priorityClassName` on the pod template (a PriorityClass of the cluster).',
    tags: ['reliability'],
  },
  (o, out) => {
    if (!o.pod || o.pod.batch) return;
    if (typeof o.pod.spec.priorityClassName !== 'string' || o.pod.spec.priorityClassName === '')
      out.push({
        path: [...o.pod.path, 'priorityClassName'],
        message: `${show(o)} sets no priorityClassName`,
      });
  },
);

const probesIdentical = containerRule(
  {
    id: 'k8s/probes-identical',
    severity: tiered('medium', 'low', 'off'),
    description:
      'A liveness probe identical to the readiness probe restarts a pod that is merely busy: an overload becomes a restart storm.',
    recommendation:
      'Make the liveness probe cheaper and more tolerant than the readiness probe (another endpoint, or a higher failureThreshold).',
    tags: ['reliability'],
  },
  (c, o, out) => {
    const live = c.container.livenessProbe;
    const ready = c.container.readinessProbe;
    if (live !== undefined && ready !== undefined && isDeepStrictEqual(live, ready))
      out.push({
        path: [...c.path, 'livenessProbe'],
        message: `the liveness probe of ${where(c, o)} is identical to its readiness probe`,
      });
  },
  { init: false, batch: false },
);

const duplicateEnv = containerRule(
  {
    id: 'k8s/duplicate-env',
    severity: tiered('medium', 'medium', 'low'),
    description:
      'When a container declares one environment variable twice, the last entry wins silently, and a strategic-merge patch may drop the other.',
    recommendation: 'Keep one entry per variable name in `env`.',
    tags: ['correctness'],
  },
  (c, o, out) => {
    const seen = new Set<string>();
    list(c.container.env).forEach((e, i) => {
      const name = text(dict(e)?.name);
      if (name === undefined) return;
      if (seen.has(name))
        out.push({
          path: [...c.path, 'env', i, 'name'],
          message: `${where(c, o)} declares ${name} more than once`,
        });
      seen.add(name);
    });
  },
);

/** Probes, resources and images. */
export const reliabilityFamily = family('Reliability: probes, resources and images', [
  livenessProbe,
  readinessProbe,
  startupProbe,
  probesIdentical,
  probePort,
  cpuRequest,
  cpuLimit,
  memoryRequest,
  memoryLimit,
  imagePinned,
  imageDigest,
  pullPolicy,
  priorityClass,
  duplicateEnv,
]);
