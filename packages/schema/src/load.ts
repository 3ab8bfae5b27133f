import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import yaml from 'js-yaml';
import { computeLineStarts, offsetToLineColumn, parseDotenv } from './dotenv.js';
import { AgentforgeError, type ErrorCode, type SafeResult, toSafe } from './errors.js';
import { FORBIDDEN_KEYS } from './objects.js';
import { formatPointer, parsePointer } from './paths.js';
import type { SourceLocation } from './vocabulary.js';

/** The text formats the loader reads. */
export type DocumentFormat = 'yaml' | 'json' | 'dotenv';

/** Limits and naming for {@link loadDocument}. */
export interface LoadOptions {
  /** Name used in errors and locations. @default '<input>' */
  file?: string;
  /** Format of the text. @default from the file name: `.json` → json, `.env*` → dotenv, else yaml */
  format?: DocumentFormat;
  /** Largest input accepted, in bytes. @default 10 MiB */
  maxBytes?: number;
  /** Deepest nesting the parser accepts (refused before the stack could overflow). @default 256 */
  maxDepth?: number;
  /** Most nodes that aliases may add when expanded; the guard against alias bombs. @default 100_000 */
  maxAliasExpansion?: number;
}

/** Maps JSON pointers of a loaded document back to where they were written. */
export interface Locator {
  readonly file: string;
  /** Where the key (or list item) at `pointer` was written, or `undefined` when it was not. */
  locate(pointer: string): SourceLocation | undefined;
  /** Like {@link Locator.locate}, but falls back to the nearest written parent, then the document start. */
  nearest(pointer: string): SourceLocation;
  /** The text of a 1-based line, for showing the source beside a finding. */
  lineText(line: number): string;
}

/** A parsed document: its data, its format and a locator for its pointers. */
export interface LoadedDocument<T = unknown> {
  data: T;
  format: DocumentFormat;
  file: string;
  locator: Locator;
}

const DEFAULTS = { maxBytes: 10 * 1024 * 1024, maxDepth: 256, maxAliasExpansion: 100_000 };

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

async function readBounded(path: string, options: LoadOptions): Promise<Buffer> {
  const file = options.file ?? path;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AgentforgeError('FILE_UNREADABLE', `${file} is not a regular file`);
    if (info.size > maxBytes) throw tooLarge(file, info.size, maxBytes);
    return await readFile(path);
  } catch (error) {
    if (error instanceof AgentforgeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AgentforgeError('FILE_NOT_FOUND', `${file}: no such file`, { cause: error });
    throw new AgentforgeError('FILE_UNREADABLE', `${file}: cannot be read (${code ?? String(error)})`, {
      cause: error,
    });
  }
}

