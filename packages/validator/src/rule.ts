import { compareSeverity, SEVERITIES, type Severity } from '@agentforge/schema/kernel';
import type {
  DocumentRule,
  ResolvedEnvironment,
  Rule,
  RuleDescriptor,
  SetRule,
  SeverityLevel,
  SeveritySpec,
} from './types.js';

/**
 * Declares a rule in TypeScript; returns it unchanged, typed, after checking its metadata, so
 * a mistake in a rule is found when it is defined rather than when it runs.
 * @example
 * const noDebug = defineRule({
 *   id: 'acme/no-debug', severity: { production: 'high', default: 'off' },
 *   description: 'Debug mode leaks internals.', recommendation: 'Set debug: false.',
 *   check: ({ data, report }) => { if ((data as { debug?: boolean }).debug) report({ path: '/debug', message: 'debug is on' }); },
 * });
 */
export function defineRule<TData = unknown>(rule: DocumentRule<TData>): DocumentRule<TData>;
export function defineRule(rule: SetRule): SetRule;
export function defineRule(rule: Rule): Rule {
  if (!/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/.test(rule.id)) {
    throw new TypeError(`rule id "${rule.id}" must be "<namespace>/<name>" in kebab-case`);
  }
  for (const level of typeof rule.severity === 'string' ? [rule.severity] : Object.values(rule.severity)) {
    if (!isLevel(level))
      throw new TypeError(
        `rule ${rule.id}: unknown severity "${String(level)}" (${[...SEVERITIES, 'off'].join(', ')})`,
      );
  }
  if (!rule.description || !rule.recommendation)
    throw new TypeError(`rule ${rule.id}: description and recommendation are required`);
  if (typeof rule.check !== 'function') throw new TypeError(`rule ${rule.id}: check must be a function`);
  return rule;
}

/** True for a severity or `off`. */
export function isLevel(value: unknown): value is SeverityLevel {
  return value === 'off' || (SEVERITIES as readonly unknown[]).includes(value);
}

/** The level a severity spec gives in an environment: its name, then its tier, then `default`, else off. */
export function levelFor(spec: SeveritySpec, environment: ResolvedEnvironment): SeverityLevel {
  if (typeof spec === 'string') return spec;
  return spec[environment.name] ?? spec[environment.tier] ?? spec.default ?? 'off';
}

/** The most severe level a rule can have in any environment (what SARIF shows as its default). */
export function defaultSeverity(spec: SeveritySpec): Severity {
  const levels = (typeof spec === 'string' ? [spec] : Object.values(spec)).filter(
    (l): l is Severity => l !== 'off',
  );
  return levels.sort(compareSeverity)[0] ?? 'info';
}

/** A rule's metadata for reporters. */
export function describeRule(rule: Rule): RuleDescriptor {
  return {
    id: rule.id,
    description: rule.description,
    recommendation: rule.recommendation,
    defaultSeverity: defaultSeverity(rule.severity),
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    ...(rule.tags ? { tags: rule.tags } : {}),
  };
}
