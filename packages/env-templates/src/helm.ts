import {
  AgentforgeError,
  type EnvironmentDocument,
  EnvironmentDocumentSchema,
  formatPointer,
  isSecretKey,
  type SecretRef,
  SecretRefSchema,
  ServiceSchema,
  secretValueKind,
  toJsonSchema,
} from '@agentforge/schema';
import { dump } from 'js-yaml';
import * as z from 'zod';
import { generatedBy } from './_yaml.js';
import type { GeneratedFile } from './files.js';
import type { Generator } from './generator-types.js';

/** The subcharts the AgentForge chart can install, each behind `<name>.enabled`. */
export const HELM_SUBCHARTS = ['redis', 'postgresql', 'nats', 'kube-prometheus-stack', 'grafana'] as const;
/** One of {@link HELM_SUBCHARTS}. */
export type HelmSubchart = (typeof HELM_SUBCHARTS)[number];

const labels = z.record(z.string(), z.string());
const subchart = (what: string) =>
  z
    .looseObject({ enabled: z.boolean().optional().describe(`Whether the ${what} subchart is installed.`) })
    .describe(`Values passed to the ${what} subchart (see its own documentation).`);

/**
 * The chart's own settings, beside the environment document in `values.yaml`. Strict like the
 * document, except where values belong to someone else: `global` (set by a parent chart) and the
 * subcharts' sections.
 */
const chartSettings = {
  global: z
    .looseObject({
      imageRegistry: z
        .string()
        .optional()
        .describe('Registry that replaces the registry of every service image.'),
      imagePullSecrets: z
        .array(z.union([z.string(), z.strictObject({ name: z.string().min(1) })]))
        .optional()
        .describe('Pull secrets added to every pod (names or `{ name }`).'),
      storageClass: z.string().optional().describe('StorageClass of created claims unless set per claim.'),
    })
    .optional()
    .describe('Values shared with a parent chart and the subcharts.'),
  enabled: z
    .boolean()
    .optional()
    .describe('Condition a parent chart uses to install this chart as a subchart.'),
  nameOverride: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$/, 'must be a DNS-1123 label (a-z, 0-9, "-")')
    .optional()
    .describe('Replaces the chart name in resource names.'),
  fullnameOverride: z
    .string()
    .regex(/^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$/, 'must be a DNS-1123 label (a-z, 0-9, "-")')
    .optional()
    .describe(
      'Replaces the `<release>-<chart>` prefix of resource names (longer than 42 characters: shortened with a hash).',
    ),
  podAnnotations: labels.optional().describe('Annotations added to every service pod.'),
  podLabels: labels.optional().describe('Labels added to every service pod.'),
  nodeSelector: labels.optional().describe('Node labels the service pods must run on.'),
  tolerations: z.array(z.looseObject({})).optional().describe('Tolerations of the service pods.'),
  affinity: z.looseObject({}).optional().describe('Affinity of the service pods.'),
  priorityClassName: z.string().optional().describe('PriorityClass of the service pods.'),
  ingress: z
    .strictObject({
      enabled: z.boolean().optional().describe('Whether an Ingress routes `platform.domain` to the gateway.'),
      className: z.string().optional().describe('IngressClass of the Ingress.'),
      annotations: labels.optional().describe('Annotations of the Ingress.'),
    })
    .optional()
    .describe('An Ingress for the gateway (with TLS on, it uses the gateway certificate).'),
  commonLabels: labels.optional().describe('Labels added to every object.'),
  imagePullPolicy: z
    .enum(['Always', 'IfNotPresent', 'Never'])
    .optional()
    .describe('Pull policy of the service images.'),
  imagePullSecrets: z
    .array(z.strictObject({ name: z.string().min(1) }))
    .optional()
    .describe('Secrets used to pull the service images.'),
  serviceAccount: z
    .strictObject({
      create: z.boolean().optional().describe('Whether a ServiceAccount is created per service.'),
      automountToken: z.boolean().optional().describe('Whether pods mount the ServiceAccount token.'),
      annotations: labels.optional().describe('Annotations of the ServiceAccounts (e.g. workload identity).'),
    })
    .optional()
    .describe('ServiceAccounts of the services.'),
  podDisruptionBudget: z
    .strictObject({
      enabled: z
        .boolean()
        .optional()
        .describe('Whether services with more than one replica get a PodDisruptionBudget.'),
      maxUnavailable: z
        .union([z.number().int().min(0), z.string().regex(/^\d+%$/)])
        .optional()
        .describe('Pods that may be down at once.'),
    })
    .optional()
    .describe('PodDisruptionBudgets.'),
  networkPolicy: z
    .strictObject({
      gatewayIngressFrom: z
        .array(z.looseObject({}))
        .optional()
        .describe('NetworkPolicy peers allowed to reach the gateway; empty allows everyone.'),
      metricsIngressFrom: z
        .array(z.looseObject({}))
        .optional()
        .describe('NetworkPolicy peers allowed to scrape the services (Prometheus).'),
      extraEgress: z.array(z.looseObject({})).optional().describe('Extra egress rules for every service.'),
    })
    .optional()
    .describe('NetworkPolicies, rendered when `security.networkPolicies` is on.'),
  externalSecrets: z
    .strictObject({
      storeKind: z
        .enum(['ClusterSecretStore', 'SecretStore'])
        .optional()
        .describe('Kind of `secrets.store`.'),
      refreshInterval: z.string().optional().describe('How often ExternalSecrets refresh.'),
      remoteKeyPrefix: z.string().optional().describe('Prefix of the remote key of each secret reference.'),
    })
    .optional()
    .describe('ExternalSecret objects, rendered when `secrets.backend` is `external-secrets`.'),
  metrics: z
    .strictObject({
      path: z.string().startsWith('/').optional().describe('Path the services serve metrics on.'),
      serviceMonitorLabels: labels
        .optional()
        .describe('Extra labels the Prometheus operator selects ServiceMonitors by.'),
      prometheusRuleLabels: labels
        .optional()
        .describe('Extra labels the Prometheus operator selects PrometheusRules by.'),
    })
    .optional()
    .describe(
      'ServiceMonitor and PrometheusRule, rendered when monitoring is on and the monitoring.coreos.com/v1 API exists.',
    ),
  backup: z
    .strictObject({
      enabled: z.boolean().optional().describe('Whether a CronJob dumps PostgreSQL with pg_dump.'),
      schedule: z.string().min(1).optional().describe('Cron schedule of the backup.'),
      image: z.string().min(1).optional().describe('Image with pg_dump, matching the server major version.'),
      runAsUser: z.number().int().min(1).optional().describe('Non-root user id of the backup container.'),
      retentionDays: z.number().int().min(1).optional().describe('Dumps older than this are deleted.'),
      resources: z.looseObject({}).optional().describe('Resources of the backup container.'),
      persistence: z
        .strictObject({
          existingClaim: z
            .string()
            .optional()
            .describe('Use this PersistentVolumeClaim instead of creating one.'),
          size: z.string().optional().describe('Size of the created claim.'),
          storageClass: z.string().optional().describe('StorageClass of the created claim.'),
        })
        .optional(),
    })
    .optional()
    .describe('PostgreSQL backups to a PersistentVolumeClaim.'),
  tests: z
    .strictObject({
      image: z.string().min(1).optional().describe('Image of the `helm test` pod (needs `nc`).'),
    })
    .optional()
    .describe('The `helm test` pod.'),
  redis: subchart('Redis (Bitnami)'),
  postgresql: subchart('PostgreSQL (Bitnami)'),
  nats: subchart('NATS (nats-io)'),
  'kube-prometheus-stack': subchart('kube-prometheus-stack'),
  grafana: subchart('Grafana (grafana-community)'),
};

