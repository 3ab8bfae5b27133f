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
  const ordinals: number[] = [];
  const parts = toSegments(glob).map((part): Part => {
    ordinals.push(part === '*' ? ones++ : -1);
    if (part === '*') return ONE;
    if (part === '**') return ANY;
    if (!part.includes('*')) return part;
    return new RegExp(
      `^${part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    );
  });
  return { source: glob, parts, ordinals };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object';

/** The state of one expansion; frames are pooled per nesting depth so a walk allocates nothing. */
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

function literalAt(f: Frame, p: number): string | undefined {
  const part = f.path.parts[p];
  if (typeof part === 'string') return part;
  const ordinal = f.path.ordinals[p]!;
  return part === ONE && ordinal < f.bound.length ? f.bound[ordinal] : undefined;
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
  let f = frames[depth];
  if (!f) {
    const segments: string[] = [];
    const captures: string[] = [];
    f = {
      path,
      bound,
      visit,
      includeMissing,
      segments,
      captures,
      match: { segments, value: undefined, captures, missing: false },
    };
    frames[depth] = f;
  }
  f.path = path;
  f.bound = bound;
  f.visit = visit;
  f.includeMissing = includeMissing;
  f.segments.length = 0;
  f.captures.length = 0;
  f.match.missing = false;
  depth++;
  try {
    const { parts, ordinals } = path;
    let lookup = true;
    for (let p = 0; p < parts.length && lookup; p++)
      lookup = typeof parts[p] === 'string' || (ordinals[p] !== -1 && ordinals[p]! < bound.length);
    if (!lookup) {
      walk(f, root, 0);
      return;
    }
    let value = root;
    for (let p = 0; p < parts.length; p++) {
      const key = literalAt(f, p)!;
      f.segments.push(key);
      if (isObject(value) && Object.hasOwn(value, key)) value = value[key];
      else {
        if (!includeMissing) return;
        for (let k = p + 1; k < parts.length; k++) f.segments.push(literalAt(f, k)!);
        f.match.value = undefined;
        f.match.missing = true;
        visit(f.match);
        return;
      }
    }
    f.match.value = value;
    visit(f.match);
  } finally {
    depth--;
  }
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
