import type { Finding, Locator, Logger, Severity } from '@agentforge/schema/kernel';

/** A severity, or `off` to switch a rule off. */
export type SeverityLevel = Severity | 'off';

/**
 * A rule's severity: one level for every environment, or a map keyed by environment name,
 * tier or `default` (the environment name wins over its tier, the tier over `default`; a
 * rule is off where the map gives nothing).
 * @example { production: 'high', staging: 'medium', default: 'off' }
 */
export type SeveritySpec = SeverityLevel | Readonly<Record<string, SeverityLevel>>;

/** What a rule reports: where (a JSON pointer or path segments) and what is wrong. */
export interface Violation {
  /** JSON pointer (`/services/swarm/replicas`) or segments of the offending value. */
  path: string | readonly (string | number)[];
  message: string;
  /** Replaces the rule's recommendation for this one violation. */
  recommendation?: string;
  /** Replaces the resolved severity for this one violation (before overrides by rule id). */
  severity?: Severity;
  /** For set-scoped rules: which document of the set (index into `documents`) the violation is in. @default 0 */
  document?: number;
}

/** The environment a document is validated for. */
export interface ResolvedEnvironment {
  /** Environment name, e.g. `prod-eu`. */
  name: string;
  /** Its tier, e.g. `production`; rules are chosen by name and tier. */
  tier: string;
}

/** What a document-scoped rule's `check` receives. */
export interface RuleContext<TData = unknown> {
  /**
   * The document as the rules see it: the schema's output (defaults applied) when the document
   * passed the schema, else the document as written. Rules must not assume its shape.
   */
  data: TData;
  /** The document exactly as written. */
  raw: unknown;
  /** Whether the document passed the schema (so `data` has the schema's shape). */
  schemaValid: boolean;
  /** Maps pointers back to file, line and column (absent for in-memory input). */
  locator: Locator | undefined;
  /** File the document was read from, when known. */
  file: string | undefined;
  /** Index of the document in the input set of `validateDocuments` (undefined for `validate`). */
  document: number | undefined;
  environment: ResolvedEnvironment;
  /** Reports a violation (alternative to returning an array from `check`). */
  report(violation: Violation): void;
}

/** What a set-scoped rule's `check` receives: every document of the input at once. */
export interface SetRuleContext {
  documents: ReadonlyArray<Omit<RuleContext, 'report' | 'environment'>>;
  environment: ResolvedEnvironment;
  report(violation: Violation): void;
}

interface RuleBase {
  /** Stable id, `<namespace>/<name>`, used by overrides, suppressions and baselines. */
  id: string;
  /** Severity, or severities per environment/tier (see {@link SeveritySpec}). */
  severity: SeveritySpec;
  /** One sentence: what the rule checks and why. */
  description: string;
  /** What to do about a violation. */
  recommendation: string;
  /** Environment names or tiers the rule applies to. @default every environment */
  environments?: readonly string[];
  /** Link to the rule's documentation. */
  helpUri?: string;
  /** Free-form tags (`security`, `reliability`…), shown in SARIF. */
  tags?: readonly string[];
}

/** A rule checked on each document separately (the default). */
export interface DocumentRule<TData = unknown> extends RuleBase {
  scope?: 'document';
  // `void` so that a check that only calls `context.report` needs no return statement.
  // biome-ignore lint/suspicious/noConfusingVoidType: see above.
  check(context: RuleContext<TData>): Iterable<Violation> | undefined | void;
}

/** A rule checked once on all documents of a multi-document input (cross-document wiring). */
export interface SetRule extends RuleBase {
  scope: 'set';
  // biome-ignore lint/suspicious/noConfusingVoidType: as for DocumentRule.
  check(context: SetRuleContext): Iterable<Violation> | undefined | void;
}

/** A validation rule. */
export type Rule<TData = unknown> = DocumentRule<TData> | SetRule;

