import { basename, extname } from 'node:path';
import {
  Composer,
  type CST,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type YAMLError,
  type Node as YamlNode,
} from 'yaml';
import { loadYamlBulk } from './_load-bulk.js';
import { TokenParser } from './_load-parser.js';
import { DEFAULTS, decode, readBounded } from './_read.js';
import { aliasByteBudget, fail, type Locator, offsetLocator, SourceText } from './_source.js';
import type { DocumentFormat, LoadedDocument, LoadOptions } from './bulk-load.js';
import { parseDotenv } from './dotenv.js';
import { AgentforgeError, type SafeResult, toSafe } from './errors.js';
import { FORBIDDEN_KEYS } from './objects.js';
import { parsePointer } from './paths.js';
import { isHighEntropySecret, isSecretKey, looksLikeSecret } from './secrets.js';
import type { SourceLocation } from './vocabulary.js';

export type { Locator } from './_source.js';
export type { DocumentFormat, LoadedDocument, LoadOptions } from './bulk-load.js';

/** The format implied by a file name. */
export function detectFormat(file: string): DocumentFormat {
  const name = basename(file).toLowerCase();
  if (extname(name) === '.json') return 'json';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'dotenv';
  return 'yaml';
}

/**
 * Parses YAML, JSON or dotenv text into plain data with a locator. Hostile input — alias bombs,
 * `__proto__`/`constructor`/`prototype` keys, duplicate keys, NUL bytes, invalid UTF-8, oversized
 * or too deeply nested text — is refused with an {@link AgentforgeError} naming file, line and column.
 * @example const { data, locator } = loadDocument(text, { file: 'environments/prod.yaml' });
 */
export function loadDocument<T = unknown>(
  input: string | Uint8Array,
  options: LoadOptions = {},
): LoadedDocument<T> {
  const docs = loadAll(input, options, false);
  return docs[0] as LoadedDocument<T>;
}

/** {@link loadDocument} that returns `{ success, data | error }` instead of throwing. */
export function safeLoadDocument<T = unknown>(
  input: string | Uint8Array,
  options: LoadOptions = {},
): SafeResult<LoadedDocument<T>> {
  return toSafe(() => loadDocument<T>(input, options));
}

/**
 * Parses every document of a YAML stream (`---`-separated; JSON and dotenv give one), each with
 * its own locator whose locations carry the document index.
 */
export function loadDocuments(input: string | Uint8Array, options: LoadOptions = {}): LoadedDocument[] {
  return loadAll(input, options, true);
}

/** Reads and parses a file; a missing or oversized file is refused before it is read whole. */
export async function loadFile<T = unknown>(
  path: string,
  options: LoadOptions = {},
): Promise<LoadedDocument<T>> {
  return loadDocument<T>(await readBounded(path, options), { file: path, ...options });
}

/** Reads and parses every document of a file (see {@link loadDocuments}). */
export async function loadFileDocuments(path: string, options: LoadOptions = {}): Promise<LoadedDocument[]> {
  return loadDocuments(await readBounded(path, options), { file: path, ...options });
}

function loadAll(input: string | Uint8Array, options: LoadOptions, multi: boolean): LoadedDocument[] {
  const file = options.file ?? '<input>';
  const format = options.format ?? (options.file ? detectFormat(options.file) : 'yaml');
  const source = decode(input, file, options.maxBytes ?? DEFAULTS.maxBytes);
  const text = new SourceText(file, source);
  if (format === 'dotenv') return [loadDotenv(text)];
  if (options.reader === 'bulk') return loadYamlBulk(text, format, options, multi);
  return loadYaml(text, format, options, multi);
}

function loadDotenv(source: SourceText): LoadedDocument {
  const data: Record<string, string> = {};
  const positions = new Map<string, SourceLocation>();
  for (const entry of parseDotenv(source.text)) {
    if (FORBIDDEN_KEYS.has(entry.key)) {
      fail('FORBIDDEN_KEY', `key "${entry.key}" is not allowed`, {
        file: source.file,
        line: entry.line,
        column: entry.column,
      });
    }
    data[entry.key] = entry.value;
    positions.set(entry.key, { file: source.file, line: entry.line, column: entry.column });
  }
  const locator: Locator = {
    file: source.file,
    locate: (pointer) => {
      const [key, ...rest] = parsePointer(pointer);
      return key === undefined || rest.length > 0 ? undefined : positions.get(key);
    },
    nearest: (pointer) => locator.locate(pointer) ?? { file: source.file, line: 1, column: 1 },
    lineText: (line) => source.lineText(line),
  };
  return { data, format: 'dotenv', file: source.file, locator };
}

