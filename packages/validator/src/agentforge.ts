import {
  asPlainObject,
  detectSecret,
  EnvironmentDocumentSchema,
  isSecretRef,
  SERVICE_NAMES,
  type Severity,
} from '@agentforge/schema';
import type * as z from 'zod';
import { showPath } from './_show.js';
import type { DeclarativeRule } from './declarative.js';
import { createValidator, type Validator, type ValidatorOptions } from './engine.js';
import { parseImageReference } from './formats.js';
import { definePolicy } from './policy.js';
import { defineRule } from './rule.js';
import type { Policy, Rule, Violation } from './types.js';

const DOCS = 'https://github.com/agentforge/config-toolkit/blob/main/packages/validator/RULES.md';
const help = (id: string) => `${DOCS}#${id.replace('/', '')}`;

/** Services that keep no state of their own and so must run more than one replica in production. */
export const STATELESS_SERVICES = SERVICE_NAMES.filter((name) => name !== 'monitoring');
/** Services that take bursty load and must autoscale in production. */
export const AUTOSCALED_SERVICES = ['swarm', 'orchestrator', 'gateway'] as const;

const strict = (production: Severity, staging: Severity) => ({
  production,
  staging,
  default: 'off' as const,
});
const enabledService = { path: 'services.*.enabled', notIn: [false] };

type Dict = Record<string, unknown>;

