import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSchema } from './check.js';
import { EnvironmentDocumentSchema } from './environment.js';
import { loadDocument } from './load.js';

const exampleText = readFileSync(
  fileURLToPath(new URL('../../../examples/platform/environments/production.yaml', import.meta.url)),
  'utf8',
);
const example = () => structuredClone(loadDocument<Record<string, any>>(exampleText).data);

/** Applies `edit` to a fresh copy of the production example. */
function withEdit(edit: (doc: Record<string, any>) => void): Record<string, any> {
  const doc = example();
  edit(doc);
  return doc;
}

interface Case {
  name: string;
  edit: (doc: Record<string, any>) => void;
}

const valid: Case[] = [
  { name: 'the production example as written', edit: () => {} },
  {
    name: 'platform: another namespace and domain',
    edit: (d) => Object.assign(d.platform, { namespace: 'af-eu-1', domain: 'eu.agentforge.example.com' }),
  },
  {
    name: 'logging: warn with pretty format',
    edit: (d) => Object.assign(d.logging, { level: 'warn', format: 'pretty' }),
  },
  {
    name: 'llm: mock provider without endpoint or key',
    edit: (d) => (d.llm = { provider: 'mock', model: 'echo' }),
  },
  {
    name: 'llm: ollama with an http endpoint',
    edit: (d) => (d.llm = { provider: 'ollama', model: 'llama3', endpoint: 'http://ollama:11434' }),
  },
  {
    name: 'redis: plain URL without TLS',
    edit: (d) => (d.dependencies.redis = { url: 'redis://localhost:6379' }),
  },
  {
    name: 'nats: without JetStream',
    edit: (d) => (d.dependencies.nats = { url: 'nats://nats:4222', jetstream: false }),
  },
  {
    name: 'postgres: postgresql scheme, default pool',
    edit: (d) => (d.dependencies.postgres = { url: 'postgresql://db/app', sslmode: 'require' }),
  },
  { name: 'service: numeric CPU quantity', edit: (d) => (d.services.tools.resources.limits.cpu = 2) },
  {
    name: 'service: disabled with zero replicas',
    edit: (d) => Object.assign(d.services.tools, { enabled: false, replicas: 0 }),
  },
  {
    name: 'service: env with a secret reference',
    edit: (d) => (d.services.swarm.env = { API_TOKEN: { secretRef: 'swarm-token', key: 'token' } }),
  },
  { name: 'monitoring: alerting off, no rules', edit: (d) => (d.monitoring.alerting = { enabled: false }) },
  { name: 'security: TLS without issuer', edit: (d) => (d.security.tls = { enabled: true }) },
  { name: 'secrets: kubernetes backend', edit: (d) => (d.secrets = { backend: 'kubernetes' }) },
  { name: 'features: empty', edit: (d) => (d.features = {}) },
];

