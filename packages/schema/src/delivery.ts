import type { EnvironmentDocument, ServiceName, Tier } from './environment.js';

/** How configuration reaches a process in Kubernetes (see docs/process-contract.md). */
export type DeliveryMode = 'hot' | 'rollout';

/**
 * The delivery mode of each tier when `platform.configDelivery` is unset: `hot` in development
 * and staging, where changes are frequent and a restart per change slows the work down;
 * `rollout` in production, where every change rolls the pods through the usual readiness gates
 * unless the environment document asks for `hot` (settings a process cannot change live still
 * roll its pods then, through the restart checksum).
 */
export const TIER_DELIVERY_DEFAULTS: Readonly<Record<Tier, DeliveryMode>> = {
  development: 'hot',
  staging: 'hot',
  production: 'rollout',
};

/** The delivery mode in force: `platform.configDelivery`, else the tier default. */
export function deliveryMode(document: Pick<EnvironmentDocument, 'tier' | 'platform'>): DeliveryMode {
  return document.platform.configDelivery ?? TIER_DELIVERY_DEFAULTS[document.tier];
}

/**
 * Settings a running process cannot change: connections are opened, ports bound, identity and
 * TLS material read once at start. Glob patterns over dotted paths (`*` is one segment). A
 * change to one of them rolls the pods that read it; every other setting reloads live in `hot`
 * mode. Kubernetes-only service fields (replicas, resources, autoscaling, probes) are not here:
 * Kubernetes applies them to the service's own Deployment.
 */
export const RESTART_ONLY_SETTINGS = [
  'name',
  'tier',
  'platform.namespace',
  'platform.configDelivery',
  'dependencies.redis.url',
  'dependencies.redis.tls',
  'dependencies.redis.db',
  'dependencies.nats.url',
  'dependencies.nats.tls',
  'dependencies.nats.jetstream',
  'dependencies.postgres.url',
  'dependencies.postgres.sslmode',
  'dependencies.postgres.pool',
  'security.tls',
  'security.runAsNonRoot',
  'security.readOnlyRootFilesystem',
  'secrets.backend',
  'services.*.port',
  'services.*.image',
  'services.*.env',
] as const;

const segmentsOf = (path: string) => path.split('.');

/** True when the setting at `path` (dotted or segments), or a setting it lies under, needs a restart. */
export function isRestartOnly(path: string | readonly string[]): boolean {
  const segments = typeof path === 'string' ? segmentsOf(path) : [...path];
  return RESTART_ONLY_SETTINGS.some((pattern) => {
    const parts = segmentsOf(pattern);
    return parts.length <= segments.length && parts.every((part, i) => part === '*' || part === segments[i]);
  });
}

/**
 * The restart-only values one service's process reads: the shared ones and its own service
 * entry's, never another service's. Hash it (`canonicalJson`) into the pod template so a change
 * rolls exactly the Deployments concerned.
 */
export function restartOnlyValues(
  document: EnvironmentDocument,
  service: ServiceName,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pattern of RESTART_ONLY_SETTINGS) {
    const parts = segmentsOf(pattern);
    if (parts[0] === 'services') {
      const field = parts[2]!;
      out[`services.${service}.${field}`] = (document.services[service] as Record<string, unknown>)[field];
    } else {
      let node: unknown = document;
      for (const part of parts)
        node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      out[pattern] = node;
    }
  }
  if (out['platform.configDelivery'] === undefined) out['platform.configDelivery'] = deliveryMode(document);
  return out;
}

/**
 * Whose process reads the secret at `path` (segments of a `{ secretRef }` in the document): a
 * service's own (`services.<name>.…`; `monitoring.…` is the monitoring service's) or every
 * service's (`platform`). The generators mount a Secret only into the Deployments that read it,
 * and the secret resolver resolves only those, so both use this one rule.
 */
export function secretScope(path: readonly string[]): 'platform' | ServiceName {
  if (path[0] === 'services' && path[1] !== undefined) return path[1] as ServiceName;
  if (path[0] === 'monitoring') return 'monitoring';
  return 'platform';
}

/** Paths and variables of the process contract (docs/process-contract.md), shared by the generators and the resolver. */
export const PROCESS_CONTRACT = {
  /** Where the `hot` ConfigMap is mounted (as a directory: `subPath` mounts never update). */
  configDir: '/etc/agentforge/config',
  /** The ConfigMap key holding the environment document. */
  configKey: 'environment.yaml',
  /** Names the configuration file in `hot` mode. */
  configFileVariable: 'AGENTFORGE_CONFIG_FILE',
  /** Every referenced Secret is mounted at `<secretsDir>/<secretRef>/<key>`. */
  secretsDir: '/var/run/secrets/agentforge',
  /** Names the secrets directory. */
  secretsDirVariable: 'AGENTFORGE_SECRETS_DIR',
  /** Names the service the process is (`swarm`, `gateway`, …). */
  serviceNameVariable: 'SERVICE_NAME',
  /** The gateway's TLS Secret, when `security.tls.enabled`. */
  tlsDir: '/var/run/secrets/agentforge/tls',
  /** Pod template annotation hashing the restart-only settings a service reads. */
  restartChecksumAnnotation: 'agentforge.io/restart-checksum',
  /** The service that terminates TLS when `security.tls.enabled`. */
  tlsService: 'gateway',
} as const;
