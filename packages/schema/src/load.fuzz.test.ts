// Property tests of the loader over generated hostile input: YAML built from anchors, aliases,
// merge keys, forbidden keys and long strings, then mutated; JSON; dotenv. Whatever the input,
// the loader returns data or throws a typed AgentforgeError — never another error, never a
// polluted prototype, never a forbidden key in the data — and the data it returns stays within
// the alias budget: its size expanded (every shared node counted each time it is reached, as a
// reader that copies it would pay) is bounded by the text and the budget. Seeded: a failure
// prints its seed and path, and reruns the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAgentforgeError } from './errors.js';
import { type LoadOptions, loadDocument, loadDocuments } from './load.js';
import { FORBIDDEN_KEYS } from './objects.js';

// Small budgets, so that generated bombs cross them often.
const LIMITS = { maxAliasExpansion: 300, maxAliasBytes: 5000, maxDepth: 20 } as const;
const RUNS = { seed: 20261203, numRuns: 200 } as const;
// Generous: the machines these run on are shared; the work itself is bounded by the budgets.
const TIMEOUT = 60_000;

const anchor = fc.constantFrom('a', 'b', 'c');
const KEYS = [
  'name',
  'value',
  'env',
  'k',
  '<<',
  '__proto__',
  'constructor',
  'prototype',
  '"\\x5f_proto__"',
  '"con\\u0073tructor"',
  "'prototype'",
  '1e3',
  '.inf',
  'null',
  '"a b"',
];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.stringMatching(/^[a-z_]{1,6}$/));
const scalar = fc.oneof(
  fc.constantFrom('1', '-0.5', 'true', 'null', '~', '.nan', '0x1f', '""', "'y'", '"\\x41\\u00e9"'),
  fc.string({ maxLength: 8 }).map((s) => JSON.stringify(s)),
  fc.nat({ max: 3000 }).map((n) => `"${'x'.repeat(n)}"`),
);

/** Flow-style YAML (valid JSON-like text when no anchor, alias or plain scalar is drawn). */
const { node } = fc.letrec<{ node: string; map: string; seq: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    anchor.map((n) => `*${n}`),
    fc.tuple(anchor, tie('node')).map(([n, v]) => `&${n} ${v}`),
    tie('map'),
    tie('seq'),
  ),
  map: fc
    .array(fc.tuple(key, tie('node')), { maxLength: 5 })
    .map((pairs) => `{${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  seq: fc.array(tie('node'), { maxLength: 6 }).map((items) => `[${items.join(', ')}]`),
}));

/** A block mapping of flow values, some of them anchored and aliased again below. */
const blockDocument = fc
  .array(fc.tuple(key, node), { minLength: 1, maxLength: 8 })
  .map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n'));

/** Billion laughs of random width, depth and leaf size. */
const laughs = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 }), fc.nat({ max: 500 }))
  .map(([width, depth, leaf]) =>
    [
      `l0: &l0 "${'x'.repeat(leaf)}"`,
      ...Array.from(
        { length: depth },
        (_, i) => `l${i + 1}: &l${i + 1} [${Array(width).fill(`*l${i}`).join(', ')}]`,
      ),
    ].join('\n'),
  );

/** Text edits: insert, delete or replace at a relative position. */
const edits = fc.array(
  fc.tuple(
    fc.constantFrom('insert', 'delete', 'replace'),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.constantFrom(
      ':',
      '-',
      ' ',
      '\n',
      '\t',
      '&a ',
      '*a',
      '*b',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '\\',
      '#',
      '<<: ',
      '---\n',
      '\u0000',
      '__proto__: ',
    ),
  ),
  { maxLength: 4 },
);
const mutate = (text: string, changes: Array<[string, number, string]>) =>
  changes.reduce((t, [op, where, piece]) => {
    const at = Math.floor(where * t.length);
    if (op === 'insert') return t.slice(0, at) + piece + t.slice(at);
    if (op === 'delete') return t.slice(0, at) + t.slice(at + piece.length);
    return t.slice(0, at) + piece + t.slice(at + 1);
  }, text);

const dotenv = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(...FORBIDDEN_KEYS, 'A', 'export B', 'C.D', ' E'),
        fc.stringMatching(/^[A-Z_]{1,5}$/),
      ),
      fc.constantFrom('=', ': ', ' = ', '\n='),
      fc.string({ unit: fc.constantFrom('a', ' ', '#', "'", '"', '`', '\n', '\\', '=', 'n'), maxLength: 30 }),
    ),
    { maxLength: 10 },
  )
  .map((lines) => lines.map(([k, sep, v]) => `${k}${sep}${v}`).join('\n'));

