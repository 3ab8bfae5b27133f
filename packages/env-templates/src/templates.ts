import {
  AgentforgeError,
  type DeepPartial,
  deepMerge,
  type EnvironmentDocument,
  type EnvironmentDocumentInput,
  EnvironmentDocumentSchema,
  JSON_SCHEMA_ID,
  parseWithSchema,
  SERVICE_NAMES,
  type ServiceName,
  TIERS,
  type Tier,
} from '@agentforge/schema';
import { toYaml } from './_yaml.js';
import { assertEnvironmentName } from './names.js';

/** The port each service listens on by convention (the Kustomize base uses the same). */
export const DEFAULT_PORTS: Readonly<Record<ServiceName, number>> = {
  swarm: 8080,
  orchestrator: 8081,
  memory: 8082,
  gateway: 8443,
  'route-engine': 8083,
  tools: 8084,
  monitoring: 9090,
};

/** The release the templates pin their service images to. */
export const TEMPLATE_RELEASE = '1.9.0';

type ServiceInput = EnvironmentDocumentInput['services'][ServiceName];
type Sizes = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

function services(build: (name: ServiceName) => ServiceInput): EnvironmentDocumentInput['services'] {
  return Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, build(name)]),
  ) as EnvironmentDocumentInput['services'];
}

const probes = (startup: boolean) => ({
  liveness: { path: '/healthz', periodSeconds: 10, timeoutSeconds: 2 },
  readiness: { path: '/readyz', periodSeconds: 5, timeoutSeconds: 2 },
  ...(startup ? { startup: { path: '/healthz', periodSeconds: 5, failureThreshold: 30 } } : {}),
});

// Services that carry the request path scale out; state-heavy ones scale up instead.
const SCALES_OUT: readonly ServiceName[] = ['swarm', 'orchestrator', 'gateway', 'route-engine', 'tools'];

const BUILDERS: Record<Tier, (name: string) => EnvironmentDocumentInput> = {
  development: (name) => ({
    name,
    tier: 'development',
    platform: { namespace: `agentforge-${name}`, domain: `${name}.agentforge.local` },
    logging: { level: 'debug', format: 'pretty' },
    debug: true,
    llm: { provider: 'mock', model: 'mock-echo', timeoutMs: 5000, retries: 0 },
    dependencies: {
      redis: { url: 'redis://redis:6379', db: 0 },
      nats: { url: 'nats://nats:4222', jetstream: true },
      postgres: {
        url: 'postgres://agentforge@postgres:5432/agentforge',
        pool: { min: 1, max: 5 },
        sslmode: 'disable',
        password: { secretRef: 'postgres-password' },
      },
    },
    services: services((service) => ({
      image: `ghcr.io/agentforge/${service}:${TEMPLATE_RELEASE}`,
      replicas: 1,
      port: DEFAULT_PORTS[service],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
      autoscaling: { enabled: false },
      probes: probes(false),
    })),
    monitoring: {
      enabled: true,
      prometheus: { enabled: true, scrapeInterval: '30s', retention: '2d' },
      grafana: { enabled: false },
    },
    security: { runAsNonRoot: true, readOnlyRootFilesystem: false, networkPolicies: false },
    features: {},
  }),
  staging: (name) => {
    const sizes: Sizes = {
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    };
    return {
      name,
      tier: 'staging',
      platform: { namespace: `agentforge-${name}`, domain: `${name}.agentforge.example.com` },
      logging: { level: 'info', format: 'json' },
      debug: false,
      llm: {
        provider: 'anthropic',
        model: 'claude-haiku-4',
        timeoutMs: 30_000,
        retries: 2,
        apiKey: { secretRef: 'llm-api-key' },
      },
      dependencies: dependencies(name, 'require', { min: 2, max: 20 }),
      services: services((service) => ({
        image: `ghcr.io/agentforge/${service}:${TEMPLATE_RELEASE}`,
        replicas: 2,
        port: DEFAULT_PORTS[service],
        resources: sizes,
        autoscaling: SCALES_OUT.includes(service)
          ? { enabled: true, minReplicas: 2, maxReplicas: 4, targetCPUUtilization: 75 }
          : { enabled: false },
        probes: probes(true),
      })),
      monitoring: {
        enabled: true,
        prometheus: { enabled: true, scrapeInterval: '30s', retention: '7d' },
        grafana: { enabled: true, adminPassword: { secretRef: 'grafana-admin' } },
        alerting: { enabled: true, rules: [] },
      },
      security: {
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        networkPolicies: true,
        tls: { enabled: true, issuer: 'letsencrypt-staging', minVersion: '1.2' },
      },
      secrets: { backend: 'external-secrets', store: `vault-${name}` },
      features: {},
    };
  },
  production: (name) => ({
    name,
    tier: 'production',
    platform: { namespace: `agentforge-${name}`, domain: 'agentforge.example.com' },
    logging: { level: 'info', format: 'json' },
    debug: false,
    llm: {
      provider: 'anthropic',
      model: 'claude-sonnet-4',
      endpoint: 'https://api.anthropic.com',
      timeoutMs: 60_000,
      retries: 3,
      apiKey: { secretRef: 'llm-api-key' },
    },
    dependencies: dependencies(name, 'verify-full', { min: 5, max: 40 }),
    services: services((service) => ({
      image: `ghcr.io/agentforge/${service}:${TEMPLATE_RELEASE}`,
      replicas: 3,
      port: DEFAULT_PORTS[service],
      resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
      autoscaling: SCALES_OUT.includes(service)
        ? { enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilization: 70 }
        : { enabled: false },
      probes: probes(true),
    })),
    monitoring: {
      enabled: true,
      prometheus: { enabled: true, scrapeInterval: '15s', retention: '30d' },
      grafana: { enabled: true, adminPassword: { secretRef: 'grafana-admin' } },
      alerting: {
        enabled: true,
        rules: [
          {
            name: 'AgentforgeHighErrorRate',
            expr: 'sum(rate(http_requests_total{status=~"5.."}[5m])) / sum(rate(http_requests_total[5m])) > 0.05',
            for: '10m',
            severity: 'critical',
          },
        ],
      },
    },
    security: {
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      networkPolicies: true,
      tls: { enabled: true, issuer: 'letsencrypt-prod', minVersion: '1.3' },
    },
    secrets: { backend: 'external-secrets', store: `vault-${name}` },
    features: {},
  }),
};

