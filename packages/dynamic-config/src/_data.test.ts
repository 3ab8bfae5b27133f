import { canonicalJson, deepMerge, parsePointer } from '@agentforge/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze, diffLeaves, hashConfig } from './_data.js';

// JSON-like objects of objects and scalars (lists are covered by the table below).
const tree = fc.letrec((tie) => ({
  node: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 4 }),
    fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), tie('node')),
  ),
})).node as fc.Arbitrary<Record<string, unknown>>;

/** Applies leaf changes to a copy of `base`. */
function apply(base: unknown, changes: ReturnType<typeof diffLeaves>): unknown {
  let root = structuredClone(base);
  for (const change of changes) {
    const segments = parsePointer(change.path);
    if (segments.length === 0) {
      root = change.after;
      continue;
    }
    let parent = root as Record<string, unknown>;
    for (const s of segments.slice(0, -1)) {
      if (parent[s] === null || typeof parent[s] !== 'object') parent[s] = {};
      parent = parent[s] as Record<string, unknown>;
    }
    const key = segments.at(-1)!;
    if (change.kind === 'removed') delete parent[key];
    else parent[key] = change.after;
  }
  return root;
}

/** `value` without empty objects. */
function prune(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const p = prune(v);
    if (!(p !== null && typeof p === 'object' && !Array.isArray(p) && Object.keys(p).length === 0))
      out[k] = p;
  }
  return out;
}

describe('diffLeaves', () => {
  it('applying the diff of a → b to a yields b (sections are reported leaf by leaf, so emptied ones are pruned)', () => {
    fc.assert(
      fc.property(tree, tree, (a, b) => {
        expect(prune(apply(a, diffLeaves(a, b)))).toEqual(prune(b));
      }),
    );
  });

  it('is empty exactly for equal values', () => {
    fc.assert(
      fc.property(
        tree,
        tree,
        (a, b) => (diffLeaves(a, b).length === 0) === (canonicalJson(a) === canonicalJson(b)),
      ),
    );
  });

  it.each([
    {
      name: 'scalar modified',
      a: { x: 1 },
      b: { x: 2 },
      changes: [{ path: '/x', kind: 'modified', before: 1, after: 2 }],
    },
    {
      name: 'section added leaf by leaf',
      a: {},
      b: { db: { url: 'u', pool: { max: 2 } } },
      changes: [
        { path: '/db/url', kind: 'added', after: 'u' },
        { path: '/db/pool/max', kind: 'added', after: 2 },
      ],
    },
    {
      name: 'list item changed',
      a: { l: [1, 2] },
      b: { l: [1, 3, 4] },
      changes: [
        { path: '/l/1', kind: 'modified', before: 2, after: 3 },
        { path: '/l/2', kind: 'added', after: 4 },
      ],
    },
    {
      name: 'section replaced by a scalar',
      a: { s: { k: 1 } },
      b: { s: 'off' },
      changes: [
        { path: '/s/k', kind: 'removed', before: 1 },
        { path: '/s', kind: 'added', after: 'off' },
      ],
    },
    {
      name: 'keys with slashes escaped',
      a: { 'a/b': 1 },
      b: { 'a/b': 2 },
      changes: [{ path: '/a~1b', kind: 'modified', before: 1, after: 2 }],
    },
  ])('$name', ({ a, b, changes }) => {
    expect(diffLeaves(a, b)).toEqual(changes);
  });
});

describe('deepMerge', () => {
  it('the overlay wins at every leaf it sets, and the base keeps the rest', () => {
    fc.assert(
      fc.property(tree, tree, (base, overlay) => {
        const merged = deepMerge(base, overlay) as Record<string, unknown>;
        for (const change of diffLeaves({}, overlay)) {
          const value = parsePointer(change.path).reduce<unknown>(
            (v, s) => (v as Record<string, unknown>)[s],
            merged,
          );
          expect(value).toEqual(change.after);
        }
      }),
    );
  });

  it('lists and null replace; undefined keeps; inputs are untouched; __proto__ is skipped', () => {
    const base = { l: [1, 2], n: { a: 1 }, k: 1 };
    const overlay = JSON.parse('{"l":[3],"n":null,"__proto__":{"polluted":true}}');
    expect(deepMerge(base, overlay, undefined)).toEqual({ l: [3], n: null, k: 1 });
    expect(base).toEqual({ l: [1, 2], n: { a: 1 }, k: 1 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hashConfig and deepFreeze', () => {
  it('the hash ignores key order and sees every value', () => {
    expect(hashConfig({ a: 1, b: { c: 2, d: 3 } })).toBe(hashConfig({ b: { d: 3, c: 2 }, a: 1 }));
    expect(hashConfig({ a: 1 })).not.toBe(hashConfig({ a: 2 }));
  });

  it('freezes every level', () => {
    const value = deepFreeze({ a: { b: [{ c: 1 }] } });
    expect(Object.isFrozen(value.a.b[0])).toBe(true);
  });
});
