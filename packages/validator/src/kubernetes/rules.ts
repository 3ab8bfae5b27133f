import { isSecretKey, type Severity, secretValueKind } from '@agentforge/schema';
import { parseImageReference } from '../formats.js';
import { definePolicy } from '../policy.js';
import { defineRule } from '../rule.js';
import type { DocumentRule, Policy, Rule, RuleContext, SetRule, SeveritySpec, Violation } from '../types.js';
import { indexOf, isScaled, type Located, providedSecrets, referencesOf, type SetIndex } from './_index.js';
import {
  type ContainerAt,
  containersOf,
  dict,
  isList,
  type K8sObject,
  list,
  matchesMap,
  objectsOf,
  type Segments,
  sameNamespace,
  selects,
  show,
  text,
} from './_objects.js';

const DOCS = 'https://github.com/agentforge/config-toolkit/blob/main/packages/validator/RULES.md';

/** Severity by tier: production is the strictest. `off` where a tier gets nothing. */
const tiered = (
  production: Severity,
  staging: Severity | 'off',
  development: Severity | 'off',
): SeveritySpec => ({
  production,
  staging,
  default: development,
});

type Meta = Omit<DocumentRule, 'check' | 'scope' | 'helpUri'>;

/** A rule checked on every object of each document (List items included). */
function objectRule(meta: Meta, check: (o: K8sObject, out: Violation[], context: RuleContext) => void): Rule {
  return defineRule({
    ...meta,
    helpUri: `${DOCS}#${meta.id.replace('/', '')}`,
    check(context) {
      const out: Violation[] = [];
      for (const o of objectsOf(context.raw)) check(o, out, context);
      return out;
    },
  });
}

/** A rule checked on every container of every workload. */
function containerRule(
  meta: Meta,
  check: (c: ContainerAt, o: K8sObject, out: Violation[]) => void,
  options: { init?: boolean; batch?: boolean } = {},
): Rule {
  return objectRule(meta, (o, out) => {
    if (!o.pod || (o.pod.batch && options.batch === false)) return;
    for (const c of containersOf(o.pod)) {
      if (c.field !== 'containers' && options.init === false) continue;
      check(c, o, out);
    }
  });
}

/** A rule over the whole set of documents (cross-object wiring). */
function setRule(meta: Meta, check: (index: SetIndex, out: Violation[]) => void): Rule {
  return defineRule({
    ...meta,
    scope: 'set',
    helpUri: `${DOCS}#${meta.id.replace('/', '')}`,
    check(context) {
      const out: Violation[] = [];
      check(indexOf(context), out);
      return out;
    },
  } satisfies SetRule);
}

const at = (o: { document: number }, path: Segments, message: string): Violation => ({
  path,
  message,
  document: o.document,
});
const where = (c: ContainerAt, o: K8sObject) => `container ${c.name} of ${show(o)}`;
const securityContext = (c: ContainerAt) => dict(c.container.securityContext) ?? {};
const podSecurity = (o: K8sObject) => dict(o.pod?.spec.securityContext) ?? {};

// ---- Pod Security Standard "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards)

const privileged = containerRule(
  {
    id: 'k8s/privileged',
    severity: 'critical',
    description:
      'A privileged container has every capability and the host devices: a container escape is one step away.',
    recommendation: 'Remove `securityContext.privileged: true`; grant only the capability the process needs.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    if (securityContext(c).privileged === true)
      out.push({
        path: [...c.path, 'securityContext', 'privileged'],
        message: `${where(c, o)} is privileged`,
      });
  },
);

const hostNamespaces = objectRule(
  {
    id: 'k8s/host-namespaces',
    severity: tiered('critical', 'high', 'high'),
    description:
      "Sharing the host's network, PID or IPC namespace lets a pod see and reach every process of the node.",
    recommendation: 'Remove `hostNetwork`, `hostPID` and `hostIPC` (or set them to false).',
    tags: ['security', 'pod-security'],
  },
  (o, out) => {
    if (!o.pod) return;
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
      if (o.pod.spec[field] === true)
        out.push({ path: [...o.pod.path, field], message: `${show(o)} sets ${field}: true` });
  },
);

