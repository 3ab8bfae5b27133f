import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deliveryMode, isRestartOnly, restartOnlyValues, secretScope } from './delivery.js';
import { EnvironmentDocumentSchema } from './environment.js';

const production = EnvironmentDocumentSchema.parse(
  parse(
    readFileSync(
      fileURLToPath(new URL('../../../examples/platform/environments/production.yaml', import.meta.url)),
      'utf8',
    ),
  ),
);

describe('isRestartOnly', () => {
  it.each([
    ['dependencies.redis.url', true],
    ['dependencies.postgres.pool.max', true],
    ['services.swarm.port', true],
    ['services.gateway.env.FOO', true],
    ['security.tls.issuer', true],
    ['services.swarm.replicas', false],
    ['services.swarm.resources.limits.cpu', false],
    ['logging.level', false],
    ['llm.model', false],
    ['features.semantic-cache', false],
    ['dependencies.redis', false],
  ])('%s → %s', (path, expected) => {
    expect(isRestartOnly(path)).toBe(expected);
  });
});

describe('deliveryMode', () => {
  it.each([
    ['development', undefined, 'hot'],
    ['staging', undefined, 'hot'],
    ['production', undefined, 'rollout'],
    ['production', 'hot', 'hot'],
    ['development', 'rollout', 'rollout'],
    ['staging', 'rollout', 'rollout'],
  ] as const)('tier %s, platform.configDelivery %s → %s', (tier, mode, expected) => {
    const platform = { ...production.platform, configDelivery: mode };
    expect(deliveryMode({ ...production, tier, platform })).toBe(expected);
  });
  it('refuses an unknown mode', () => {
    const input = { ...production, platform: { ...production.platform, configDelivery: 'eventually' } };
    expect(EnvironmentDocumentSchema.safeParse(input).success).toBe(false);
  });
});

describe('restartOnlyValues', () => {
  it("holds the shared values and the service's own, never another service's", () => {
    const values = restartOnlyValues(production, 'swarm');
    expect(values['services.swarm.port']).toBe(8080);
    expect(Object.keys(values).some((key) => key.startsWith('services.gateway'))).toBe(false);
    expect(values['dependencies.redis.url']).toBe(production.dependencies.redis.url);
  });
  it('changes with a restart-only setting and not with a live one', () => {
    const moved = structuredClone(production);
    moved.services.swarm.port = 9999;
    moved.services.swarm.replicas = 9;
    moved.logging.level = 'debug';
    expect(restartOnlyValues(moved, 'swarm')).not.toEqual(restartOnlyValues(production, 'swarm'));
    expect(restartOnlyValues(moved, 'gateway')).toEqual(restartOnlyValues(production, 'gateway'));
  });
});

describe('secretScope', () => {
  it.each([
    ['llm.apiKey', 'platform'],
    ['dependencies.postgres.password', 'platform'],
    ['monitoring.grafana.adminPassword', 'monitoring'],
    ['services.swarm.env.OPENAI_API_KEY', 'swarm'],
    ['services.tools.env.TOKEN', 'tools'],
  ])('%s → %s', (path, expected) => {
    expect(secretScope(path.split('.'))).toBe(expected);
  });
});