// ---- YAML and JSON ----------------------------------------------------------------------------
// The `yaml` package reads YAML 1.2 (core schema, plus `<<` merge keys as YAML 1.1 and js-yaml
// had them). Its AST keeps every node's source range, so the locator walks the very nodes the
// data came from: no second parse, no guessing where a key was written.

/** A composed document with the source text it came from. */
type YamlDocument = Document.Parsed;

const COMPOSE_OPTIONS = {
  // Our own walk below counts shared subtrees once and multiplies (see checkAliasExpansion);
  // yaml's own counter would both duplicate that work and report no location.
  merge: true,
  prettyErrors: false,
  // Duplicate keys are found by inspect() with one Set per mapping: yaml's own check scans the
  // mapping's earlier keys for every key (quadratic: half the compose time of a 1 MB file), and
  // it compares written values, so `1:` and `"1":` — one property in the data — passed.
  uniqueKeys: false,
  keepSourceTokens: false,
} as const;

function loadYaml(
  source: SourceText,
  format: DocumentFormat,
  options: LoadOptions,
  multi: boolean,
): LoadedDocument[] {
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
  // No LineCounter: line starts are computed from the text only when a location is asked for.
  // yaml's Parser without its per-token LOG_TOKENS check (a quarter of the parse; _load-parser.ts).
  const tokens = Array.from(new TokenParser().parse(source.text));
  // yaml composes and converts recursively: refuse deep nesting on the flat CST first, before
  // a stack could overflow.
  checkDepth(tokens, maxDepth, source);
  const documents = Array.from(new Composer(COMPOSE_OPTIONS).compose(tokens, true, source.text.length));
  if (documents.length === 0) documents.push(emptyDocument(source));
  const kind = format === 'json' ? 'JSON' : 'YAML';
  for (const doc of documents) {
    const error = doc.errors[0];
    if (error) throw fromYamlError(error, doc, source, kind, multi ? documents.indexOf(doc) : undefined);
  }
  if (!multi && documents.length > 1) {
    fail(
      'PARSE_ERROR',
      `invalid ${kind}: expected one document, found ${documents.length} (split at \`---\`)`,
      source.at(documents[1]!.range[0]),
    );
  }
  // Only text that could spell a forbidden key (directly or through an escape) is walked for one.
  const guarded = /__proto__|constructor|prototype|\\/.test(source.text);
  const anchored = source.text.includes('&') || source.text.includes('*');
  const budget: AliasBudget = {
    nodes: options.maxAliasExpansion ?? DEFAULTS.maxAliasExpansion,
    chars: aliasByteBudget(options),
  };
  return documents.map((doc, index) => {
    const at = multi ? index : undefined;
    inspect(doc, source, at, guarded, anchored ? budget : undefined);
    let data: unknown;
    try {
      data = doc.toJS({ maxAliasCount: -1 });
    } catch (error) {
      // inspect() refuses every input toJS is known to throw on; this keeps the promise of a
      // typed error should a `yaml` release throw on something else.
      fail('PARSE_ERROR', `invalid ${kind}: ${(error as Error).message}`, source.at(doc.range[0], at));
    }
    const locator = yamlLocator(source, doc, at);
    return { data: data === undefined ? null : data, format, file: source.file, locator };
  });
}

/** The document of an input with no content (empty, or only comments): `null`. */
function emptyDocument(source: SourceText): YamlDocument {
  const [doc] = new Composer(COMPOSE_OPTIONS).compose([], true, source.text.length);
  return doc as YamlDocument;
}

/**
 * Refuses nesting deeper than `maxDepth`, walking the CST with an explicit stack so that depth
 * itself cannot overflow this check. Depth counts collections, as a reader of the data would.
 */