const declarative: DeclarativeRule[] = [
  {
    id: 'agentforge/no-debug',
    severity: strict('high', 'medium'),
    description: 'Debug mode exposes stack traces and diagnostics endpoints to callers.',
    recommendation: 'Set `debug: false`.',
    tags: ['security'],
    forbidden: { path: 'debug', values: [true] },
    message: 'debug mode is on',
  },
  {
    id: 'agentforge/no-mock-llm',
    severity: strict('high', 'medium'),
    description: 'The mock LLM provider answers canned text; users would get no real model.',
    recommendation:
      'Set `llm.provider` to a real provider (openai, anthropic, azure-openai, bedrock, vertex, ollama).',
    tags: ['reliability'],
    forbidden: { path: 'llm.provider', values: ['mock'] },
    message: 'the LLM provider is "mock"',
  },
  {
    id: 'agentforge/log-level',
    severity: strict('medium', 'low'),
    description: 'debug and trace logging is costly and may write request payloads to the logs.',
    recommendation: 'Set `logging.level` to `info` or `warn`.',
    tags: ['security', 'cost'],
    forbidden: { path: 'logging.level', values: ['debug', 'trace'] },
    message: 'logging.level is {value}',
  },
  {
    id: 'agentforge/redis-tls',
    severity: strict('high', 'medium'),
    description: 'Redis traffic carries session and memory data; without TLS it can be read on the network.',
    recommendation: 'Use a `rediss://` URL (and `tls: true`).',
    tags: ['security'],
    pattern: { path: 'dependencies.redis.url', regex: '^rediss://' },
    message: 'the Redis connection does not use TLS (the URL is not rediss://)',
  },
  {
    id: 'agentforge/nats-tls',
    severity: strict('high', 'medium'),
    description: 'NATS carries every message between services; without TLS it can be read on the network.',
    recommendation: 'Use a `tls://` URL or set `dependencies.nats.tls: true`.',
    tags: ['security'],
    when: { path: 'dependencies.nats.tls', notIn: [true] },
    pattern: { path: 'dependencies.nats.url', regex: '^tls://' },
    message: 'the NATS connection does not use TLS',
  },
  {
    id: 'agentforge/postgres-tls',
    severity: strict('high', 'medium'),
    description:
      'PostgreSQL holds long-term memory; a connection that may fall back to plaintext can be read or altered.',
    recommendation: 'Set `dependencies.postgres.sslmode` to `verify-full` (or at least `require`).',
    tags: ['security'],
    oneOf: { path: 'dependencies.postgres.sslmode', values: ['require', 'verify-ca', 'verify-full'] },
    message: 'PostgreSQL sslmode is {value}, which allows an unencrypted connection',
  },
  {
    id: 'agentforge/resources',
    severity: strict('high', 'medium'),
    description:
      'Without requests the scheduler overcommits nodes; without limits one service can starve the others.',
    recommendation: 'Set `resources.requests` and `resources.limits` for both cpu and memory.',
    tags: ['reliability'],
    when: enabledService,
    required: [
      'services.*.resources.requests.cpu',
      'services.*.resources.requests.memory',
      'services.*.resources.limits.cpu',
      'services.*.resources.limits.memory',
    ],
  },
  {
    id: 'agentforge/image-pinned',
    severity: strict('high', 'medium'),
    description:
      'An image without a tag, or tagged `latest`, changes under a running deployment and cannot be rolled back.',
    recommendation: 'Pin a version tag, better with its digest: `ghcr.io/agentforge/swarm:1.8.2@sha256:…`.',
    tags: ['reliability', 'supply-chain'],
    pattern: { path: 'services.*.image', format: 'pinned-image' },
    message: '{path} is {value}, which is not pinned to a version or digest',
  },
  {
    id: 'agentforge/run-as-non-root',
    severity: strict('high', 'medium'),
    description: 'A container running as root turns a container escape into a node compromise.',
    recommendation: 'Set `security.runAsNonRoot: true`.',
    tags: ['security'],
    oneOf: { path: 'security.runAsNonRoot', values: [true] },
    message: 'containers may run as root',
  },
  {
    id: 'agentforge/read-only-root-filesystem',
    severity: strict('high', 'medium'),
    description: 'A writable root filesystem lets an attacker persist tools inside the container.',
    recommendation: 'Set `security.readOnlyRootFilesystem: true` and mount writable volumes where needed.',
    tags: ['security'],
    oneOf: { path: 'security.readOnlyRootFilesystem', values: [true] },
    message: 'containers get a writable root filesystem',
  },
  {
    id: 'agentforge/network-policies',
    severity: strict('high', 'medium'),
    description: 'Without network policies every pod can reach every other pod and the databases.',
    recommendation: 'Set `security.networkPolicies: true`.',
    tags: ['security'],
    oneOf: { path: 'security.networkPolicies', values: [true] },
    message: 'network policies are off',
  },
  {
    id: 'agentforge/ingress-tls',
    severity: strict('high', 'medium'),
    description: 'Without TLS at the gateway, user traffic and tokens cross the internet in plaintext.',
    recommendation: 'Set `security.tls.enabled: true` with a cert-manager `issuer`.',
    tags: ['security'],
    oneOf: { path: 'security.tls.enabled', values: [true] },
    message: 'the gateway does not terminate TLS',
  },
  {
    id: 'agentforge/monitoring',
    severity: strict('high', 'low'),
    description: 'Without metrics an outage is found by users instead of alerts.',
    recommendation: 'Set `monitoring.enabled: true`.',
    tags: ['observability'],
    oneOf: { path: 'monitoring.enabled', values: [true] },
    message: 'monitoring is off',
  },
  {
    id: 'agentforge/prometheus',
    severity: strict('high', 'low'),
    description: 'Alerts and autoscaling on custom metrics need Prometheus to scrape the services.',
    recommendation: 'Set `monitoring.prometheus.enabled: true`.',
    tags: ['observability'],
    when: { path: 'monitoring.enabled', notIn: [false] },
    oneOf: { path: 'monitoring.prometheus.enabled', values: [true] },
    message: 'Prometheus does not scrape the services',
  },
  {
    id: 'agentforge/probes',
    severity: strict('medium', 'low'),
    description:
      'Without liveness and readiness probes a hung pod keeps receiving traffic and is never restarted.',
    recommendation: 'Set `probes.liveness` and `probes.readiness` for every enabled service.',
    tags: ['reliability'],
    when: enabledService,
    required: ['services.*.probes.liveness', 'services.*.probes.readiness'],
  },
  {
    id: 'agentforge/url-format',
    severity: 'high',
    description: 'A malformed URL makes the service fail at start-up, far from the configuration mistake.',
    recommendation: 'Write a full URL with scheme and host, e.g. `rediss://redis.example.svc:6380`.',
    tags: ['correctness'],
    pattern: { path: 'dependencies.*.url', format: 'url' },
  },
  {
    id: 'agentforge/endpoint-format',
    severity: 'high',
    description: 'A malformed LLM endpoint fails every model call.',
    recommendation: 'Write a full `https://` URL, or remove `llm.endpoint` to use the provider default.',
    tags: ['correctness'],
    pattern: { path: 'llm.endpoint', format: 'url' },
  },
  {
    id: 'agentforge/port-range',
    severity: 'high',
    description: 'A port outside 1–65535 cannot be bound.',
    recommendation: 'Use a port between 1 and 65535 (above 1024 for non-root containers).',
    tags: ['correctness'],
    range: { path: 'services.*.port', min: 1, max: 65535, integer: true },
  },
  {
    id: 'agentforge/quantity-format',
    severity: 'high',
    description: 'Kubernetes rejects a malformed resource quantity and the rollout fails.',
    recommendation: 'Write quantities such as `250m`, `0.5`, `512Mi` or `2Gi`.',
    tags: ['correctness'],
    pattern: { path: 'services.*.resources.*.*', format: 'quantity' },
  },
  {
    id: 'agentforge/limits-cover-requests',
    severity: 'high',
    description: 'Kubernetes refuses a container whose limit is below its request.',
    recommendation: 'Raise the limit to at least the request, or lower the request.',
    tags: ['correctness'],
    compare: { left: 'services.*.resources.limits.*', op: '>=', right: 'services.*.resources.requests.*' },
  },
  {
    id: 'agentforge/autoscaling-bounds',
    severity: 'high',
    description: 'A HorizontalPodAutoscaler with minReplicas above maxReplicas is rejected.',
    recommendation: 'Make `autoscaling.minReplicas` at most `autoscaling.maxReplicas`.',
    tags: ['correctness'],
    compare: {
      left: 'services.*.autoscaling.minReplicas',
      op: '<=',
      right: 'services.*.autoscaling.maxReplicas',
    },
  },
  {
    id: 'agentforge/pool-bounds',
    severity: 'high',
    description: 'A connection pool whose minimum exceeds its maximum fails at start-up.',
    recommendation: 'Make `dependencies.postgres.pool.min` at most `pool.max`.',
    tags: ['correctness'],
    compare: { left: 'dependencies.postgres.pool.min', op: '<=', right: 'dependencies.postgres.pool.max' },
  },
  {
    id: 'agentforge/llm-timeout',
    severity: 'medium',
    description:
      'An LLM timeout under 1 s fails most completions; over 5 minutes it ties up workers on hung calls.',
    recommendation: 'Set `llm.timeoutMs` between 1000 and 300000.',
    tags: ['reliability'],
    range: { path: 'llm.timeoutMs', min: 1000, max: 300_000 },
  },
  {
    id: 'agentforge/probe-timeout',
    severity: 'medium',
    description: 'A probe that may take longer than its period overlaps itself and flaps.',
    recommendation: 'Keep `timeoutSeconds` at most `periodSeconds` (and at most 30 s).',
    tags: ['reliability'],
    compare: {
      left: 'services.*.probes.*.timeoutSeconds',
      op: '<=',
      right: 'services.*.probes.*.periodSeconds',
    },
  },
  {
    id: 'agentforge/secret-store',
    severity: 'high',
    description: 'External Secrets needs a ClusterSecretStore; without one no secret reference resolves.',
    recommendation: 'Set `secrets.store` to your ClusterSecretStore, e.g. `vault-prod`.',
    tags: ['correctness'],
    when: { path: 'secrets.backend', equals: 'external-secrets' },
    required: 'secrets.store',
  },
];