/**
 * The zod schema of the chart's values: the environment document plus the chart's own
 * settings, so `values.yaml` mirrors an environment and a generated values file is a
 * document with a few chart keys.
 */
export const HelmValuesSchema = EnvironmentDocumentSchema.extend({
  ...chartSettings,
  services: helmServices(),
});

/**
 * The services as the chart accepts them: like the document, except that an `env` value may be a
 * number or boolean — `--set services.swarm.env.MAX=5` reaches the chart as an integer and is
 * rendered as the string "5".
 */
function helmServices() {
  const env = ServiceSchema.shape.env.unwrap();
  const service = ServiceSchema.extend({
    env: z
      .record(env.keyType, z.union([z.string(), z.number(), z.boolean(), SecretRefSchema]))
      .optional()
      .describe('Extra environment variables (scalars are rendered as strings); secrets as `{ secretRef }`.'),
  });
  const shape = EnvironmentDocumentSchema.shape.services.shape;
  return z
    .strictObject(
      Object.fromEntries(
        Object.keys(shape).map((name) => [name, service.describe(`The ${name} service.`)]),
      ) as {
        [K in keyof typeof shape]: typeof service;
      },
    )
    .describe('The seven AgentForge services.');
}

/**
 * The chart's `values.schema.json`, generated from {@link HelmValuesSchema} with
 * `toJsonSchema()`. Helm up to 3.17 validates with a draft-07 validator, so the schema is
 * declared draft-07; the generated keywords are the draft-07 subset either way (checked in the
 * tests).
 */
export function toHelmValuesSchema(): Record<string, unknown> {
  const { $id: _id, $schema: _schema, title: _title, ...schema } = toJsonSchema(HelmValuesSchema);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Values of the AgentForge Helm chart',
    description:
      'An AgentForge environment document plus the chart settings; generated from the zod schema, do not edit.',
    ...schema,
  };
}

/** Options of {@link generateHelmValues}. */
export interface HelmValuesOptions {
  /**
   * Subcharts to install with the platform. Redis, PostgreSQL, NATS and Prometheus default to
   * off (the document's URLs point at existing ones); Grafana follows `monitoring.grafana.enabled`.
   */
  subcharts?: Partial<Record<HelmSubchart, boolean>>;
  /** Whether the pg_dump backup CronJob is on. @default true for the production tier */
  backup?: boolean;
}

