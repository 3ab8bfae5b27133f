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
  offsetLocator,
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
    const locator = yamlLocator(source, () => trees(index), multi ? index : undefined);
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
  return offsetLocator(source, document, find);
}
