/** Segments of a JSON pointer (`/a/b~1c` → `['a', 'b/c']`); `''` is the root. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  const body = pointer.charCodeAt(0) === 47 /* / */ ? pointer.slice(1) : pointer;
  const segments = body.split('/');
  // Locating every finding parses pointers: most have no escape, so skip the two regex passes.
  if (!body.includes('~')) return segments;
  return segments.map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer from segments (`['a', 'b/c']` → `/a/b~1c`). */
export function formatPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    const text = String(segment);
    // Escaping only what needs it: the regex passes were a hot spot of located findings.
    out +=
      text.includes('~') || text.includes('/')
        ? `/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`
        : `/${text}`;
  }
  return out;
}

/** A dotted path from a JSON pointer (`/services/swarm/replicas` → `services.swarm.replicas`). */
export function pointerToPath(pointer: string): string {
  // A pointer with nothing to unescape or escape (no `~`, `.` or `\\`) maps segment for segment.
  if (pointer.charCodeAt(0) === 47 && !/[~.\\]/.test(pointer)) return pointer.slice(1).replaceAll('/', '.');
  return parsePointer(pointer)
    .map((s) => s.replace(/\\/g, '\\\\').replace(/\./g, '\\.'))
    .join('.');
}

/** Segments of a dotted path; `\.` escapes a dot inside a key. */
export function parsePath(path: string): string[] {
  if (path === '') return [];
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char === '\\' && i + 1 < path.length) current += path[++i];
    else if (char === '.') {
      segments.push(current);
      current = '';
    } else current += char;
  }
  segments.push(current);
  return segments;
}

/** A JSON pointer from a dotted path (`services.swarm.replicas` → `/services/swarm/replicas`). */
export function pathToPointer(path: string): string {
  return formatPointer(parsePath(path));
}

/** Segments of a path written either as a JSON pointer (leading `/`) or dotted. */
export function toSegments(pathOrPointer: string): string[] {
  return pathOrPointer.startsWith('/') ? parsePointer(pathOrPointer) : parsePath(pathOrPointer);
}

/** Tests segments against a compiled glob. */
export type PathMatcher = (segments: readonly string[]) => boolean;

// One glob kernel: a path glob is compiled once into parts — literal segments, `*` (one
// segment), `**` (any number, also none) and patterns for `*` inside a segment — that both the
// matcher ({@link compileGlob}) and the walker ({@link expandPath}) read.
const ONE = Symbol('*');
const ANY = Symbol('**');
type GlobPart = string | RegExp | typeof ONE | typeof ANY;

const escapeRegExp = (text: string) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');

/**
 * A name glob (rule ids such as `agentforge/*`, principals such as `*@platform.example.com`,
 * environment names): `*` matches any run of characters, everything else itself.
 */
export function compileNameGlob(
  pattern: string,
  options: { ignoreCase?: boolean } = {},
): (name: string) => boolean {
  if (!pattern.includes('*') && !options.ignoreCase) return (name) => name === pattern;
  const regex = new RegExp(
    `^${pattern.split('*').map(escapeRegExp).join('.*')}$`,
    options.ignoreCase ? 'i' : '',
  );
  return (name) => regex.test(name);
}

function globPart(part: string): GlobPart {
  if (part === '*') return ONE;
  if (part === '**') return ANY;
  if (!part.includes('*')) return part;
  return new RegExp(`^${part.split('*').map(escapeRegExp).join('.*')}$`);
}

/**
 * Compiles a path glob, dotted (`services.*.replicas`, `security.**`) or as a pointer
 * (`/services/*\/replicas`): `*` matches one segment, `**` any number (also none), and `*`
 * inside a segment matches within it (`*Password`).
 */
export function compileGlob(glob: string): PathMatcher {
  const parts = toSegments(glob).map(globPart);
  const match = (p: number, s: number, segments: readonly string[]): boolean => {
    if (p === parts.length) return s === segments.length;
    const part = parts[p]!;
    if (part === ANY) {
      for (let k = s; k <= segments.length; k++) if (match(p + 1, k, segments)) return true;
      return false;
    }
    if (s === segments.length) return false;
    const segment = segments[s]!;
    const ok = part === ONE || (typeof part === 'string' ? part === segment : (part as RegExp).test(segment));
    return ok && match(p + 1, s + 1, segments);
  };
  return (segments) => match(0, 0, segments);
}

/** A path glob compiled once: literal segments are looked up directly, never found by a deep walk. */
export interface CompiledPath {
  readonly source: string;
  readonly parts: readonly GlobPart[];
  /** For each `*` part, its ordinal among the `*` parts (so bound values can replace it); else -1. */
  readonly ordinals: readonly number[];
  /**
   * The number of `*` parts when every other part is literal, so the path is a direct lookup
   * once that many values are bound; -1 when a `**` or a pattern segment needs a walk.
   */
  readonly lookupAfter: number;
}

/**
 * One place a compiled path reached, with the values its free `*` segments took. The arrays
 * are the walk's own stacks: valid during the `visit` call only, copy them to keep them.
 */
export interface PathMatch {
  segments: string[];
  value: unknown;
  captures: string[];
  /** True when the value is absent (only reported with `includeMissing`). */
  missing: boolean;
}

/**
 * Compiles a path glob for {@link expandPath}: `services.*.replicas`, `security.**`, `/a/*\/b` or
 * `*Password` segments. The walker's twin of {@link compileGlob}.
 */
