/** Segments of a JSON pointer (`/a/b~1c` → `['a', 'b/c']`); `''` is the root. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  const body = pointer.charCodeAt(0) === 47 /* / */ ? pointer.slice(1) : pointer;
  const segments = body.split('/');
  // Locating every finding parses pointers: most have no escape, so skip the two regex passes.
  if (!body.includes('~')) return segments;
  return segments.map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A JSON pointer from segments (`['a', 'b/c']` → `/a/b~1c`). */
export function formatPointer(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    const text = String(segment);
    // Escaping only what needs it: the regex passes were a hot spot of located findings.
    out +=
      text.includes('~') || text.includes('/')
        ? `/${text.replace(/~/g, '~0').replace(/\//g, '~1')}`
        : `/${text}`;
  }
  return out;
}

/** A dotted path from a JSON pointer (`/services/swarm/replicas` → `services.swarm.replicas`). */
export function pointerToPath(pointer: string): string {
  // A pointer with nothing to unescape or escape (no `~`, `.` or `\\`) maps segment for segment.
  if (pointer.charCodeAt(0) === 47 && !/[~.\\]/.test(pointer)) return pointer.slice(1).replaceAll('/', '.');
  return parsePointer(pointer)
    .map((s) => s.replace(/\\/g, '\\\\').replace(/\./g, '\\.'))
    .join('.');
}

/** Segments of a dotted path; `\.` escapes a dot inside a key. */
export function parsePath(path: string): string[] {
  if (path === '') return [];
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i]!;
    if (char === '\\' && i + 1 < path.length) current += path[++i];
    else if (char === '.') {
      segments.push(current);
      current = '';
    } else current += char;
  }
  segments.push(current);
  return segments;
}

/** A JSON pointer from a dotted path (`services.swarm.replicas` → `/services/swarm/replicas`). */
export function pathToPointer(path: string): string {
  return formatPointer(parsePath(path));
}

/** Segments of a path written either as a JSON pointer (leading `/`) or dotted. */
export function toSegments(pathOrPointer: string): string[] {
  return pathOrPointer.startsWith('/') ? parsePointer(pathOrPointer) : parsePath(pathOrPointer);
}

/** Tests segments against a compiled glob. */
export type PathMatcher = (segments: readonly string[]) => boolean;

/**
 * Compiles a path glob, dotted (`services.*.replicas`, `security.**`) or as a pointer
 * (`/services/*\/replicas`): `*` matches one segment, `**` any number (also none), and `*`
 * inside a segment matches within it (`*Password`).
 */
export function compileGlob(glob: string): PathMatcher {
  const parts = toSegments(glob).map((part) => {
    if (part === '**' || part === '*') return part;
    if (!part.includes('*')) return part;
    const source = part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
    return new RegExp(`^${source.join('.*')}$`);
  });
  const match = (p: number, s: number, segments: readonly string[]): boolean => {
    if (p === parts.length) return s === segments.length;
    const part = parts[p]!;
    if (part === '**') {
      for (let k = s; k <= segments.length; k++) if (match(p + 1, k, segments)) return true;
      return false;
    }
    if (s === segments.length) return false;
    const segment = segments[s]!;
    const ok = part === '*' || (typeof part === 'string' ? part === segment : part.test(segment));
    return ok && match(p + 1, s + 1, segments);
  };
  return (segments) => match(0, 0, segments);
}

/** True when `pathOrPointer` matches `glob` (see {@link compileGlob}). */
export function matchPath(glob: string, pathOrPointer: string): boolean {
  return compileGlob(glob)(toSegments(pathOrPointer));
}

/** The value at a JSON pointer, or `undefined` when any segment is missing. */
export function getAtPointer(root: unknown, pointer: string | readonly string[]): unknown {
  let current = root;
  for (const segment of typeof pointer === 'string' ? parsePointer(pointer) : pointer) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Every place in `root` that matches `glob`, with its pointer and value; `*` and `**` range
 * over existing keys and array indexes only.
 */
export function findMatches(root: unknown, glob: string): Array<{ pointer: string; value: unknown }> {
  const matcher = compileGlob(glob);
  const literal = toSegments(glob);
  const out: Array<{ pointer: string; value: unknown }> = [];
  if (!literal.some((s) => s.includes('*'))) {
    const value = getAtPointer(root, literal);
    if (value !== undefined) out.push({ pointer: formatPointer(literal), value });
    return out;
  }
  const walk = (value: unknown, segments: string[]) => {
    if (matcher(segments)) out.push({ pointer: formatPointer(segments), value });
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) walk((value as Record<string, unknown>)[key], [...segments, key]);
  };
  walk(root, []);
  return out;
}
