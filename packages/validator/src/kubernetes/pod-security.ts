// Pod Security Standard "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards)
// and a read-only root filesystem.
import { containerRule, family, objectRule, podSecurity, securityContext, tiered, where } from './_define.js';
import { dict, list, show, text } from './_objects.js';

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

/** Pod Security Standard (restricted) and read-only root filesystem. */
export const podSecurityFamily = family('Pod Security Standard (restricted) and read-only root filesystem', [
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
]);