function checkDepth(tokens: CST.Token[], maxDepth: number, source: SourceText): void {
  const stack: Array<[CST.Token | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    switch (token.type) {
      case 'document':
        stack.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth + 1 > maxDepth)
          fail('TOO_DEEP', `nesting deeper than the limit of ${maxDepth} levels`, source.at(token.offset));
        for (const item of token.items) {
          if ('key' in item) stack.push([item.key ?? undefined, depth + 1]);
          stack.push([item.value, depth + 1]);
        }
        break;
      }
      default:
        break;
    }
  }
}

function fromYamlError(
  error: YAMLError,
  doc: YamlDocument,
  source: SourceText,
  kind: string,
  document: number | undefined,
): AgentforgeError {
  const offset = Math.min(error.pos[0], Math.max(0, source.text.length - 1));
  const location = source.at(Math.max(0, offset), document);
  const reason = error.message.replace(/ at line \d+, column \d+[\s\S]*$/, '');
  const hint = error.code === 'TAB_AS_INDENT' ? ' (indent with spaces, not tabs)' : '';
  if (insideSecret(doc, source, offset)) {
    // yaml quotes the offending text in some messages (`Invalid escape sequence \q`, `Not a
    // YAML token: …`); inside a secret that text is part of the secret. The message keeps only
    // what kind of mistake it is, and the cause (whose message quotes it too) is dropped.
    const safe = FIXED_TEXT_ERRORS.has(error.code)
      ? reason
      : (SECRET_SAFE_REASONS[error.code] ?? 'malformed text');
    return new AgentforgeError(
      'PARSE_ERROR',
      `invalid ${kind}: ${safe}${hint} inside a secret value (its text is not shown)`,
      { location, details: { yamlCode: error.code } },
    );
  }
  return new AgentforgeError('PARSE_ERROR', `invalid ${kind}: ${reason}${hint}`, { location, cause: error });
}

/** `yaml` error codes whose messages never quote the source text. */
const FIXED_TEXT_ERRORS = new Set<string>([
  'ALIAS_PROPS',
  'BAD_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'BLOCK_IN_FLOW',
  'IMPOSSIBLE',
  'KEY_OVER_1024_CHARS',
  'MISSING_CHAR',
  'MULTILINE_IMPLICIT_KEY',
  'MULTIPLE_ANCHORS',
  'MULTIPLE_TAGS',
  'TAB_AS_INDENT',
]);

/** What a `yaml` error whose message quotes source text is about, said without the text. */
const SECRET_SAFE_REASONS: Record<string, string> = {
  BAD_DQ_ESCAPE: 'invalid escape sequence',
  BAD_SCALAR_START: 'a plain value cannot start with this indicator character (quote the value)',
  TAG_RESOLVE_FAILED: 'unresolved tag',
  UNEXPECTED_TOKEN: 'unexpected text',
};

/**
 * Whether `offset` falls inside a secret value: the value of a secret-named key, the `value` of
 * a `name`/`value` entry whose name is a secret (Kubernetes `env`), or text the detector
 * recognises. The partly composed document is asked first; where the error left no node there,
 * the line is: a secret-named key before the offset, or a token that looks like a secret.
 */