const invalid: Array<Case & { path: string; message: RegExp }> = [
  {
    name: 'a typo in a service key',
    edit: (d) => (d.services.swarm.replicaz = 3),
    path: '/services/swarm/replicaz',
    message: /unknown key "replicaz".*did you mean "replicas"/,
  },
  {
    name: 'an unknown top-level section',
    edit: (d) => (d.extras = {}),
    path: '/extras',
    message: /unknown key "extras"/,
  },
  {
    name: 'an unknown service',
    edit: (d) => (d.services.billing = d.services.tools),
    path: '/services/billing',
    message: /unknown key "billing"/,
  },
  {
    name: 'a missing service',
    edit: (d) => delete d.services.gateway,
    path: '/services/gateway',
    message: /required object is missing/,
  },
  {
    name: 'tier not in the list',
    edit: (d) => (d.tier = 'prod'),
    path: '/tier',
    message: /development|staging|production/,
  },
  { name: 'name not a DNS label', edit: (d) => (d.name = 'Prod_1'), path: '/name', message: /DNS-1123/ },
  {
    name: 'logging level unknown',
    edit: (d) => (d.logging.level = 'verbose'),
    path: '/logging/level',
    message: /trace|debug/,
  },
  { name: 'debug as a string', edit: (d) => (d.debug = 'no'), path: '/debug', message: /boolean/ },
  {
    name: 'llm provider unknown',
    edit: (d) => (d.llm.provider = 'gpt'),
    path: '/llm/provider',
    message: /mock/,
  },
  {
    name: 'llm timeout negative',
    edit: (d) => (d.llm.timeoutMs = -1),
    path: '/llm/timeoutMs',
    message: />=\s*1|too small/i,
  },
  {
    name: 'llm apiKey as a plaintext value',
    edit: (d) => (d.llm.apiKey = 'sk-live-123'),
    path: '/llm/apiKey',
    message: /object/,
  },
  {
    name: 'redis URL with the wrong scheme',
    edit: (d) => (d.dependencies.redis.url = 'http://redis:6379'),
    path: '/dependencies/redis/url',
    message: /redis:\/\/ or rediss:\/\//,
  },
  {
    name: 'redis db out of range',
    edit: (d) => (d.dependencies.redis.db = 16),
    path: '/dependencies/redis/db',
    message: /15|too big/i,
  },
  {
    name: 'nats URL malformed',
    edit: (d) => (d.dependencies.nats.url = 'nats://'),
    path: '/dependencies/nats/url',
    message: /URL/,
  },
  {
    name: 'postgres sslmode unknown',
    edit: (d) => (d.dependencies.postgres.sslmode = 'on'),
    path: '/dependencies/postgres/sslmode',
    message: /verify-full/,
  },
  {
    name: 'postgres pool max as a string',
    edit: (d) => (d.dependencies.postgres.pool.max = '40'),
    path: '/dependencies/postgres/pool/max',
    message: /number/,
  },
  {
    name: 'replicas fractional',
    edit: (d) => (d.services.swarm.replicas = 2.5),
    path: '/services/swarm/replicas',
    message: /int/i,
  },
  {
    name: 'port out of range',
    edit: (d) => (d.services.gateway.port = 70000),
    path: '/services/gateway/port',
    message: /65535|too big/i,
  },
  {
    name: 'memory not a quantity',
    edit: (d) => (d.services.memory.resources.limits.memory = '4 gigs'),
    path: '/services/memory/resources/limits/memory',
    message: /quantity/,
  },
  {
    name: 'autoscaling target above 100',
    edit: (d) => (d.services.swarm.autoscaling.targetCPUUtilization = 150),
    path: '/services/swarm/autoscaling/targetCPUUtilization',
    message: /100|too big/i,
  },
  {
    name: 'probe path without slash',
    edit: (d) => (d.services.swarm.probes.liveness.path = 'healthz'),
    path: '/services/swarm/probes/liveness/path',
    message: /"\/"/,
  },
  {
    name: 'env name lower-case',
    edit: (d) => (d.services.swarm.env = { log_level: 'x' }),
    path: '/services/swarm/env/log_level',
    message: /environment variable name/,
  },
  {
    name: 'scrape interval malformed',
    edit: (d) => (d.monitoring.prometheus.scrapeInterval = '15 seconds'),
    path: '/monitoring/prometheus/scrapeInterval',
    message: /duration/,
  },
  {
    name: 'alert rule without expr',
    edit: (d) => delete d.monitoring.alerting.rules[0].expr,
    path: '/monitoring/alerting/rules/0/expr',
    message: /missing/,
  },
  {
    name: 'security flag as a string',
    edit: (d) => (d.security.runAsNonRoot = 'true'),
    path: '/security/runAsNonRoot',
    message: /boolean/,
  },
  {
    name: 'TLS version unknown',
    edit: (d) => (d.security.tls.minVersion = '1.1'),
    path: '/security/tls/minVersion',
    message: /1\.2|1\.3/,
  },
  {
    name: 'secret reference with a bad name',
    edit: (d) => (d.llm.apiKey = { secretRef: 'LLM Key' }),
    path: '/llm/apiKey/secretRef',
    message: /Secret/,
  },
  {
    name: 'feature flag not boolean',
    edit: (d) => (d.features['semantic-cache'] = 'yes'),
    path: '/features/semantic-cache',
    message: /boolean/,
  },
  {
    name: 'feature flag camelCase',
    edit: (d) => (d.features.semanticCache = true),
    path: '/features/semanticCache',
    message: /kebab-case/,
  },
];

describe('EnvironmentDocumentSchema', () => {
  it.each(valid)('accepts $name', ({ edit }) => {
    const result = checkSchema(EnvironmentDocumentSchema, withEdit(edit));
    expect(result.findings).toEqual([]);
    expect(result.success).toBe(true);
  });

  it.each(invalid)('rejects $name, naming $path', ({ edit, path, message }) => {
    const result = checkSchema(EnvironmentDocumentSchema, withEdit(edit));
    expect(result.success).toBe(false);
    const finding = result.findings.find((f) => f.path === path);
    expect(finding, JSON.stringify(result.findings)).toBeDefined();
    expect(finding!.message).toMatch(message);
  });

  it('applies defaults and reads quantities as strings', () => {
    const parsed = EnvironmentDocumentSchema.parse(
      withEdit((d) => (d.services.tools.resources.limits.cpu = 2)),
    );
    expect(parsed.services.tools.resources?.limits?.cpu).toBe('2');
    expect(parsed.dependencies.redis.db).toBe(0);
    expect(parsed.services.memory.autoscaling).toBeUndefined();
    expect(parsed.monitoring.alerting.rules[0]?.for).toBe('10m');
  });

  it('locates an unknown key at the key itself in the source', () => {
    const text = exampleText.replace('    replicas: 3\n    port: 8080', '    replicaz: 3\n    port: 8080');
    const loaded = loadDocument(text, { file: 'production.yaml' });
    const [finding] = checkSchema(EnvironmentDocumentSchema, loaded.data, {
      locator: loaded.locator,
    }).findings;
    const line = text.split('\n').findIndex((l) => l.includes('replicaz')) + 1;
    expect(finding?.location).toEqual({ file: 'production.yaml', line, column: 5 });
  });
});
