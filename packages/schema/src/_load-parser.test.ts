import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Parser } from 'yaml';
import { TokenParser } from './_load-parser.js';
import { loadDocument } from './load.js';

const examples = new URL('../../../examples/', import.meta.url);
const exampleFiles = readdirSync(examples, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => [f, readFileSync(join(examples.pathname, f), 'utf8')] as const);

const tricky: Array<readonly [string, string]> = [
  ['empty', ''],
  ['comments only', '# a\n# b\n'],
  ['flow and block', 'a: [1, {b: 2}, "c"]\nd:\n  - e: |\n      text\n  - !!str 5\n'],
  ['anchors', 'a: &x {b: 1}\nc: *x\n<<: *x\n'],
  ['multi document', '---\na: 1\n...\n---\nb: 2\n'],
  ['directives', '%YAML 1.2\n---\na: 1\n'],
  ['tabs and errors', 'a:\n\tb: 1\nc: [\n'],
  ['not a token', 'a: 1\n\u0001\n'],
  ['explicit keys', '? a\n: 1\n? [b]\n: 2\n'],
  ['CRLF', 'a: 1\r\nb:\r\n  - 2\r\n'],
];

describe('TokenParser', () => {
  it.each([...exampleFiles, ...tricky])('gives the tokens of yaml’s Parser: %s', (_, text) => {
    const lines: number[] = [];
    const theirLines: number[] = [];
    expect(Array.from(new TokenParser((n) => lines.push(n)).parse(text))).toEqual(
      Array.from(new Parser((n) => theirLines.push(n)).parse(text)),
    );
    expect(lines).toEqual(theirLines);
  });

  it('loadDocument never prints tokens (yaml’s LOG_TOKENS debug switch would print secrets)', () => {
    const saved = process.env.LOG_TOKENS;
    const log = console.log;
    const printed: unknown[] = [];
    process.env.LOG_TOKENS = '1';
    console.log = (...args: unknown[]) => printed.push(args);
    try {
      expect(loadDocument('password: hunter2-secret\n').data).toEqual({ password: 'hunter2-secret' });
    } finally {
      console.log = log;
      if (saved === undefined) delete process.env.LOG_TOKENS;
      else process.env.LOG_TOKENS = saved;
    }
    expect(printed).toEqual([]);
  });

  it('restates the `next` of the installed yaml (an upgrade that changes it fails here)', () => {
    // yaml's own `next`, minus the LOG_TOKENS lines, must be ours: compared as code tokens
    // with names of the module's imports (`cst.`, `node_process.`) and `self`/`this` evened out.
    const normalize = (code: string) =>
      code
        .replace(/\/\/.*$/gm, '')
        .replace(/if \([\w$]+\.env\.LOG_TOKENS\)\s*console\.log\([^;]*\);/, '')
        .replace(/\b(?:[\w$]+\.)?tokenType\(/g, 'tokenType(')
        .replace(/\bconst self = this as unknown as ParserState;/, '')
        .replace(/\bself\./g, 'this.')
        .replace(/: Generator<[^{]*>/g, '')
        .replace(/\(source: string\)/g, '(source)')
        .replace(/override\s+/g, '')
        .replace(/\bfalse\b/g, '!1')
        .replace(/\btrue\b/g, '!0')
        .replace(/[\s;{}]+/g, '');
    const theirs = normalize(Parser.prototype.next.toString());
    const ours = normalize(
      readFileSync(new URL('./_load-parser.ts', import.meta.url), 'utf8').match(
        /override \*next[\s\S]*?\n {2}\}\n/,
      )![0],
    );
    expect(ours.replace(/^\*?/, '*')).toBe(theirs.replace(/^\*?/, '*'));
  });
});
