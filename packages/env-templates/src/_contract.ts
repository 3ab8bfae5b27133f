// The process contract (docs/process-contract.md) as data: what one service's container gets —
// variables, mounts, volumes, probes, the restart checksum. The Kustomize generator renders it
// as patches; the Helm chart renders the same contract in templates (src/contract.test.ts
// compares the two renders).
import { createHash } from 'node:crypto';
import {
  AgentforgeError,
  canonicalJson,
  type DeliveryMode,
  deliveryMode,
  type EnvironmentDocument,
  PROCESS_CONTRACT,
  restartOnlyValues,
  type ServiceName,
  toEnvironmentVariables,
} from '@agentforge/schema';
import { connectionVariables, type PreparedDocument, type SecretBinding, secretsFor } from './document.js';

/** The unhashed ConfigMap holding `environment.yaml` in `hot` mode. */
export const CONFIG_MAP = 'agentforge-config';
/** The ConfigMap every container reads with `envFrom`. */
export const ENV_CONFIG_MAP = 'agentforge-env';
/** Variables every environment sets, whatever the document says. */
export const FIXED_PROCESS_VARIABLES = { OTEL_SERVICE_NAMESPACE: 'agentforge', TZ: 'UTC' } as const;

/**
 * The process ConfigMap's data: the connection variables client libraries read and, in `rollout`
 * mode, the document as `AGENTFORGE_*` variables. In `hot` mode it holds only values derived from
 * restart-only settings (the live ones are in the mounted file), so it never needs a live update.
 */
export function processVariables(document: EnvironmentDocument, mode: DeliveryMode): Record<string, string> {
  const { LOG_LEVEL, ...connections } = connectionVariables(document);
  const variables: Record<string, string> = {
    ...FIXED_PROCESS_VARIABLES,
    ...connections,
    ...(mode === 'rollout' ? { LOG_LEVEL, ...toEnvironmentVariables(document) } : {}),
  };
  return Object.fromEntries(Object.entries(variables).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The pod template annotation value: a hash over what the service's process reads once at start.
 * `hot`: the restart-only settings (shared and its own). `rollout`: the whole document with only
 * its own service entry — another service's replicas or image never restart it.
 */
export function restartChecksum(document: EnvironmentDocument, service: ServiceName): string {
  const mode = deliveryMode(document);
  const input =
    mode === 'hot'
      ? restartOnlyValues(document, service)
      : { ...document, services: { [service]: document.services[service] } };
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** A volume name for a Secret name (DNS subdomain → DNS label), as the chart's `agentforge.secretVolume`. */
export function secretVolumeName(secretName: string): string {
  return `secret-${secretName.replaceAll('.', '-')}`.slice(0, 63).replace(/-+$/, '');
}

/** The Secrets a service mounts, by name, with the keys it reads. */
export function secretMounts(
  secrets: readonly SecretBinding[],
  service: ServiceName | 'platform',
): Map<string, string[]> {
  const chosen =
    service === 'platform' ? secrets.filter((s) => s.scope === 'platform') : secretsFor(secrets, service);
  const byName = new Map<string, Set<string>>();
  for (const secret of chosen)
    byName.set(secret.secretName, (byName.get(secret.secretName) ?? new Set()).add(secret.key));
  return new Map(
    [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, keys]) => [name, [...keys].sort()]),
  );
}

/** The Secret volume of one referenced Secret: key per file, readable by the pod's group only. */
export function secretVolume(secretName: string, keys: readonly string[]) {
  return {
    name: secretVolumeName(secretName),
    secret: {
      secretName,
      defaultMode: 0o440,
      items: keys.map((key) => ({ key, path: key })),
    },
  };
}

/** Its mount at `<secretsDir>/<secretName>`. */
export function secretVolumeMount(secretName: string) {
  return {
    name: secretVolumeName(secretName),
    mountPath: `${PROCESS_CONTRACT.secretsDir}/${secretName}`,
    readOnly: true,
  };
}

/** Whether this service terminates TLS with a cert-manager certificate. */
export const servesTls = (document: EnvironmentDocument, service: ServiceName) =>
  service === PROCESS_CONTRACT.tlsService && document.security.tls.enabled;

/** The TLS variables of the gateway. */
export function tlsVariables(document: EnvironmentDocument) {
  return [
    { name: 'TLS_CERT_FILE', value: `${PROCESS_CONTRACT.tlsDir}/tls.crt` },
    { name: 'TLS_KEY_FILE', value: `${PROCESS_CONTRACT.tlsDir}/tls.key` },
    { name: 'TLS_MIN_VERSION', value: document.security.tls.minVersion },
  ];
}

/** The prepared document, in the form the `hot` ConfigMap carries it. */
export type { PreparedDocument };

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0)$/i;

/**
 * Refuses a dependency URL on a loopback host for the Kubernetes renders: inside a pod
 * `localhost` is the pod itself, so the service could never reach Redis, NATS or PostgreSQL.
 * (Compose rewrites the hosts to its own service names and `.env` files run on the host, so
 * only the Kubernetes generators refuse.)
 */
export function assertClusterReachable(document: EnvironmentDocument): void {
  for (const name of ['redis', 'nats', 'postgres'] as const) {
    const url = document.dependencies[name].url;
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      continue;
    }
    if (LOOPBACK.test(host))
      throw new AgentforgeError(
        'SCHEMA_VIOLATION',
        `/dependencies/${name}/url: "${host}" inside a pod is the pod itself; name the ${name} Service (e.g. ${name}.${document.platform.namespace}.svc.cluster.local)`,
      );
  }
}
