import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGlob,
  compileNameGlob,
  compilePath,
  expandPath,
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

describe('the compiled-path walker (compilePath/expandPath)', () => {
  const doc = {
    services: { swarm: { replicas: 3, env: { DEBUG: '1' } }, memory: { replicas: 1 } },
    security: { tls: { enabled: true }, dbPassword: 'x' },
  };
  const walk = (glob: string, includeMissing = false, bound: string[] = []) => {
    const out: Array<[string, unknown, string[], boolean]> = [];
    expandPath(
      doc,
      compilePath(glob),
      (m) => out.push([m.segments.join('.'), m.value, [...m.captures], m.missing]),
      includeMissing,
      bound,
    );
    return out;
  };
  it.each([
    {
      name: 'a literal path is a lookup',
      glob: 'services.swarm.replicas',
      want: [['services.swarm.replicas', 3, [], false]],
    },
    {
      name: '* ranges over keys and is captured',
      glob: 'services.*.replicas',
      want: [
        ['services.swarm.replicas', 3, ['swarm'], false],
        ['services.memory.replicas', 1, ['memory'], false],
      ],
    },
    {
      name: 'a pattern segment',
      glob: 'security.*Password',
      want: [['security.dbPassword', 'x', [], false]],
    },
    {
      name: '** reaches any depth',
      glob: 'security.**.enabled',
      want: [['security.tls.enabled', true, [], false]],
    },
    {
      name: 'a pointer glob',
      glob: '/services/*/env/DEBUG',
      want: [['services.swarm.env.DEBUG', '1', ['swarm'], false]],
    },
  ])('$name', ({ glob, want }) => {
    expect(walk(glob)).toEqual(want);
  });

  it('reports an absent literal tail once with includeMissing, and binds * from outside', () => {
    expect(walk('services.memory.env.DEBUG', true)).toEqual([
      ['services.memory.env.DEBUG', undefined, [], true],
    ]);
    expect(walk('services.*.replicas', false, ['memory'])).toEqual([
      ['services.memory.replicas', 1, [], false],
    ]);
  });

  it('agrees with compileGlob on what matches', () => {
    for (const glob of ['services.*.replicas', 'security.**', '**.enabled', 'security.*Password']) {
      const matcher = compileGlob(glob);
      for (const [path] of walk(glob)) expect(matcher(path.split('.'))).toBe(true);
    }
  });
});

describe('compileNameGlob', () => {
  it.each([
    { pattern: 'agentforge/*', name: 'agentforge/no-debug', ignoreCase: false, want: true },
    { pattern: 'agentforge/*', name: 'k8s/no-debug', ignoreCase: false, want: false },
    { pattern: 'k8s/run-as-non-root', name: 'k8s/run-as-non-root', ignoreCase: false, want: true },
    { pattern: '*@platform.example.com', name: 'Ann@Platform.Example.com', ignoreCase: true, want: true },
    { pattern: '*@platform.example.com', name: 'ann@platformXexample.com', ignoreCase: true, want: false },
    { pattern: 'prod-(eu)', name: 'prod-(eu)', ignoreCase: false, want: true },
  ])('$pattern ~ $name → $want', ({ pattern, name, ignoreCase, want }) => {
    expect(compileNameGlob(pattern, { ignoreCase })(name)).toBe(want);
  });
});