const noPlaintextSecrets = defineRule({
  id: 'agentforge/no-plaintext-secrets',
  // A literal secret is a finding in every tier: development files are committed and shared too.
  severity: { production: 'critical', staging: 'critical', development: 'medium', default: 'critical' },
  description: 'A secret written in configuration ends up in git history, CI logs and every generated file.',
  recommendation: 'Store the value in a Secret and reference it: `{ secretRef: <name> }`.',
  tags: ['security'],
  helpUri: help('agentforge/no-plaintext-secrets'),
  check({ raw, report }) {
    // One walk over the document as written (defaults add no secrets), with one segment stack.
    const segments: string[] = [];
    const walk = (value: unknown, depth: number) => {
      if (depth > 64) return;
      if (value !== null && typeof value === 'object') {
        if (isSecretRef(value)) return;
        // for-in allocates no key array; loaded documents are plain objects and arrays.
        for (const key in value) {
          segments.push(key);
          walk((value as Dict)[key], depth + 1);
          segments.pop();
        }
        return;
      }
      const key = segments.at(-1);
      // Free-form variable maps also get the entropy check: a random value under any name.
      const inEnvMap = segments.length === 4 && segments[0] === 'services' && segments[2] === 'env';
      const reason = detectSecret(key, value, { entropy: inEnvMap });
      if (reason === undefined) return;
      report({
        path: segments.slice(),
        message: `plaintext secret at ${showPath(segments)} (${reason})`,
        recommendation: secretRefRecommendation(segments, value),
      });
    };
    walk(raw, 0);
  },
});