/**
 * Turns an environment document into the chart's `deployment/helm/values-<name>.yaml`. Pure:
 * it reads nothing and writes nothing. Secrets appear only as secret names; a literal string
 * that looks like a secret makes it throw `SCHEMA_VIOLATION` naming the path, never the value.
 * @example
 * const file = generateHelmValues(loadedProductionDocument);
 * writeFileSync(file.path, file.content, { mode: file.mode });
 */
export function generateHelmValues(
  document: EnvironmentDocument,
  options: HelmValuesOptions = {},
): GeneratedFile {
  const parsed = EnvironmentDocumentSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentforgeError(
      'SCHEMA_VIOLATION',
      `environment document is invalid at ${formatPointer(issue.path.map(String)) || '/'}: ${issue.message}`,
      {
        details: parsed.error.issues.map((i) => ({
          path: formatPointer(i.path.map(String)),
          message: i.message,
        })),
      },
    );
  }
  const doc = parsed.data;
  refuseLiteralSecrets(doc, []);
  const values = { ...doc, ...chartValues(doc, options) };
  const content = [
    `# Helm values of the AgentForge environment "${doc.name}" (tier ${doc.tier}).`,
    `# ${generatedBy(doc.name, 'helm')}`,
    '# Secrets appear by name only; their values live in Kubernetes Secrets or the secret store.',
    dump(values, { lineWidth: -1, noRefs: true, quotingType: '"', sortKeys: false }),
  ].join('\n');
  return { path: `deployment/helm/values-${doc.name}.yaml`, content, mode: 0o644 };
}

function chartValues(doc: EnvironmentDocument, options: HelmValuesOptions): Record<string, unknown> {
  const on = (name: HelmSubchart, fallback: boolean) => options.subcharts?.[name] ?? fallback;
  const grafana: Record<string, unknown> = {
    enabled: on('grafana', doc.monitoring.enabled && doc.monitoring.grafana.enabled),
  };
  const admin = doc.monitoring.grafana.adminPassword;
  // The grafana chart reads the admin user and password from one existing Secret.
  // The grafana chart reads the admin user and password from one existing Secret; the
  // ExternalSecret (or the Secret you create) carries both keys.
  if (admin)
    grafana.admin = {
      existingSecret: admin.secretRef,
      userKey: 'admin-user',
      passwordKey: keyOf(admin, 'adminPassword'),
    };
  const postgresql: Record<string, unknown> = { enabled: on('postgresql', false) };
  const password = doc.dependencies.postgres.password;
  if (password) {
    const url = new URL(doc.dependencies.postgres.url);
    postgresql.auth = {
      // The services' user only: with an existingSecret the subchart would otherwise require an
      // admin password key (postgres-password) that the document never references.
      enablePostgresUser: false,
      username: decodeURIComponent(url.username) || 'agentforge',
      database: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'agentforge',
      existingSecret: password.secretRef,
      secretKeys: { userPasswordKey: keyOf(password, 'password') },
    };
  }
  const redis: Record<string, unknown> = { enabled: on('redis', false) };
  const redisPassword = doc.dependencies.redis.password;
  if (redisPassword)
    redis.auth = {
      existingSecret: redisPassword.secretRef,
      existingSecretPasswordKey: keyOf(redisPassword, 'password'),
    };
  return {
    backup: { enabled: options.backup ?? doc.tier === 'production' },
    redis,
    postgresql,
    nats: { enabled: on('nats', false) },
    'kube-prometheus-stack': { enabled: on('kube-prometheus-stack', false) },
    grafana,
  };
}

const keyOf = (ref: SecretRef, field: string) => ref.key ?? field;

/** Throws when a string leaf is a secret value rather than a reference to one. */
function refuseLiteralSecrets(value: unknown, path: string[]): void {
  if (typeof value === 'string') {
    const key = path.at(-1) ?? '';
    // A number or boolean under a secret-like key (`MAX_TOKEN: "4096"`) is a setting, not a secret.
    const plainSetting = /^(\d+(\.\d+)?|true|false)$/.test(value);
    const kind =
      secretValueKind(value) ??
      (isSecretKey(key) && !plainSetting ? `a value under the secret-like key "${key}"` : undefined);
    if (kind) {
      throw new AgentforgeError(
        'SCHEMA_VIOLATION',
        `${formatPointer(path)} holds ${kind}; write it as { secretRef: <name> } so the values file carries only the Secret's name`,
      );
    }
  } else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) refuseLiteralSecrets(child, [...path, key]);
  }
}

/** The `helm` generator type: the chart's values file of the environment. */
export const helmGenerator: Generator = {
  description: 'Helm values for deployment/helm/agentforge (deployment/helm/values-<name>.yaml)',
  generate: (prepared) => [generateHelmValues(prepared.document)],
};
