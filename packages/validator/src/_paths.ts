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
    return new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  });
  return { source: glob, parts, ordinals };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/**
 * Calls `visit` for every place `path` reaches in `root`. The first `*` segments take the
 * values in `bound` (a conditional's `then` reuses its `when` bindings); the others range over
 * existing keys and are reported as `captures`. With `includeMissing`, a literal tail that is
 * absent is visited once with `missing: true` (so `required` can point at it). The walk keeps
 * one segment stack and copies it only for a match.
 */
export function expandPath(
  root: unknown,
  path: CompiledPath,
  visit: (match: PathMatch) => void,
  includeMissing = false,
  bound: readonly string[] = [],
): void {
  const { parts, ordinals } = path;
  const segments: string[] = [];
  const captures: string[] = [];
  const match: PathMatch = { segments, value: undefined, captures, missing: false };
  const literalAt = (p: number): string | undefined => {
    const part = parts[p];
    if (typeof part === 'string') return part;
    return part === ONE && ordinals[p]! < bound.length ? bound[ordinals[p]!] : undefined;
  };
  // Fast path: with every segment literal (or bound), it is a plain lookup.
  let lookup = true;
  for (let p = 0; p < parts.length && lookup; p++) lookup = typeof parts[p] === 'string' || (ordinals[p] !== -1 && ordinals[p]! < bound.length);
  if (lookup) {
    let value = root;
    for (let p = 0; p < parts.length; p++) {
      const key = literalAt(p)!;
      if (!isObject(value) || !Object.hasOwn(value, key)) {
        if (!includeMissing) return;
        for (let k = 0; k < parts.length; k++) segments.push(literalAt(k)!);
        match.missing = true;
        visit(match);
        return;
      }
      value = value[key];
    }
    for (let k = 0; k < parts.length; k++) segments.push(literalAt(k)!);
    match.value = value;
    visit(match);
    return;
  }
  const walk = (value: unknown, p: number): void => {
    if (p === parts.length) {
      match.value = value;
      visit(match);
      return;
    }
    const literal = literalAt(p);
    if (literal !== undefined) {
      if (isObject(value) && Object.hasOwn(value, literal)) {
        segments.push(literal);
        walk(value[literal], p + 1);
        segments.pop();
      } else if (includeMissing) {
        const tail: string[] = [];
        for (let k = p; k < parts.length; k++) {
          const next = literalAt(k);
          if (next === undefined) return;
          tail.push(next);
        }
        visit({ segments: [...segments, ...tail], value: undefined, captures, missing: true });
      }
      return;
    }
    const part = parts[p]!;
    if (part === ANY) {
      walk(value, p + 1);
      if (!isObject(value)) return;
      for (const key in value) {
        segments.push(key);
        walk(value[key], p);
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
        walk(value[key], p + 1);
        captures.pop();
        segments.pop();
      } else if ((part as RegExp).test(key)) {
        segments.push(key);
        walk(value[key], p + 1);
        segments.pop();
      }
    }
  };
  walk(root, 0);
}

/** Tests rule ids against `agentforge/*`-style patterns (`*` matches within an id). */
export function idMatcher(pattern: string): (id: string) => boolean {
  if (!pattern.includes('*')) return (id) => id === pattern;
  const regex = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return (id) => regex.test(id);
}