/** A rule's metadata, as reporters show it. */
export interface RuleDescriptor {
  id: string;
  description: string;
  recommendation: string;
  /** The severity before per-environment resolution (the most severe one the rule can have). */
  defaultSeverity: Severity;
  helpUri?: string;
  tags?: readonly string[];
}

/** A suppression: findings of a rule at a path in an environment are accepted, for a reason. */
export interface Suppression {
  /** Rule id; `*` matches within it (`agentforge/*`). */
  rule: string;
  /** Path glob (`services.memory.**`); matches every path when absent. */
  path?: string;
  /** Environment name or tier; every environment when absent. */
  environment?: string;
  /** File the finding is in (as its location names it); every file when absent. */
  file?: string;
  /** Index of the document in its file (`location.document`); every document when absent. */
  document?: number;
  /** Why the finding is accepted. Required. */
  reason: string;
  /** Last day (inclusive, UTC) the suppression holds, `YYYY-MM-DD`. */
  expires?: string;
  /** Where the suppression was written, to report it when it has expired. */
  location?: Finding['location'];
}

/** A finding that a suppression accepted. */
export interface SuppressedFinding extends Finding {
  suppression: { reason: string; expires?: string };
}

/** The result of validating one document (or one multi-document input) for one environment. */
export interface Report {
  environment: string;
  tier: string;
  /** File the input was read from, when known. */
  file: string | undefined;
  /** Findings that count, sorted by severity, then file, line, column and rule id. */
  findings: Finding[];
  /** Findings accepted by a suppression, in the same order. */
  suppressed: SuppressedFinding[];
  /** Findings already recorded in the baseline, in the same order. */
  baselined: Finding[];
  /** Counts of `findings` per severity. */
  counts: Record<Severity, number>;
  /** The threshold `passed` was computed for. */
  failOn: Severity;
  /** True when no finding is at or above `failOn`. */
  passed: boolean;
  /** Descriptors of every rule that produced a finding (including suppressed and baselined). */
  rules: RuleDescriptor[];
  /** Source text of a line of `file`, for reporters that show it (absent for in-memory input). */
  lineText?: (file: string, line: number) => string | undefined;
}

/** Severity overrides: rule id (or a glob with `*`, such as `schema/*`) → level. */
export type SeverityOverrides = Readonly<Record<string, SeverityLevel>>;

/** A set of rules with severity overrides, as a policy file or a preset defines it. */
export interface Policy {
  /** Where the policy came from (a file or a preset name), for messages. */
  name?: string;
  rules: readonly Rule[];
  /** Overrides in every environment. */
  severity?: SeverityOverrides;
  /** Overrides per environment name or tier (the name wins over the tier). */
  environments?: Readonly<Record<string, SeverityOverrides>>;
  /** Overrides for the findings on Kubernetes objects of some namespaces or kinds (manifests only). */
  scopes?: readonly PolicyScope[];
}

/**
 * Severity overrides for the findings on the Kubernetes objects a scope selects: those in one of
 * its `namespaces` and of one of its `kinds` (a missing list selects every value). They apply to
 * the rules active in the environment, after the rule's own severity and before an override of
 * the rule by id in `severity`/`environments`; `off` drops the finding.
 * @example { namespaces: ['kube-system'], kinds: ['DaemonSet'], severity: { 'k8s/host-network': 'off' } }
 */
export interface PolicyScope {
  namespaces?: readonly string[];
  kinds?: readonly string[];
  severity?: SeverityOverrides;
  environments?: Readonly<Record<string, SeverityOverrides>>;
}

/** Findings recorded earlier; a later run counts only findings that are not in it. */
export interface Baseline {
  formatVersion: 1;
  /** When the baseline was written (ISO 8601). */
  created?: string;
  entries: BaselineEntry[];
}

/** One accepted finding: identified by rule, environment, document and path, not by line (lines move). */
export interface BaselineEntry {
  ruleId: string;
  environment: string;
  path: string;
  document?: number;
}

export type { Logger };