const hostPorts = containerRule(
  {
    id: 'k8s/host-ports',
    severity: tiered('high', 'medium', 'medium'),
    description:
      'A host port binds the node itself, bypasses network policies and limits scheduling to one pod per node.',
    recommendation: 'Remove `hostPort`; expose the port through a Service.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    list(c.container.ports).forEach((p, i) => {
      const port = dict(p)?.hostPort;
      if (typeof port === 'number' && port !== 0)
        out.push({
          path: [...c.path, 'ports', i, 'hostPort'],
          message: `${where(c, o)} binds host port ${port}`,
        });
    });
  },
);

const hostPath = objectRule(
  {
    id: 'k8s/host-path',
    severity: tiered('critical', 'high', 'high'),
    description: "A hostPath volume exposes the node's filesystem; a write to it can take over the node.",
    recommendation: 'Use an emptyDir, a PersistentVolumeClaim, a ConfigMap or a Secret instead of hostPath.',
    tags: ['security', 'pod-security'],
  },
  (o, out) => {
    if (!o.pod) return;
    list(o.pod.spec.volumes).forEach((v, i) => {
      const path = text(dict(dict(v)?.hostPath)?.path);
      if (dict(v)?.hostPath !== undefined)
        out.push({
          path: [...o.pod!.path, 'volumes', i, 'hostPath'],
          message: `${show(o)} mounts the host path ${JSON.stringify(path ?? '?')}`,
        });
    });
  },
);

/** Volume types the restricted standard allows. */
export const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

const volumeTypes = objectRule(
  {
    id: 'k8s/volume-types',
    severity: tiered('high', 'medium', 'low'),
    description:
      'The restricted Pod Security Standard allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.',
    recommendation: 'Replace the volume by one of the allowed types (a PersistentVolumeClaim for storage).',
    tags: ['security', 'pod-security'],
  },
  (o, out) => {
    if (!o.pod) return;
    list(o.pod.spec.volumes).forEach((v, i) => {
      const volume = dict(v) ?? {};
      const type = Object.keys(volume).find((k) => k !== 'name');
      // hostPath is k8s/host-path's finding, more severe than this one.
      if (type !== 'hostPath' && !(RESTRICTED_VOLUME_TYPES as readonly (string | undefined)[]).includes(type))
        out.push({
          path: [...o.pod!.path, 'volumes', i],
          message: `${show(o)} has volume ${text(volume.name) ?? i} of type ${type ?? 'none'}, which the restricted standard forbids`,
        });
    });
  },
);

const runAsNonRoot = containerRule(
  {
    id: 'k8s/run-as-non-root',
    severity: tiered('high', 'medium', 'low'),
    description: 'A container running as root turns a container escape into a node compromise.',
    recommendation:
      'Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod or container securityContext.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    const sc = securityContext(c);
    const pod = podSecurity(o);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true)
      out.push({
        path: [...c.path, 'securityContext', 'runAsNonRoot'],
        message: `${where(c, o)} may run as root (runAsNonRoot is not true)`,
      });
    if (sc.runAsUser === 0)
      out.push({
        path: [...c.path, 'securityContext', 'runAsUser'],
        message: `${where(c, o)} runs as user 0`,
      });
    else if (sc.runAsUser === undefined && pod.runAsUser === 0)
      out.push({
        path: [...o.pod!.path, 'securityContext', 'runAsUser'],
        message: `${show(o)} runs as user 0`,
      });
  },
);

const privilegeEscalation = containerRule(
  {
    id: 'k8s/privilege-escalation',
    severity: tiered('high', 'medium', 'low'),
    description:
      'Unless forbidden, a process can gain more privileges than its parent through setuid binaries.',
    recommendation: 'Set `securityContext.allowPrivilegeEscalation: false` on every container.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    if (securityContext(c).allowPrivilegeEscalation !== false)
      out.push({
        path: [...c.path, 'securityContext', 'allowPrivilegeEscalation'],
        message: `${where(c, o)} allows privilege escalation`,
      });
  },
);

