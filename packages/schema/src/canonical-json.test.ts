import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  const cases: Array<{ name: string; value: unknown; text: string }> = [
    {
      name: 'keys sorted at every depth',
      value: { b: 1, a: { d: 2, c: 3 } },
      text: '{"a":{"c":3,"d":2},"b":1}',
    },
    {
      name: 'keys by UTF-16 code unit (JCS)',
      value: { b: 1, B: 2, é: 3, a: 4 },
      text: '{"B":2,"a":4,"b":1,"é":3}',
    },
    { name: 'undefined members dropped', value: { a: undefined, b: 1 }, text: '{"b":1}' },
    { name: 'undefined in a list is null', value: [1, undefined, () => 1], text: '[1,null,null]' },
    { name: 'top-level undefined is null', value: undefined, text: 'null' },
    {
      name: 'non-finite numbers are null',
      value: [Number.NaN, Number.POSITIVE_INFINITY, -0],
      text: '[null,null,0]',
    },
    {
      name: 'Date through toJSON',
      value: { at: new Date('2026-01-02T03:04:05.000Z') },
      text: '{"at":"2026-01-02T03:04:05.000Z"}',
    },
    { name: 'toJSON result canonicalised', value: { toJSON: () => ({ z: 1, y: 2 }) }, text: '{"y":2,"z":1}' },
    { name: 'strings escaped as JSON', value: { 'a"b': 'line\nbreak' }, text: '{"a\\"b":"line\\nbreak"}' },
    { name: 'own __proto__ key kept as data', value: JSON.parse('{"__proto__":1}'), text: '{"__proto__":1}' },
    {
      name: 'shared (not cyclic) references',
      value: ((x) => ({ a: x, b: x }))({ n: 1 }),
      text: '{"a":{"n":1},"b":{"n":1}}',
    },
  ];
  it.each(cases)('$name', ({ value, text }) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it.each([
    {
      name: 'a cycle',
      value: (() => {
        const a: Record<string, unknown> = {};
        a.self = a;
        return a;
      })(),
    },
    { name: 'a bigint', value: { n: 1n } },
  ])('throws a TypeError for $name', ({ value }) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('property: round-trips through JSON.parse and ignores key order', () => {
    // Rebuilt with keys reversed; integer-like keys keep their engine order, which is why the
    // text must not depend on the object's own key order at all.
    const reverse = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverse)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .reverse()
                .map((k) => [k, reverse((v as Record<string, unknown>)[k])]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverse(value))).toBe(text);
      }),
    );
  });
});
