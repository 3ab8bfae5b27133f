import { testdir } from '@agentforge/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import { AgentforgeError, type ErrorCode, isAgentforgeError } from './errors.js';
import { detectFormat, loadDocument, loadDocuments, loadFile, safeLoadDocument } from './load.js';

const bomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 8 }, (_, i) => {
    const prev = String.fromCharCode(97 + i);
    const name = String.fromCharCode(98 + i);
    return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');

interface HostileCase {
  name: string;
  input: () => string | Uint8Array;
  format?: 'yaml' | 'json' | 'dotenv';
  code: ErrorCode;
  line: number;
  column?: number;
  /** Where js-yaml's bulk reader, which cannot see every spelling, locates it instead. */
  bulk?: { line: number; column?: number };
  message: RegExp;
}

const hostile: HostileCase[] = [
  {
    name: 'billion laughs alias bomb',
    input: () => bomb,
    code: 'ALIAS_EXPANSION',
    line: 6,
    message: /alias bomb/,
  },
  {
    name: '10,000-deep flow nesting',
    input: () => '['.repeat(10_000) + ']'.repeat(10_000),
    code: 'TOO_DEEP',
    line: 1,
    message: /nesting deeper/,
  },
  {
    name: '1,000-deep block nesting',
    input: () => Array.from({ length: 1_000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n'),
    code: 'TOO_DEEP',
    // Line n opens the n-th nested mapping: the 257th is the first past the limit.
    line: 257,
    bulk: { line: 256 },
    message: /nesting deeper/,
  },
  {
    name: '__proto__ key',
    input: () => 'safe: 1\n__proto__:\n  polluted: true\n',
    code: 'FORBIDDEN_KEY',
    line: 2,
    column: 1,
    message: /__proto__/,
  },
  {
    name: 'constructor key nested',
    input: () => 'a:\n  b:\n    constructor: {prototype: {x: 1}}\n',
    code: 'FORBIDDEN_KEY',
    line: 3,
    message: /prototype|constructor/,
  },
  {
    name: '__proto__ key in JSON',
    input: () => '{"a": 1, "__proto__": {"x": 1}}',
    format: 'json',
    code: 'FORBIDDEN_KEY',
    line: 1,
    message: /__proto__/,
  },
  {
    name: '__proto__ key spelled with an escape',
    input: () => 'a: 1\n"\\x5f_proto__":\n  x: 1\n',
    code: 'FORBIDDEN_KEY',
    // The AST knows where the key was written, even when an escape spells it.
    line: 2,
    column: 1,
    bulk: { line: 1 },
    message: /__proto__/,
  },
  {
    name: 'constructor key spelled with a JSON escape',
    input: () => '{"a": 1, "\\u0063onstructor": {"x": 1}}',
    format: 'json',
    code: 'FORBIDDEN_KEY',
    line: 1,
    message: /constructor/,
  },
  {
    name: '__proto__ in dotenv',
    input: () => 'A=1\n__proto__=x\n',
    format: 'dotenv',
    code: 'FORBIDDEN_KEY',
    line: 2,
    column: 1,
    message: /__proto__/,
  },
  {
    name: 'duplicate keys',
    input: () => 'name: a\ntier: staging\nname: b\n',
    code: 'DUPLICATE_KEY',
    line: 3,
    message: /duplicate key/,
  },
  {
    name: 'duplicate keys in JSON',
    input: () => '{\n  "a": 1,\n  "a": 2\n}',
    format: 'json',
    code: 'DUPLICATE_KEY',
    line: 3,
    message: /duplicate key/,
  },
  {
    name: 'NUL byte',
    input: () => 'name: a\ntier: \u0000\n',
    code: 'BINARY_INPUT',
    line: 2,
    column: 7,
    message: /NUL byte/,
  },
  {
    name: 'binary bytes',
    input: () => Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]),
    code: 'INVALID_ENCODING',
    line: 1,
    column: 1,
    message: /UTF-8/,
  },
  {
    name: 'invalid UTF-8 on line 2',
    input: () => Uint8Array.from([...Buffer.from('a: 1\nb: x'), 0xc3, 0x28, 0x0a]),
    code: 'INVALID_ENCODING',
    line: 2,
    column: 5,
    message: /0xc3/,
  },
  {
    name: 'overlong UTF-8',
    input: () => Uint8Array.from([0x61, 0x3a, 0x20, 0xe0, 0x80, 0xaf]),
    code: 'INVALID_ENCODING',
    line: 1,
    column: 4,
    message: /UTF-8/,
  },
  {
    name: 'a 50 MiB file',
    input: () => `a: "${'x'.repeat(50 * 1024 * 1024)}"`,
    code: 'INPUT_TOO_LARGE',
    line: 1,
    message: /over the 10\.0 MiB limit/,
  },
  { name: 'tab indentation', input: () => 'a:\n\tb: 1\n', code: 'PARSE_ERROR', line: 2, message: /tab/i },
  {
    name: 'unclosed flow sequence',
    input: () => 'a: [1, 2\nb: 3\n',
    code: 'PARSE_ERROR',
    line: 2,
    message: /invalid YAML/,
  },
  {
    name: 'malformed JSON',
    input: () => '{"a": 1,,}',
    format: 'json',
    code: 'PARSE_ERROR',
    line: 1,
    message: /invalid JSON/,
  },
];

describe('loadDocument on hostile input', () => {
  const both = hostile.flatMap((c) => [
    { ...c, reader: 'yaml' as const },
    { ...c, reader: 'bulk' as const, ...c.bulk },
  ]);
  it.each(both)(
    'refuses $name with $code at line $line ($reader reader)',
    ({ input, format, code, line, column, message, reader }) => {
      const result = safeLoadDocument(input(), { file: 'evil.yaml', reader, ...(format ? { format } : {}) });
      expect(result.success).toBe(false);
      if (result.success) return;
      expect(result.error).toBeInstanceOf(AgentforgeError);
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
      expect(result.error.location?.file).toBe('evil.yaml');
      expect(result.error.location?.line).toBe(line);
      if (column !== undefined) expect(result.error.location?.column).toBe(column);
      expect(result.error.format()).toMatch(/^evil\.yaml:\d+:\d+: /);
    },
  );

  it('never pollutes Object.prototype', () => {
    safeLoadDocument('__proto__: {polluted: true}');
    safeLoadDocument('__proto__: {polluted: true}', { reader: 'bulk' });
    safeLoadDocument('{"__proto__": {"polluted": true}}', { format: 'json' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts a legitimate file that reuses one anchor 100 times', () => {
    const text = [
      'defaults: &d {cpu: 100m, memory: 128Mi, probes: {path: /healthz, period: 10}}',
      ...Array.from({ length: 100 }, (_, i) => `s${i}: *d`),
    ].join('\n');
    const { data } = loadDocument<Record<string, { cpu: string }>>(text);
    expect(Object.keys(data)).toHaveLength(101);
    expect(data.s99?.cpu).toBe('100m');
  });

  it('accepts a BOM and CRLF line endings, with correct locations', () => {
    const { data, locator } = loadDocument('\ufeffa: 1\r\nb:\r\n  c: 2\r\n', { file: 'crlf.yaml' });
    expect(data).toEqual({ a: 1, b: { c: 2 } });
    expect(locator.locate('/b/c')).toEqual({ file: 'crlf.yaml', line: 3, column: 3 });
    expect(locator.lineText(3)).toBe('  c: 2');
  });

  it('raises the size limit when asked', () => {
    const text = `a: "${'x'.repeat(2000)}"`;
    expect(safeLoadDocument(text, { maxBytes: 1000 }).success).toBe(false);
    expect(safeLoadDocument(text, { maxBytes: 4000 }).success).toBe(true);
  });

  it('never throws anything but an AgentforgeError on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 200 }),
        fc.constantFrom('yaml' as const, 'json' as const, 'dotenv' as const),
        fc.constantFrom('yaml' as const, 'bulk' as const),
        (text, format, reader) => {
          try {
            loadDocument(text, { format, reader });
          } catch (error) {
            if (!isAgentforgeError(error)) throw error;
            expect(error.location?.line).toBeGreaterThanOrEqual(1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws anything but an AgentforgeError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = safeLoadDocument(bytes);
        if (!result.success) expect(result.error.location).toBeDefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('duplicate keys', () => {
  it.each([
    {
      name: 'block mapping',
      text: 'name: a\ntier: staging\nname: b\n',
      key: 'name',
      first: [1, 1],
      second: [3, 1],
    },
    { name: 'nested mapping', text: 'a:\n  x: 1\n  y: 2\n  x: 3\n', key: 'x', first: [2, 3], second: [4, 3] },
    { name: 'flow mapping', text: 'a: {k: 1, j: 2, k: 3}\n', key: 'k', first: [1, 5], second: [1, 17] },
    { name: 'JSON object', text: '{\n  "a": 1,\n  "a": 2\n}', key: '"a"', first: [2, 3], second: [3, 3] },
    // One property in the data, however it is spelled.
    { name: 'number and string key', text: '1: a\n"1": b\n', key: '"1"', first: [1, 1], second: [2, 1] },
    { name: 'null spelled twice', text: 'null: 1\n~: 2\n', key: '~', first: [1, 1], second: [2, 1] },
  ])('names both places of a duplicate in a $name', ({ text, key, first, second }) => {
    const result = safeLoadDocument(text, { file: 'dup.yaml' });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.code).toBe('DUPLICATE_KEY');
    expect(result.error.location).toEqual({ file: 'dup.yaml', line: second[0], column: second[1] });
    expect(result.error.details).toEqual({ first: { file: 'dup.yaml', line: first[0], column: first[1] } });
    expect(result.error.message).toContain(`first at line ${first[0]}, column ${first[1]}`);
    expect(result.error.message).toContain(`duplicate key: ${JSON.stringify(key)} `);
  });

  it('lets `<<` merge keys repeat, as YAML 1.1 did', () => {
    expect(loadDocument('<<: {a: 1}\n<<: {b: 2}\n').data).toEqual({ a: 1, b: 2 });
  });
});

describe('YAML semantics', () => {
  it('expands `<<` merge keys as js-yaml did', () => {
    const { data } = loadDocument('base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n');
    expect(data).toEqual({ base: { a: 1, b: 2 }, x: { a: 1, b: 3 } });
  });

  it('keeps dates as the strings they were written as (YAML 1.2 core schema)', () => {
    expect(loadDocument('expires: 2026-12-31\n').data).toEqual({ expires: '2026-12-31' });
  });

  it('refuses a second document where one is expected, at its start', () => {
    const result = safeLoadDocument('a: 1\n---\nb: 2\n', { file: 'two.yaml' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.location).toMatchObject({ line: 2, column: 1 });
  });

  it('refuses an alias to an anchor that is not defined, located', () => {
    const result = safeLoadDocument('a: 1\nb: *nope\n', { file: 'a.yaml' });
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.location?.line).toBe(2);
  });

  it('locates through an alias to the anchored node', () => {
    const { locator } = loadDocument('a: &x\n  q: 1\nb: *x\n', { file: 'x.yaml' });
    expect(locator.locate('/b/q')).toEqual({ file: 'x.yaml', line: 2, column: 3 });
  });
});

describe('locator', () => {
  const text = [
    '# comment',
    'name: prod',
    'services:',
    '  swarm:',
    '    replicas: 3',
    '    env: {LOG_LEVEL: info, "A B": x}',
    '  list:',
    '    - name: first',
    '    - {name: second, port: 80}',
    '    -   third',
    'empty:',
    'anchor: &x {q: 1}',
    'alias: *x',
  ].join('\n');
  const { locator } = loadDocument(text, { file: 'doc.yaml' });

  it.each([
    ['', 2, 1],
    ['/name', 2, 1],
    ['/services/swarm', 4, 3],
    ['/services/swarm/replicas', 5, 5],
    ['/services/swarm/env/LOG_LEVEL', 6, 11],
    ['/services/swarm/env/A B', 6, 28],
    ['/services/list/0', 8, 7],
    ['/services/list/1/port', 9, 22],
    ['/services/list/2', 10, 9],
    ['/empty', 11, 1],
    ['/alias', 13, 1],
  ])('locates %j at %i:%i', (pointer, line, column) => {
    expect(locator.locate(pointer)).toEqual({ file: 'doc.yaml', line, column });
  });

  it('falls back to the nearest written parent', () => {
    expect(locator.locate('/services/swarm/resources/limits')).toBeUndefined();
    expect(locator.nearest('/services/swarm/resources/limits')).toEqual({
      file: 'doc.yaml',
      line: 4,
      column: 3,
    });
    expect(locator.nearest('/nothing')).toEqual({ file: 'doc.yaml', line: 2, column: 1 });
  });

  it('nearest is the first parent, walking up, that locate finds (one walk gives the same)', () => {
    const walkUp = (pointer: string) => {
      let current = pointer === '' || pointer.startsWith('/') ? pointer : `/${pointer}`;
      for (;;) {
        const found = locator.locate(current);
        if (found) return found;
        if (current === '') return undefined;
        current = current.slice(0, current.lastIndexOf('/'));
      }
    };
    const segment = fc.constantFrom(
      ...['services', 'swarm', 'env', 'LOG_LEVEL', 'A B', 'list', '0', '1', '2', '01', 'port'],
      ...['alias', 'anchor', 'q', 'empty', 'name', 'missing', '', 'a/b', '~', '~1', 'replicas'],
    );
    const escaped = (s: string) => s.replaceAll('~', '~0').replaceAll('/', '~1');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, slash) => {
        const pointer = segments.map(escaped).join('/');
        const written = slash || pointer === '' ? `/${pointer}` : pointer;
        expect(locator.nearest(written)).toEqual(walkUp(written));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['/x/a~1b/missing', 2, 3],
    ['x/a~1b/c', 3, 5],
    ['/x/a~1b/c/deeper/still', 3, 5],
    ['/', 1, 1],
  ])('walks up from %j to the nearest written parent at %i:%i', (pointer, line, column) => {
    const { locator: escaped } = loadDocument('x:\n  a/b:\n    c: 1\n', { file: 'e.yaml' });
    expect(escaped.nearest(pointer)).toEqual({ file: 'e.yaml', line, column });
  });

  it('locates JSON by key', () => {
    const json = loadDocument('{\n  "a": {\n    "b": [1, {"c": true}]\n  }\n}', { file: 'x.json' });
    expect(json.format).toBe('json');
    expect(json.locator.locate('/a/b/1/c')).toEqual({ file: 'x.json', line: 3, column: 15 });
  });

  it('locates dotenv keys, following the dotenv rules', () => {
    const env = loadDocument('# c\nexport A=1\nB="multi\nline" # note\n  C = \'x y\'\n', {
      file: '.env.prod',
    });
    expect(env.format).toBe('dotenv');
    expect(env.data).toEqual({ A: '1', B: 'multi\nline', C: 'x y' });
    expect(env.locator.locate('/C')).toEqual({ file: '.env.prod', line: 5, column: 3 });
  });

  it('locates each document of a stream, with its index', () => {
    const docs = loadDocuments('kind: A\n---\nkind: B\nspec:\n  x: 1\n', { file: 'm.yaml' });
    expect(docs.map((d) => d.data)).toEqual([{ kind: 'A' }, { kind: 'B', spec: { x: 1 } }]);
    expect(docs[1]?.locator.locate('/spec/x')).toEqual({ file: 'm.yaml', line: 5, column: 3, document: 1 });
  });

  it.each(
    [
      {
        name: 'a leading comment and `---` lines',
        text: '# rendered\n---\nkind: A\n---\n# b\nkind: B\nx: 1\n',
      },
      { name: 'an empty document', text: 'kind: A\n---\n---\nkind: B\nx: 1\n' },
      { name: 'content on the `---` line', text: '--- {kind: A}\n--- \nkind: B\nx: 1\n' },
      { name: 'a `...` end marker', text: 'kind: A\n...\n---\nkind: B\nx: 1\n...\n' },
      { name: 'a block scalar', text: 'kind: A\ns: |\n  --- not a marker\n---\nkind: B\nx: 1\n' },
      { name: 'CRLF line ends', text: 'kind: A\r\n---\r\nkind: B\r\nx: 1\r\n' },
      { name: 'a directive (whole-stream locating)', text: '%YAML 1.2\n---\nkind: A\n---\nkind: B\nx: 1\n' },
    ].flatMap((c) => [
      { ...c, reader: 'yaml' as const },
      { ...c, reader: 'bulk' as const },
    ]),
  )('locates every document of a stream with $name ($reader reader)', ({ text, reader }) => {
    const docs = loadDocuments(text, { file: 'm.yaml', reader });
    const lines = text.split(/\r?\n/);
    const last = docs.at(-1)!;
    expect(last.data).toEqual({ kind: 'B', x: 1 });
    expect(last.locator.locate('/x')).toEqual({
      file: 'm.yaml',
      line: lines.indexOf('x: 1') + 1,
      column: 1,
      document: docs.length - 1,
    });
    expect(last.locator.locate('/kind')).toMatchObject({ line: lines.indexOf('kind: B') + 1, column: 1 });
    const first = docs.find((d) => d.data !== null)!;
    expect(first.locator.locate('/kind')).toMatchObject({
      line: lines.findIndex((l) => l.includes('kind: A')) + 1,
    });
  });

  it.each([
    { name: 'a mapping', text: 'kind: A\nmeta:\n  name: a\n---\nkind: B\n', pointer: '/meta/name', line: 3 },
    { name: 'a sequence', text: 'kind: A\nlist:\n- a\n- b\n---\nkind: B\n', pointer: '/list/1', line: 4 },
  ])('locates keys of a document followed by another, ending in $name', ({ text, pointer, line }) => {
    const [first] = loadDocuments(text, { file: 'm.yaml' });
    expect(first?.locator.locate(pointer)).toMatchObject({ line, document: 0 });
    expect(first?.locator.locate('/kind')).toMatchObject({ line: 1, column: 1, document: 0 });
  });
});

describe('loadFile', () => {
  it('names a missing file', async () => {
    const dir = testdir();
    await expect(loadFile(`${dir}/nope.yaml`)).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
      message: expect.stringContaining('nope.yaml'),
    });
  });

  it('refuses an oversized file before reading it', async () => {
    const dir = testdir({ 'big.yaml': `a: "${'x'.repeat(2048)}"` });
    await expect(loadFile(`${dir}/big.yaml`, { maxBytes: 1024 })).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
    });
  });

  it('refuses a folder', async () => {
    const dir = testdir({ 'sub/x.yaml': 'a: 1' });
    await expect(loadFile(`${dir}/sub`)).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
  });

  it.each([
    ['prod.json', 'json'],
    ['.env', 'dotenv'],
    ['.env.staging', 'dotenv'],
    ['prod.env', 'dotenv'],
    ['prod.yaml', 'yaml'],
    ['prod.yml', 'yaml'],
  ])('detects %s as %s', (file, format) => {
    expect(detectFormat(file)).toBe(format);
  });
});

describe('hostile input budgets', () => {
  it('refuses a scalar alias bomb at the alias that crosses the budget, with its location', () => {
    // One 1 MB string anchored once and aliased 5,000 times: 1.1 MB of text, 5 GB expanded.
    const big = 'x'.repeat(1024 * 1024);
    const text = `big: &big ${big}\nuses:\n${'  - *big\n'.repeat(5000)}`;
    let error: unknown;
    try {
      loadDocument(text, { file: 'bomb.yaml' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: 'ALIAS_EXPANSION',
      location: { file: 'bomb.yaml', line: expect.any(Number) },
    });
    expect((error as { location: { line: number } }).location.line).toBeGreaterThan(2);
  });

  it('lets a few scalar aliases through', () => {
    expect(loadDocument('a: &x hello\nb: *x\nc: [*x, *x]\n').data).toEqual({
      a: 'hello',
      b: 'hello',
      c: ['hello', 'hello'],
    });
  });

  it.each(['yaml', 'bulk'] as const)(
    'refuses an alias inside the node it names, located (%s reader)',
    (reader) => {
      for (const text of ['a: 1\nb: &x [1, *x]\n', 'a: 1\nb: &x\n  c: *x\n']) {
        const result = safeLoadDocument(text, { file: 'loop.yaml', reader });
        expect(result.success).toBe(false);
        if (result.success) continue;
        expect(result.error).toBeInstanceOf(AgentforgeError);
        expect(result.error.code).toBe('ALIAS_EXPANSION');
        expect(result.error.message).toMatch(/circular/);
        expect(result.error.location).toMatchObject({ file: 'loop.yaml', line: expect.any(Number) });
        expect(result.error.location!.line).toBeGreaterThanOrEqual(2);
      }
    },
  );

  it('counts the text of aliased collections too: a big string wrapped in a list is no way round', () => {
    const text = `a: &a ["${'x'.repeat(1000)}"]\nb: [${Array(20).fill('*a').join(', ')}]\n`;
    const result = safeLoadDocument(text, { file: 'wrapped.yaml', maxAliasBytes: 10_000 });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.code).toBe('ALIAS_EXPANSION');
      // The eleventh alias takes the text past 10,000 characters.
      expect(result.error.location).toEqual({ file: 'wrapped.yaml', line: 2, column: 5 + 4 * 10 });
    }
    expect(safeLoadDocument(text, { maxAliasBytes: 20_000 }).success).toBe(true);
  });

  it('resolves many aliases in one pass (yaml looks each one up from the start)', () => {
    const text = `a: &a x\nl:\n${'  - *a\n'.repeat(20_000)}`;
    const { data } = loadDocument<{ l: string[] }>(text);
    expect(data.l).toHaveLength(20_000);
    expect(data.l.every((v) => v === 'x')).toBe(true);
  });

  it('parses pathological dotenv text (blank runs, unterminated quotes, no comments) in one pass', () => {
    const blank = ' \n'.repeat(350_000);
    const quotes = "K='\n".repeat(100_000);
    // Lines without `#`: the comment search once ran to the end of the text on each (14 s for 1 MB).
    const plain = 'A=b\n'.repeat(262_144);
    const empty = 'A=\n\n\n\n\n\n\n\n'.repeat(131_072);
    for (const text of [blank, quotes, plain, empty, `${blank}A=1\n`]) {
      expect(text.length).toBeGreaterThan(300_000);
      expect(() => loadDocument(text, { format: 'dotenv' })).not.toThrow();
    }
    expect(loadDocument(`${blank}A=1\n`, { format: 'dotenv' }).data).toEqual({ A: '1' });
  });
});

describe('parseDotenv', () => {
  // The `dotenv` package's expression (lib/main.js LINE), as the reference the scanner follows.
  const LINE =
    /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
  const reference = (text: string) => {
    const out: Record<string, string> = {};
    for (const m of text.replace(/\r\n?/g, '\n').matchAll(LINE)) {
      let value = (m[2] ?? '').trim();
      const quote = value[0];
      value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      out[m[1]!] = value;
    }
    return out;
  };

  it('reads what the dotenv grammar reads (property, no escaped quotes)', () => {
    const key = fc.constantFrom('A', 'B_1', 'c.d', 'e-f');
    const value = fc.string({
      unit: fc.constantFrom('a', ' ', '#', "'", '"', '`', '\n', '=', ':'),
      maxLength: 12,
    });
    const line = fc.tuple(
      fc.constantFrom('', '  ', 'export '),
      key,
      fc.constantFrom('=', ' = ', ': '),
      value,
    );
    fc.assert(
      fc.property(
        fc.array(line, { maxLength: 6 }),
        fc.constantFrom('\n', '\n\n', '\n# c\n'),
        (lines, sep) => {
          const text = lines.map(([lead, k, s, v]) => `${lead}${k}${s}${v}`).join(sep);
          const ours = Object.fromEntries(parseDotenv(text).map((e) => [e.key, e.value]));
          expect(ours).toEqual(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('parse errors inside secret values', () => {
  // Canaries are assembled so that this file itself trips no secret scanner.
  const c = (...parts: string[]) => parts.join('');
  const GITHUB = c('ghp_', 'CANARY', '012345678901234567890123456789');
  const cases: Array<{ name: string; text: string; line: number }> = [
    { name: 'bad escape under a secret-named key', text: 'a:\n  API_TOKEN: "CANARYab\\qCANARY"\n', line: 2 },
    { name: 'bad hex escape under a password', text: 'DB_PASSWORD: "CANARY\\x4gCANARY"\n', line: 1 },
    { name: 'unterminated quote under a secret', text: 'x: 1\nAPI_TOKEN: "CANARY-unterminated\n', line: 2 },
    {
      name: 'Kubernetes env entry naming a secret',
      text: 'env:\n  - name: DB_PASSWORD\n    value: "CAN\\qARY"\n',
      line: 3,
    },
    {
      name: 'recognised value under an innocent key, flow style',
      text: `env: {UPSTREAM: "${GITHUB}\\q"}\n`,
      line: 1,
    },
    { name: 'stray text that looks like a secret', text: `k: v\n]${GITHUB}\n`, line: 2 },
    { name: 'block scalar header followed by a secret', text: `A: |x ${GITHUB}\n  b\n`, line: 1 },
  ];

  it.each(cases)('shows no part of the value: $name', ({ text, line }) => {
    const result = safeLoadDocument(text, { file: 'secret.yaml' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const { error } = result;
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: 'secret.yaml', line });
    expect(error.message).toMatch(/inside a secret value/);
    const shown = [
      error.message,
      error.format(),
      JSON.stringify(error.details),
      String(error.cause ?? ''),
    ].join('\n');
    expect(shown).not.toMatch(/CANARY|CAN|\\q|\\x4g/);
  });

  it('keeps the quoted text when the value is not a secret', () => {
    const result = safeLoadDocument('name: "ab\\qcd"\n', { file: 'plain.yaml' });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.message).toContain('\\q');
      expect(result.error.message).not.toMatch(/secret/);
    }
  });
});