/**
 * The exact YAML to write instead of a literal secret: a `{ secretRef }` at the same place (a
 * service variable refers to the `<service>-env` Secret the generators create), or — for a URL
 * with a password — the URL without it and the password as a reference beside it.
 */
function secretRefRecommendation(segments: readonly string[], value: unknown): string {
  const key = segments.at(-1) ?? 'value';
  const indent = (depth: number) => '  '.repeat(depth);
  const nest = (path: readonly string[], leaf: string[]): string => {
    const lines = path.map((segment, i) => `${indent(i)}${yamlKey(segment)}:`);
    return [...lines, ...leaf.map((line) => `${indent(path.length)}${line}`)].join('\n');
  };
  const parent = segments.slice(0, -1);
  const service = segments[0] === 'services' && segments[2] === 'env' ? segments[1] : undefined;
  if (
    service === undefined &&
    typeof value === 'string' &&
    /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i.test(value)
  ) {
    const withoutPassword = value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]+@/i, '$1@');
    const name = secretName([...parent].reverse().find((s) => !/^\d+$/.test(s)) ?? key);
    return `Remove the password from the URL and reference a Secret for it; write:\n${nest(parent, [
      `${yamlKey(key)}: ${withoutPassword}`,
      'password:',
      `  secretRef: ${name}`,
      '  key: password',
    ])}`;
  }
  const ref = service ? [`secretRef: ${service}-env`, `key: ${key}`] : [`secretRef: ${secretName(key)}`];
  return `Keep the value in a Secret and reference it; write:\n${nest(parent, [
    `${yamlKey(key)}:`,
    ...ref.map((line) => `  ${line}`),
  ])}`;
}

const yamlKey = (key: string) => (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) ? key : JSON.stringify(key));

/** A Secret name (DNS-1123) from a setting name: `STRIPE_SECRET_KEY` → `stripe-secret-key`. */
function secretName(key: string): string {
  const name = key
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name === '' ? 'secret' : name.slice(0, 63);
}

const serviceRule = (
  rule: Omit<Rule, 'check' | 'scope'>,
  services: readonly string[],
  check: (name: string, service: Dict, out: Violation[]) => void,
): Rule =>
  defineRule({
    ...rule,
    check({ data }) {
      const out: Violation[] = [];
      const all = asPlainObject(asPlainObject(data)?.services);
      for (const name of services) {
        const service = asPlainObject(all?.[name]);
        if (service && service.enabled !== false) check(name, service, out);
      }
      return out;
    },
  });

