import { compileNameGlob, type Severity } from '@agentforge/schema/kernel';
import { levelFor } from './rule.js';
import type { ResolvedEnvironment, Rule, SeverityLevel, SeverityOverrides } from './types.js';

/** A rule that applies in an environment, with the severities it may report at. */
export interface ActiveRule {
  rule: Rule;
  /** Severity from the rule's own spec; a violation may replace it. */
  base: Severity;
  /** Severity from overrides by id, which wins over everything. */
  override: Severity | undefined;
}

/** The rules of one environment and the severity override of any rule id there. */
export interface ActiveRules {
  active: ActiveRule[];
  overrideFor: (id: string) => SeverityLevel | undefined;
}

/** Where severity overrides come from, lowest precedence first. */
export interface OverrideSources {
  /** Overrides in every environment (each policy's, then the validator's). */
  global: readonly (SeverityOverrides | undefined)[];
  /** Overrides for one environment name or tier (each policy's, then the validator's). */
  forEnvironment: (key: string) => readonly (SeverityOverrides | undefined)[];
}

/** Overrides as ordered tests; exact ids are applied after globs so they win. */
function compileOverrides(
  layers: readonly (SeverityOverrides | undefined)[],
): Array<{ test: (id: string) => boolean; level: SeverityLevel }> {
  const out: Array<{ test: (id: string) => boolean; level: SeverityLevel; exact: boolean }> = [];
  for (const layer of layers)
    for (const [pattern, level] of Object.entries(layer ?? {}))
      out.push({ test: compileNameGlob(pattern), level, exact: !pattern.includes('*') });
  return [...out.filter((o) => !o.exact), ...out.filter((o) => o.exact)];
}

/**
 * Resolves, once per environment, which rules apply and at which severity: a rule limited to
 * other environments is left out, overrides apply by tier then by name (so a name wins), and
 * a rule whose resolved level is `off` is dropped.
 */
export function activeRuleResolver(
  rules: readonly Rule[],
  sources: OverrideSources,
): (environment: ResolvedEnvironment) => ActiveRules {
  // By environment name, then tier: two lookups of strings that already carry their hash,
  // instead of hashing a joined key on every call.
  const cache = new Map<string, Map<string, ActiveRules>>();
  return (environment) => {
    let byTier = cache.get(environment.name);
    if (!byTier) {
      byTier = new Map();
      cache.set(environment.name, byTier);
    }
    let entry = byTier.get(environment.tier);
    if (entry) return entry;
    const overrides = compileOverrides([
      ...sources.global,
      ...sources.forEnvironment(environment.tier),
      ...sources.forEnvironment(environment.name),
    ]);
    const overrideFor = (id: string): SeverityLevel | undefined => {
      let level: SeverityLevel | undefined;
      for (const o of overrides) if (o.test(id)) level = o.level;
      return level;
    };
    const active: ActiveRule[] = [];
    for (const rule of rules) {
      if (
        rule.environments &&
        !rule.environments.includes(environment.name) &&
        !rule.environments.includes(environment.tier)
      )
        continue;
      const base = levelFor(rule.severity, environment);
      const override = overrideFor(rule.id);
      if ((override ?? base) === 'off') continue;
      active.push({
        rule,
        base: base === 'off' ? (override as Severity) : base,
        override: override as Severity | undefined,
      });
    }
    entry = { active, overrideFor };
    byTier.set(environment.tier, entry);
    return entry;
  };
}
