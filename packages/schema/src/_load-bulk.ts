// The js-yaml reader behind `loadDocuments(…, { reader: 'bulk' })`, kept only for `manifests
// validate`: rendered manifests are machine-written, often megabytes, and `yaml` misses that
// command's goal there (bench/schema.bench.mjs, bench/manifests.bench.mjs). People's files go
// through `yaml` (load.ts).
import { createRequire } from 'node:module';
import type jsYaml from 'js-yaml';
import {
  aliasByteBudget,
  checkAliasExpansion,
  FORBIDDEN_KEYS,
  fail,
  type Locator,
  OffsetLocator,
  type SourceText,
} from './_source.js';
import { AgentforgeError, type ErrorCode } from './errors.js';

// Written out rather than imported from load.ts, which imports this file (no import cycles).
type DocumentFormat = 'yaml' | 'json' | 'dotenv';
interface LoadOptions {
  maxDepth?: number;
  maxAliasExpansion?: number;
  maxAliasBytes?: number;
  maxBytes?: number;
}
interface LoadedDocument {
  data: unknown;
  format: DocumentFormat;
  file: string;
  locator: Locator;
}

import { parsePointer } from './paths.js';

// Loaded on first use: only `manifests validate` reads with js-yaml, so every other command's
// cold start does not pay for it. Synchronous (js-yaml is CommonJS) because loading is.
let loaded: typeof jsYaml | undefined;
function jsYamlModule(): typeof jsYaml {
  loaded ??= createRequire(import.meta.url)('js-yaml') as typeof jsYaml;
  return loaded;
}

const DEFAULT_MAX_DEPTH = 256;
const DEFAULT_MAX_ALIAS_EXPANSION = 100_000;

/** A parsed node as the position listener saw it: where it opened, what it produced, its children. */
interface Frame {
  start: number;
  /** Made on the first child: most nodes are scalars, and an empty list each is garbage to collect. */
  children: Frame[] | undefined;
  result: unknown;
  kind: string | null;
}

const NO_FRAMES: readonly Frame[] = [];

/**
 * The bulk reader of machine-rendered manifest streams, on js-yaml: about 10× faster than
 * `yaml` on a 1 MB stream (bench/schema.bench.mjs), with the same guards as the main reader.
 * Locations come from a second, lazy parse with a position listener, only for documents asked about.
 */
export function loadYamlBulk(
  source: SourceText,
  format: DocumentFormat,
  options: LoadOptions,
  multi: boolean,
): LoadedDocument[] {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliasBytes = aliasByteBudget(options);
  let aliasBytes = 0;
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
    } else if (kind === null && typeof result === 'string') {
      // An alias of a scalar: js-yaml shares the string, but every reader that copies the data
      // pays its length again. Refused here, at the alias, before anyone expands it.
      aliasBytes += result.length;
      if (aliasBytes > maxAliasBytes)
        fail(
          'ALIAS_EXPANSION',
          `aliases of scalars would expand to more than ${maxAliasBytes} characters (an alias bomb?)`,
          source.at(Math.min(state.position, source.text.length)),
        );
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
  } as jsYaml.LoadOptions;
  const values: unknown[] = [];
  try {
    if (multi) jsYamlModule().loadAll(source.text, (doc) => values.push(doc), parseOptions);
    else values.push(jsYamlModule().load(source.text, parseOptions));
  } catch (error) {
    if (error instanceof AgentforgeError) throw error;
    if (error instanceof jsYamlModule().YAMLException) throw fromYamlException(error, source, format);
    if (error instanceof RangeError) fail('TOO_DEEP', `nesting too deep to parse safely`, source.at(0));
    throw error;
  }
  const limit = options.maxAliasExpansion ?? DEFAULT_MAX_ALIAS_EXPANSION;
  const trees = lazyTrees(source, parseOptions, multi, values.length);
  return values.map((data, index) => {
    const locator = new BulkLocator(source, trees, index, multi ? index : undefined);
    if (aliased) checkAliasExpansion(data, limit, locator, maxAliasBytes);
    return { data: data === undefined ? null : data, format, file: source.file, locator };
  });
}

