import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  envVarName,
  fromEnvironmentVariables,
  safeFromEnvironmentVariables,
  toEnvironmentVariables,
  toEnvSegment,
} from './env-vars.js';
import { EnvironmentDocumentSchema, SERVICE_NAMES } from './environment.js';
import { loadDocument } from './load.js';

const example = (name: string) =>
  EnvironmentDocumentSchema.parse(
    loadDocument(
      readFileSync(
        fileURLToPath(new URL(`../../../examples/platform/environments/${name}.yaml`, import.meta.url)),
        'utf8',
      ),
    ).data,
  );

describe('environment variables', () => {
  it.each([
    ['replicas', 'REPLICAS'],
    ['readOnlyRootFilesystem', 'READ_ONLY_ROOT_FILESYSTEM'],
    ['targetCPUUtilization', 'TARGET_CPU_UTILIZATION'],
    ['route-engine', 'ROUTE_ENGINE'],
    ['timeoutMs', 'TIMEOUT_MS'],
    ['secretRef', 'SECRET_REF'],
  ])('maps the key %s to %s', (key, segment) => {
    expect(toEnvSegment(key)).toBe(segment);
  });

  it('names variables with a single underscore after the prefix', () => {
    expect(envVarName(['services', 'route-engine', 'replicas'])).toBe(
      'AGENTFORGE_SERVICES__ROUTE_ENGINE__REPLICAS',
    );
    expect(envVarName(['debug'], { prefix: 'AF' })).toBe('AF_DEBUG');
  });

  it.each(['development', 'staging', 'production'])('round-trips the %s example', (name) => {
    const doc = example(name);
    const back = EnvironmentDocumentSchema.parse(fromEnvironmentVariables(toEnvironmentVariables(doc)).data);
    expect(back).toEqual(doc);
  });

  it("ignores the process contract's own variables, which name files, not settings", () => {
    const { data } = fromEnvironmentVariables({
      AGENTFORGE_CONFIG_FILE: '/etc/agentforge/config/environment.yaml',
      AGENTFORGE_SECRETS_DIR: '/var/run/secrets/agentforge',
      AGENTFORGE_DEBUG: 'true',
    });
    expect(data).toEqual({ debug: true });
  });

  it('coerces numbers, booleans, lists and quantities through the schema, and records the source', () => {
    const { data, sources } = fromEnvironmentVariables({
      AGENTFORGE_SERVICES__SWARM__REPLICAS: '5',
      AGENTFORGE_DEBUG: 'yes',
      AGENTFORGE_SERVICES__SWARM__RESOURCES__LIMITS__CPU: '2',
      AGENTFORGE_FEATURES__SEMANTIC_CACHE: 'off',
      AGENTFORGE_SERVICES__SWARM__ENV__LOG_LEVEL: 'debug',
      AGENTFORGE_LLM__API_KEY__SECRET_REF: 'llm-key',
      AGENTFORGE_MONITORING__ALERTING__RULES: '[{"name":"A","expr":"up == 0"}]',
      PATH: '/usr/bin',
    });
    expect(data).toEqual({
      services: { swarm: { replicas: 5, resources: { limits: { cpu: '2' } }, env: { LOG_LEVEL: 'debug' } } },
      debug: true,
      features: { 'semantic-cache': false },
      llm: { apiKey: { secretRef: 'llm-key' } },
      monitoring: { alerting: { rules: [{ name: 'A', expr: 'up == 0' }] } },
    });
    expect(sources.get('/services/swarm/replicas')).toBe('AGENTFORGE_SERVICES__SWARM__REPLICAS');
  });

  it.each([
    ['AGENTFORGE_SERVICES__SWARM__REPLICAS', 'three', /expected a number/],
    ['AGENTFORGE_SERVICES__SWARM__REPLICAS', '-1', />=\s*0|too small/i],
    ['AGENTFORGE_DEBUG', 'maybe', /expected true or false/],
    ['AGENTFORGE_SERVICES__SWARM__REPLICAZ', '3', /does not name a setting/],
    ['AGENTFORGE_SERVICES__BILLING__REPLICAS', '3', /does not name a setting/],
    ['AGENTFORGE_DEBUG__MORE', 'x', /no sub-settings/],
    ['AGENTFORGE_LOGGING__LEVEL', 'loud', /trace|debug/],
  ])('names the variable in a coercion error: %s=%s', (name, value, message) => {
    const result = safeFromEnvironmentVariables({ [name]: value });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.code).toBe('ENV_VAR_INVALID');
      expect(result.error.message).toContain(name);
      expect(result.error.message).toMatch(message);
    }
  });

  const quantity = fc.oneof(
    fc.constantFrom('100m', '0.5', '1Gi', '512Mi', '2'),
    fc.integer({ min: 0, max: 64 }),
  );
  const service = fc.record({
    enabled: fc.boolean(),
    image: fc.stringMatching(/^[a-z][a-z0-9./-]{0,20}:[0-9a-z.-]{1,8}$/),
    replicas: fc.integer({ min: 0, max: 50 }),
    port: fc.integer({ min: 1, max: 65535 }),
    resources: fc.record({
      requests: fc.record({ cpu: quantity, memory: quantity }),
      limits: fc.record({ cpu: quantity }),
    }),
    env: fc.dictionary(
      fc.stringMatching(/^[A-Z][A-Z0-9]{0,6}(_[A-Z0-9]{1,4}){0,2}$/),
      fc.string({ maxLength: 12 }),
      { maxKeys: 3 },
    ),
  });

  it('round-trips generated documents: document → variables → document', () => {
    const base = example('production');
    fc.assert(
      fc.property(
        fc.record({
          debug: fc.boolean(),
          level: fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal'),
          retries: fc.integer({ min: 0, max: 10 }),
          model: fc.string({ minLength: 1, maxLength: 20 }),
          features: fc.dictionary(
            fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/),
            fc.boolean(),
            { maxKeys: 4 },
          ),
          services: fc.record(
            Object.fromEntries(SERVICE_NAMES.map((n) => [n, service])) as Record<
              (typeof SERVICE_NAMES)[number],
              typeof service
            >,
          ),
        }),
        (gen) => {
          const doc = EnvironmentDocumentSchema.parse({
            ...base,
            debug: gen.debug,
            logging: { ...base.logging, level: gen.level },
            llm: { ...base.llm, retries: gen.retries, model: gen.model },
            features: gen.features,
            services: gen.services,
          });
          const back = EnvironmentDocumentSchema.parse(
            fromEnvironmentVariables(toEnvironmentVariables(doc)).data,
          );
          expect(back).toEqual(doc);
        },
      ),
      { numRuns: 150 },
    );
  });
});