function tooLarge(file: string, size: number, maxBytes: number): AgentforgeError {
  return new AgentforgeError(
    'INPUT_TOO_LARGE',
    `${file} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit (raise maxBytes to accept it)`,
    { location: { file, line: 1, column: 1 } },
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

function loadAll(input: string | Uint8Array, options: LoadOptions, multi: boolean): LoadedDocument[] {
  const file = options.file ?? '<input>';
  const format = options.format ?? (options.file ? detectFormat(options.file) : 'yaml');
  const source = decode(input, file, options.maxBytes ?? DEFAULTS.maxBytes);
  const text = new SourceText(file, source);
  if (format === 'dotenv') return [loadDotenv(text)];
  return loadYaml(text, format, options, multi);
}

/** Source text with lazily computed line starts, shared by the locators of its documents. */
class SourceText {
  private starts: number[] | undefined;
  constructor(
    readonly file: string,
    readonly text: string,
  ) {}
  get lineStarts(): number[] {
    this.starts ??= computeLineStarts(this.text);
    return this.starts;
  }
  at(offset: number, document?: number): SourceLocation {
    const { line, column } = offsetToLineColumn(this.lineStarts, offset);
    return document === undefined
      ? { file: this.file, line, column }
      : { file: this.file, line, column, document };
  }
  lineText(line: number): string {
    const starts = this.lineStarts;
    const start = starts[line - 1];
    if (start === undefined) return '';
    const end = starts[line] ?? this.text.length + 1;
    return this.text.slice(start, end - 1).replace(/\r$/, '');
  }
}

function fail(code: ErrorCode, message: string, location: SourceLocation): never {
  throw new AgentforgeError(code, message, { location });
}

function decode(input: string | Uint8Array, file: string, maxBytes: number): string {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || Buffer.byteLength(input) > maxBytes)
      throw tooLarge(file, Buffer.byteLength(input), maxBytes);
    text = input;
  } else {
    if (input.byteLength > maxBytes) throw tooLarge(file, input.byteLength, maxBytes);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const offset = firstInvalidUtf8(input);
      const prefix = new TextDecoder().decode(input.subarray(0, offset));
      fail(
        'INVALID_ENCODING',
        `invalid UTF-8 byte 0x${input[offset]?.toString(16).padStart(2, '0')}; save the file as UTF-8`,
        new SourceText(file, prefix).at(prefix.length),
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul !== -1)
    fail(
      'BINARY_INPUT',
      'NUL byte: this looks like a binary file, not configuration text',
      new SourceText(file, text).at(nul),
    );
  return text;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const size =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return i;
    for (let k = 1; k < size; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
    const b1 = bytes[i + 1]!;
    if (
      (b === 0xe0 && b1 < 0xa0) ||
      (b === 0xed && b1 >= 0xa0) ||
      (b === 0xf0 && b1 < 0x90) ||
      (b === 0xf4 && b1 >= 0x90)
    )
      return i;
    i += size;
  }
  return bytes.length;
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

/** A parsed node as the position listener saw it: where it opened, what it produced, its children. */
interface Frame {
  start: number;
  children: Frame[];
  result: unknown;
  kind: string | null;
}

function loadYaml(
  source: SourceText,
  format: DocumentFormat,
  options: LoadOptions,
  multi: boolean,
): LoadedDocument[] {
  const maxDepth = options.maxDepth ?? DEFAULTS.maxDepth;
  let aliased = false;
  const listener = (
    event: 'open' | 'close',
    state: { position: number; kind: string | null; result: unknown },
  ) => {
    if (event !== 'close') return;
    const { kind, result } = state;
    if (kind === 'mapping') {
      for (const key of FORBIDDEN_KEYS) {
        if (!Object.hasOwn(result as object, key)) continue;
        // The mapping closes after its keys, so the last spelling of the key before here is the key.
        const at = Math.max(0, source.text.lastIndexOf(key, state.position));
        fail(
          'FORBIDDEN_KEY',
          `key "${key}" is not allowed: it could pollute object prototypes`,
          source.at(at),
        );
      }
    } else if (kind === null && result !== null && typeof result === 'object') {
      aliased = true;
    }
  };
  // The listener runs on every node and costs about a third of the parse. Text that cannot
  // produce a forbidden key or an alias (none of those words, no anchor `&`, no escape `\` that
  // could spell one inside quotes) is parsed without it.
  const guarded = /__proto__|constructor|prototype|[&\\]/.test(source.text);
  const parseOptions = {
    filename: source.file,
    json: false,
    maxDepth,
    ...(guarded ? { listener } : {}),
  } as yaml.LoadOptions;
  const values: unknown[] = [];
  try {
    if (multi) yaml.loadAll(source.text, (doc) => values.push(doc), parseOptions);
    else values.push(yaml.load(source.text, parseOptions));
  } catch (error) {
    if (error instanceof AgentforgeError) throw error;
    if (error instanceof yaml.YAMLException) throw fromYamlException(error, source, format);
    if (error instanceof RangeError) fail('TOO_DEEP', `nesting too deep to parse safely`, source.at(0));
    throw error;
  }
  const limit = options.maxAliasExpansion ?? DEFAULTS.maxAliasExpansion;
  const trees = lazyTrees(source, parseOptions, multi, values.length);
  return values.map((data, index) => {
    const locator = yamlLocator(source, () => trees(index), multi ? index : undefined);
    if (aliased) checkAliasExpansion(data, limit, locator);
    return { data: data === undefined ? null : data, format, file: source.file, locator };
  });
}

function fromYamlException(
  error: yaml.YAMLException,
  source: SourceText,
  format: DocumentFormat,
): AgentforgeError {
  const mark = error.mark as { line?: number; column?: number; position?: number } | undefined;
  const location =
    mark?.position !== undefined ? source.at(Math.min(mark.position, source.text.length)) : source.at(0);
  const reason = error.reason ?? error.message;
  let code: ErrorCode = 'PARSE_ERROR';
  let message = `invalid ${format === 'json' ? 'JSON' : 'YAML'}: ${reason}`;
  if (/duplicated mapping key/.test(reason)) {
    code = 'DUPLICATE_KEY';
    message = `duplicate key: the same key is written twice in one mapping`;
  } else if (/maxDepth/.test(reason)) {
    code = 'TOO_DEEP';
    message = `nesting deeper than the limit of ${reason.match(/\d+/)?.[0]} levels`;
  } else if (/tab characters|\\t/.test(reason)) {
    message = `invalid YAML: ${reason} (indent with spaces, not tabs)`;
  }
  return new AgentforgeError(code, message, { location, cause: error });
}

/**
 * Refuses documents whose aliases would expand past `limit` nodes. js-yaml shares aliased
 * objects instead of copying them, so the bomb only goes off in whoever walks the data next;
 * this walk counts each shared subtree once and multiplies, so it stays linear in the text.
 */
function checkAliasExpansion(data: unknown, limit: number, locator: Locator): void {
  const sizes = new Map<object, number>();
  const seen = new Set<object>();
  const size = (value: unknown): number => {
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    let total = 1;
    for (const child of Object.values(value)) total += size(child);
    sizes.set(value, total);
    return total;
  };
  let added = 0;
  const walk = (value: unknown, path: string[]): void => {
    if (value === null || typeof value !== 'object') return;
    if (seen.has(value)) {
      added += size(value);
      if (added > limit) {
        const pointer = formatPointer(path);
        fail(
          'ALIAS_EXPANSION',
          `aliases would expand to more than ${limit} nodes (an alias bomb?) at ${pointer}`,
          locator.nearest(pointer),
        );
      }
      return;
    }
    seen.add(value);
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(data, []);
}

/**
 * Node positions are recorded only when a location is first asked for, by parsing the text a
 * second time with a listener: documents without findings never pay for locating, and a
 * lookup walks the recorded nodes along its pointer without indexing the rest. In a stream,
 * only the document asked about is parsed again, when the text splits into as many documents
 * as the parse gave (else the whole stream is).
 */
function lazyTrees(
  source: SourceText,
  options: yaml.LoadOptions,
  multi: boolean,
  count: number,
): (index: number) => Frame | undefined {
  let perDocument: Array<[number, number]> | undefined | null = multi ? undefined : null;
  const parsed = new Map<number, Frame | undefined>();
  let all: Frame[] | undefined;
  return (index) => {
    if (perDocument === undefined) {
      const spans = documentSpans(source.text);
      perDocument = spans?.length === count ? spans : null;
    }
    if (!perDocument) {
      all ??= positions(source.text, 0, options, multi);
      return all[index];
    }
    if (!parsed.has(index)) {
      const [start, end] = perDocument[index]!;
      parsed.set(index, positions(source.text.slice(start, end), start, options, false)[0]);
    }
    return parsed.get(index);
  };
}

/** The root frames of `text` (offsets shifted by `base`), from a parse with a position listener. */
function positions(text: string, base: number, options: yaml.LoadOptions, multi: boolean): Frame[] {
  const found: Frame[] = [];
  const stack: Frame[] = [];
  const listener = (
    event: 'open' | 'close',
    state: { position: number; kind: string | null; result: unknown },
  ) => {
    if (event === 'open') {
      stack.push({ start: base + state.position, children: [], result: undefined, kind: null });
      return;
    }
    const frame = stack.pop()!;
    frame.kind = state.kind;
    frame.result = state.result;
    // js-yaml opens a wrapper node while probing for implicit keys; it holds one child with the same result.
    const only = frame.children.length === 1 ? frame.children[0]! : undefined;
    (stack.at(-1)?.children ?? found).push(only && only.result === frame.result ? only : frame);
  };
  const quiet = { ...options, listener };
  if (multi) yaml.loadAll(text, () => undefined, quiet);
  else yaml.load(text, quiet);
  return found;
}

/**
 * Where each document of a stream is written: YAML ends a document at a `---` or `...` line
 * start, wherever it is (even inside a scalar). `---` opens an explicit document, empty or not;
 * text after `...` or before the first marker is a document only if it holds more than
 * comments. Directives (`%YAML`) are left to the full parse.
 */
function documentSpans(text: string): Array<[number, number]> | undefined {
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
}

/** The child of `frame` at `segment`, with where its key was written for a mapping entry. */
function childFrame(frame: Frame, segment: string): { frame: Frame; key?: number } | undefined {
  const { children, result } = frame;
  // Before a `---`, js-yaml probes for one more key of the document's mapping and records an
  // empty node for it: a trailing odd child is that probe, never a key.
  if (frame.kind === 'mapping') {
    for (let i = 0; i + 1 < children.length; i += 2) {
      if (String(children[i]!.result) === segment)
        return { frame: children[i + 1]!, key: children[i]!.start };
    }
  } else if (
    frame.kind === 'sequence' &&
    Array.isArray(result) &&
    (children.length === result.length || children.length === result.length + 1)
  ) {
    // An empty item (`- `) opens no node, so items are addressed only when every one has one.
    const item = children[Number(segment)];
    if (item) return { frame: item };
  }
  return undefined;
}

/** The first offset at or after `offset` that is not blank or a comment: where the node's text starts. */
function skipBlank(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35 /* # */) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else break;
  }
  return Math.min(i, Math.max(0, text.length - 1));
}

function yamlLocator(
  source: SourceText,
  tree: () => Frame | undefined,
  document: number | undefined,
): Locator {
  const find = (pointer: string): number | undefined => {
    let frame = tree();
    if (!frame) return undefined;
    let at = frame.start;
    for (const segment of parsePointer(pointer)) {
      const next = childFrame(frame, segment);
      if (!next) return undefined;
      frame = next.frame;
      at = next.key ?? frame.start;
    }
    return at;
  };
  const locator: Locator = {
    file: source.file,
    locate(pointer) {
      const at = find(pointer);
      return at === undefined ? undefined : source.at(skipBlank(source.text, at), document);
    },
    nearest(pointer) {
      const segments = parsePointer(pointer);
      for (let n = segments.length; n >= 0; n--) {
        const found = locator.locate(formatPointer(segments.slice(0, n)));
        if (found) return found;
      }
      return source.at(0, document);
    },
    lineText: (line) => source.lineText(line),
  };
  return locator;
}