const capabilities = containerRule(
  {
    id: 'k8s/capabilities',
    severity: tiered('high', 'medium', 'low'),
    description:
      'Default capabilities such as NET_RAW let a compromised process spoof traffic on the node network.',
    recommendation:
      'Set `capabilities.drop: [ALL]`; add back only `NET_BIND_SERVICE` if the process binds a port below 1024.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    const caps = dict(securityContext(c).capabilities);
    if (!list(caps?.drop).includes('ALL'))
      out.push({
        path: [...c.path, 'securityContext', 'capabilities', 'drop'],
        message: `${where(c, o)} does not drop ALL capabilities`,
      });
    list(caps?.add).forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE')
        out.push({
          path: [...c.path, 'securityContext', 'capabilities', 'add', i],
          message: `${where(c, o)} adds capability ${String(cap)}`,
        });
    });
  },
);

const seccomp = containerRule(
  {
    id: 'k8s/seccomp',
    severity: tiered('high', 'medium', 'low'),
    description: 'Without a seccomp profile every system call is open to a compromised process.',
    recommendation:
      'Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or Localhost with a profile).',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    const type = dict(securityContext(c).seccompProfile)?.type ?? dict(podSecurity(o).seccompProfile)?.type;
    if (type !== 'RuntimeDefault' && type !== 'Localhost')
      out.push({
        path: [...c.path, 'securityContext', 'seccompProfile', 'type'],
        message: `${where(c, o)} has seccomp profile ${type === undefined ? 'unset' : JSON.stringify(type)}`,
      });
  },
);

const readOnlyRoot = containerRule(
  {
    id: 'k8s/read-only-root-filesystem',
    severity: tiered('high', 'medium', 'low'),
    description: 'A writable root filesystem lets an attacker persist tools inside the container.',
    recommendation:
      'Set `securityContext.readOnlyRootFilesystem: true` and mount an emptyDir where the process writes.',
    tags: ['security'],
  },
  (c, o, out) => {
    if (securityContext(c).readOnlyRootFilesystem !== true)
      out.push({
        path: [...c.path, 'securityContext', 'readOnlyRootFilesystem'],
        message: `${where(c, o)} has a writable root filesystem`,
      });
  },
);

// ---- Reliability --------------------------------------------------------------------------

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

// ---- Wiring ---------------------------------------------------------------------------------

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

// ---- Secrets ------------------------------------------------------------------------------

const secretInEnv = containerRule(
  {
    id: 'k8s/secret-in-env',
    severity: tiered('critical', 'high', 'high'),
    description:
      'A secret written as an environment variable literal is stored in git, in the API server and in every `kubectl get -o yaml`.',
    recommendation: 'Keep the value in a Secret and use `valueFrom.secretKeyRef`.',
    tags: ['security', 'secrets'],
  },
  (c, o, out) => {
    list(c.container.env).forEach((e, i) => {
      const env = dict(e);
      const name = text(env?.name);
      const value = text(env?.value);
      if (!value) return;
      const kind = value.length >= 8 ? secretValueKind(value) : undefined;
      if (kind || (name && isSecretKey(name)))
        out.push({
          path: [...c.path, 'env', i, 'value'],
          message: `${where(c, o)} sets ${name ?? 'an environment variable'} to a plaintext secret (${kind ?? 'the name names a secret'})`,
        });
    });
  },
);

const secretInConfigMap = objectRule(
  {
    id: 'k8s/secret-in-configmap',
    severity: tiered('critical', 'high', 'high'),
    description:
      'ConfigMaps are not encrypted at rest and readable by anyone who may read configuration; a secret in one leaks.',
    recommendation: 'Move the value into a Secret (or an ExternalSecret) and reference it.',
    tags: ['security', 'secrets'],
  },
  (o, out) => {
    if (o.kind !== 'ConfigMap') return;
    for (const field of ['data', 'binaryData']) {
      for (const [key, value] of Object.entries(dict(o.object[field]) ?? {})) {
        if (typeof value !== 'string' || value === '') continue;
        const kind = value.length >= 8 ? secretValueKind(value) : undefined;
        if (kind || isSecretKey(key))
          out.push({
            path: [...o.path, field, key],
            message: `${show(o)} holds a plaintext secret at ${field}.${key} (${kind ?? 'the key names a secret'})`,
          });
      }
    }
  },
);

