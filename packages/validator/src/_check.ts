import { AgentforgeError, checkSchema, type LoadedDocument } from '@agentforge/schema';
import type { z } from 'zod';

/**
 * Parses a policy, suppressions or baseline file with its own schema; the first problem is
 * thrown as a `POLICY_INVALID` error at its file, line and column, all of them in `details`.
 */
export function checkDocument<S extends z.ZodType>(
  schema: S,
  loaded: LoadedDocument,
  what: string,
): z.output<S> {
  const checked = checkSchema(schema, loaded.data ?? {}, { locator: loaded.locator });
  if (checked.success) return checked.data;
  const [first] = checked.findings;
  const more = checked.findings.length > 1 ? ` (and ${checked.findings.length - 1} more problem(s))` : '';
  throw new AgentforgeError('POLICY_INVALID', `invalid ${what}: ${first!.message}${more}`, {
    location: first!.location ?? loaded.locator.nearest(''),
    details: checked.findings,
  });
}
