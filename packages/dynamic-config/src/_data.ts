import { createHash } from 'node:crypto';
import { type Change, canonicalJson, formatPointer, isPlainObject } from '@agentforge/schema';

/** Freezes `value` and everything reachable from it, so a snapshot can be shared with every reader. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** A short SHA-256 of bytes or text. */
export function hashBytes(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** The content hash of a configuration: equal for equal values, whatever the key order. */
export function hashConfig(value: unknown): string {
  return hashBytes(canonicalJson(value));
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
