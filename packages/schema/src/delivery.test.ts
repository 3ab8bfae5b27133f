import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deliveryMode, isRestartOnly, restartOnlyValues } from './delivery.js';
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
    [undefined, 'hot'],
    ['rollout', 'rollout'],
    ['hot', 'hot'],
  ] as const)('platform.configDelivery %s → %s', (mode, expected) => {
    expect(deliveryMode({ ...production, platform: { ...production.platform, configDelivery: mode } })).toBe(
      expected,
    );
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
