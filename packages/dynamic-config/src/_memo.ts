// Work shared between the managers of one process. A fleet's revision reaches every manager
// watching the key; with the NATS source's decoded documents deep-frozen and shared, the
// layers of those managers are the *same* objects, so the merged candidate, its validation
// and its diff against the previous snapshot are the same too. Remembering the last result
// per schema turns N validations of one revision into one (measured in bench/nats.bench.mjs:
// 20 managers in one process). Only frozen layers qualify: nothing can have changed them since.
import type { Change } from '@agentforge/schema';

/** A validated candidate: the merged input, the frozen parsed configuration and its hash. */
export interface Validated {
  raw: unknown;
  config: unknown;
  hash: string;
}

const validated = new WeakMap<object, { layers: readonly unknown[]; value: Validated }>();

const shareable = (layers: readonly unknown[]) =>
  layers.every((layer) => layer === undefined || Object.isFrozen(layer));

/** The same layers: the same objects, in the same order. */
export const sameLayers = (a: readonly unknown[], b: readonly unknown[]) =>
  a.length === b.length && a.every((layer, i) => layer === b[i]);

/** The validated candidate of exactly these (frozen) layers under `schema`, when known. */
export function recallValidated(schema: object, layers: readonly unknown[]): Validated | undefined {
  const memo = validated.get(schema);
  return memo && sameLayers(memo.layers, layers) ? memo.value : undefined;
}

/** Remembers a successful validation of `layers`, when they are all frozen. */
export function rememberValidated(schema: object, layers: readonly unknown[], value: Validated): void {
  if (shareable(layers)) validated.set(schema, { layers, value });
}

let lastDiff: { before: unknown; after: unknown; changes: Change[] } | undefined;

/** `diff(before, after)`, reusing the last result when both snapshots are the same objects. */
export function diffOnce(
  before: unknown,
  after: unknown,
  diff: (a: unknown, b: unknown) => Change[],
): Change[] {
  if (lastDiff && lastDiff.before === before && lastDiff.after === after) return lastDiff.changes;
  const changes = diff(before, after);
  if (Object.isFrozen(before) && Object.isFrozen(after)) lastDiff = { before, after, changes };
  return changes;
}