function fromYamlException(
  error: jsYaml.YAMLException,
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
 * Node positions are recorded only when a location is first asked for, by parsing the text a
 * second time with a listener: documents without findings never pay for locating, and a
 * lookup walks the recorded nodes along its pointer without indexing the rest. In a stream,
 * only the document asked about is parsed again, when the text splits into as many documents
 * as the parse gave (else the whole stream is).
 */
function lazyTrees(
  source: SourceText,
  options: jsYaml.LoadOptions,
  multi: boolean,
  count: number,
): {
  tree: (index: number) => Frame | undefined;
  /** Where document `index` is written, when the text splits into the documents parsed. */
  span: (index: number) => readonly [number, number] | undefined;
} {
  // A single document spans the text; a stream is split at its markers on first use.
  let perDocument: Array<[number, number]> | undefined | null = multi ? undefined : [[0, source.text.length]];
  const spans = () => {
    if (perDocument === undefined) {
      const found = documentSpans(source.text);
      perDocument = found?.length === count ? found : null;
    }
    return perDocument;
  };
  const parsed = new Map<number, Frame | undefined>();
  let all: Frame[] | undefined;
  const tree = (index: number) => {
    const split = multi ? spans() : null;
    if (!split) {
      all ??= positions(source.text, 0, options, multi);
      return all[index];
    }
    if (!parsed.has(index)) {
      const [start, end] = split[index]!;
      parsed.set(index, positions(source.text.slice(start, end), start, options, false)[0]);
    }
    return parsed.get(index);
  };
  return { tree, span: (index) => spans()?.[index] };
}

/** The root frames of `text` (offsets shifted by `base`), from a parse with a position listener. */
function positions(text: string, base: number, options: jsYaml.LoadOptions, multi: boolean): Frame[] {
  const found: Frame[] = [];
  const stack: Frame[] = [];
  const listener = (
    event: 'open' | 'close',
    state: { position: number; kind: string | null; result: unknown },
  ) => {
    if (event === 'open') {
      stack.push({ start: base + state.position, children: undefined, result: undefined, kind: null });
      return;
    }
    const frame = stack.pop()!;
    frame.kind = state.kind;
    frame.result = state.result;
    // js-yaml opens a wrapper node while probing for implicit keys; it holds one child with the same result.
    const children = frame.children;
    const only = children !== undefined && children.length === 1 ? children[0]! : undefined;
    const node = only && only.result === frame.result ? only : frame;
    const parent = stack.length > 0 ? stack[stack.length - 1]! : undefined;
    if (parent === undefined) found.push(node);
    else if (parent.children === undefined) parent.children = [node];
    else parent.children.push(node);
  };
  const quiet = { ...options, listener };
  if (multi) jsYamlModule().loadAll(text, () => undefined, quiet);
  else jsYamlModule().load(text, quiet);
  return found;
}

/**
 * Where each document of a stream is written: YAML ends a document at a `---` or `...` line
 * start, wherever it is (even inside a scalar). `---` opens an explicit document, empty or not;
 * text after `...` or before the first marker is a document only if it holds more than
 * comments. Directives (`%YAML`) are left to the full parse.
 */
export function documentSpans(text: string): Array<[number, number]> | undefined {
  if (/^%/m.test(text)) return undefined;
  const spans: Array<[number, number]> = [];
  let start = 0;
  let explicit = false;
  const close = (end: number) => {
    if (explicit || holdsContent(text, start, end)) spans.push([start, end]);
  };
  // Scanned by hand, as `/^(---|\.\.\.)(?=[ \t\r\n]|$)/gm` reads it: a match array per marker and a
  // slice per document were most of what locating the first finding of 1 MB made (sampled
  // allocation profile, bench/manifests.bench.mjs). `_load-bulk.test.ts` compares both.
  for (let i = 0; i < text.length; i = nextLineStart(text, i, text.length)) {
    const c = text.charCodeAt(i);
    if (
      (c !== 45 /* - */ && c !== 46) /* . */ ||
      text.charCodeAt(i + 1) !== c ||
      text.charCodeAt(i + 2) !== c
    )
      continue;
    const after = text.charCodeAt(i + 3);
    if (!(Number.isNaN(after) || after === 32 || after === 9 || isLineEnd(after))) continue;
    close(i);
    explicit = c === 45;
    start = explicit ? i : i + 3;
  }
  close(text.length);
  return spans;
}

/** A LineTerminator: where a multiline regex's `^` may start a line and its `$` end one. */
const isLineEnd = (c: number) => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** The start of the line after the one `i` is on (or `end`). */
function nextLineStart(text: string, i: number, end: number): number {
  let k = i;
  while (k < end && !isLineEnd(text.charCodeAt(k))) k++;
  return k + 1;
}

/** Whether a line of `text` between `from` and `to` holds more than blanks and a comment: `/^[ \t]*[^ \t\r\n#]/m` on the slice. */
function holdsContent(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i = nextLineStart(text, i, to)) {
    let j = i;
    while (j < to && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
    if (j >= to) continue;
    const c = text.charCodeAt(j);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 35 /* # */) return true;
  }
  return false;
}