// ---- Hygiene ------------------------------------------------------------------------------

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
    const missing = RECOMMENDED_LABELS.filter((l) => typeof o.labels[l] !== 'string');
    if (missing.length > 0)
      out.push({
        path: [...o.path, 'metadata', 'labels'],
        message: `${show(o)} lacks the label${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      });
  },
);

/** Kinds that live outside any namespace. */
const CLUSTER_SCOPED = new Set([
  'APIService',
  'CSIDriver',
  'CertificateSigningRequest',
  'ClusterIssuer',
  'ClusterRole',
  'ClusterRoleBinding',
  'ClusterSecretStore',
  'CustomResourceDefinition',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'RuntimeClass',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingWebhookConfiguration',
  'VolumeSnapshotClass',
]);

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
    if (!CLUSTER_SCOPED.has(o.kind) && o.namespace === undefined)
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

const manifestShape = defineRule({
  id: 'k8s/manifest',
  severity: 'high',
  description:
    'A document that is not a Kubernetes object (no `apiVersion` or `kind`) is refused by `kubectl apply`.',
  recommendation: 'Give every document a string `apiVersion` and `kind`, or remove it from the manifests.',
  tags: ['correctness'],
  helpUri: `${DOCS}#k8smanifest`,
  check({ raw }) {
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
});

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

/** Every Kubernetes rule, in the order RULES.md lists its groups. */
const RULES: readonly Rule[] = [
  privileged,
  hostNamespaces,
  hostPorts,
  hostPath,
  volumeTypes,
  runAsNonRoot,
  privilegeEscalation,
  capabilities,
  seccomp,
  readOnlyRoot,
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
  workloadSelector,
  serviceSelector,
  networkPolicyCoverage,
  serviceMonitorTarget,
  hpaTarget,
  danglingReference,
  secretInEnv,
  secretInConfigMap,
  recommendedLabels,
  namespace,
  deprecatedApi,
  manifestShape,
  suppressAnnotation,
];

/** Rule groups for documentation: group title → rule ids. */
export const KUBERNETES_RULE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'Pod Security Standard (restricted) and read-only root filesystem': [
    'k8s/privileged',
    'k8s/host-namespaces',
    'k8s/host-ports',
    'k8s/host-path',
    'k8s/volume-types',
    'k8s/run-as-non-root',
    'k8s/privilege-escalation',
    'k8s/capabilities',
    'k8s/seccomp',
    'k8s/read-only-root-filesystem',
  ],
  Reliability: [
    'k8s/liveness-probe',
    'k8s/readiness-probe',
    'k8s/startup-probe',
    'k8s/probe-port',
    'k8s/resources',
    'k8s/image-pinned',
    'k8s/image-digest',
    'k8s/min-replicas',
    'k8s/pdb',
    'k8s/pdb-coherent',
    'k8s/hpa-bounds',
    'k8s/hpa-replicas',
    'k8s/spread',
  ],
  Wiring: [
    'k8s/workload-selector',
    'k8s/service-selector',
    'k8s/network-policy-coverage',
    'k8s/service-monitor-target',
    'k8s/hpa-target',
    'k8s/dangling-reference',
  ],
  Secrets: ['k8s/secret-in-env', 'k8s/secret-in-configmap'],
  Hygiene: [
    'k8s/recommended-labels',
    'k8s/namespace',
    'k8s/deprecated-api',
    'k8s/manifest',
    'k8s/suppress-annotation',
  ],
};

/**
 * The Kubernetes workload policy: the restricted Pod Security Standard with a read-only root
 * filesystem, reliability (probes, resources, pinned images, replicas, PDBs, HPAs, spreading),
 * wiring between objects (selectors, network policies, ServiceMonitors, ConfigMap and Secret
 * references), plaintext secrets and hygiene. Production is the strictest tier. See RULES.md.
 * @example createValidator({ policies: [kubernetesPolicy()] }).validateDocuments(loadDocuments(text))
 */
export function kubernetesPolicy(): Policy {
  return definePolicy({ name: 'kubernetes', rules: RULES });
}
