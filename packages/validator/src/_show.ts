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
  if (segments.length === 0) return 'the document';
  // Segments with nothing to escape (no `~`, `/`, `.` or `\`) are joined as they are, which
  // is what the pointer round trip gives them; most findings' messages name such a path.
  return segments.every(plain) ? segments.join('.') : pointerToPath(formatPointer(segments));
}

function plain(segment: string | number): boolean {
  const text = String(segment);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // ~ / . \
    if (c === 126 || c === 47 || c === 46 || c === 92) return false;
  }
  return true;
}
