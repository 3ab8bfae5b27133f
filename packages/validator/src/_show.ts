import { formatPointer, pointerToPath, redactString } from '@agentforge/schema/kernel';

/** A value as a message may show it: secrets redacted, long text cut, objects summarised. */
export function showValue(value: unknown, key?: string): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') {
    const safe = redactString(value, key);
    return JSON.stringify(safe.length > 80 ? `${safe.slice(0, 77)}...` : safe);
  }
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? `a list of ${value.length}` : 'an object';
}

/** `services.swarm.replicas` for segments, as messages name a place. */
export function showPath(segments: readonly (string | number)[]): string {
  return segments.length === 0 ? 'the document' : pointerToPath(formatPointer(segments));
}
