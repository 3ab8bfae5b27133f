// Matching suppressions, apart from reading them (suppressions.ts, on zod): the engine needs
// only this, and the manifests path (`@agentforge/validator/manifests`) never loads zod.
import { compileGlob, compileNameGlob, type Finding, toSegments } from '@agentforge/schema/kernel';
import type { ResolvedEnvironment, Suppression } from './types.js';

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