export function compilePath(glob: string): CompiledPath {
  let ones = 0;
  let walks = false;
  const ordinals: number[] = [];
  const parts = toSegments(glob).map((part) => {
    ordinals.push(part === '*' ? ones++ : -1);
    walks ||= part !== '*' && part.includes('*');
    return globPart(part);
  });
  return { source: glob, parts, ordinals, lookupAfter: walks ? -1 : ones };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object';

/**
 * The state of one expansion; frames are pooled per nesting depth so a walk allocates nothing.
 * Between expansions a frame's `segments` and `captures` stacks are empty.
 */
interface Frame {
  path: CompiledPath;
  bound: readonly string[];
  visit: (match: PathMatch) => void;
  includeMissing: boolean;
  segments: string[];
  captures: string[];
  match: PathMatch;
}
const frames: Frame[] = [];
let depth = 0;
const NONE: readonly string[] = [];
const EMPTY: CompiledPath = { source: '', parts: [], ordinals: [], lookupAfter: 0 };

function literalAt(f: Frame, p: number): string | undefined {
  const part = f.path.parts[p];
  if (typeof part === 'string') return part;
  const ordinal = f.path.ordinals[p]!;
  return part === ONE && ordinal < f.bound.length ? f.bound[ordinal] : undefined;
}

function frameAt(level: number): Frame {
  let f = frames[level];
  if (!f) {
    const segments: string[] = [];
    const captures: string[] = [];
    f = {
      path: EMPTY,
      bound: NONE,
      visit: () => undefined,
      includeMissing: false,
      segments,
      captures,
      match: { segments, value: undefined, captures, missing: false },
    };
    frames[level] = f;
  }
  return f;
}

/**
 * Calls `visit` for every place `path` reaches in `root`. The first `*` segments take the
 * values in `bound` (a conditional's `then` reuses its `when` bindings); the others range over
 * existing keys and are reported as `captures`. With `includeMissing`, a literal tail that is
 * absent is visited once with `missing: true` (so `required` can point at it). A path whose
 * segments are all literal or bound is a direct lookup.
 */
export function expandPath(
  root: unknown,
  path: CompiledPath,
  visit: (match: PathMatch) => void,
  includeMissing = false,
  bound: readonly string[] = NONE,
): void {
  const f = frameAt(depth);
  f.path = path;
  f.bound = bound;
  f.visit = visit;
  f.includeMissing = includeMissing;
  f.match.missing = false;
  depth++;
  try {
    if (path.lookupAfter >= 0 && path.lookupAfter <= bound.length) lookup(f, root);
    else walk(f, root, 0);
  } finally {
    depth--;
    // Popping is cheaper than truncating through `length`; a lookup (or a visit that threw)
    // leaves the stacks filled.
    const { segments, captures } = f;
    while (segments.length > 0) segments.pop();
    while (captures.length > 0) captures.pop();
  }
}

function lookup(f: Frame, root: unknown): void {
  const { parts, ordinals } = f.path;
  const { segments, bound, match } = f;
  let value = root;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const key = typeof part === 'string' ? part : bound[ordinals[p]!]!;
    segments.push(key);
    if (isObject(value) && Object.hasOwn(value, key)) value = value[key];
    else {
      if (!f.includeMissing) return;
      for (let k = p + 1; k < parts.length; k++) segments.push(literalAt(f, k)!);
      match.value = undefined;
      match.missing = true;
      f.visit(match);
      return;
    }
  }
  match.value = value;
  f.visit(match);
}

function walk(f: Frame, value: unknown, p: number): void {
  const { parts } = f.path;
  const { segments, captures } = f;
  if (p === parts.length) {
    f.match.value = value;
    f.visit(f.match);
    return;
  }
  const literal = literalAt(f, p);
  if (literal !== undefined) {
    if (isObject(value) && Object.hasOwn(value, literal)) {
      segments.push(literal);
      walk(f, value[literal], p + 1);
      segments.pop();
    } else if (f.includeMissing) {
      const tail: string[] = [];
      for (let k = p; k < parts.length; k++) {
        const next = literalAt(f, k);
        if (next === undefined) return;
        tail.push(next);
      }
      f.visit({ segments: [...segments, ...tail], value: undefined, captures, missing: true });
    }
    return;
  }
  const part = parts[p]!;
  if (part === ANY) {
    walk(f, value, p + 1);
    if (!isObject(value)) return;
    for (const key in value) {
      segments.push(key);
      walk(f, value[key], p);
      segments.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  // for-in allocates no key array; documents are plain objects and arrays.
  for (const key in value) {
    if (part === ONE) {
      segments.push(key);
      captures.push(key);
      walk(f, value[key], p + 1);
      captures.pop();
      segments.pop();
    } else if ((part as RegExp).test(key)) {
      segments.push(key);
      walk(f, value[key], p + 1);
      segments.pop();
    }
  }
}

/** True when `pathOrPointer` matches `glob` (see {@link compileGlob}). */
export function matchPath(glob: string, pathOrPointer: string): boolean {
  return compileGlob(glob)(toSegments(pathOrPointer));
}

/** The value at a JSON pointer, or `undefined` when any segment is missing. */
export function getAtPointer(root: unknown, pointer: string | readonly string[]): unknown {
  let current = root;
  for (const segment of typeof pointer === 'string' ? parsePointer(pointer) : pointer) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Every place in `root` that matches `glob`, with its pointer and value; `*` and `**` range
 * over existing keys and array indexes only.
 */
export function findMatches(root: unknown, glob: string): Array<{ pointer: string; value: unknown }> {
  const matcher = compileGlob(glob);
  const literal = toSegments(glob);
  const out: Array<{ pointer: string; value: unknown }> = [];
  if (!literal.some((s) => s.includes('*'))) {
    const value = getAtPointer(root, literal);
    if (value !== undefined) out.push({ pointer: formatPointer(literal), value });
    return out;
  }
  const walk = (value: unknown, segments: string[]) => {
    if (matcher(segments)) out.push({ pointer: formatPointer(segments), value });
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], [...segments, key]);
  };
  walk(root, []);
  return out;
}
