// Internal pieces shared by the two YAML readers (load.ts on `yaml`, _load-bulk.ts on js-yaml).
import { offsetToLineColumn } from './dotenv.js';
import { AgentforgeError, type ErrorCode } from './errors.js';
import { formatPointer } from './paths.js';
import type { SourceLocation } from './vocabulary.js';

export { FORBIDDEN_KEYS } from './objects.js';

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

/** Source text with lazily computed line starts, shared by the locators of its documents. */
export class SourceText {
  private starts: ArrayLike<number> | undefined;
  constructor(
    readonly file: string,
    readonly text: string,
  ) {}
  get lineStarts(): ArrayLike<number> {
    this.starts ??= lineStartsOf(this.text);
    return this.starts;
  }
  /** Adopts line starts already counted while the text was parsed (`yaml`'s LineCounter). */
  set lineStarts(starts: ArrayLike<number>) {
    this.starts = starts;
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

/**
 * Where each line of `text` starts, as computeLineStarts counts them, in a typed array: for 1 MB
 * of manifests a growing array of ~45k numbers was ~1 MB of young-generation garbage and kept
 * 360 KB on the heap, where this keeps 180 KB outside it (bench/manifests.bench.mjs, peak RSS).
 */
function lineStartsOf(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts;
}

export function fail(code: ErrorCode, message: string, location: SourceLocation): never {
  throw new AgentforgeError(code, message, { location });
}

/**
 * Refuses documents whose aliases would expand past `limit` nodes or `maxChars` characters of
 * strings, or whose aliases make the data circular. Aliased collections are
 * shared, not copied, so the bomb only goes off in whoever walks the data next; this walk
 * counts each shared subtree once and multiplies, so it stays linear in the text.
 */
export function checkAliasExpansion(
  data: unknown,
  limit: number,
  locator: Locator,
  maxChars = Number.POSITIVE_INFINITY,
): void {
  const sizes = new Map<object, number>();
  // Characters of the strings (keys and values) in each shared object: an aliased list holding
  // one 1 MB string is one node but a megabyte to every reader that copies it.
  const chars = new Map<object, number>();
  const text = (value: unknown): number => {
    if (typeof value === 'string') return value.length;
    if (value === null || typeof value !== 'object') return 0;
    const known = chars.get(value);
    if (known !== undefined) return known;
    let total = 0;
    for (const [key, child] of Object.entries(value)) total += key.length + text(child);
    chars.set(value, total);
    return total;
  };
  const seen = new Set<object>();
  // The objects on the path being walked: meeting one again is an alias inside its own anchor
  // (`&a [*a]`), which makes the data circular — every reader of it would loop or overflow.
  const ancestors = new Set<object>();
  const path: string[] = [];
  const refuse = (message: string): never => {
    const pointer = formatPointer(path);
    return fail('ALIAS_EXPANSION', `${message} at ${pointer}`, locator.nearest(pointer));
  };
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
  let addedChars = 0;
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (ancestors.has(value)) refuse('an alias is inside the node it names: the data would be circular');
    if (seen.has(value)) {
      added += size(value);
      if (added > limit) refuse(`aliases would expand to more than ${limit} nodes (an alias bomb?)`);
      addedChars += text(value);
      if (addedChars > maxChars)
        refuse(`aliases would expand to more than ${maxChars} characters of text (an alias bomb?)`);
      return;
    }
    seen.add(value);
    ancestors.add(value);
    for (const [key, child] of Object.entries(value)) {
      path.push(key);
      walk(child);
      path.pop();
    }
    ancestors.delete(value);
  };
  walk(data);
}

/** The first offset at or after `offset` that is not blank or a comment: where the node's text starts. */
export function skipBlank(text: string, offset: number): number {
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

/**
 * The budget of characters that aliases of scalars may add (`LoadOptions.maxAliasBytes`):
 * 10 MiB, or the input size cap when that is larger.
 */
export function aliasByteBudget(options: { maxAliasBytes?: number; maxBytes?: number }): number {
  return options.maxAliasBytes ?? Math.max(options.maxBytes ?? 10 * 1024 * 1024, 10 * 1024 * 1024);
}

/**
 * A locator over `source` for one document, from `find`: the offset where the node at a JSON
 * pointer is written, or undefined. Both YAML readers (the `yaml` AST and the bulk js-yaml
 * frames) differ only in how they find that offset. `findNearest`, when a reader has it, is
 * where the same walk stops: the offset of the deepest written parent (else `nearest` tries
 * each parent with `find` in turn).
 */
export function offsetLocator(
  source: SourceText,
  document: number | undefined,
  find: (pointer: string) => number | undefined,
  findNearest?: (pointer: string) => number,
): Locator {
  return new FoundLocator(source, document, find, findNearest);
}

/**
 * A locator over `source` for one document, from its `find` (see {@link offsetLocator}). A class
 * rather than an object of closures: the bulk reader makes one per document of a stream, all
 * kept with the documents (a few closures and contexts each grew the young generation while 1 MB
 * of manifests was validated; bench/manifests.bench.mjs, peak RSS).
 */
export abstract class OffsetLocator implements Locator {
  readonly file: string;
  constructor(
    protected readonly source: SourceText,
    protected readonly document: number | undefined,
  ) {
    this.file = source.file;
  }
  /** The offset where the node at a JSON pointer is written, or undefined. */
  protected abstract find(pointer: string): number | undefined;
  /** The offset of the deepest written parent, for a reader that finds it in one walk. */
  protected findNearest?(pointer: string): number;
  locate(pointer: string): SourceLocation | undefined {
    const at = this.find(pointer);
    return at === undefined ? undefined : this.source.at(skipBlank(this.source.text, at), this.document);
  }
  nearest(pointer: string): SourceLocation {
    // Every finding is located here. A pointer's parent is its text up to the last `/`
    // (escapes never contain one), so the walk up slices the string instead of parsing and
    // formatting the segments at each level (a hot spot of documents with many findings).
    let current = pointer === '' || pointer.charCodeAt(0) === 47 ? pointer : `/${pointer}`;
    // A reader that can stop its walk at the deepest written parent finds it in one walk.
    if (this.findNearest)
      return this.source.at(skipBlank(this.source.text, this.findNearest(current)), this.document);
    for (;;) {
      const found = this.locate(current);
      if (found) return found;
      if (current === '') return this.source.at(0, this.document);
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }
  lineText(line: number): string {
    return this.source.lineText(line);
  }
}

/** An {@link OffsetLocator} from functions. */
class FoundLocator extends OffsetLocator {
  constructor(
    source: SourceText,
    document: number | undefined,
    private readonly finder: (pointer: string) => number | undefined,
    nearestFinder?: (pointer: string) => number,
  ) {
    super(source, document);
    if (nearestFinder) this.findNearest = nearestFinder;
  }
  protected find(pointer: string): number | undefined {
    return this.finder(pointer);
  }
}
