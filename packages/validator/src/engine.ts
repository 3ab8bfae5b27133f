import {
  AgentforgeError,
  checkSchema,
  compareSeverity,
  type Finding,
  formatPointer,
  isAtLeast,
  isPlainObject,
  type Locator,
  pathToPointer,
  redactString,
  SEVERITIES,
  type Severity,
  type SourceLocation,
  TIERS,
} from '@agentforge/schema/kernel';
import type * as z from 'zod';
import { type ActiveRule, activeRuleResolver } from './_active-rules.js';
import { compileSuppressions } from './_compile-suppressions.js';
import { ENGINE_RULES, engineFinding, syntheticDescriptor, withLocation } from './_engine-rules.js';
import { triage } from './_triage.js';
import { redactLine } from './redact-line.js';
import { describeRule } from './rule.js';
import type {
  Baseline,
  DocumentRule,
  Logger,
  Policy,
  Report,
  ResolvedEnvironment,
  Rule,
  RuleContext,
  RuleDescriptor,
  SeverityOverrides,
  Suppression,
  Violation,
} from './types.js';

/** A document to validate: its data and, when read from text, its locator. */
export interface ValidationInput {
  data: unknown;
  locator?: Locator | undefined;
  /** @default the locator's file */
  file?: string | undefined;
  /** Environment name, when the caller knows it better than the document does. */
  environment?: string | undefined;
  /** Tier, when the caller knows it better than the document does. */
  tier?: string | undefined;
  /** Index of the document in its file, when the locator does not say (it does for `loadDocuments`). */
  document?: number | undefined;
}

/** Options of one validation; each replaces the validator's option of the same name. */
export interface ValidateOptions {
  environment?: string;
  tier?: string;
  /** @default 'high' */
  failOn?: Severity;
  suppressions?: readonly Suppression[];
  baseline?: Baseline | undefined;
}

/** Options of {@link createValidator}. */
export interface ValidatorOptions<S extends z.ZodType = z.ZodType> {
  /** The schema documents must match (findings `schema/<code>`), or a function choosing one per document. */
  schema?: S | ((data: unknown) => z.ZodType | undefined);
  /** Policies (presets, loaded policy files) in order; a later rule with the same id replaces an earlier one. */
  policies?: readonly Policy[];
  /** Extra rules, applied after the policies. */
  rules?: readonly Rule[];
  /** Severity by rule id (or glob) in every environment, applied after the policies'. */
  severity?: SeverityOverrides;
  /** Severity by rule id per environment name or tier, applied after the policies'. */
  environments?: Readonly<Record<string, SeverityOverrides>>;
  /** Environment name, when not given per call or found in the document. */
  environment?: string;
  /** Tier, when not given per call or found in the document. */
  tier?: string;
  /** Known tiers, least strict first; an unknown tier is a finding and the strictest applies. @default TIERS */
  tiers?: readonly string[];
  /** Reads the environment name and tier a document declares. @default its top-level `name` and `tier` */
  resolveEnvironment?: (data: unknown) => {
    name?: string | undefined;
    tier?: string | undefined;
    tierPath?: string;
  };
  /** Severity of schema findings (before overrides). @default 'high' */
  schemaSeverity?: Severity;
  suppressions?: readonly Suppression[];
  baseline?: Baseline | undefined;
  /** @default 'high' */
  failOn?: Severity;
  /** The current time, for suppression expiry. @default () => new Date() */
  now?: () => Date;
  logger?: Logger;
}

/** A configured validator; create one and reuse it, rules and globs are compiled once. */
export interface Validator {
  /** Validates one document. Never throws because of the document's content. */
  validate(input: ValidationInput, options?: ValidateOptions): Report;
  /**
   * Validates the documents of a multi-document input as one set for one environment:
   * document rules run on each (findings carry `location.document`), set rules once on all.
   */
  validateDocuments(inputs: readonly ValidationInput[], options?: ValidateOptions): Report;
  /** Every rule, in order. */
  readonly rules: readonly RuleDescriptor[];
  /** The rules that apply in an environment, with their resolved severities. */
  activeRules(environment: ResolvedEnvironment): Array<{ rule: RuleDescriptor; severity: Severity }>;
}

const defaultResolve = (data: unknown) => {
  const record = isPlainObject(data) ? data : {};
  return {
    name: typeof record.name === 'string' ? record.name : undefined,
    tier: typeof record.tier === 'string' ? record.tier : undefined,
    tierPath: '/tier',
  };
};

function toPointer(path: Violation['path']): string {
  if (typeof path !== 'string') return formatPointer(path);
  return path === '' || path.startsWith('/') ? path : pathToPointer(path);
}

/**
 * Creates a validator over any zod schema and any rules. Validation never throws because of a
 * document: schema issues, rule violations, rules that throw and unknown tiers all become
 * findings, each located at the offending key when the input has a locator.
 * @example
 * const validator = createValidator({ schema: EnvironmentDocumentSchema, policies: [agentforgePolicy()] });
 * const report = validator.validate(loadDocument(text, { file: 'environments/production.yaml' }));
 * if (!report.passed) console.log(formatReport(report, 'human'));
 */
