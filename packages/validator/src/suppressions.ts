import {
  compileGlob,
  compileNameGlob,
  type Finding,
  type LoadedDocument,
  loadFile,
  parseWithSchema,
  toSegments,
} from '@agentforge/schema';
import { z } from 'zod';
import type { ResolvedEnvironment, Suppression } from './types.js';

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

/** Suppressions ready to match findings at one point in time. */
export interface CompiledSuppressions {
  /** The live suppression that accepts `finding` in `environment`, if any. */
  match(finding: Finding, environment: ResolvedEnvironment): Suppression | undefined;
  /** Suppressions for `environment` that have expired. */
  expired(environment: ResolvedEnvironment): Suppression[];
}

const NONE: CompiledSuppressions = { match: () => undefined, expired: () => [] };

/** Compiles suppressions; one is expired once `now` (UTC) is past its `expires` day. */
export function compileSuppressions(
  list: readonly Suppression[],
  now: Date | (() => Date),
): CompiledSuppressions {
  if (list.length === 0) return NONE;
  if (typeof now === 'function') now = now();
  const today = now.toISOString().slice(0, 10);
  const compiled = list.map((s) => ({
    suppression: s,
    rule: compileNameGlob(s.rule),
    path: s.path === undefined ? undefined : compileGlob(s.path),
    expired: s.expires !== undefined && s.expires < today,
  }));
  const applies = (s: Suppression, environment: ResolvedEnvironment) =>
    s.environment === undefined || s.environment === environment.name || s.environment === environment.tier;
  return {
    match(finding, environment) {
      for (const c of compiled) {
        if (c.expired || !c.rule(finding.ruleId) || !applies(c.suppression, environment)) continue;
        if (c.suppression.file !== undefined && c.suppression.file !== finding.location?.file) continue;
        if (
          c.suppression.document !== undefined &&
          c.suppression.document !== (finding.location?.document ?? 0)
        )
          continue;
        if (c.path && !c.path(toSegments(finding.path))) continue;
        return c.suppression;
      }
      return undefined;
    },
    expired: (environment) =>
      compiled.filter((c) => c.expired && applies(c.suppression, environment)).map((c) => c.suppression),
  };
}
