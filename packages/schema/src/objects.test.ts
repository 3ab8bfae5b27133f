import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  asPlainObject,
  assertSafeKey,
  deepMerge,
  isForbiddenKey,
  isPlainObject,
  setOwnProperty,
} from './objects.js';

describe('isPlainObject', () => {
  const cases: Array<{ name: string; value: unknown; plain: boolean }> = [
    { name: 'object literal', value: { a: 1 }, plain: true },
    { name: 'null-prototype object', value: Object.create(null), plain: true },
    { name: 'JSON.parse result', value: JSON.parse('{"a":1}'), plain: true },
    { name: 'null', value: null, plain: false },
    { name: 'array', value: [1], plain: false },
    { name: 'Date', value: new Date(0), plain: false },
    { name: 'Map', value: new Map(), plain: false },
    { name: 'class instance', value: new (class A {})(), plain: false },
    { name: 'string', value: 'x', plain: false },
  ];
  it.each(cases)('$name → $plain', ({ value, plain }) => {
    expect(isPlainObject(value)).toBe(plain);
    // asPlainObject is the same test as a reader: the object itself, or undefined.
    expect(asPlainObject(value)).toBe(plain ? value : undefined);
  });
});

describe('the forbidden-key guard', () => {
  it.each(['__proto__', 'constructor', 'prototype'])('refuses %s', (key) => {
    expect(isForbiddenKey(key)).toBe(true);
    expect(() => assertSafeKey(key, '--set a.b')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_KEY', message: expect.stringContaining('--set a.b') }),
    );
  });
  it.each(['proto', 'constructors', '', 'toString'])('accepts %j', (key) => {
    expect(isForbiddenKey(key)).toBe(false);
    expect(() => assertSafeKey(key, 'x')).not.toThrow();
  });
  it('setOwnProperty keeps __proto__ as data and leaves the prototype alone', () => {
    const target: Record<string, unknown> = {};
    setOwnProperty(target, '__proto__', { polluted: true });
    expect(Object.getPrototypeOf(target)).toBe(Object.prototype);
    expect(Object.keys(target)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('deepMerge', () => {
  const cases: Array<{ name: string; layers: unknown[]; expected: unknown }> = [
    {
      name: 'objects merge key by key',
      layers: [{ a: { b: 1, c: 2 } }, { a: { c: 3 } }],
      expected: { a: { b: 1, c: 3 } },
    },
    { name: 'lists replace', layers: [{ a: [1, 2] }, { a: [3] }], expected: { a: [3] } },
    { name: 'null replaces', layers: [{ a: { b: 1 } }, { a: null }], expected: { a: null } },
    { name: 'undefined keeps the lower value', layers: [{ a: 1 }, { a: undefined }], expected: { a: 1 } },
    { name: 'an undefined overlay is nothing', layers: [{ a: 1 }, undefined], expected: { a: 1 } },
    { name: 'scalars replace objects', layers: [{ a: { b: 1 } }, { a: 2 }], expected: { a: 2 } },
    { name: 'later overlays win', layers: [{}, { a: 1 }, { a: 2 }, { b: 3 }], expected: { a: 2, b: 3 } },
    {
      name: 'a Date replaces, never merges',
      layers: [{ a: { b: 1 } }, { a: new Date(0) }],
      expected: { a: new Date(0) },
    },
    { name: 'an inherited name is not a lower value', layers: [{}, { toString: undefined }], expected: {} },
  ];
  it.each(cases)('$name', ({ layers, expected }) => {
    expect(deepMerge(layers[0], ...layers.slice(1))).toEqual(expected);
  });

  it('skips forbidden keys at every depth, also over a missing branch', () => {
    const overlay = JSON.parse(
      '{"__proto__":{"polluted":1},"a":{"constructor":{"prototype":{"x":1}},"b":1},"c":{"prototype":2}}',
    );
    const merged = deepMerge({ a: {} }, overlay) as Record<string, Record<string, unknown>>;
    expect(merged).toEqual({ a: { b: 1 }, c: {} });
    expect(Object.hasOwn(merged, '__proto__')).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('never modifies its inputs and shares untouched branches', () => {
    const base = { a: { b: 1 }, keep: { deep: [1] } };
    const overlay = { a: { c: 2 } };
    const before = structuredClone({ base, overlay });
    const merged = deepMerge(base, overlay) as typeof base;
    expect({ base, overlay }).toEqual(before);
    expect(merged.keep).toBe(base.keep);
  });

  it('property: merging a document over {} and then itself gives the document (plain JSON)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const clean = JSON.parse(
          JSON.stringify(value ?? null).replace(/"(__proto__|constructor|prototype)"/g, '"k"'),
        );
        expect(deepMerge(deepMerge({}, clean), clean)).toEqual(clean);
      }),
    );
  });
});
