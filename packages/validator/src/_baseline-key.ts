// Apart from baseline.ts (its file schema is zod) so that the engine's triage loads no zod.
import type { BaselineEntry } from './types.js';

/** The identity of a baseline entry; lines and messages are left out, they change without the finding changing. */
export function baselineKey(entry: BaselineEntry): string {
  return `${entry.environment}\u0000${entry.ruleId}\u0000${entry.document ?? ''}\u0000${entry.path}`;
}
