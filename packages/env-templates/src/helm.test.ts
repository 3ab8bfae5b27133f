import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EnvironmentDocument,
  EnvironmentDocumentSchema,
  isAgentforgeError,
  isSecretKey,
  loadFile,
  looksLikeSecret,
} from '@agentforge/schema';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { generateHelmValues, HELM_SUBCHARTS, HelmValuesSchema, toHelmValuesSchema } from './helm.js';

const environmentsDir = fileURLToPath(new URL('../../../examples/platform/environments/', import.meta.url));
const examples: Record<string, EnvironmentDocument> = {};
for (const file of readdirSync(environmentsDir).filter((f) => f.endsWith('.yaml'))) {
  examples[file.replace(/\.yaml$/, '')] = EnvironmentDocumentSchema.parse(
    (await loadFile(join(environmentsDir, file))).data,
  );
}
const DOCUMENT_KEYS = Object.keys(EnvironmentDocumentSchema.shape);
const pickDocument = (values: Record<string, unknown>) =>
  Object.fromEntries(DOCUMENT_KEYS.filter((k) => k in values).map((k) => [k, values[k]]));
const production = () => structuredClone(examples.production!);

describe('generateHelmValues', () => {
  it.each(Object.keys(examples))(
    '%s: writes values-<name>.yaml that is the document plus chart keys',
    (name) => {
      const doc = examples[name]!;
      const file = generateHelmValues(doc);
      expect(file.path).toBe(`deployment/helm/values-${name}.yaml`);
      expect(file.mode).toBe(0o644);
      expect(file.content).toMatch(/^# Helm values of the AgentForge environment/);
      const values = load(file.content) as Record<string, unknown>;
      // The chart's schema accepts it, and the document part reads back as the same document.
      expect(HelmValuesSchema.safeParse(values).success).toBe(true);
      expect(EnvironmentDocumentSchema.parse(pickDocument(values))).toEqual(doc);
      for (const chart of HELM_SUBCHARTS) expect(values[chart]).toHaveProperty('enabled');
    },
  );

  it('names secrets but never carries a value', () => {
    const values = HelmValuesSchema.parse(load(generateHelmValues(examples.production!).content));
    expect(values.llm.apiKey).toEqual({ secretRef: 'llm-api-key' });
    expect(values.grafana).toEqual({
      enabled: true,
      admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'adminPassword' },
    });
    // Issue 20 #6: the services' user only, so the subchart needs no admin key the document never references.
    expect(values.postgresql.auth).toEqual({
      enablePostgresUser: false,
      username: 'agentforge',
      database: 'agentforge',
      existingSecret: 'postgres-password',
      secretKeys: { userPasswordKey: 'password' },
    });
    expect(values.redis.auth).toEqual({
      existingSecret: 'redis-auth',
      existingSecretPasswordKey: 'password',
    });
  });

  const chartDefaults = [
    {
      name: 'production: backup on, subcharts off',
      env: 'production',
      options: {},
      expected: { backup: true, grafana: true, redis: false },
    },
    {
      name: 'staging: backup off',
      env: 'staging',
      options: {},
      expected: { backup: false, grafana: true, redis: false },
    },
    {
      name: 'development: Grafana follows the document',
      env: 'development',
      options: {},
      expected: { backup: false, grafana: false, redis: false },
    },
    {
      name: 'options override',
      env: 'production',
      options: { backup: false, subcharts: { redis: true, grafana: false } },
      expected: { backup: false, grafana: false, redis: true },
    },
  ] as const;
  it.each(chartDefaults)('$name', ({ env, options, expected }) => {
    const values = HelmValuesSchema.parse(load(generateHelmValues(examples[env]!, options).content));
    expect({
      backup: values.backup?.enabled,
      grafana: values.grafana.enabled,
      redis: values.redis.enabled,
    }).toEqual(expected);
  });

  const literalSecrets = [
    {
      name: 'secret-named env variable',
      path: '/services/swarm/env/DB_PASSWORD',
      set: (d: EnvironmentDocument) => (d.services.swarm.env = { DB_PASSWORD: 'hunter2-hunter2' }),
      value: 'hunter2-hunter2',
    },
    {
      name: 'API key in a plain variable',
      path: '/services/tools/env/UPSTREAM',
      set: (d: EnvironmentDocument) => (d.services.tools.env = { UPSTREAM: 'sk-ant-abcdefghijklmnop1234' }),
      value: 'sk-ant-abcdefghijklmnop1234',
    },
    {
      name: 'credentials inside a URL',
      path: '/llm/endpoint',
      set: (d: EnvironmentDocument) => (d.llm.endpoint = 'https://user:s3cr3t-pass@llm.example.com'),
      value: 's3cr3t-pass',
    },
  ];
  it.each(literalSecrets)(
    'refuses a literal secret: $name, naming the path and not the value',
    ({ path, set, value }) => {
      const doc = production();
      set(doc);
      let error: unknown;
      try {
        generateHelmValues(doc);
      } catch (caught) {
        error = caught;
      }
      expect(isAgentforgeError(error) && error.code).toBe('SCHEMA_VIOLATION');
      expect((error as Error).message).toContain(path);
      expect((error as Error).message).not.toContain(value);
    },
  );

  it('accepts numbers and booleans under secret-like keys', () => {
    const doc = production();
    doc.services.swarm.env = { MAX_TOKEN: '4096', USE_TOKEN: 'true' };
    expect(generateHelmValues(doc).content).toContain('MAX_TOKEN: "4096"');
  });

  it('refuses an invalid document with SCHEMA_VIOLATION naming the path', () => {
    const doc = production();
    doc.services.swarm.replicas = -1;
    expect(() => generateHelmValues(doc)).toThrow(/\/services\/swarm\/replicas/);
  });

  it('round-trips any plain env value and feature flag through YAML', () => {
    const envName = fc
      .stringMatching(/^[A-Z][A-Z0-9]{0,6}(_[A-Z0-9]{1,4}){0,2}$/)
      .filter((k) => !isSecretKey(k));
    const envValue = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((v) => !looksLikeSecret(v));
    const feature = fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/);
    fc.assert(
      fc.property(
        fc.dictionary(envName, envValue, { maxKeys: 5 }),
        fc.dictionary(feature, fc.boolean(), { maxKeys: 5 }),
        (env, features) => {
          const doc = production();
          doc.services.memory.env = env;
          doc.features = features;
          const values = load(generateHelmValues(doc).content) as Record<string, unknown>;
          expect(EnvironmentDocumentSchema.parse(pickDocument(values))).toEqual(doc);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the chart values.yaml', () => {
  it('is a valid environment document plus chart settings', async () => {
    const values = (
      await loadFile(
        fileURLToPath(new URL('../../../deployment/helm/agentforge/values.yaml', import.meta.url)),
      )
    ).data;
    const parsed = HelmValuesSchema.safeParse(values);
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});

describe('toHelmValuesSchema', () => {
  type JsonSchema = { type?: string; additionalProperties?: unknown };
  const schema = toHelmValuesSchema() as {
    $schema: string;
    properties: Record<string, JsonSchema>;
    additionalProperties: unknown;
    required: string[];
  };

  it('is the environment document schema plus the chart settings, strict at the top', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.additionalProperties).toBe(false);
    for (const key of DOCUMENT_KEYS) expect(schema.properties).toHaveProperty(key);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'tier', 'services']));
  });

  it('declares global and enabled so the chart works as a subchart', () => {
    expect(schema.properties.global).toMatchObject({ type: 'object' });
    expect(schema.properties.global!.additionalProperties).not.toBe(false);
    expect(schema.properties.enabled).toMatchObject({ type: 'boolean' });
  });

  it('leaves the subcharts their own values', () => {
    for (const chart of HELM_SUBCHARTS)
      expect(schema.properties[chart]!.additionalProperties).not.toBe(false);
  });

  it('uses only keywords a draft-07 validator (Helm ≤ 3.17) understands', () => {
    const draft07 = new Set(
      'type properties additionalProperties required pattern enum const minimum maximum exclusiveMinimum exclusiveMaximum minLength maxLength items minItems maxItems anyOf allOf oneOf not propertyNames default description title $schema format'.split(
        ' ',
      ),
    );
    const used = new Set<string>();
    const walk = (node: unknown, inProperties: boolean) => {
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (const n of node) walk(n, false);
        return;
      }
      for (const [key, child] of Object.entries(node)) {
        if (!inProperties) used.add(key);
        // Values of these keywords are data, not schemas.
        if (inProperties || !['default', 'enum', 'const'].includes(key))
          walk(child, !inProperties && key === 'properties');
      }
    };
    walk(schema, false);
    expect([...used].filter((k) => !draft07.has(k))).toEqual([]);
  });
});
