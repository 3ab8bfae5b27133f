import type { Finding } from '@agentforge/schema/kernel';
import { baselineKey } from './_baseline-key.js';
import type { CompiledSuppressions } from './_compile-suppressions.js';
import { ENGINE_RULES, withLocation } from './_engine-rules.js';
import { redactLine } from './redact-line.js';
import type { Baseline, ResolvedEnvironment, SeverityLevel, SuppressedFinding } from './types.js';

/** What {@link triage} decides for each finding. */
export interface Triaged {
  /** Findings that count towards the report's verdict. */
  counted: Finding[];
  /** Findings a live suppression covers, with its (redacted) reason. */
  suppressed: SuppressedFinding[];
  /** Findings the baseline already records. */
  baselined: Finding[];
}

/** The inputs of {@link triage}. */
export interface TriageOptions {
  suppressions: CompiledSuppressions;
  baseline: Baseline | undefined;
  environment: ResolvedEnvironment;
  overrideFor: (id: string) => SeverityLevel | undefined;
}

/**
 * Sorts findings into counted, suppressed and baselined: duplicates are dropped, expired
 * suppressions become findings of their own (never suppressible), a live suppression wins
 * over the baseline. Order within each list is the input order; callers sort.
 */
export function triage(findings: readonly Finding[], options: TriageOptions): Triaged {
  const { suppressions, baseline, environment, overrideFor } = options;
  const baselineKeys = baseline ? new Set(baseline.entries.map(baselineKey)) : undefined;
  const counted: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const baselined: Finding[] = [];
  // A duplicate has the same rule, document, path and message. The message is compared, not
  // hashed into the key: hashing the joined text (a message is a long concatenation to
  // flatten first) was the larger part of triaging a document with 33 findings.
  const seen = new Map<string, string | string[]>();
  for (const finding of [...findings, ...expiredFindings(suppressions, environment, overrideFor)]) {
    const key = `${finding.ruleId}\u0000${finding.location?.document ?? ''}\u0000${finding.path}`;
    const prior = seen.get(key);
    const { message } = finding;
    if (prior === undefined) seen.set(key, message);
    else if (prior === message || (Array.isArray(prior) && prior.includes(message))) continue;
    else seen.set(key, Array.isArray(prior) ? [...prior, message] : [prior, message]);
    const by =
      finding.ruleId === 'suppression/expired' ? undefined : suppressions.match(finding, environment);
    if (by)
      suppressed.push({
        ...finding,
        suppression: { reason: redactLine(by.reason), ...(by.expires ? { expires: by.expires } : {}) },
      });
    else if (
      baselineKeys?.has(
        baselineKey({
          ruleId: finding.ruleId,
          environment: environment.name,
          path: finding.path,
          ...docOf(finding),
        }),
      )
    )
      baselined.push(finding);
    else counted.push(finding);
  }
  return { counted, suppressed, baselined };
}

function docOf(finding: Finding): { document?: number } {
  return finding.location?.document === undefined ? {} : { document: finding.location.document };
}

function expiredFindings(
  suppressions: CompiledSuppressions,
  environment: ResolvedEnvironment,
  overrideFor: (id: string) => SeverityLevel | undefined,
): Finding[] {
  const level = overrideFor('suppression/expired') ?? 'medium';
  if (level === 'off') return [];
  return suppressions.expired(environment).map((s) => ({
    ruleId: 'suppression/expired',
    severity: level,
    path: '',
    message: `the suppression of ${s.rule}${s.path ? ` at ${s.path}` : ''} expired on ${s.expires} and no longer applies (reason was: ${redactLine(s.reason)})`,
    recommendation: ENGINE_RULES['suppression/expired']!.recommendation,
    ...withLocation(s.location),
  }));
}