/** The child of `frame` at `segment`, with where its key was written for a mapping entry. */
function childFrame(frame: Frame, segment: string): { frame: Frame; key?: number } | undefined {
  const { result } = frame;
  const children = frame.children ?? NO_FRAMES;
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

/** The frames and spans of a stream's documents, computed on first use (see {@link lazyTrees}). */
type Trees = ReturnType<typeof lazyTrees>;

/**
 * The locator of one document of a stream: one object a document, its state on the object
 * (the trees are the stream's), where closures a document were ~0.8 MB still young when the
 * parse returned, copied and promoted by the validation's first scavenges (peak RSS,
 * bench/manifests.bench.mjs).
 */
class BulkLocator extends OffsetLocator {
  // The document's lines, split on the first lookup and kept for the next (a finding's
  // `nearest` walks up its pointer; a document may have several findings).
  private lines: Lines | typeof BAIL | undefined = undefined;
  constructor(
    source: SourceText,
    private readonly trees: Trees,
    private readonly index: number,
    document: number | undefined,
  ) {
    super(source, document);
  }
  protected find(pointer: string): number | undefined {
    if (this.lines === undefined) {
      const written = this.trees.span(this.index);
      this.lines = written ? contentLines(this.source.text, written[0], written[1]) : BAIL;
    }
    if (this.lines !== BAIL) {
      const found = locateInLines(this.lines, parsePointer(pointer));
      if (found !== BAIL) return found;
    }
    let frame = this.trees.tree(this.index);
    if (!frame) return undefined;
    let at = frame.start;
    for (const segment of parsePointer(pointer)) {
      const next = childFrame(frame, segment);
      if (!next) return undefined;
      frame = next.frame;
      at = next.key ?? frame.start;
    }
    return at;
  }
}

// ---- Locating without a second parse ------------------------------------------------------------
// Locating a finding used to parse its document again with a position listener (a sixth of
// `manifests validate` on 1 MB with 211 findings, bench/manifests). Rendered manifests are
// plain block YAML, where a key or list item is found by indentation alone: `blockLocate`
// follows a pointer through the lines of the document's text and answers only where that is
// certain — plain keys that js-yaml reads as the string they spell, block mappings and
// sequences, scalars that end where their line does or continue on more indented lines. On
// anything else (flow collections, quoted keys, anchors, tags, unclosed quotes, tabs, explicit
// keys, directives) it returns BAIL and the position listener answers, as before.
// `_load-bulk.test.ts` compares both on every node of rendered streams.

const BAIL = -1;
/** Keys js-yaml reads as the string they spell: no implicit type (number, bool, null, date) matches them. */
const PLAIN_KEY = /^[A-Za-z_][\w./-]*$/;
const KEYWORDS = ['true', 'false', 'null', 'y', 'n', 'yes', 'no', 'on', 'off'];
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
/** A character of PLAIN_KEY after its first: a word character, `.`, `/` or `-`. */
const isKeyChar = (c: number) =>
  isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45;
/** Whether `length` characters of PLAIN_KEY from `offset` spell a YAML 1.1 keyword, in any case (ASCII: `| 0x20` lowers letters only). */
function isKeyword(text: string, offset: number, length: number): boolean {
  if (length > 5) return false;
  // Indexed: for-of made an iterator result per word where this runs unoptimised.
  for (let k = 0; k < KEYWORDS.length; k++) {
    const word = KEYWORDS[k]!;
    if (word.length !== length) continue;
    let j = 0;
    while (j < length && (text.charCodeAt(offset + j) | 0x20) === word.charCodeAt(j)) j++;
    if (j === length) return true;
  }
  return false;
}

/** A line's content (blank and comment lines are left out) and the offset it starts at. */
interface Line {
  indent: number;
  offset: number;
  content: string;
}

/**
 * The content lines of a document, kept between its lookups as three numbers a line (where its
 * content starts, its indent, where it ends): a Line object and a sliced string a line, kept for
 * every located document, were ~2 MB of the heap on 1 MB with a finding in every Deployment and
 * grew V8's young generation (bench/manifests.bench.mjs, peak RSS). Lines are made on demand.
 */
class Lines {
  readonly length: number;
  constructor(
    private readonly text: string,
    private readonly packed: Int32Array,
  ) {
    this.length = packed.length / 3;
  }
  /** The indent of line `i` (undefined past the end), without making the line. */
  indent(i: number): number | undefined {
    return i < this.length ? this.packed[i * 3 + 1] : undefined;
  }
  /**
   * True when line `i` is a list item, or an entry of a plain key other than `key` whose value
   * ends on its line: what locateInLines skips at a mapping's indent, read in place (a Line, its
   * content and its key sliced per sibling were most of locating a finding's garbage). False
   * when the line must be read as before: the key sought, or anything this does not prove.
   */
  skips(i: number, key: string): boolean {
    const text = this.text;
    const offset = this.packed[i * 3]!;
    const end = this.packed[i * 3 + 2]!;
    const first = text.charCodeAt(offset);
    if (first === 45 /* - */ && (end - offset === 1 || text.charCodeAt(offset + 1) === 32)) return true;
    // PLAIN_KEY up to the first colon, then a blank or the end (keyOf).
    if (!((isLetter(first) || first === 95) /* _ */)) return false;
    let colon = offset + 1;
    while (colon < end && isKeyChar(text.charCodeAt(colon))) colon++;
    if (colon >= end || text.charCodeAt(colon) !== 58 /* : */) return false;
    const after = colon + 1 < end ? text.charCodeAt(colon + 1) : Number.NaN;
    if (!(Number.isNaN(after) || after === 32 || after === 9)) return false;
    const length = colon - offset;
    if ((length === key.length && text.startsWith(key, offset)) || isKeyword(text, offset, length))
      return false;
    // The inline value (settled): nothing, a comment, or a plain scalar; quotes, flow
    // collections and any other blank are left to inlineValue and settled.
    let v = colon + 1;
    while (v < end && (text.charCodeAt(v) === 32 || text.charCodeAt(v) === 9)) v++;
    if (v >= end) return true;
    const c = text.charCodeAt(v);
    return c > 32 && c < 127 && c !== 34 /* " */ && c !== 39 /* ' */ && c !== 123 /* { */ && c !== 91 /* [ */;
  }
  /** Line `i`, or undefined past the end. */
  at(i: number): Line | undefined {
    if (i >= this.length) return undefined;
    const offset = this.packed[i * 3]!;
    return {
      indent: this.packed[i * 3 + 1]!,
      offset,
      content: this.text.slice(offset, this.packed[i * 3 + 2]),
    };
  }
}

/** Where contentLines counts a document's lines before copying them out: reused, never garbage. */
const scratch: number[] = [];

/** The content lines of `text` between `from` and `to`, or BAIL on a tab indent or a directive. */
function contentLines(text: string, from: number, to: number): Lines | typeof BAIL {
  let n = 0;
  for (let start = from; start < to; ) {
    let end = text.indexOf('\n', start);
    if (end === -1 || end > to) end = to;
    let indent = 0;
    while (text.charCodeAt(start + indent) === 32) indent++;
    const offset = start + indent;
    start = end + 1;
    if (end > offset && text.charCodeAt(end - 1) === 13 /* \r */) end--;
    // Read in place: a slice per line was most of this function's garbage.
    const first = text.charCodeAt(offset);
    if (blank(text, offset, end) || first === 35 /* # */) continue;
    if (first === 9 /* a tab in the indent */) return BAIL;
    if (
      indent === 0 &&
      end - offset >= 3 &&
      (text.startsWith('---', offset) || text.startsWith('...', offset))
    ) {
      if (/^(?:---|\.\.\.)[ \t]*(?:#.*)?$/.test(text.slice(offset, end))) continue;
      return BAIL;
    }
    if (indent === 0 && first === 37 /* % */) return BAIL;
    scratch[n++] = offset;
    scratch[n++] = indent;
    scratch[n++] = end;
  }
  const packed = new Int32Array(n);
  for (let i = 0; i < n; i++) packed[i] = scratch[i]!;
  // A document of more than ~20k lines does not keep its count between calls.
  if (scratch.length > 65_536) scratch.length = 0;
  return new Lines(text, packed);
}

/** Whether `text` between `from` and `to` is empty or only what String.prototype.trim removes. */
function blank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!TRIMMED.has(text.charCodeAt(i))) return false;
  return true;
}

/** The characters trim removes: ECMAScript WhiteSpace (Zs included) and LineTerminator. */
const TRIMMED: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
]);

