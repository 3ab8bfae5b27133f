// Severities and tiers as plain data, without zod: the zod-free kernel
// (`@agentforge/schema/kernel`) and the schemas (vocabulary.ts, environment.ts) share them.

/** Severities from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** How bad a finding or a change is: `critical` > `high` > `medium` > `low` > `info`. */
export type Severity = (typeof SEVERITIES)[number];

const rank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Orders severities, most severe first (usable as an `Array.prototype.sort` comparator). */
export function compareSeverity(a: Severity, b: Severity): number {
  return rank[b] - rank[a];
}

/** True when `severity` is at least as severe as `threshold`. */
export function isAtLeast(severity: Severity, threshold: Severity): boolean {
  return rank[severity] >= rank[threshold];
}

/** Moves a severity `steps` places (positive = more severe), clamped to the scale. */
export function shiftSeverity(severity: Severity, steps: number): Severity {
  const index = Math.min(SEVERITIES.length - 1, Math.max(0, SEVERITIES.indexOf(severity) - steps));
  return SEVERITIES[index]!;
}

/** The tiers an environment belongs to; rules and templates are chosen by tier. */
export const TIERS = ['development', 'staging', 'production'] as const;

/** One of {@link TIERS}. */
export type Tier = (typeof TIERS)[number];
