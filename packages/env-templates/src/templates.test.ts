import { EnvironmentDocumentSchema, isAgentforgeError, loadDocument } from '@agentforge/schema';
import { describe, expect, it } from 'vitest';
import { createEnvironment, renderEnvironmentFile, TEMPLATE_NAMES, templateDocument } from './templates.js';

describe('templates', () => {
  it.each(TEMPLATE_NAMES)('%s passes the schema', (tier) => {
    const parsed = EnvironmentDocumentSchema.safeParse(templateDocument(tier));
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it('development: minimal resources, debug on, mock LLM, no autoscaling', () => {
    const doc = createEnvironment('dev', { template: 'development' });
    expect(doc.debug).toBe(true);
    expect(doc.llm.provider).toBe('mock');
    for (const service of Object.values(doc.services)) {
      expect(service.autoscaling?.enabled).toBe(false);
      expect(service.replicas).toBe(1);
      expect(service.resources?.requests?.cpu).toBe('50m');
    }
  });

  it('staging: moderate resources, a real LLM, monitoring on', () => {
    const doc = createEnvironment('stage', { template: 'staging' });
    expect(doc.debug).toBe(false);
    expect(doc.llm.provider).not.toBe('mock');
    expect(doc.llm.apiKey).toEqual({ secretRef: 'llm-api-key' });
    expect(doc.monitoring.enabled && doc.monitoring.prometheus.enabled).toBe(true);
    expect(doc.services.swarm.resources?.requests?.cpu).toBe('100m');
  });

  it('production: high resources, hardened security, autoscaling, full observability', () => {
    const doc = createEnvironment('prod', { template: 'production' });
    expect(doc.debug).toBe(false);
    expect(doc.logging.level).toBe('info');
    expect(doc.security).toMatchObject({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      networkPolicies: true,
      tls: { enabled: true },
    });
    expect(doc.dependencies.postgres.sslmode).toBe('verify-full');
    expect(doc.dependencies.redis.tls && doc.dependencies.nats.tls).toBe(true);
    expect(doc.services.gateway.autoscaling?.enabled).toBe(true);
    expect(doc.monitoring.grafana.enabled && doc.monitoring.alerting.enabled).toBe(true);
    expect(doc.monitoring.alerting.rules.length).toBeGreaterThan(0);
    expect(doc.secrets.backend).toBe('external-secrets');
    for (const service of Object.values(doc.services)) expect(service.image).not.toMatch(/:latest$/);
  });
});

describe('createEnvironment', () => {
  it('names the environment and derives its namespace', () => {
    const doc = createEnvironment('prod-eu', { template: 'production' });
    expect(doc.name).toBe('prod-eu');
    expect(doc.platform.namespace).toBe('agentforge-prod-eu');
  });

  it('lays overrides over the template: objects merge, scalars and lists replace', () => {
    const doc = createEnvironment('prod-eu', {
      template: 'production',
      overrides: {
        platform: { domain: 'eu.example.com' },
        services: { swarm: { replicas: 9 } },
        monitoring: { alerting: { rules: [] } },
      },
    });
    expect(doc.platform).toEqual({ namespace: 'agentforge-prod-eu', domain: 'eu.example.com' });
    expect(doc.services.swarm.replicas).toBe(9);
    expect(doc.services.swarm.port).toBe(8080);
    expect(doc.monitoring.alerting.rules).toEqual([]);
  });

  it('refuses overrides that break the schema, naming the setting', () => {
    const attempt = () =>
      createEnvironment('x', { template: 'staging', overrides: { services: { swarm: { replicas: -1 } } } });
    expect(attempt).toThrow(/services\.swarm\.replicas/);
    try {
      attempt();
    } catch (error) {
      expect(isAgentforgeError(error) && error.code).toBe('SCHEMA_VIOLATION');
    }
  });

  it('ignores prototype keys in overrides', () => {
    const overrides = JSON.parse('{"__proto__": {"polluted": true}, "debug": true}');
    const doc = createEnvironment('x', { template: 'development', overrides });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(doc.debug).toBe(true);
  });

  it.each(['../../etc', 'Prod_1', '', 'a'.repeat(64), '-prod', 'prod.eu'])('refuses the name %j', (name) => {
    expect(() => createEnvironment(name, { template: 'development' })).toThrow(/invalid environment name/);
  });

  it('refuses a name whose namespace would be too long', () => {
    expect(() => createEnvironment('a'.repeat(60), { template: 'development' })).toThrow(/at most 63/);
  });
});

describe('renderEnvironmentFile', () => {
  it('starts with the $schema line and reads back to the same document', () => {
    const doc = createEnvironment('stage', { template: 'staging' });
    const text = renderEnvironmentFile(doc);
    expect(text.split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://unpkg.com/@agentforge/schema/schema.json',
    );
    expect(EnvironmentDocumentSchema.parse(loadDocument(text).data)).toEqual(doc);
  });
});