export function createValidator<S extends z.ZodType>(options: ValidatorOptions<S> = {}): Validator {
  const tiers = options.tiers ?? TIERS;
  const byId = new Map<string, Rule>();
  for (const policy of options.policies ?? []) for (const rule of policy.rules) byId.set(rule.id, rule);
  for (const rule of options.rules ?? []) byId.set(rule.id, rule);
  const rules = [...byId.values()];
  // Described on first use: a report names only the rules it used, and the CLI builds a
  // validator per run, so describing every rule up front was paid on every call.
  const descriptors = new Map<string, RuleDescriptor>();
  const describe = (id: string): RuleDescriptor | undefined => {
    let descriptor = descriptors.get(id);
    if (!descriptor) {
      const rule = byId.get(id);
      if (!rule) return undefined;
      descriptor = describeRule(rule);
      descriptors.set(id, descriptor);
    }
    return descriptor;
  };
  const policies = options.policies ?? [];
  const activeFor = activeRuleResolver(rules, {
    global: [...policies.map((p) => p.severity), options.severity],
    forEnvironment: (key) => [...policies.map((p) => p.environments?.[key]), options.environments?.[key]],
  });
  const resolveEnvironment = options.resolveEnvironment ?? defaultResolve;
  const schemaSeverity = options.schemaSeverity ?? 'high';
  const now = options.now ?? (() => new Date());
  const log = options.logger;
  checkTier(options.tier, tiers, 'createValidator({ tier })');

  function validateDocuments(inputs: readonly ValidationInput[], call: ValidateOptions = {}): Report {
    checkTier(call.tier, tiers, 'validate({ tier })');
    const first = inputs[0];
    const declared = safeResolve(resolveEnvironment, first?.data);
    const file = first?.file ?? first?.locator?.file;
    const tierGiven = call.tier ?? first?.tier ?? options.tier;
    let tier = tierGiven ?? declared.tier;
    const findings: Finding[] = [];
    const multi = inputs.length > 1;
    // `location.document` is the document's index in its file: from a multi-document locator,
    // else from the input; never the index in this set (inputs may come from several files).
    const locate = (input: ValidationInput | undefined, pointer: string): SourceLocation | undefined => {
      const where = input?.locator?.nearest(pointer);
      if (!where) return undefined;
      return input?.document !== undefined && where.document === undefined
        ? { ...where, document: input.document }
        : where;
    };
    if (tier === undefined || !tiers.includes(tier)) {
      const pointer = declared.tierPath ?? '';
      const strictest = tiers.at(-1)!;
      findings.push({
        ruleId: 'engine/unknown-tier',
        severity: 'critical',
        path: pointer,
        message: `${tier === undefined ? 'no tier is set' : `unknown tier ${JSON.stringify(redactString(tier))}`} (known: ${tiers.join(', ')}); the ${strictest} rules were applied`,
        recommendation: ENGINE_RULES['engine/unknown-tier']!.recommendation,
        ...withLocation(locate(first, pointer)),
      });
      tier = strictest;
    }
    const environment: ResolvedEnvironment = {
      name: call.environment ?? first?.environment ?? options.environment ?? declared.name ?? tier,
      tier,
    };
    const { active, overrideFor } = activeFor(environment);

    const contexts: RuleContext[] = inputs.map((input, index) => {
      const documentIndex = multi ? index : undefined;
      const schema =
        typeof options.schema === 'function'
          ? safeCall(() => (options.schema as (d: unknown) => z.ZodType | undefined)(input.data))
          : options.schema;
      let data: unknown = input.data;
      let schemaValid = true;
      if (schema) {
        try {
          const checked = checkSchema(schema, input.data, { severity: schemaSeverity });
          if (checked.success) data = checked.data;
          else {
            schemaValid = false;
            for (const finding of checked.findings) {
              const level = overrideFor(finding.ruleId) ?? finding.severity;
              if (level === 'off') continue;
              findings.push({
                ...finding,
                severity: level,
                ...withLocation(locate(input, finding.path)),
              });
            }
          }
        } catch (error) {
          schemaValid = false;
          findings.push(
            engineFinding('engine/schema-error', `the schema threw: ${errorText(error)}`, locate(input, '')),
          );
        }
      }
      return {
        data,
        raw: input.data,
        schemaValid,
        locator: input.locator,
        file: input.file ?? input.locator?.file,
        document: documentIndex,
        environment,
        report: () => undefined,
      };
    });

    // One context per document, reused by every rule; `current` says whose violations they are.
    let current: ActiveRule = active[0]!;
    const emit = (violation: Violation, index: number | undefined) => {
      const { rule, base, override } = current;
      const pointer = toPointer(violation.path);
      findings.push({
        ruleId: rule.id,
        severity: override ?? violation.severity ?? base,
        path: pointer,
        message: violation.message,
        recommendation: violation.recommendation ?? rule.recommendation,
        ...withLocation(locate(index === undefined ? first : inputs[index], pointer)),
      });
    };
    for (const context of contexts) context.report = (v) => emit(v, context.document);
    const setContext = {
      documents: contexts,
      environment,
      report: (v: Violation) => emit(v, multi ? (v.document ?? 0) : undefined),
    };
    const failed = (rule: Rule, error: unknown, index: number | undefined) => {
      log?.warn({ err: error, rule: rule.id }, 'validation rule threw');
      findings.push(
        engineFinding(
          'engine/rule-error',
          `rule ${rule.id} threw: ${errorText(error)}`,
          locate(index === undefined ? first : inputs[index], ''),
        ),
      );
    };
    for (const entry of active) {
      current = entry;
      const { rule } = entry;
      if (rule.scope === 'set') {
        try {
          const result = rule.check(setContext);
          if (result) for (const v of result) setContext.report(v);
        } catch (error) {
          failed(rule, error, undefined);
        }
        continue;
      }
      // Indexed: this loop runs once per rule and document, in a function run once per
      // validation that V8 rarely optimises, where for-of made an iterator result per step
      // (~3 MB per MB of manifests, bench/manifests.bench.mjs).
      for (let c = 0; c < contexts.length; c++) {
        const context = contexts[c]!;
        try {
          const result = (rule as DocumentRule).check(context);
          if (result) for (const v of result) context.report(v);
        } catch (error) {
          failed(rule, error, context.document);
        }
      }
    }

    const { counted, suppressed, baselined } = triage(findings, {
      suppressions: compileSuppressions(call.suppressions ?? options.suppressions ?? [], now),
      baseline: call.baseline ?? options.baseline,
      environment,
      overrideFor,
    });
    for (const list of [counted, suppressed, baselined]) list.sort(compareFindings);

    const failOn = call.failOn ?? options.failOn ?? 'high';
    const counts = {} as Record<Severity, number>;
    for (const severity of SEVERITIES) counts[severity] = 0;
    for (const finding of counted) counts[finding.severity]++;
    const usedIds = new Set<string>();
    for (const list of [counted, suppressed, baselined]) for (const f of list) usedIds.add(f.ruleId);
    const report: Report = {
      environment: environment.name,
      tier: environment.tier,
      file,
      findings: counted,
      suppressed,
      baselined,
      counts,
      failOn,
      passed: !counted.some((f) => isAtLeast(f.severity, failOn)),
      rules: [...usedIds].sort().map((id) => describe(id) ?? syntheticDescriptor(id, schemaSeverity)),
    };
    const locators = new Map(
      inputs.filter((i) => i.locator).map((i) => [i.file ?? i.locator!.file, i.locator!]),
    );
    if (locators.size > 0) report.lineText = (f, line) => locators.get(f)?.lineText(line);
    log?.debug({ environment: environment.name, tier: environment.tier, file, counts }, 'validated');
    return report;
  }

  let allDescribed: RuleDescriptor[] | undefined;
  return {
    validate: (input, call) => validateDocuments([input], call),
    validateDocuments,
    get rules() {
      allDescribed ??= rules.map((rule) => describe(rule.id)!);
      return allDescribed;
    },
    activeRules: (environment) =>
      activeFor(environment).active.map(({ rule, base, override }) => ({
        rule: describe(rule.id)!,
        severity: override ?? base,
      })),
  };
}

