import { createHash } from 'node:crypto';
import { type Change, formatPointer } from '@agentforge/schema';

/** A plain object: not an array, not null, not a class instance such as a Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Keys that would reach Object.prototype through a plain assignment; the loader already
// refuses them in files, this keeps programmatic overrides equally safe.
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Layers `overlays` onto `base`: plain objects merge key by key, anything else (lists,
 * scalars, `null`) replaces what is below. `undefined` leaves the lower value. Inputs are
 * never modified.
 */
export function deepMerge(base: unknown, ...overlays: unknown[]): unknown {
  let out = base;
  for (const overlay of overlays) out = mergeTwo(out, overlay);
  return out;
}

function mergeTwo(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (!isPlainObject(overlay) || !isPlainObject(base)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (FORBIDDEN.has(key)) continue;
    out[key] = mergeTwo(base[key], value);
  }
  return out;
}

/** Freezes `value` and everything reachable from it, so a snapshot can be shared with every reader. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** JSON with object keys sorted, so equal configurations give equal text whatever the key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

/** A short SHA-256 of bytes or text. */
export function hashBytes(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** The content hash of a configuration: equal for equal values, whatever the key order. */
export function hashConfig(value: unknown): string {
  return hashBytes(canonicalJson(value) ?? 'undefined');
}

/**
 * The leaf-level differences between two configurations: objects and lists are walked, so
 * every change names the exact setting (`/services/swarm/replicas`), also when a whole
 * section appears or disappears (it is reported as its added or removed leaves). Values are
 * returned as they are; callers redact.
 */
export function diffLeaves(before: unknown, after: unknown): Change[] {
  const out: Change[] = [];
  walk(before, after, [], out);
  return out;
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return Array.isArray(value) || isPlainObject(value);
}

function walk(before: unknown, after: unknown, path: string[], out: Change[]): void {
  if (Object.is(before, after)) return;
  const bothLists = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isPlainObject(before) && isPlainObject(after);
  if (bothLists || bothObjects) {
    const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
    if (keys.size === 0) return;
    for (const key of keys) {
      walk(
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        [...path, key],
        out,
      );
    }
    return;
  }
  if (isContainer(before) && Object.keys(before).length > 0) {
    // A section removed or replaced by a scalar: report each removed leaf, then the new value.
    walk(before, Array.isArray(before) ? [] : {}, path, out);
    if (after !== undefined) out.push({ path: formatPointer(path), kind: 'added', after });
    return;
  }
  if (isContainer(after) && Object.keys(after).length > 0) {
    if (before !== undefined) out.push({ path: formatPointer(path), kind: 'removed', before });
    walk(Array.isArray(after) ? [] : {}, after, path, out);
    return;
  }
  const pointer = formatPointer(path);
  if (before === undefined) out.push({ path: pointer, kind: 'added', after });
  else if (after === undefined) out.push({ path: pointer, kind: 'removed', before });
  else out.push({ path: pointer, kind: 'modified', before, after });
}
