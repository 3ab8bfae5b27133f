import { type LoadedDocument, loadFile, parseWithSchema } from '@agentforge/schema';
import * as z from 'zod';
import type { Suppression } from './types.js';

export { type CompiledSuppressions, compileSuppressions } from './_compile-suppressions.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// YAML reads an unquoted 2026-03-31 as a Date; both spellings mean the same day.
const day = z.union([
  z.date().transform((d) => d.toISOString().slice(0, 10)),
  z
    .string()
    .regex(DATE, 'must be a date YYYY-MM-DD')
    .refine((s) => !Number.isNaN(Date.parse(s)), { message: 'must be a real date' }),
]);

/** The suppressions file: `suppressions:` a list of `{ rule, path?, environment?, reason, expires? }`. */
export const SuppressionsFileSchema = z.strictObject({
  suppressions: z
    .array(
      z.strictObject({
        rule: z.string().min(1).describe('Rule id; `*` matches within it.'),
        path: z.string().min(1).optional().describe('Path glob, e.g. services.memory.replicas.'),
        environment: z.string().min(1).optional().describe('Environment name or tier.'),
        reason: z
          .string()
          .trim()
          .min(1, 'a suppression needs a reason')
          .describe('Why the finding is accepted.'),
        expires: day.optional().describe('Last day the suppression holds (YYYY-MM-DD, UTC).'),
      }),
    )
    .default([]),
});

/**
 * Reads suppressions from a loaded YAML/JSON document, each with the location it was written
 * at (so an expired one is reported there). A malformed file throws a located `POLICY_INVALID`.
 */
export function parseSuppressions(loaded: LoadedDocument): Suppression[] {
  const file = parseWithSchema(SuppressionsFileSchema, loaded.data ?? {}, {
    locator: loaded.locator,
    what: 'suppressions file',
    code: 'POLICY_INVALID',
  });
  return file.suppressions.map((s, index) => ({
    rule: s.rule,
    reason: s.reason,
    ...(s.path ? { path: s.path } : {}),
    ...(s.environment ? { environment: s.environment } : {}),
    ...(s.expires ? { expires: s.expires } : {}),
    location: loaded.locator.nearest(`/suppressions/${index}`),
  }));
}

/** Reads a suppressions file (see {@link parseSuppressions}). */
export async function loadSuppressions(path: string): Promise<Suppression[]> {
  return parseSuppressions(await loadFile(path));
}
