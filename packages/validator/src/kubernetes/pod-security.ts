// Pod Security Standard "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards)
// and a read-only root filesystem.
import {
  at,
  containerRule,
  family,
  objectRule,
  podSecurity,
  securityContext,
  setRule,
  tiered,
  where,
} from './_define.js';
import { type ContainerAt, containersOf, dict, list, show, text } from './_objects.js';

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

const HOST_NAMESPACES = {
  hostNetwork: ['network', "the node's network: its loopback services and every packet of the node"],
  hostPID: ['pid', 'every process of the node, to signal or trace'],
  hostIPC: ['ipc', "the node's shared memory and IPC of every process"],
} as const;

/** One rule per host namespace, so that results compare check by check with Polaris and kube-linter. */
const hostNamespace = (field: keyof typeof HOST_NAMESPACES) =>
  objectRule(
    {
      id: `k8s/host-${HOST_NAMESPACES[field][0]}`,
      severity: tiered('critical', 'high', 'high'),
      description: `Sharing the host's ${HOST_NAMESPACES[field][0].toUpperCase()} namespace (\`${field}: true\`) lets a pod reach ${HOST_NAMESPACES[field][1]}.`,
      recommendation: `Remove \`${field}\` (or set it to false).`,
      tags: ['security', 'pod-security'],
    },
    (o, out) => {
      if (o.pod?.spec[field] === true)
        out.push({ path: [...o.pod.path, field], message: `${show(o)} sets ${field}: true` });
    },
  );

const hostNetwork = hostNamespace('hostNetwork');
const hostPid = hostNamespace('hostPID');
const hostIpc = hostNamespace('hostIPC');

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

const capabilitiesOf = (c: ContainerAt) => dict(securityContext(c).capabilities);

const capabilitiesDropAll = containerRule(
  {
    id: 'k8s/capabilities-drop-all',
    severity: tiered('high', 'medium', 'low'),
    description:
      'Default capabilities such as NET_RAW, CHOWN or SETUID let a compromised process spoof traffic on the node network or change file ownership; the restricted standard drops them all.',
    recommendation: 'Set `securityContext.capabilities.drop: [ALL]` on every container.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    if (!list(capabilitiesOf(c)?.drop).includes('ALL'))
      out.push({
        path: [...c.path, 'securityContext', 'capabilities', 'drop'],
        message: `${where(c, o)} does not drop ALL capabilities`,
      });
  },
);

/** The one capability the restricted standard lets a container add back. */
export const ALLOWED_ADDED_CAPABILITIES = ['NET_BIND_SERVICE'] as const;

const dangerousCapabilities = containerRule(
  {
    id: 'k8s/dangerous-capabilities',
    severity: tiered('critical', 'high', 'medium'),
    description:
      'An added capability such as SYS_ADMIN, NET_ADMIN or ALL gives a process root powers over the node (mounts, network configuration, kernel modules).',
    recommendation:
      'Remove the capability from `capabilities.add`; only `NET_BIND_SERVICE` (ports below 1024) is allowed back.',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    list(capabilitiesOf(c)?.add).forEach((cap, i) => {
      if (!(ALLOWED_ADDED_CAPABILITIES as readonly unknown[]).includes(cap))
        out.push({
          path: [...c.path, 'securityContext', 'capabilities', 'add', i],
          message: `${where(c, o)} adds capability ${String(cap)}`,
        });
    });
  },
);

const hostProcess = objectRule(
  {
    id: 'k8s/host-process',
    severity: tiered('critical', 'high', 'high'),
    description:
      'A Windows HostProcess container runs directly on the node with its privileges: the baseline Pod Security Standard forbids it.',
    recommendation:
      'Remove `securityContext.windowsOptions.hostProcess: true` from the pod and its containers.',
    tags: ['security', 'pod-security'],
  },
  (o, out) => {
    if (!o.pod) return;
    if (dict(podSecurity(o).windowsOptions)?.hostProcess === true)
      out.push({
        path: [...o.pod.path, 'securityContext', 'windowsOptions', 'hostProcess'],
        message: `${show(o)} runs as a Windows HostProcess pod`,
      });
    for (const c of containersOf(o.pod))
      if (dict(securityContext(c).windowsOptions)?.hostProcess === true)
        out.push({
          path: [...c.path, 'securityContext', 'windowsOptions', 'hostProcess'],
          message: `${where(c, o)} is a Windows HostProcess container`,
        });
  },
);

