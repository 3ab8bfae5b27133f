import * as z from 'zod';
import { TIERS, type Tier } from './levels.js';
import { DURATION_PATTERN, QUANTITY_PATTERN } from './quantities.js';

export { TIERS, type Tier };
export const TierSchema = z.enum(TIERS).describe('The tier whose rules and defaults apply.');

/** The seven AgentForge services, in the order they are documented and generated. */
export const SERVICE_NAMES = [
  'swarm',
  'orchestrator',
  'memory',
  'gateway',
  'route-engine',
  'tools',
  'monitoring',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** LLM providers; `mock` answers locally and is for development only. */
export const LLM_PROVIDERS = [
  'openai',
  'anthropic',
  'azure-openai',
  'bedrock',
  'vertex',
  'ollama',
  'mock',
] as const;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const ENV_NAME = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const FEATURE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** A DNS-1123 label: lower-case letters, digits and `-`, at most 63 characters. */
export const DnsLabelSchema = z
  .string()
  .regex(DNS_LABEL, 'must be a DNS-1123 label (a-z, 0-9, "-", at most 63)');

/** A reference to a secret held outside the document; the value itself never appears in configuration. */
export const SecretRefSchema = z
  .strictObject({
    secretRef: z
      .string()
      .regex(DNS_SUBDOMAIN, 'must name a Kubernetes Secret (DNS-1123 subdomain)')
      .describe('Name of the Secret that holds the value.'),
    key: z.string().min(1).optional().describe('Key inside the Secret; defaults to the field name.'),
  })
  .describe('A secret reference: `{ secretRef: name }`. Values are never written in the document.');
export type SecretRef = z.infer<typeof SecretRefSchema>;

// Quantities are canonically strings (`cpu: 2` reads as "2"), so every consumer sees one type.
const quantity = z
  .union([
    z.string().regex(QUANTITY_PATTERN, 'must be a Kubernetes quantity such as 250m, 0.5, 512Mi or 2Gi'),
    z.number().nonnegative(),
  ])
  .transform((value) => String(value));
const duration = z.string().regex(DURATION_PATTERN, 'must be a duration such as 250ms, 30s, 5m, 1h or 7d');
const port = z.number().int().min(1).max(65535);
const url = (schemes: readonly string[]) =>
  z
    .string()
    .regex(
      new RegExp(`^(${schemes.join('|')})://\\S+$`),
      `must be a URL with scheme ${schemes.map((s) => `${s}://`).join(' or ')}`,
    )
    .refine(
      (value) => {
        try {
          return schemes.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be a URL with scheme ${schemes.map((s) => `${s}://`).join(' or ')}` },
    );

const ResourceAmountsSchema = z
  .strictObject({
    cpu: quantity.optional().describe('CPU as a Kubernetes quantity, e.g. `250m`.'),
    memory: quantity.optional().describe('Memory as a Kubernetes quantity, e.g. `512Mi`.'),
  })
  .describe('CPU and memory amounts.');

const ProbeSchema = z
  .strictObject({
    path: z.string().regex(/^\//, 'must start with "/"').describe('HTTP path the probe requests.'),
    initialDelaySeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(0)
      .describe('Seconds before the first probe.'),
    periodSeconds: z.number().int().min(1).max(3600).default(10).describe('Seconds between probes.'),
    timeoutSeconds: z.number().int().min(1).max(600).default(1).describe('Seconds before a probe times out.'),
    failureThreshold: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(3)
      .describe('Consecutive failures before the probe fails.'),
  })
  .describe('An HTTP probe.');

export const ServiceSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe('Whether the service is deployed.'),
    image: z.string().min(1).describe('Container image reference; pin a tag or, better, a digest.'),
    replicas: z.number().int().min(0).max(1000).default(1).describe('Replicas when autoscaling is off.'),
    port: port.describe('Port the container listens on.'),
    resources: z
      .strictObject({
        requests: ResourceAmountsSchema.optional().describe('Resources the scheduler reserves.'),
        limits: ResourceAmountsSchema.optional().describe('Resources the container may not exceed.'),
      })
      .optional()
      .describe('Kubernetes resource requests and limits.'),
    autoscaling: z
      .strictObject({
        enabled: z.boolean().default(false).describe('Whether a HorizontalPodAutoscaler scales the service.'),
        minReplicas: z.number().int().min(1).max(1000).default(1).describe('Fewest replicas.'),
        maxReplicas: z.number().int().min(1).max(1000).default(1).describe('Most replicas.'),
        targetCPUUtilization: z
          .number()
          .int()
          .min(1)
          .max(100)
          .default(80)
          .describe('Average CPU utilisation (percent) to scale at.'),
      })
      .optional()
      .describe('Horizontal autoscaling.'),
    probes: z
      .strictObject({
        liveness: ProbeSchema.optional().describe('Restarts the container when it fails.'),
        readiness: ProbeSchema.optional().describe('Removes the pod from load balancing when it fails.'),
        startup: ProbeSchema.optional().describe('Holds the other probes until the service has started.'),
      })
      .optional()
      .describe('Health probes.'),
    env: z
      .record(
        z
          .string()
          .regex(ENV_NAME, 'must be an environment variable name such as LOG_LEVEL (A-Z, 0-9, single _)'),
        z.union([z.string(), SecretRefSchema]),
      )
      .optional()
      .describe('Extra environment variables; secrets as `{ secretRef }`.'),
  })
  .describe('One AgentForge service.');
export type Service = z.infer<typeof ServiceSchema>;

const services = Object.fromEntries(
  SERVICE_NAMES.map((name) => [name, ServiceSchema.describe(`The ${name} service.`)]),
) as Record<ServiceName, typeof ServiceSchema>;

export const EnvironmentDocumentSchema = z
  .strictObject({
    name: DnsLabelSchema.describe('Name of the environment, e.g. `production` or `prod-eu`.'),
    tier: TierSchema,
    platform: z
      .strictObject({
        namespace: DnsLabelSchema.describe('Kubernetes namespace of the platform.'),
        domain: z
          .string()
          .regex(DNS_SUBDOMAIN, 'must be a DNS name such as agentforge.example.com')
          .describe('Public domain the gateway serves.'),
        configDelivery: z
          .enum(['hot', 'rollout'])
          .optional()
          .describe(
            'How configuration reaches the pods: `hot` mounts the document as a watched file (settings that need a restart still roll the pods), `rollout` passes it as variables and restarts on every change. Unset: the tier default — `hot` in development and staging, `rollout` in production.',
          ),
        gitops: z
          .strictObject({
            sync: z
              .enum(['automated', 'manual'])
              .optional()
              .describe(
                'How Argo CD or Flux applies a new revision: `automated` on its own, `manual` only when an operator syncs (Flux: the Kustomization is suspended until resumed). Unset: `automated` in development and staging, `manual` in production.',
              ),
            selfHeal: z
              .boolean()
              .optional()
              .describe(
                'Automated sync also reverts changes made in the cluster (Argo CD `selfHeal`). Unset: true when sync is automated.',
              ),
            prune: z
              .boolean()
              .optional()
              .describe(
                'Automated sync deletes objects removed from git (Argo CD and Flux `prune`). Unset: true when sync is automated.',
              ),
          })
          .optional()
          .describe(
            'How a GitOps controller keeps the cluster in step with git (`agentforge env generate --type argocd|flux`). Unset: the tier default.',
          ),
      })
      .describe('Where the platform runs.'),
    logging: z
      .strictObject({
        level: z
          .enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal'])
          .default('info')
          .describe('Minimum level logged.'),
        format: z.enum(['json', 'pretty']).default('json').describe('Log line format.'),
      })
      .describe('Logging of every service.'),
    debug: z
      .boolean()
      .default(false)
      .describe('Debug mode: verbose errors and diagnostics endpoints. Never in production.'),
    llm: z
      .strictObject({
        provider: z.enum(LLM_PROVIDERS).describe('LLM provider; `mock` answers locally without a model.'),
        model: z.string().min(1).describe('Model name, e.g. `gpt-4o` or `claude-sonnet-4`.'),
        endpoint: url(['http', 'https'])
          .optional()
          .describe('Provider endpoint, when not the provider default.'),
        timeoutMs: z
          .number()
          .int()
          .min(1)
          .max(600_000)
          .default(30_000)
          .describe('Request timeout in milliseconds.'),
        retries: z.number().int().min(0).max(10).default(2).describe('Retries after a failed request.'),
        apiKey: SecretRefSchema.optional().describe('API key, as a secret reference.'),
      })
      .describe('The language model the services call.'),
    dependencies: z
      .strictObject({
        redis: z
          .strictObject({
            url: url(['redis', 'rediss']).describe('Redis URL; `rediss://` is TLS.'),
            tls: z.boolean().default(false).describe('Whether the connection uses TLS.'),
            db: z.number().int().min(0).max(15).default(0).describe('Database index.'),
            password: SecretRefSchema.optional().describe('Password, as a secret reference.'),
          })
          .describe('Redis: cache and short-term memory.'),
        nats: z
          .strictObject({
            url: url(['nats', 'tls']).describe('NATS URL; `tls://` is TLS.'),
            jetstream: z.boolean().default(true).describe('Whether JetStream persistence is used.'),
            tls: z.boolean().default(false).describe('Whether the connection uses TLS.'),
            credentials: SecretRefSchema.optional().describe('NATS credentials file, as a secret reference.'),
          })
          .describe('NATS: messaging between services.'),
        postgres: z
          .strictObject({
            url: url(['postgres', 'postgresql']).describe('PostgreSQL URL, without a password.'),
            pool: z
              .strictObject({
                min: z.number().int().min(0).max(1000).default(2).describe('Connections kept open.'),
                max: z.number().int().min(1).max(1000).default(10).describe('Most connections at once.'),
              })
              .default({ min: 2, max: 10 })
              .describe('Connection pool size.'),
            sslmode: z
              .enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'])
              .default('prefer')
              .describe('libpq sslmode; production needs `require` or `verify-full`.'),
            password: SecretRefSchema.optional().describe('Password, as a secret reference.'),
            caCert: SecretRefSchema.optional().describe(
              'CA bundle that verifies the server (`sslmode` verify-ca or verify-full), as a secret reference; mounted and named by `sslrootcert`.',
            ),
          })
          .describe('PostgreSQL: long-term memory and state.'),
      })
      .describe('Backing services.'),
    services: z.strictObject(services).describe('The seven AgentForge services.'),
    monitoring: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Whether metrics are collected at all.'),
        prometheus: z
          .strictObject({
            enabled: z.boolean().default(true).describe('Whether Prometheus scrapes the services.'),
            scrapeInterval: duration.default('30s').describe('How often targets are scraped.'),
            retention: duration.default('15d').describe('How long samples are kept.'),
          })
          .default({ enabled: true, scrapeInterval: '30s', retention: '15d' })
          .describe('Prometheus.'),
        grafana: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Whether Grafana is deployed.'),
            adminPassword: SecretRefSchema.optional().describe('Admin password, as a secret reference.'),
          })
          .default({ enabled: false })
          .describe('Grafana dashboards.'),
        alerting: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Whether alert rules are installed.'),
            rules: z
              .array(
                z.strictObject({
                  name: z
                    .string()
                    .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an alert name such as HighErrorRate'),
                  expr: z.string().min(1).describe('PromQL expression.'),
                  for: duration.default('5m').describe('How long the condition holds before firing.'),
                  severity: z.enum(['critical', 'warning', 'info']).default('warning'),
                }),
              )
              .default([])
              .describe('Extra alert rules.'),
          })
          .default({ enabled: false, rules: [] })
          .describe('Alerting.'),
      })
      .describe('Observability.'),
    security: z
      .strictObject({
        runAsNonRoot: z.boolean().default(true).describe('Containers must not run as root.'),
        readOnlyRootFilesystem: z
          .boolean()
          .default(true)
          .describe('Containers get a read-only root filesystem.'),
        networkPolicies: z
          .boolean()
          .default(true)
          .describe('Default-deny NetworkPolicies with explicit allows.'),
        tls: z
          .strictObject({
            enabled: z.boolean().default(false).describe('Whether the gateway terminates TLS.'),
            issuer: z.string().min(1).optional().describe('cert-manager issuer for the certificate.'),
            minVersion: z.enum(['1.2', '1.3']).default('1.2').describe('Lowest TLS version accepted.'),
          })
          .default({ enabled: false, minVersion: '1.2' })
          .describe('TLS for ingress traffic.'),
      })
      .describe('Security posture.'),
    secrets: z
      .strictObject({
        backend: z
          .enum(['kubernetes', 'external-secrets'])
          .default('kubernetes')
          .describe(
            'Where secret references resolve: plain Kubernetes Secrets or External Secrets Operator.',
          ),
        store: z.string().min(1).optional().describe('The ClusterSecretStore for `external-secrets`.'),
      })
      .default({ backend: 'kubernetes' })
      .describe('How secret references are resolved.'),
    features: z
      .record(z.string().regex(FEATURE_NAME, 'must be a kebab-case feature name'), z.boolean())
      .default({})
      .describe('Named feature flags.'),
  })
  .describe('An AgentForge environment document: one per environment, `environments/<name>.yaml`.');

/** A parsed, defaulted environment document. */
export type EnvironmentDocument = z.infer<typeof EnvironmentDocumentSchema>;
/** An environment document as written, before defaults. */
export type EnvironmentDocumentInput = z.input<typeof EnvironmentDocumentSchema>;
