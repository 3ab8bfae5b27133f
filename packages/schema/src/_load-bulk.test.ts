import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { blockLocate, documentSpans as readerSpans } from './_load-bulk.js';
import { SourceText, skipBlank } from './_source.js';
import { loadDocuments } from './load.js';
import { formatPointer } from './paths.js';

/** Every pointer of a parsed document, with a missing key under each mapping and past each list. */
function pointers(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  out.push(path);
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) pointers(item, [...path, String(i)], out);
    out.push([...path, String(value.length)], [...path, 'name']);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) pointers(child, [...path, key], out);
    out.push([...path, 'missing'], [...path, '0']);
  } else out.push([...path, 'deeper']);
  return out;
}

const objects = [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web', tier: 'true' } },
    spec: {
      replicas: 2,
      template: {
        metadata: { annotations: { 'prometheus.io/scrape': 'true', note: 'a: b # c' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'ghcr.io/acme/web:latest',
              args: ['--port', '8080', 'key: value', "it's"],
              env: [
                { name: 'A', value: 'x' },
                { name: 'B', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
              ],
              ports: [{ containerPort: 8080 }],
              resources: {},
              command: [],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
          matrix: [
            [1, 2],
            [3, [4]],
          ],
        },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'cfg' },
    data: {
      'script.sh': '#!/bin/sh\necho "a: b"\n- not an item\n',
      multi: 'line one\nline two: with colon\n',
      '1.0': 'numeric key',
      yes: 'a keyword key',
      'with space': 'x',
      empty: '',
      nothing: null,
    },
  },
];

const rendered = {
  kustomize: objects
    .map((o) => jsYaml.dump(o, { noRefs: true, sortKeys: true, noArrayIndent: true, lineWidth: -1 }))
    .join('---\n'),
  helm: objects
    .map((o) => `---\n# Source: chart/templates/x.yaml\n${jsYaml.dump(o, { noRefs: true, lineWidth: -1 })}`)
    .join(''),
  'hand-written': [
    '# a comment',
    'a:   1   # trailing',
    'b:',
    '  # a comment inside',
    '  - x',
    '  -',
    '    c: 2',
    '  - - nested',
    '  - d: "quoted: not a key"',
    '    e: |',
    '      f: inside a block scalar',
    '      - not an item',
    '    g: >-',
    '      folded',
    'h: "a string',
    '  i: goes on here"',
    'j: {k: 1}',
    'l:',
    '- m',
    '- n: 3',
    '  o: 4',
    'p: plain',
    '  continued - on a second line',
    'q: &anchor',
    '  r: 1',
    's: *anchor',
    't: !!str tagged',
    '"u": quoted key',
    '',
  ].join('\n'),
  'CRLF and document markers': '---\r\na:\r\n  b: 1\r\n...\r\n---\r\nc:\r\n- d: 2\r\n',
};

const repositoryStreams = (() => {
  const root = new URL('../../../deployment/k8s/', import.meta.url);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [`deployment/k8s/${f}`, readFileSync(join(root.pathname, f), 'utf8')] as const);
})();

describe('blockLocate', () => {
  it.each([...Object.entries(rendered), ...repositoryStreams])(
    'answers as the yaml AST does, or leaves the pointer to the position listener: %s',
    (_, text) => {
      const source = new SourceText('x.yaml', text);
      // The yaml reader's locator is the authority on where a node is written.
      const exact = loadDocuments(text, { file: 'x.yaml' });
      const bulk = loadDocuments(text, { file: 'x.yaml', reader: 'bulk' });
      expect(bulk.map((d) => d.data)).toEqual(exact.map((d) => d.data));
      const spans = documentSpans(text);
      let answered = 0;
      exact.forEach((doc, index) => {
        for (const path of pointers(doc.data)) {
          const pointer = formatPointer(path);
          const [from, to] = spans[index]!;
          const found = blockLocate(text, from, to, path);
          if (found === -1) continue;
          answered++;
          const where = found === undefined ? undefined : source.at(skipBlank(text, found), index);
          expect({ pointer, where }).toEqual({ pointer, where: doc.locator.locate(pointer) });
          expect(bulk[index]!.locator.locate(pointer)).toEqual(where);
        }
      });
      expect(answered).toBeGreaterThan(0);
    },
  );

  it('answers as the yaml AST does on generated documents, whatever js-yaml’s dump style', () => {
    // Mostly keys this reader follows; now and then one it must leave to the listener.
    const plainKey = fc.oneof(
      fc.constantFrom('name', 'b-c', 'd.e/f', '_x', 'app.kubernetes.io/name'),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/),
    );
    const trickyKey = fc.constantFrom(
      'true',
      'True',
      'null',
      'yes',
      '1',
      '1.0',
      'with space',
      '#h',
      '- x',
      'k: v',
      '"q"',
      "it's",
      '<<',
      '',
    );
    const key = fc.oneof({ arbitrary: plainKey, weight: 12 }, { arbitrary: trickyKey, weight: 1 });
    const text = fc.constantFrom(
      'plain',
      'a: b',
      '- x',
      '#c',
      ' lead',
      'multi\nline: x\n',
      "it's",
      '"q"',
      '',
      '{}',
      '[]',
      'key:',
      'x #y',
      '2024-01-01',
      '0x1f',
      'true',
      '~',
      'é ✓',
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        text,
        fc.integer(),
        fc.double({ noNaN: true }),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(key, tie('value'), { maxKeys: 5 }),
      ),
    }));
    const style = fc.record({
      noArrayIndent: fc.boolean(),
      sortKeys: fc.boolean(),
      flowLevel: fc.constantFrom(-1, -1, 1, 2),
      lineWidth: fc.constantFrom(-1, 20, 80),
      indent: fc.constantFrom(2, 4),
    });
    let answered = 0;
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 3 }),
        style,
        (docs, options) => {
          const stream = docs.map((d) => jsYaml.dump(d, { ...options, noRefs: true })).join('---\n');
          const source = new SourceText('x.yaml', stream);
          const exact = loadDocuments(stream, { file: 'x.yaml' });
          const spans = documentSpans(stream);
          exact.forEach((doc, index) => {
            for (const path of pointers(doc.data)) {
              const [from, to] = spans[index]!;
              const found = blockLocate(stream, from, to, path);
              if (found === -1) continue;
              answered++;
              const pointer = formatPointer(path);
              const where = found === undefined ? undefined : source.at(skipBlank(stream, found), index);
              expect({ pointer, where }).toEqual({ pointer, where: doc.locator.locate(pointer) });
            }
          });
        },
      ),
      { seed: 20261203, numRuns: 300 },
    );
    // Not vacuous: most pointers of block-style dumps are answered here, not by the listener.
    expect(answered).toBeGreaterThan(1000);
  });

  it('leaves flow collections, anchors, tags, quoted keys and unclosed quotes to the listener', () => {
    const text = rendered['hand-written'];
    const at = (...path: string[]) => blockLocate(text, 0, text.length, path);
    expect(at('j', 'k')).toBe(-1);
    expect(at('q', 'r')).toBe(-1);
    expect(at('u')).toBe(-1);
    expect(at('b', '2', '0')).toBe(-1);
    // js-yaml reads on past a line at the key's indent inside quotes, where a line could pass for a key.
    const quoted = 'h: "a string\ni: inside the string"\n';
    expect(blockLocate(quoted, 0, quoted.length, ['i'])).toBe(-1);
  });
});