function checkTier(tier: string | undefined, tiers: readonly string[], where: string): void {
  if (tier !== undefined && !tiers.includes(tier)) {
    throw new AgentforgeError(
      'UNKNOWN_ENVIRONMENT',
      `${where}: unknown tier "${tier}" (known: ${tiers.join(', ')})`,
    );
  }
}

function safeResolve(
  resolve: NonNullable<ValidatorOptions['resolveEnvironment']>,
  data: unknown,
): ReturnType<NonNullable<ValidatorOptions['resolveEnvironment']>> {
  return safeCall(() => resolve(data)) ?? {};
}

function safeCall<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function errorText(error: unknown): string {
  return redactLine(error instanceof Error ? error.message : String(error)).slice(0, 300);
}

/** Orders findings: most severe first, then file, document, line, column, rule id and path. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareSeverity(a.severity, b.severity) ||
    cmp(a.location?.file ?? '', b.location?.file ?? '') ||
    (a.location?.document ?? 0) - (b.location?.document ?? 0) ||
    (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
    (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.path, b.path)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * True when a report holds a counted finding at or above `threshold` — the CLI's exit code 1.
 * The same name and shape as drift's `failsOn`.
 */
export function failsOn(reports: Report | readonly Report[], threshold: Severity): boolean {
  const list: readonly Report[] = Array.isArray(reports) ? reports : [reports as Report];
  return list.some((r) => r.findings.some((f) => isAtLeast(f.severity, threshold)));
}
