import { AgentforgeError } from './errors.js';

/**
 * The keys that reach `Object.prototype` (or a constructor) through a plain assignment or a
 * naive merge. Every package refuses or skips them through this one list.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** True for `__proto__`, `constructor` and `prototype`: keys data must never write through. */
export function isForbiddenKey(key: PropertyKey): boolean {
  return typeof key === 'string' && FORBIDDEN_KEYS.has(key);
}

/**
 * Throws a `FORBIDDEN_KEY` error for a key of {@link FORBIDDEN_KEYS}; `where` names the path or
 * argument the key came from, so the message says which input to fix.
 * @example assertSafeKey(segment, `--set ${assignment}`);
 */
export function assertSafeKey(key: string, where: string): void {
  if (FORBIDDEN_KEYS.has(key))
    throw new AgentforgeError(
      'FORBIDDEN_KEY',
      `${where}: the key "${key}" is not allowed (prototype pollution)`,
    );
}

/**
 * Sets an own, enumerable property — also for the key `__proto__`, where a plain assignment
 * would replace the object's prototype instead. For data that must keep every key it was given
 * (a diff, a canonical form) rather than drop the dangerous ones.
 */
export function setOwnProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** A plain object: not `null`, not an array, not a class instance such as a `Date` or a `Map`. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` itself when it is a plain object ({@link isPlainObject}), else `undefined`: for
 * reading nested data with `?.` (`asPlainObject(object.spec)?.template`).
 */
export function asPlainObject(value: unknown): Record<string, unknown> | undefined {
  return isPlainObject(value) ? value : undefined;
}

/** Any part of `T`, at any depth; lists are replaced whole, so they stay as they are. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Layers `overlays` onto `base`, later over earlier: plain objects merge key by key; anything
 * else (lists, scalars, `null`, class instances) replaces what is below; `undefined` leaves the
 * lower value. The {@link FORBIDDEN_KEYS} of an overlay are skipped at every depth. Inputs are
 * never modified; branches of `base` no overlay touches are shared, not copied.
 * @example deepMerge({ a: { b: 1, c: [1] } }, { a: { c: [2] } }) // { a: { b: 1, c: [2] } }
 */
export function deepMerge(base: unknown, ...overlays: unknown[]): unknown {
  let out = base;
  for (const overlay of overlays) out = mergeTwo(out, overlay);
  return out;
}

function mergeTwo(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isPlainObject(overlay)) return overlay;
  // An object laid over a non-object is still walked, so its forbidden keys are dropped too.
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const key of Object.keys(overlay)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    // Own keys only: `toString` in an overlay must not pick up Object.prototype.toString.
    const merged = mergeTwo(Object.hasOwn(out, key) ? out[key] : undefined, overlay[key]);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}