describe('documentSpans', () => {
  /** The reader's spans as regular expressions read them (what it did before scanning by hand). */
  const byRegex = (text: string): Array<[number, number]> | undefined => {
    if (/^%/m.test(text)) return undefined;
    const spans: Array<[number, number]> = [];
    let start = 0;
    let explicit = false;
    const close = (end: number) => {
      if (explicit || /^[ \t]*[^ \t\r\n#]/m.test(text.slice(start, end))) spans.push([start, end]);
    };
    const marker = /^(---|\.\.\.)(?=[ \t\r\n]|$)/gm;
    for (let m = marker.exec(text); m; m = marker.exec(text)) {
      close(m.index);
      explicit = m[1] === '---';
      start = explicit ? m.index : m.index + 3;
    }
    close(text.length);
    return spans;
  };

  it.each([
    '',
    '---',
    '---\n',
    'a: 1\n---\nb: 2\n',
    '# only a comment\n---\na: 1\n...\n# after\n',
    '...\r\n---\r\na: 1\r\n--- x\r\n----\n---a\n',
    '  ---\n\t# c\n \u2028---\u2029...\u2028x',
    '%YAML 1.2\n---\na: 1\n',
  ])('splits %j as the regular expressions do', (text) => {
    expect(readerSpans(text)).toEqual(byRegex(text));
  });

  it('splits any text of markers, blanks, comments and line ends as the regular expressions do', () => {
    const piece = fc.constantFrom(
      '---',
      '...',
      '-',
      '.',
      ' ',
      '\t',
      '\r',
      '\n',
      '\u2028',
      '\u2029',
      '#',
      'a',
      '%',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(readerSpans(text)).toEqual(byRegex(text));
      }),
      { numRuns: 2000 },
    );
  });
});

/** The spans of a stream's documents, as loadDocuments reads them (markers at line starts). */
function documentSpans(text: string): Array<[number, number]> {
  const starts = [...text.matchAll(/^---(?=[ \t\r\n]|$)/gm)].map((m) => m.index);
  if (starts.length === 0 || text.slice(0, starts[0]).trim() !== '') starts.unshift(0);
  return starts.map((start, k) => [start, starts[k + 1] ?? text.length]);
}
