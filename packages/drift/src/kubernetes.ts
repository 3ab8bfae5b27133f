import {
  createFingerprintKey,
  type FingerprintKey,
  isPlainObject,
  isRedacted,
  redactedMarker,
  setOwnProperty,
} from '@agentforge/schema';
import {
  expandList,
  isClusterScoped,
  isKubernetesObject,
  type KubernetesObject,
} from '@agentforge/schema/kubernetes';

/** Flattens manifest documents: drops empty documents and expands `kind: List` (a `kubectl get -o yaml` dump). */
export function flattenManifests(documents: readonly unknown[]): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  const visit = (doc: unknown) => {
    if (Array.isArray(doc)) doc.forEach(visit);
    else for (const { value } of expandList(doc)) if (isKubernetesObject(value)) out.push(value);
  };
  documents.forEach(visit);
  return out;
}

const SERVER_SET_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionGracePeriodSeconds',
];
const SERVER_SET_ANNOTATIONS = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
];
const POD_SPEC_DEFAULTS = {
  restartPolicy: 'Always',
  dnsPolicy: 'ClusterFirst',
  schedulerName: 'default-scheduler',
  terminationGracePeriodSeconds: 30,
};
const CONTAINER_DEFAULTS = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const PROBE_DEFAULTS = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
const WORKLOAD_DEFAULTS: Record<string, Record<string, unknown>> = {
  Deployment: {
    replicas: 1,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
  },
  StatefulSet: {
    replicas: 1,
    revisionHistoryLimit: 10,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  },
  DaemonSet: {
    revisionHistoryLimit: 10,
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
  },
  ReplicaSet: { replicas: 1 },
};
const SERVICE_DEFAULTS = {
  type: 'ClusterIP',
  sessionAffinity: 'None',
  internalTrafficPolicy: 'Cluster',
  ipFamilyPolicy: 'SingleStack',
};
const SERVICE_SERVER_SET = ['clusterIP', 'clusterIPs', 'ipFamilies'];

/** Deletes the members of `object` whose value equals the default (compared as JSON). */
function dropDefaults(object: unknown, defaults: Record<string, unknown>): void {
  if (!isPlainObject(object)) return;
  for (const [key, value] of Object.entries(defaults)) {
    if (key in object && JSON.stringify(object[key]) === JSON.stringify(value)) delete object[key];
  }
}

function dropEmpty(object: unknown, keys: readonly string[]): void {
  if (!isPlainObject(object)) return;
  for (const key of keys) {
    const value = object[key];
    if (isPlainObject(value) && Object.keys(value).length === 0) delete object[key];
  }
}

/** `null` means "unset" to the API server; drop it so `x: null` equals a missing `x`. */
function cloneWithoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneWithoutNulls);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value))
    if (member !== null && member !== undefined) setOwnProperty(out, key, cloneWithoutNulls(member));
  return out;
}

function cleanMetadata(metadata: unknown): void {
  if (!isPlainObject(metadata)) return;
  for (const key of SERVER_SET_METADATA) delete metadata[key];
  if (isPlainObject(metadata.annotations))
    for (const key of SERVER_SET_ANNOTATIONS) delete metadata.annotations[key];
  dropEmpty(metadata, ['annotations', 'labels']);
}

function imagePullPolicyDefault(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = /:([^/:]+)$/.exec(image)?.[1];
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function cleanProbe(probe: unknown): void {
  if (!isPlainObject(probe)) return;
  dropDefaults(probe, PROBE_DEFAULTS);
  if (isPlainObject(probe.httpGet)) dropDefaults(probe.httpGet, { scheme: 'HTTP' });
}

function cleanPorts(ports: unknown, targetDefaultsToPort: boolean): void {
  if (!Array.isArray(ports)) return;
  for (const port of ports) {
    if (!isPlainObject(port)) continue;
    dropDefaults(port, { protocol: 'TCP' });
    if (
      targetDefaultsToPort &&
      port.targetPort !== undefined &&
      String(port.targetPort) === String(port.port)
    )
      delete port.targetPort;
  }
}

function cleanPodSpec(spec: unknown): void {
  if (!isPlainObject(spec)) return;
  dropDefaults(spec, POD_SPEC_DEFAULTS);
  dropEmpty(spec, ['securityContext']);
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const container of containers) {
      if (!isPlainObject(container)) continue;
      dropDefaults(container, {
        ...CONTAINER_DEFAULTS,
        imagePullPolicy: imagePullPolicyDefault(container.image),
      });
      dropEmpty(container, ['resources', 'securityContext']);
      cleanPorts(container.ports, false);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) cleanProbe(container[probe]);
    }
  }
}