const minReplicas = serviceRule(
  {
    id: 'agentforge/min-replicas',
    severity: strict('high', 'low'),
    description:
      'A single replica of a stateless service is a single point of failure and drops traffic on every rollout.',
    recommendation: 'Run at least 2 replicas (or `autoscaling.minReplicas: 2`).',
    tags: ['reliability'],
  },
  STATELESS_SERVICES,
  (name, service, out) => {
    const autoscaling = asPlainObject(service.autoscaling);
    const scaled = autoscaling?.enabled === true;
    const count = scaled ? autoscaling?.minReplicas : (service.replicas ?? 1);
    if (typeof count === 'number' && count < 2) {
      out.push({
        path: scaled
          ? ['services', name, 'autoscaling', 'minReplicas']
          : service.replicas === undefined
            ? ['services', name]
            : ['services', name, 'replicas'],
        message: `${name} runs ${count} replica${count === 1 ? '' : 's'}${scaled ? ' at minimum' : ''}; a stateless service needs at least 2`,
      });
    }
  },
);

const autoscaling = serviceRule(
  {
    id: 'agentforge/autoscaling',
    severity: strict('medium', 'low'),
    description:
      'swarm, orchestrator and gateway take bursty load; fixed replicas either waste capacity or drop requests.',
    recommendation:
      'Set `autoscaling.enabled: true` with `minReplicas` ≥ 2 and a `maxReplicas` for the peak.',
    tags: ['reliability', 'cost'],
  },
  AUTOSCALED_SERVICES,
  (name, service, out) => {
    const scaling = asPlainObject(service.autoscaling);
    if (scaling?.enabled !== true) {
      out.push({
        path: scaling ? ['services', name, 'autoscaling', 'enabled'] : ['services', name],
        message: `${name} does not autoscale`,
      });
    }
  },
);

const imageDigest = serviceRule(
  {
    id: 'agentforge/image-digest',
    severity: { production: 'low', default: 'off' },
    description: 'A tag can be moved to a different image; a digest cannot.',
    recommendation: 'Append the digest to the tag: `…:1.8.2@sha256:<digest>`.',
    tags: ['supply-chain'],
  },
  SERVICE_NAMES,
  (name, service, out) => {
    if (typeof service.image !== 'string') return;
    const ref = parseImageReference(service.image);
    // Unpinned or malformed images are agentforge/image-pinned's finding, not this one's.
    if (ref?.tag !== undefined && ref.tag !== 'latest' && ref.digest === undefined) {
      out.push({ path: ['services', name, 'image'], message: `the ${name} image is pinned by tag only` });
    }
  },
);

/**
 * The AgentForge policy: production rules (no debug, no mock LLM, TLS to every dependency,
 * replicas, autoscaling, resources, pinned images, hardened containers, network policies,
 * monitoring), the same at lower severities in staging, plaintext secrets in every tier, and
 * well-formedness checks everywhere. Every rule is documented in RULES.md.
 * @example createValidator({ schema: EnvironmentDocumentSchema, policies: [agentforgePolicy()] })
 */
export function agentforgePolicy(): Policy {
  const rules = [
    ...declarative.map((rule) => ({ ...rule, helpUri: help(rule.id) })),
    noPlaintextSecrets,
    minReplicas,
    autoscaling,
    imageDigest,
  ];
  return definePolicy({ name: 'agentforge', rules });
}

let cached: Policy | undefined;
/** Presets a policy file may `extends` by name. */
export const AGENTFORGE_PRESETS: Readonly<Record<string, () => Policy>> = {
  agentforge: () => {
    cached ??= agentforgePolicy();
    return cached;
  },
};

/** Options of {@link createAgentforgeValidator}: those of `createValidator`, with the schema defaulted. */
export type AgentforgeValidatorOptions = Omit<ValidatorOptions, 'schema'> & { schema?: z.ZodType };

/**
 * A validator for AgentForge environment documents: the environment schema, the AgentForge
 * policy, then `options.policies` on top (a team's policy files).
 * @example
 * const team = await loadPolicy('policies/team.yaml', { presets: AGENTFORGE_PRESETS });
 * const validator = createAgentforgeValidator({ policies: [team] });
 * const report = validator.validate(await loadEnvironmentFile('environments/production.yaml'));
 */
export function createAgentforgeValidator(options: AgentforgeValidatorOptions = {}): Validator {
  return createValidator({
    ...options,
    schema: options.schema ?? EnvironmentDocumentSchema,
    policies: [AGENTFORGE_PRESETS.agentforge!(), ...(options.policies ?? [])],
  });
}
