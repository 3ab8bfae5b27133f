import { formatPointer, getAtPointer, type Locator, redact, toSegments } from '@agentforge/schema';
import type { Explanation, ValueOrigin } from './manager-types.js';
import type { SourceKind } from './source.js';

/** One source's contribution, as explain reads it. */
export interface ExplainedLayer {
  kind: SourceKind;
  name: string;
  data: unknown;
  origins: ReadonlyMap<string, string> | undefined;
  locator: Locator | undefined;
  /** The store revision of `data`, for versioned sources. */
  revision?: number | undefined;
}

/** Every layer of a manager, lowest precedence first within each group. */
export interface ExplainInput {
  /** The configuration in force (in a scope: the scope's view). */
  config: unknown;
  /** The overrides of the current async scope, if any. */
  scopeOverrides: unknown;
  /** The `override()` handles' overrides, in the order they were added. */
  overrides: readonly unknown[];
  /** The sources, lowest precedence first. */
  sources: readonly ExplainedLayer[];
}

/**
 * Which layer set the value at `path` (dotted or a JSON pointer): the winner first, with the
 * environment variable or file location, then every lower layer that also sets it. The value
 * is redacted.
 */
export function explainPath(path: string, input: ExplainInput): Explanation {
  const segments = toSegments(path);
  const pointer = formatPointer(segments);
  const value = getAtPointer(input.config, segments);
  const layers: ValueOrigin[] = [];
  if (input.scopeOverrides !== undefined && getAtPointer(input.scopeOverrides, segments) !== undefined)
    layers.push({ kind: 'scope', name: 'scoped override' });
  for (const overrides of [...input.overrides].reverse()) {
    if (getAtPointer(overrides, segments) !== undefined)
      layers.push({ kind: 'override', name: 'override()' });
  }
  for (const source of [...input.sources].reverse()) {
    if (getAtPointer(source.data, segments) === undefined) continue;
    const origin: ValueOrigin = { kind: source.kind, name: source.name };
    const variable = source.origins && originVariable(source.origins, segments);
    if (variable) origin.variable = variable;
    const location = source.locator?.locate(pointer);
    if (location) origin.location = location;
    if (source.revision !== undefined) origin.revision = source.revision;
    layers.push(origin);
  }
  if (layers.length === 0 && value !== undefined)
    layers.push({ kind: 'schema-default', name: 'schema default' });
  const key = segments.at(-1);
  return { path: pointer, value: redact(value, key), source: layers[0], layers };
}

/** The variable that set `segments` or the object containing them. */
function originVariable(
  origins: ReadonlyMap<string, string>,
  segments: readonly string[],
): string | undefined {
  for (let length = segments.length; length >= 1; length--) {
    const variable = origins.get(formatPointer(segments.slice(0, length)));
    if (variable) return variable;
  }
  return undefined;
}