const decodeBase64 = (value: unknown): unknown =>
  typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value;

/**
 * A Secret's `data` (base64) and `stringData` (plain) merged into `data` holding fingerprints
 * of the decoded values: equal contents compare equal whichever field wrote them, and no value
 * survives.
 */
function cleanSecret(secret: Record<string, unknown>, key: FingerprintKey): void {
  const data: Record<string, unknown> = {};
  if (isPlainObject(secret.data)) {
    for (const [name, value] of Object.entries(secret.data))
      data[name] = isRedacted(value) ? value : redactedMarker(decodeBase64(value), key);
  }
  if (isPlainObject(secret.stringData)) {
    for (const [name, value] of Object.entries(secret.stringData))
      data[name] = isRedacted(value) ? value : redactedMarker(value, key);
  }
  delete secret.stringData;
  if (Object.keys(data).length > 0) secret.data = data;
  else delete secret.data;
  dropDefaults(secret, { type: 'Opaque' });
}

/**
 * A copy of a Kubernetes object without what the API server sets or defaults, so desired
 * manifests compare equal to a `kubectl get -o yaml` of the same objects: server-set metadata,
 * `status`, the last-applied annotation, defaulted fields (`protocol: TCP`, probe timings,
 * `imagePullPolicy`, rollout strategy…) and Secret `stringData` folded into `data`, its values
 * fingerprinted under `fingerprintKey` (compare objects cleaned under one key).
 */
export function cleanKubernetesObject(
  object: Record<string, unknown>,
  defaultNamespace?: string,
  fingerprintKey: FingerprintKey = createFingerprintKey(),
): Record<string, unknown> {
  const copy = cloneWithoutNulls(object) as Record<string, unknown>;
  const kind = String(copy.kind);
  delete copy.status;
  cleanMetadata(copy.metadata);
  if (defaultNamespace !== undefined && isPlainObject(copy.metadata) && !isClusterScoped(kind)) {
    copy.metadata.namespace ??= defaultNamespace;
  }
  const spec = copy.spec;
  if (kind === 'Secret') cleanSecret(copy, fingerprintKey);
  if (!isPlainObject(spec)) return copy;
  if (kind === 'Pod') cleanPodSpec(spec);
  if (kind in WORKLOAD_DEFAULTS || kind === 'Job') {
    if (WORKLOAD_DEFAULTS[kind]) dropDefaults(spec, WORKLOAD_DEFAULTS[kind]);
    if (isPlainObject(spec.template)) {
      cleanMetadata(spec.template.metadata);
      dropEmpty(spec.template, ['metadata']);
      cleanPodSpec(spec.template.spec);
    }
  }
  if (
    kind === 'CronJob' &&
    isPlainObject(spec.jobTemplate) &&
    isPlainObject(spec.jobTemplate.spec) &&
    isPlainObject(spec.jobTemplate.spec.template)
  ) {
    cleanMetadata(spec.jobTemplate.spec.template.metadata);
    cleanPodSpec(spec.jobTemplate.spec.template.spec);
  }
  if (kind === 'Service') {
    dropDefaults(spec, SERVICE_DEFAULTS);
    for (const key of SERVICE_SERVER_SET) delete spec[key];
    cleanPorts(spec.ports, true);
  }
  return copy;
}
