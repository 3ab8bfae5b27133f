import { toSegments } from '@agentforge/schema';

type Part = string | RegExp | typeof ONE | typeof ANY;
const ONE = Symbol('*');
const ANY = Symbol('**');

/** A path glob compiled once: literal segments are looked up directly, never found by a deep walk. */
export interface CompiledPath {
  readonly source: string;
  readonly parts: readonly Part[];
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

/** Compiles `services.*.replicas`, `security.**`, `/a/*\/b` or `*Password` segments. */
export function compilePath(glob: string): CompiledPath {
  let ones = 0;
  let walks = false;
  const ordinals: number[] = [];
  const parts = toSegments(glob).map((part): Part => {
    ordinals.push(part === '*' ? ones++ : -1);
    if (part === '*') return ONE;
    walks ||= part.includes('*');
    if (part === '**') return ANY;
    if (!part.includes('*')) return part;
    return new RegExp(
      `^${part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
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

/** Tests rule ids against `agentforge/*`-style patterns (`*` matches within an id). */
export function idMatcher(pattern: string): (id: string) => boolean {
  if (!pattern.includes('*')) return (id) => id === pattern;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
      .join('.*')}$`,
  );
  return (id) => regex.test(id);
}
