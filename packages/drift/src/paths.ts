import { compileGlob, driftGlobSegments, formatPointer } from '@agentforge/schema';

/** A list item addressed by the value of its key field, e.g. `[name=swarm]`. */
export interface KeyedSegment {
  readonly field: string;
  readonly value: string;
}

/** One step of a drift path: an object key, a list index, or a list item by key. */
export type Segment = string | number | KeyedSegment;

const SPECIAL = /[~/[\]]/;
const escapeText = (text: string) =>
  !SPECIAL.test(text)
    ? text
    : text.replace(/~/g, '~0').replace(/\//g, '~1').replace(/\]/g, '~2').replace(/\[/g, '~3');
const unescapeText = (text: string) =>
  text.replace(/~3/g, '[').replace(/~2/g, ']').replace(/~1/g, '/').replace(/~0/g, '~');

/** How a segment reads inside a glob: keys as they are, indexes as digits, keyed items as `[name=swarm]`. */
export function segmentText(segment: Segment): string {
  if (typeof segment === 'object') return `[${segment.field}=${segment.value}]`;
  return String(segment);
}

/**
 * The user-facing path of a change: a JSON pointer whose keyed list items follow their list,
 * e.g. `/spec/template/spec/containers[name=swarm]/image` or `/services/swarm/env/LOG_LEVEL`.
 */
export function formatDriftPath(segments: readonly Segment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'object') out += `[${escapeText(segment.field)}=${escapeText(segment.value)}]`;
    else out += `/${escapeText(String(segment))}`;
  }
  return out;
}

/** Parses a path written by {@link formatDriftPath}; list indexes come back as strings. */
export function parseDriftPath(path: string): Segment[] {
  const segments: Segment[] = [];
  const pattern = /\/([^/[]*)|\[([^=\]]*)=([^\]]*)\]/gy;
  for (let match = pattern.exec(path); match; match = pattern.exec(path)) {
    if (match[1] !== undefined) segments.push(unescapeText(match[1]));
    else segments.push({ field: unescapeText(match[2]!), value: unescapeText(match[3]!) });
    if (pattern.lastIndex === path.length) return segments;
  }
  if (path !== '') throw new TypeError(`not a drift path: ${path}`);
  return segments;
}

/** A compiled path glob over segment texts (see {@link segmentText}). */
export type SegmentMatcher = (segments: readonly string[]) => boolean;

/**
 * Compiles a path glob (`services.*.replicas`, `security.**`, `/spec/**\/containers/*\/image`,
 * `containers[name=swarm].image`); `*` matches one key, index or keyed list item.
 */
export function compilePathGlob(glob: string): SegmentMatcher {
  let matcher = compiled.get(glob);
  if (matcher === undefined) {
    matcher = compileUncached(glob);
    if (compiled.size < 1000) compiled.set(glob, matcher);
  }
  return matcher;
}

// Policies compile the same few dozen globs on every comparison.
const compiled = new Map<string, SegmentMatcher>();

function compileUncached(glob: string): SegmentMatcher {
  const parts = driftGlobSegments(glob);
  const deep = parts.filter((p) => p === '**').length;
  const plain = (part: string) => part === '*' || !part.includes('*');
  // Fast paths for the common shapes (`a.*.b`, `**.a.*`, `a.**`); the general matcher backtracks.
  if (
    parts.every((p) => p === '**' || plain(p)) &&
    (deep === 0 || (deep === 1 && (parts[0] === '**' || parts[parts.length - 1] === '**')))
  ) {
    const fixed = parts.filter((p) => p !== '**');
    const n = fixed.length;
    const from = (s: readonly string[], offset: number) => {
      for (let i = 0; i < n; i++) if (fixed[i] !== '*' && fixed[i] !== s[offset + i]) return false;
      return true;
    };
    if (deep === 0) return (s) => s.length === n && from(s, 0);
    if (parts[0] === '**') return (s) => s.length >= n && from(s, s.length - n);
    return (s) => s.length >= n && from(s, 0);
  }
  return compileGlob(formatPointer(parts));
}

/** A matcher that is true when any of `globs` matches. */
export function compileGlobs(globs: readonly string[] | undefined): SegmentMatcher {
  const matchers = (globs ?? []).map(compilePathGlob);
  if (matchers.length === 0) return () => false;
  if (matchers.length === 1) return matchers[0]!;
  return (segments) => {
    for (const matcher of matchers) if (matcher(segments)) return true;
    return false;
  };
}