const procMount = containerRule(
  {
    id: 'k8s/proc-mount',
    severity: tiered('high', 'high', 'medium'),
    description:
      "An `Unmasked` /proc mount bypasses the runtime's masking of /proc: the container reads and writes kernel settings of the node.",
    recommendation: 'Remove `securityContext.procMount` (or set it to `Default`).',
    tags: ['security', 'pod-security'],
  },
  (c, o, out) => {
    const mount = securityContext(c).procMount;
    if (mount !== undefined && mount !== 'Default')
      out.push({
        path: [...c.path, 'securityContext', 'procMount'],
        message: `${where(c, o)} sets procMount ${JSON.stringify(mount)}`,
      });
  },
);

/** Sysctls the baseline Pod Security Standard allows (namespaced and isolated from the node). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
] as const;

const unsafeSysctls = objectRule(
  {
    id: 'k8s/unsafe-sysctls',
    severity: tiered('high', 'medium', 'medium'),
    description:
      'A sysctl outside the safe set changes kernel settings shared with the node and every other pod on it.',
    recommendation: `Remove the sysctl from \`securityContext.sysctls\`; only ${SAFE_SYSCTLS.join(', ')} are safe.`,
    tags: ['security', 'pod-security'],
  },
  (o, out) => {
    if (!o.pod) return;
    list(podSecurity(o).sysctls).forEach((s, i) => {
      const name = text(dict(s)?.name);
      if (!(SAFE_SYSCTLS as readonly (string | undefined)[]).includes(name))
        out.push({
          path: [...o.pod!.path, 'securityContext', 'sysctls', i, 'name'],
          message: `${show(o)} sets the unsafe sysctl ${JSON.stringify(name ?? '?')}`,
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

const automountToken = setRule(
  {
    id: 'k8s/automount-service-account-token',
    severity: tiered('medium', 'low', 'off'),
    description:
      'A pod that does not need the Kubernetes API still gets a token of its ServiceAccount mounted: a compromised process can call the API server with it.',
    recommendation:
      'Set `automountServiceAccountToken: false` on the pod (or on its ServiceAccount); pods that call the API mount a projected token explicitly.',
    tags: ['security'],
  },
  (index, out) => {
    for (const w of index.all) {
      if (!w.pod || w.pod.spec.automountServiceAccountToken === false) continue;
      const account = text(w.pod.spec.serviceAccountName) ?? text(w.pod.spec.serviceAccount) ?? 'default';
      const fromAccount = index
        .named('ServiceAccount', account, w.namespace)
        .some((a) => a.object.automountServiceAccountToken === false);
      if (w.pod.spec.automountServiceAccountToken === true || !fromAccount)
        out.push(
          at(
            w,
            [...w.pod.path, 'automountServiceAccountToken'],
            `${show(w)} mounts the token of ServiceAccount ${account}`,
          ),
        );
    }
  },
);

/** Pod Security Standard (restricted) and read-only root filesystem. */
export const podSecurityFamily = family('Pod Security Standard (restricted) and read-only root filesystem', [
  privileged,
  hostNetwork,
  hostPid,
  hostIpc,
  hostProcess,
  hostPorts,
  hostPath,
  volumeTypes,
  runAsNonRoot,
  privilegeEscalation,
  capabilitiesDropAll,
  dangerousCapabilities,
  procMount,
  unsafeSysctls,
  seccomp,
  readOnlyRoot,
  automountToken,
]);