function insideSecret(doc: YamlDocument, source: SourceText, offset: number): boolean {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        const value = pair.value as YamlNode | null;
        const range = value?.range;
        if (!range || offset < range[0] || offset > range[2]) {
          stack.push(pair.key);
          continue;
        }
        const key = keyText(pair.key);
        if (key !== undefined && isSecretKey(key)) return true;
        if (key === 'value') {
          const name = node.items.find((p) => keyText(p.key) === 'name')?.value;
          if (isScalar(name) && typeof name.value === 'string' && isSecretKey(name.value)) return true;
        }
        if (isScalar(value) && typeof value.value === 'string' && secretText(value.value)) return true;
        stack.push(value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  const { line, column } = source.at(offset);
  const text = source.lineText(line);
  const before = text.slice(0, column - 1);
  const keys = [...before.matchAll(/([A-Za-z_][\w.-]*)["']?\s*[:=]/g)];
  const key = keys[keys.length - 1]?.[1];
  if (key !== undefined && isSecretKey(key)) return true;
  return text.split(/[\s,{}[\]"'`=]+/).some((token) => token !== '' && secretText(token));
}

/** Text the detector recognises: a known format, or (as in variable maps) a random-looking token. */
function secretText(text: string): boolean {
  return looksLikeSecret(text) || isHighEntropySecret(text);
}

/** A key written twice in one mapping, located at the second spelling, naming the first. */
function duplicateKey(
  source: SourceText,
  first: YamlNode,
  second: YamlNode,
  document: number | undefined,
): AgentforgeError {
  const at = (node: YamlNode) => source.at(node.range?.[0] ?? 0, document);
  const firstAt = at(first);
  const written = source.text.slice(second.range?.[0] ?? 0, second.range?.[1] ?? 0);
  return new AgentforgeError(
    'DUPLICATE_KEY',
    `duplicate key: ${JSON.stringify(written)} is written twice in one mapping (first at line ${firstAt.line}, column ${firstAt.column})`,
    { location: at(second), details: { first: firstAt } },
  );
}

/** A JSON pointer segment's text (`a~1b` → `a/b`, `~0` → `~`). */
function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

/** How much aliases may add when a reader expands them: nodes, and characters of strings. */
interface AliasBudget {
  nodes: number;
  chars: number;
}

/** What a node costs when expanded: its nodes and the characters of its strings. */
interface Expansion {
  nodes: number;
  chars: number;
}

/**
 * One walk over a composed document, in the order `yaml` resolves aliases (pre-order, key before
 * value), before any data is built:
 * - refuses `__proto__`, `constructor` and `prototype` keys where the key is written (`forbidden`);
 * - refuses an alias without an anchor before it, and an alias inside the node it names (a
 *   recursive alias would make the data circular);
 * - counts what each alias adds when expanded — the nodes and string characters of the anchored
 *   node, its own aliases expanded — and refuses at the alias that crosses the budget. Sharing
 *   keeps the parsed data small, but every reader that copies it (a snapshot, a JSON report)
 *   pays the expanded size; a 1 MB string aliased 5,000 times is 5 GB to them.
 * Each alias is pointed at its anchored node for `toJS`, whose own lookup rescans the aliases
 * and anchors before each one (quadratic: 20,000 aliases of one scalar took minutes).
 * The walk keeps its own stack, so a large `maxDepth` cannot overflow it.
 */
function inspect(
  doc: YamlDocument,
  source: SourceText,
  document: number | undefined,
  forbidden: boolean,
  budget: AliasBudget | undefined,
): void {
  const anchors = new Map<string, YamlNode>();
  const sizes = new Map<YamlNode, Expansion>();
  const added: Expansion = { nodes: 0, chars: 0 };
  // Accumulators of the collections being walked; the bottom one collects the document.
  const open: Expansion[] = [{ nodes: 0, chars: 0 }];
  type Frame = { node: unknown; exit?: false } | { node: YamlNode; exit: true };
  const stack: Frame[] = [{ node: doc.contents }];
  const where = (node: YamlNode) => source.at(node.range?.[0] ?? doc.range[0], document);
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const top = open[open.length - 1]!;
    if (frame.exit) {
      const size = open.pop()!;
      if (frame.node.anchor) sizes.set(frame.node, size);
      const parent = open[open.length - 1]!;
      parent.nodes += size.nodes;
      parent.chars += size.chars;
      continue;
    }
    const node = frame.node;
    if (isScalar(node)) {
      const size = { nodes: 1, chars: typeof node.value === 'string' ? node.value.length : 0 };
      if (node.anchor) {
        anchors.set(node.anchor, node);
        sizes.set(node, size);
      }
      top.nodes += size.nodes;
      top.chars += size.chars;
    } else if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (!target)
        fail(
          'PARSE_ERROR',
          `invalid YAML: alias *${node.source} has no anchor &${node.source} before it`,
          where(node),
        );
      const size = sizes.get(target);
      if (!size)
        fail(
          'ALIAS_EXPANSION',
          `alias *${node.source} is inside the node it names: the data would be circular`,
          where(node),
        );
      // Pointing the alias at its target makes toJS linear (see above); `resolve` answers the same.
      Object.defineProperty(node, 'resolve', { value: () => target });
      if (budget) {
        added.nodes += size.nodes;
        added.chars += size.chars;
        if (added.nodes > budget.nodes)
          fail(
            'ALIAS_EXPANSION',
            `aliases would expand to more than ${budget.nodes} nodes (an alias bomb?)`,
            where(node),
          );
        if (added.chars > budget.chars)
          fail(
            'ALIAS_EXPANSION',
            `aliases would expand to more than ${budget.chars} characters of text (an alias bomb?)`,
            where(node),
          );
      }
      top.nodes += size.nodes;
      top.chars += size.chars;
    } else if (isMap(node) || isSeq(node)) {
      if (node.anchor) anchors.set(node.anchor, node);
      open.push({ nodes: 1, chars: 0 });
      stack.push({ node, exit: true });
      if (isMap(node)) {
        const names = new Map<string, YamlNode>();
        for (const { key } of node.items) {
          // Scalar keys by the property they become (`1` and `"1"` are one); a `<<` merge key's
          // value is a fresh symbol each time, and collection keys are never equal (as in yaml).
          if (!isScalar(key) || typeof key.value === 'symbol') continue;
          const name = key.value === null ? '' : String(key.value);
          if (forbidden && FORBIDDEN_KEYS.has(name))
            fail(
              'FORBIDDEN_KEY',
              `key "${name}" is not allowed: it could pollute object prototypes`,
              where(key),
            );
          if (typeof key.value === 'number' && Number.isNaN(key.value)) continue;
          const first = names.get(name);
          if (first) throw duplicateKey(source, first, key, document);
          names.set(name, key);
        }
        for (let i = node.items.length - 1; i >= 0; i--)
          stack.push({ node: node.items[i]!.value }, { node: node.items[i]!.key });
      } else for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
    }
  }
}

/**
 * The locator of a composed document: a pointer is followed through the AST (through aliases
 * to their anchors); a mapping entry is located at its key, a list item at the item.
 */
function yamlLocator(source: SourceText, doc: YamlDocument, document: number | undefined): Locator {
  // `nearest`: where the walk stops, the deepest written parent (Locator.nearest in one walk).
  const find = (pointer: string, nearest: boolean): number | undefined => {
    let node: unknown = doc.contents;
    let at = (node as YamlNode | null)?.range?.[0] ?? doc.range[0];
    // Every finding is located, and `nearest` tries each missing parent as well: the pointer's
    // segments are compared where they stand in it, without splitting it into an array of
    // strings per call (parsePointer's split was the hot spot of a document with 33 findings).
    // Escapes (`~0`, `~1`) never contain a `/`: only a segment with one is decoded to compare.
    if (pointer === '' || pointer === '/') return at;
    const escaped = pointer.includes('~');
    let start = pointer.charCodeAt(0) === 47 ? 1 : 0;
    for (;;) {
      let end = pointer.indexOf('/', start);
      if (end === -1) end = pointer.length;
      const decoded = escaped ? unescapeSegment(pointer.slice(start, end)) : undefined;
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        let pair: (typeof node.items)[number] | undefined;
        // The last spelling wins in the data (merge keys aside), so search from the end.
        for (let i = node.items.length - 1; i >= 0 && !pair; i--) {
          const key = keyText(node.items[i]!.key);
          if (
            key !== undefined &&
            (decoded === undefined
              ? key.length === end - start && pointer.startsWith(key, start)
              : key === decoded)
          )
            pair = node.items[i];
        }
        if (!pair) return nearest ? at : undefined;
        at = (pair.key as YamlNode).range?.[0] ?? at;
        node = pair.value;
      } else if (isSeq(node)) {
        const segment = decoded ?? pointer.slice(start, end);
        const index = /^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : -1;
        const item = node.items[index] as YamlNode | undefined;
        if (!item) return nearest ? at : undefined;
        at = item.range?.[0] ?? at;
        node = item;
      } else return nearest ? at : undefined;
      if (end === pointer.length) return at;
      start = end + 1;
    }
  };
  return offsetLocator(
    source,
    document,
    (pointer) => find(pointer, false),
    (pointer) => find(pointer, true)!,
  );
}
