import type { DocumentEdit } from './edit.js';
import { AgentforgeError } from './errors.js';
import { assertSafeKey } from './objects.js';
import { parsePath } from './paths.js';

function assertSafeKeysDeep(value: unknown, where: string, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 64) return;
  for (const [key, child] of Object.entries(value)) {
    assertSafeKey(key, where);
    assertSafeKeysDeep(child, where, depth + 1);
  }
}

/** One `path=value` assignment, as `--set` takes it. */
export interface Assignment {
  /** The dotted path's segments (`\.` escapes a dot inside a key, `\=` an equals sign). */
  path: string[];
  /** The value: JSON where it parses (`3`, `true`, `["a"]`, `null`), else the text itself. */
  value: unknown;
}

/** `path=value` split at its first unescaped `=`, the path checked (segments, forbidden keys). */
function splitAssignment(text: string): { pathText: string; path: string[]; raw: string } {
  let split = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '=') {
      split = i;
      break;
    }
  }
  const fail = (reason: string) =>
    new AgentforgeError(
      'INVALID_ARGUMENT',
      `"${text}" is not path=value: ${reason} (e.g. services.swarm.replicas=3)`,
    );
  if (split === -1) throw fail('no "="');
  const pathText = text.slice(0, split);
  const path = parsePath(pathText);
  if (path.length === 0 || path.some((segment) => segment === '')) throw fail('empty path segment');
  for (const segment of path) assertSafeKey(segment, `"${text}"`);
  return { pathText, path, raw: text.slice(split + 1) };
}

/**
 * Parses `path=value` (`services.swarm.replicas=3`, `labels.app\.kubernetes\.io/name=web`).
 * A missing `=`, an empty path or segment, or a key such as `__proto__` throws
 * `INVALID_ARGUMENT` naming the assignment.
 */
export function parseAssignment(text: string): Assignment {
  const { path, raw } = splitAssignment(text);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // Not JSON: the text itself, so `--set platform.domain=example.com` needs no quotes.
  }
  // A JSON value may carry forbidden keys too (a prototype key inside `services={…}`): refused, never
  // silently dropped by the merge.
  assertSafeKeysDeep(value, `"${text}"`);
  return { path, value };
}

/**
 * Nests `path=value` assignments into one object, later ones winning
 * (`['a.b=1', 'a.c=x']` → `{ a: { b: 1, c: 'x' } }`).
 */
export function assignmentsToObject(texts: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const text of texts) {
    const { path, value } = parseAssignment(text);
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1)!] = value;
  }
  return out;
}

/**
 * A `--set path=value` as an edit of a YAML document ({@link editYamlText}): the value is read
 * as YAML (a scalar or a flow node), as `config set` reads it. The path is checked as
 * {@link parseAssignment} checks it; forbidden keys in the value are refused by the edit.
 * @example assignmentToEdit('services.swarm.replicas=3') // { op: 'set', path: 'services.swarm.replicas', value: '3' }
 */
export function assignmentToEdit(text: string): DocumentEdit {
  const { pathText, raw } = splitAssignment(text);
  return { op: 'set', path: pathText, value: raw };
}
