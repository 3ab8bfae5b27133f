import { toSegments } from '@agentforge/schema';

type Part = string | RegExp | typeof ONE | typeof ANY;
const ONE = Symbol('*');
const ANY = Symbol('**');

/** A path glob compiled once: literal segments are looked up directly, never found by a deep walk. */
export interface CompiledPath {
  readonly source: string;
  readonly parts: readonly Part[];
}

/** One place a compiled path reached, with the values its `*` segments took. */
export interface PathMatch {
  segments: string[];
  value: unknown;
  captures: string[];
  /** True when the value is absent (only reported with `includeMissing`). */
  missing: boolean;
}

/** Compiles `services.*.replicas`, `security.**`, `/a/*\/b` or `*Password` segments. */
export function compilePath(glob: string): CompiledPath {
  const parts = toSegments(glob).map((part): Part => {
    if (part === '*') return ONE;
    if (part === '**') return ANY;
    if (!part.includes('*')) return part;
    return new RegExp(`^${part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  });
  return { source: glob, parts };
}

/** Replaces the `*` segments of `path` by `captures`, in order (a conditional's `then` reuses its `when` bindings). */
export function bindPath(path: CompiledPath, captures: readonly string[]): CompiledPath {
  if (captures.length === 0) return path;
  let next = 0;
  const parts = path.parts.map((part) => (part === ONE && next < captures.length ? captures[next++]! : part));
  return { source: path.source, parts };
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

function child(value: unknown, key: string): { found: boolean; value: unknown } {
  if (!isObject(value) || !Object.hasOwn(value, key)) return { found: false, value: undefined };
  return { found: true, value: value[key] };
}

/**
 * Calls `visit` for every place `path` reaches in `root`. With `includeMissing`, a literal
 * tail that is absent is visited once with `missing: true` (so `required` can point at it).
 */
export function expandPath(root: unknown, path: CompiledPath, visit: (match: PathMatch) => void, includeMissing = false): void {
  const { parts } = path;
  const walk = (value: unknown, p: number, segments: string[], captures: string[]): void => {
    if (p === parts.length) {
      visit({ segments, value, captures, missing: false });
      return;
    }
    const part = parts[p]!;
    if (typeof part === 'string') {
      const next = child(value, part);
      if (next.found) walk(next.value, p + 1, [...segments, part], captures);
      else if (includeMissing && parts.slice(p).every((x) => typeof x === 'string')) {
        visit({ segments: [...segments, ...(parts.slice(p) as string[])], value: undefined, captures, missing: true });
      }
      return;
    }
    if (part === ANY) {
      walk(value, p + 1, segments, captures);
      if (isObject(value)) for (const key of Object.keys(value)) walk(value[key], p, [...segments, key], captures);
      return;
    }
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      if (part === ONE) walk(value[key], p + 1, [...segments, key], [...captures, key]);
      else if (part.test(key)) walk(value[key], p + 1, [...segments, key], captures);
    }
  };
  walk(root, 0, [], []);
}

/** Tests rule ids against `agentforge/*`-style patterns (`*` matches within an id). */
export function idMatcher(pattern: string): (id: string) => boolean {
  if (!pattern.includes('*')) return (id) => id === pattern;
  const regex = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\/]/g, '\\$&')).join('.*')}$`);
  return (id) => regex.test(id);
}