/** What follows a `key:` or `-` on its line: '' when nothing (or only a comment) does. */
function inlineValue(rest: string): string {
  const value = rest.trimStart();
  return value.charCodeAt(0) === 35 /* # */ ? '' : value;
}

/**
 * Whether an inline value is a scalar that ends on its line or continues only on more
 * indented lines (plain, closed quotes, a block scalar header). Flow collections, anchors,
 * aliases and tags are not followed here.
 */
function scalarValue(value: string): boolean {
  const c = value.charAt(0);
  if ('{[&*!?'.includes(c)) return false;
  if (c === "'") return /^'(?:[^']|'')*'[ \t]*(?:#.*)?$/.test(value);
  if (c === '"') return /^"(?:[^"\\]|\\.)*"[ \t]*(?:#.*)?$/.test(value);
  return true;
}

/**
 * Whether an inline value ends on its line (or goes on only on more indented lines): js-yaml
 * lets quoted scalars and flow collections go on at any indent, where a line of their text
 * could pass for an entry. Empty flow collections (`{}`, `[]`) are what renders write.
 */
function settled(value: string): boolean {
  const c = value.charAt(0);
  if (c === '"' || c === "'") return scalarValue(value);
  if (c === '{' || c === '[') return /^(?:\{\}|\[\])[ \t]*(?:#.*)?$/.test(value);
  return true;
}

/** Whether the inline text of an item line (`- value` or `- key: value`) ends on its line. */
function settledItem(value: string): boolean {
  if (!holdsEntry(value)) return settled(value);
  const entry = keyOf(value);
  return entry !== BAIL && settled(inlineValue(entry.rest));
}

/** The key of a block mapping entry line and what follows its colon, or BAIL. */
function keyOf(content: string): { key: string; rest: string } | typeof BAIL {
  const colon = content.indexOf(':');
  if (colon <= 0) return BAIL;
  const after = content.charCodeAt(colon + 1);
  if (!(Number.isNaN(after) || after === 32 || after === 9)) return BAIL;
  const key = content.slice(0, colon);
  if (!PLAIN_KEY.test(key) || isKeyword(key, 0, key.length)) return BAIL;
  return { key, rest: content.slice(colon + 1) };
}

/** Whether the content after a `- ` holds a mapping entry (`- key: value`). */
function holdsEntry(content: string): boolean {
  // A plain scalar never holds `: ` nor ends with `:`; a comment starts at ` #`.
  const hash = content.search(/[ \t]#/);
  return /:(?:[ \t]|$)/.test(hash === -1 ? content : content.slice(0, hash));
}

const isItem = (content: string) => content === '-' || content.startsWith('- ');

/**
 * The offset where the node at `segments` is written in the block YAML between `from` and
 * `to` (a mapping entry at its key, a list item at its content), undefined when the document
 * has no such node, or BAIL when the text along the way is not plain block YAML.
 */
export function blockLocate(
  text: string,
  from: number,
  to: number,
  segments: readonly string[],
): number | undefined | typeof BAIL {
  const lines = contentLines(text, from, to);
  return lines === BAIL ? BAIL : locateInLines(lines, segments);
}

/** {@link blockLocate} over the content lines of a document. */
function locateInLines(lines: Lines, segments: readonly string[]): number | undefined | typeof BAIL {
  if (segments.length === 0) return BAIL;
  // The node searched: the line it starts on (lines[index], or a view of that line's
  // `- key: value` after the dash) and its indent.
  let index = 0;
  let node = lines.at(0);
  for (let s = 0; s < segments.length; s++) {
    if (!node) return undefined;
    const segment = segments[s]!;
    const last = s === segments.length - 1;
    const col = node.indent;
    const sequence = isItem(node.content);
    let next: { index: number; node: Line | undefined } | undefined;
    let item = 0;
    for (let i = index; i < lines.length && !next; i++) {
      if (i !== index) {
        const indent = lines.indent(i)!;
        if (indent < col) break;
        if (indent > col) continue;
        if (!sequence && lines.skips(i, segment)) continue;
      }
      const line = i === index ? node : lines.at(i)!;
      if (line.indent < col) break;
      if (line.indent > col) continue;
      if (sequence) {
        if (!isItem(line.content)) break;
        const rest = line.content.slice(1);
        const value = inlineValue(rest);
        if (!settledItem(value)) return BAIL;
        if (String(item++) !== segment) continue;
        const offset = line.offset + 1 + (rest.length - rest.trimStart().length);
        if (value === '') {
          // `-` alone: the item is the node on the lines below, located where it starts.
          const below = child(lines, i, col, false);
          if (last) return below ? below.offset : BAIL;
          next = { index: i + 1, node: below };
        } else {
          if (last) return offset;
          if (isItem(value)) return BAIL;
          if (!holdsEntry(value)) return scalarValue(value) ? undefined : BAIL;
          // `- key: value`: a mapping whose entries are indented like its first key.
          next = { index: i, node: { indent: col + (offset - line.offset), offset, content: value } };
        }
      } else {
        if (isItem(line.content)) continue; // an item of a sequence written at its key's indent
        const entry = keyOf(line.content);
        if (entry === BAIL) return BAIL;
        const value = inlineValue(entry.rest);
        if (!settled(value)) return BAIL;
        if (entry.key !== segment) continue;
        if (last) return line.offset;
        if (value !== '') return scalarValue(value) ? undefined : BAIL;
        next = { index: i + 1, node: child(lines, i, col, true) };
      }
    }
    if (!next) return undefined;
    index = next.index;
    node = next.node;
  }
  return BAIL;
}

/** The node written on the lines after line `i` (an entry or item at `col`), if any. */
function child(lines: Lines, i: number, col: number, entry: boolean): Line | undefined {
  const next = lines.at(i + 1);
  if (!next) return undefined;
  if (next.indent > col) return next;
  // `key:` followed by `- item` at the key's own indent: a sequence not indented (kustomize).
  return entry && next.indent === col && isItem(next.content) ? next : undefined;
}
