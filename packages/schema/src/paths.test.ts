import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGlob,
  findMatches,
  formatPointer,
  matchPath,
  parsePointer,
  pathToPointer,
  pointerToPath,
} from './paths.js';

describe('paths', () => {
  it.each([
    ['/services/swarm/replicas', 'services.swarm.replicas'],
    ['/a~1b/c~0d', 'a/b.c~d'],
    ['/labels/app.kubernetes.io~1name', 'labels.app\\.kubernetes\\.io/name'],
    ['', ''],
  ])('converts %s ⇄ %s', (pointer, path) => {
    expect(pointerToPath(pointer)).toBe(path);
    expect(pathToPointer(path)).toBe(pointer);
  });

  it('round-trips any segments through pointers and dotted paths', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 6 }), (segments) => {
        const pointer = formatPointer(segments);
        expect(parsePointer(pointer)).toEqual(segments);
        expect(pathToPointer(pointerToPath(pointer))).toBe(pointer);
      }),
    );
  });

  it.each([
    ['services.*.replicas', 'services.swarm.replicas', true],
    ['services.*.replicas', 'services.swarm.env.replicas', false],
    ['security.**', 'security', true],
    ['security.**', 'security.tls.enabled', true],
    ['**.image', 'services.swarm.image', true],
    ['**.image', 'image', true],
    ['services.*.resources.limits.memory', '/services/gateway/resources/limits/memory', true],
    ['/services/*/env/*', 'services.swarm.env.LOG_LEVEL', true],
    ['**.*Password', 'monitoring.grafana.adminPassword', true],
    ['**.*Password', 'monitoring.grafana.adminUser', false],
    ['dependencies.**.url', 'dependencies.redis.url', true],
    ['dependencies.**.url', 'llm.endpoint', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(matchPath(glob, path)).toBe(expected);
  });

  it('finds every match of a glob with its value', () => {
    const doc = { services: { a: { replicas: 1 }, b: { replicas: 2 }, c: {} } };
    expect(findMatches(doc, 'services.*.replicas')).toEqual([
      { pointer: '/services/a/replicas', value: 1 },
      { pointer: '/services/b/replicas', value: 2 },
    ]);
    expect(findMatches(doc, 'services.b.replicas')).toEqual([{ pointer: '/services/b/replicas', value: 2 }]);
    expect(compileGlob('*')(['x'])).toBe(true);
  });
});