function dependencies(
  name: string,
  sslmode: 'require' | 'verify-full',
  pool: { min: number; max: number },
): EnvironmentDocumentInput['dependencies'] {
  const host = (service: string) => `${service}.agentforge-${name}.svc.cluster.local`;
  return {
    redis: { url: `rediss://${host('redis')}:6380`, tls: true, db: 0, password: { secretRef: 'redis-auth' } },
    nats: {
      url: `tls://${host('nats')}:4222`,
      jetstream: true,
      tls: true,
      credentials: { secretRef: 'nats-creds' },
    },
    postgres: {
      url: `postgres://agentforge@${host('postgres')}:5432/agentforge`,
      pool,
      sslmode,
      password: { secretRef: 'postgres-password' },
    },
  };
}

/** The template names: one per tier. */
export const TEMPLATE_NAMES: readonly Tier[] = TIERS;

/** Options of {@link createEnvironment}. */
export interface CreateEnvironmentOptions {
  /** The template (tier) to start from. */
  template: Tier;
  /** Settings laid over the template: objects merge key by key, lists and scalars replace. */
  overrides?: DeepPartial<EnvironmentDocumentInput>;
}

/** The template for `tier` as a document input named `name` (not yet validated). */
export function templateDocument(tier: Tier, name: string = tier): EnvironmentDocumentInput {
  const build = BUILDERS[tier];
  if (!build)
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `unknown template "${tier}" (${TEMPLATE_NAMES.join(', ')})`,
    );
  return build(name);
}

/**
 * A new environment document named `name` from a template, with optional overrides, checked
 * by the schema. The name must be a DNS-1123 label; a document the overrides make invalid is
 * refused with a SCHEMA_VIOLATION error whose `details` are the findings.
 * @example createEnvironment('prod-eu', { template: 'production', overrides: { platform: { domain: 'eu.example.com' } } })
 */
export function createEnvironment(name: string, options: CreateEnvironmentOptions): EnvironmentDocument {
  assertEnvironmentName(name);
  if (`agentforge-${name}`.length > 63) {
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `environment name "${name}" is too long: its namespace agentforge-${name} must be at most 63 characters`,
    );
  }
  const merged = deepMerge(templateDocument(options.template, name), options.overrides);
  return parseWithSchema(EnvironmentDocumentSchema, merged, {
    what: `environment "${name}" (the ${options.template} template with the overrides)`,
  }) as EnvironmentDocument;
}

/**
 * The YAML file for `environments/<name>.yaml`: a `yaml-language-server` `$schema` line (so
 * editors validate and complete it) followed by the document.
 * @param schemaUrl Where editors find the JSON Schema. @default the published schema URL
 */
export function renderEnvironmentFile(
  document: EnvironmentDocumentInput,
  schemaUrl: string = JSON_SCHEMA_ID,
): string {
  return `# yaml-language-server: $schema=${schemaUrl}\n${toYaml(document)}`;
}