/**
 * The size of `data` expanded: values (each shared object counted every time it is reached)
 * and characters of keys and strings. Circular data fails the test.
 */
function expanded(data: unknown): { nodes: number; chars: number } {
  const memo = new Map<object, { nodes: number; chars: number }>();
  const open = new Set<object>();
  const size = (value: unknown): { nodes: number; chars: number } => {
    if (typeof value === 'string') return { nodes: 1, chars: value.length };
    if (value === null || typeof value !== 'object') return { nodes: 1, chars: 0 };
    const known = memo.get(value);
    if (known) return known;
    if (open.has(value)) throw new Error('the loader returned circular data');
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== Array.prototype)
      throw new Error('data with a foreign prototype');
    open.add(value);
    const total = { nodes: 1, chars: 0 };
    for (const [k, child] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(k)) throw new Error(`forbidden key ${k} in the data`);
      const s = size(child);
      total.nodes += s.nodes;
      total.chars += k.length + s.chars;
    }
    open.delete(value);
    memo.set(value, total);
    return total;
  };
  return size(data);
}

const prototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join();
const cleanPrototype = prototypeKeys();

/** Loads `text`; checks the outcome; says whether it was refused. */
function check(text: string, options: LoadOptions): 'loaded' | 'refused' {
  let docs: Array<{ data: unknown }>;
  try {
    docs = options.format === 'dotenv' ? [loadDocument(text, options)] : loadDocuments(text, options);
  } catch (error) {
    if (!isAgentforgeError(error)) throw error;
    expect(error.location?.line ?? 1).toBeGreaterThanOrEqual(1);
    return 'refused';
  } finally {
    expect(prototypeKeys()).toBe(cleanPrototype);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  }
  for (const { data } of docs) {
    const { nodes, chars } = expanded(data);
    // Without aliases a value takes at least one character of text, and a string no more
    // characters than it was written with (a number key like 1e3 may grow to "1000"; 32 each).
    expect(nodes).toBeLessThanOrEqual(text.length + 1 + LIMITS.maxAliasExpansion);
    expect(chars).toBeLessThanOrEqual(4 * text.length + LIMITS.maxAliasBytes + 32 * LIMITS.maxAliasExpansion);
  }
  return 'loaded';
}

describe.each(['yaml', 'bulk'] as const)('loader fuzz (%s reader)', (reader) => {
  const options = { ...LIMITS, file: 'fuzz.yaml', reader };

  it('generated and mutated YAML: data within the budget, or a typed error', { timeout: TIMEOUT }, () => {
    const outcomes = { loaded: 0, refused: 0 };
    fc.assert(
      fc.property(fc.oneof(blockDocument, node, laughs), edits, (text, changes) => {
        outcomes[check(mutate(text, changes), options)]++;
      }),
      RUNS,
    );
    // Both outcomes are exercised: the generators are not all refused, nor all accepted.
    expect(outcomes.loaded).toBeGreaterThan(30);
    expect(outcomes.refused).toBeGreaterThan(30);
  });

  it('billion laughs: refused past the budget, at a location', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(laughs, (text) => {
        check(text, options);
      }),
      { ...RUNS, numRuns: 100 },
    );
  });

  it('mutated JSON: data or a typed error', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), edits, (json, changes) => {
        check(mutate(json, changes), { ...options, format: 'json' });
      }),
      { ...RUNS, numRuns: 150 },
    );
  });
});

describe('loader fuzz (dotenv)', () => {
  it('generated dotenv text: data or a typed error, no forbidden key', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(dotenv, (text) => {
        check(text, { ...LIMITS, format: 'dotenv', file: '.env' });
      }),
      RUNS,
    );
  });
});
