import type { Finding, Severity, SourceLocation } from '@agentforge/schema/kernel';
import type { RuleDescriptor } from './types.js';

/** The rules the engine itself reports under (a rule that threw, an unknown tier, …). */
export const ENGINE_RULES: Record<string, Omit<RuleDescriptor, 'id'>> = {
  'engine/rule-error': {
    description: 'A rule failed while checking the document; its result is unknown.',
    recommendation:
      'Report the error to the rule author; meanwhile treat the document as unchecked by that rule.',
    defaultSeverity: 'high',
  },
  'engine/schema-error': {
    description: 'The schema failed while checking the document.',
    recommendation: 'Report the error to the schema author.',
    defaultSeverity: 'high',
  },
  'engine/unknown-tier': {
    description: 'The environment tier is missing or unknown, so the strictest tier was applied.',
    recommendation: 'Set a known tier.',
    defaultSeverity: 'critical',
  },
  'suppression/expired': {
    description: 'A suppression has passed its expiry date and no longer suppresses anything.',
    recommendation: 'Fix the finding it covered, or renew the suppression with a new reason and date.',
    defaultSeverity: 'medium',
  },
};

/** `{ location }` when there is one, else nothing (findings never carry `location: undefined`). */
export function withLocation(location: SourceLocation | undefined): { location?: SourceLocation } {
  return location ? { location } : {};
}

/** A finding of one of the {@link ENGINE_RULES}, at the document root. */
export function engineFinding(
  ruleId: string,
  message: string,
  location: SourceLocation | undefined,
): Finding {
  const meta = ENGINE_RULES[ruleId]!;
  return {
    ruleId,
    severity: meta.defaultSeverity,
    path: '',
    message,
    recommendation: meta.recommendation,
    ...withLocation(location),
  };
}

/** The descriptor of a rule id no policy defines: an engine rule or a schema issue code. */
export function syntheticDescriptor(id: string, schemaSeverity: Severity): RuleDescriptor {
  const engine = ENGINE_RULES[id];
  if (engine) return { id, ...engine };
  return {
    id,
    description: `The document must match the schema (${id.slice(id.indexOf('/') + 1)}).`,
    recommendation: 'Correct the value to match the schema.',
    defaultSeverity: schemaSeverity,
  };
}
