import { type CompiledPath, compilePath, expandPath, type PathMatch, SEVERITIES } from '@agentforge/schema';
import * as z from 'zod';
import { toNumber } from './_numbers.js';
import { showPath, showValue } from './_show.js';
import { FORMATS } from './formats.js';
import type { DocumentRule, Violation } from './types.js';

const severityLevel = z.enum([...SEVERITIES, 'off']);
const regex = z.string().refine(
  (source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be a valid regular expression' },
);
const path = z
  .string()
  .min(1)
  .describe('A path or glob: `services.*.replicas`, `security.**` or a JSON pointer.');
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** A test on the value at a path; with no test, the value must exist. */
export const ConditionSchema = z.strictObject({
  path,
  equals: scalar.optional(),
  in: z.array(scalar).optional(),
  notIn: z.array(scalar).optional(),
  matches: regex.optional(),
  exists: z.boolean().optional(),
});
/** A condition of a declarative rule's `when`. */
export type Condition = z.infer<typeof ConditionSchema>;

const assertions = {
  required: z.union([path, z.array(path).min(1)]).describe('Paths that must be set.'),
  forbidden: z
    .strictObject({ path, values: z.array(scalar).optional(), patterns: z.array(regex).optional() })
    .refine((f) => f.values !== undefined || f.patterns !== undefined, {
      message: 'needs values or patterns',
    }),
  range: z
    .strictObject({
      path,
      min: z.number().optional(),
      max: z.number().optional(),
      integer: z.boolean().optional(),
    })
    .refine((r) => r.min !== undefined || r.max !== undefined || r.integer !== undefined, {
      message: 'needs min, max or integer',
    }),
  pattern: z
    .strictObject({
      path,
      regex: regex.optional(),
      format: z.enum(Object.keys(FORMATS) as [string, ...string[]]).optional(),
    })
    .refine((p) => (p.regex === undefined) !== (p.format === undefined), {
      message: 'needs exactly one of regex or format',
    }),
  oneOf: z.strictObject({ path, values: z.array(scalar).min(1) }),
  compare: z.strictObject({ left: path, op: z.enum(['<', '<=', '==', '!=', '>=', '>']), right: path }),
} as const;
type AssertionKind = keyof typeof assertions;
const ASSERTION_KINDS = Object.keys(assertions) as AssertionKind[];

/**
 * A rule written as data (in a YAML policy file or in code): metadata, an optional `when`
 * (one condition or all of a list), and exactly one assertion. `*` segments bound by `when`
 * carry over to the assertion, so `when services.*.autoscaling.enabled` checks the same service.
 */
export const DeclarativeRuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*(\/[a-z0-9][a-z0-9-]*)+$/, 'must be "<namespace>/<name>" in kebab-case'),
    description: z.string().min(1),
    recommendation: z.string().min(1),
    severity: z.union([severityLevel, z.record(z.string(), severityLevel)]),
    message: z
      .string()
      .min(1)
      .optional()
      .describe('Message template; `{path}` and `{value}` are filled in (secrets redacted).'),
    environments: z.array(z.string().min(1)).optional(),
    tags: z.array(z.string()).optional(),
    helpUri: z.string().url().optional(),
    when: z.union([ConditionSchema, z.array(ConditionSchema).min(1)]).optional(),
    ...Object.fromEntries(ASSERTION_KINDS.map((kind) => [kind, assertions[kind].optional()])),
  })
  .superRefine((rule, ctx) => {
    const kinds = ASSERTION_KINDS.filter((kind) => (rule as Record<string, unknown>)[kind] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a rule needs exactly one of ${ASSERTION_KINDS.join(', ')} (found ${kinds.length ? kinds.join(', ') : 'none'})`,
      });
    }
  }) as unknown as z.ZodType<DeclarativeRule>;

type Scalar = string | number | boolean | null;
/** A declarative rule; see {@link DeclarativeRuleSchema}. */
export interface DeclarativeRule {
  id: string;
  description: string;
  recommendation: string;
  severity: import('./types.js').SeveritySpec;
  message?: string;
  environments?: string[];
  tags?: string[];
  helpUri?: string;
  when?: Condition | Condition[];
  required?: string | string[];
  forbidden?: { path: string; values?: Scalar[]; patterns?: string[] };
  range?: { path: string; min?: number; max?: number; integer?: boolean };
  pattern?: { path: string; regex?: string; format?: string };
  oneOf?: { path: string; values: Scalar[] };
  compare?: { left: string; op: '<' | '<=' | '==' | '!=' | '>=' | '>'; right: string };
}

interface CompiledCondition {
  path: CompiledPath;
  test(value: unknown, missing: boolean): boolean;
}

function compileCondition(condition: Condition): CompiledCondition {
  const matches = condition.matches === undefined ? undefined : new RegExp(condition.matches);
  const hasTest = ['equals', 'in', 'notIn', 'matches', 'exists'].some(
    (k) => (condition as Record<string, unknown>)[k] !== undefined,
  );
  return {
    path: compilePath(condition.path),
    test(value, missing) {
      if (condition.exists !== undefined && condition.exists === missing) return false;
      if (!hasTest && missing) return false;
      if (condition.equals !== undefined && value !== condition.equals) return false;
      if (condition.in && !condition.in.includes(value as Scalar)) return false;
      if (condition.notIn?.includes(value as Scalar)) return false;
      if (matches && !(typeof value === 'string' && matches.test(value))) return false;
      return true;
    },
  };
}

const COMPARE: Record<NonNullable<DeclarativeRule['compare']>['op'], (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>=': (a, b) => a >= b,
  '>': (a, b) => a > b,
};

type Check = (data: unknown, captures: readonly string[], out: Violation[]) => void;
const NONE: readonly string[] = [];

/**
 * Turns a declarative rule into an engine rule. Paths are compiled once here; checking walks
 * only the segments a path names.
 */
export function compileDeclarativeRule(spec: DeclarativeRule): DocumentRule {
  const conditions =
    spec.when === undefined ? [] : (Array.isArray(spec.when) ? spec.when : [spec.when]).map(compileCondition);
  const template = spec.message;
  // Only what the message shows is computed: the default text when there is no template, and
  // the path or the value only when the template names them (showValue runs the secret
  // detectors over the value; each violation of a rule with a fixed message paid for both).
  const showsPath = template?.includes('{path}') ?? false;
  const showsValue = template?.includes('{value}') ?? false;
  const message = (fallback: () => string, segments: readonly string[], value: unknown): string => {
    if (template === undefined) return fallback();
    let text = template;
    if (showsPath) text = text.replaceAll('{path}', showPath(segments));
    if (showsValue) text = text.replaceAll('{value}', showValue(value, segments.at(-1)));
    return text;
  };
  const assertion = compileAssertion(spec, message);
  return {
    id: spec.id,
    severity: spec.severity,
    description: spec.description,
    recommendation: spec.recommendation,
    ...(spec.environments ? { environments: spec.environments } : {}),
    ...(spec.tags ? { tags: spec.tags } : {}),
    ...(spec.helpUri ? { helpUri: spec.helpUri } : {}),
    check({ data }) {
      const out: Violation[] = [];
      bind(data, 0, NONE, out);
      return out;
    },
  };

  /**
   * Binds the `*` segments of condition `index` and each later one, depth-first, and runs the
   * assertion under every binding that satisfies them all: the same bindings, in the same order,
   * as collecting each condition's list in turn, without building the lists.
   */
  function bind(data: unknown, index: number, captures: readonly string[], out: Violation[]): void {
    if (index === conditions.length) {
      assertion(data, captures, out);
      return;
    }
    const condition = conditions[index]!;
    expandPath(
      data,
      condition.path,
      (match) => {
        if (!condition.test(match.value, match.missing)) return;
        // The match's captures are the walk's stack, unchanged until this visit returns.
        const next =
          match.captures.length === 0
            ? captures
            : captures.length === 0
              ? match.captures
              : [...captures, ...match.captures];
        bind(data, index + 1, next, out);
      },
      true,
      captures,
    );
  }
}

/**
 * Compiles the assertion. Each visit callback is created once here, not per check: the check
 * stores its output list (and what the visits read) in variables the callbacks share, which is
 * safe because a check runs to completion before the next one starts.
 */
function compileAssertion(
  spec: DeclarativeRule,
  message: (fallback: () => string, segments: readonly string[], value: unknown) => string,
): Check {
  const at = (segments: readonly string[], text: string): Violation => ({
    path: segments.slice(),
    message: text,
  });
  let sink: Violation[] = [];
  if (spec.required !== undefined) {
    const paths = (Array.isArray(spec.required) ? spec.required : [spec.required]).map(compilePath);
    const visit = (m: PathMatch) => {
      if (m.missing || m.value === null)
        sink.push(
          at(
            m.segments,
            message(() => `${showPath(m.segments)} is required`, m.segments, m.value),
          ),
        );
    };
    return (data, captures, out) => {
      sink = out;
      for (const p of paths) expandPath(data, p, visit, true, captures);
      sink = [];
    };
  }
  const over = (p: CompiledPath, visit: (m: PathMatch) => void): Check => {
    return (data, captures, out) => {
      sink = out;
      expandPath(data, p, visit, false, captures);
      sink = [];
    };
  };
  if (spec.forbidden) {
    const { values = [], patterns = [] } = spec.forbidden;
    const regexes = patterns.map((p) => new RegExp(p));
    return over(compilePath(spec.forbidden.path), (m) => {
      const hit =
        values.includes(m.value as Scalar) ||
        (typeof m.value === 'string' && regexes.some((r) => r.test(m.value as string)));
      if (hit)
        sink.push(
          at(
            m.segments,
            message(
              () => `${showPath(m.segments)} must not be ${showValue(m.value, m.segments.at(-1))}`,
              m.segments,
              m.value,
            ),
          ),
        );
    });
  }
  if (spec.range) {
    const { min, max, integer } = spec.range;
    const bounds = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : '']
      .filter(Boolean)
      .join(' and ');
    return over(compilePath(spec.range.path), (m) => {
      const n = toNumber(m.value);
      let problem: string | undefined;
      if (n === undefined) problem = 'not a number';
      else if (integer && !Number.isInteger(n)) problem = 'not an integer';
      else if ((min !== undefined && n < min) || (max !== undefined && n > max))
        problem = `it must be ${bounds}`;
      if (problem === undefined) return;
      const fallback = () =>
        `${showPath(m.segments)} is ${showValue(m.value, m.segments.at(-1))}${problem.startsWith('it') ? '; ' : ', '}${problem}`;
      sink.push(at(m.segments, message(fallback, m.segments, m.value)));
    });
  }
  if (spec.pattern) {
    const format = spec.pattern.format === undefined ? undefined : FORMATS[spec.pattern.format]!;
    const regex = spec.pattern.regex === undefined ? undefined : new RegExp(spec.pattern.regex);
    const expected = format ? format.description : `text matching /${spec.pattern.regex}/`;
    return over(compilePath(spec.pattern.path), (m) => {
      // A number is a valid spelling of a quantity or a port-like value, so formats see its text.
      const text = typeof m.value === 'number' && format ? String(m.value) : m.value;
      const ok = typeof text === 'string' && (format ? format.test(text) : regex!.test(text));
      if (!ok)
        sink.push(
          at(
            m.segments,
            message(
              () =>
                `${showPath(m.segments)} is ${showValue(m.value, m.segments.at(-1))}; expected ${expected}`,
              m.segments,
              m.value,
            ),
          ),
        );
    });
  }
  if (spec.oneOf) {
    const { values } = spec.oneOf;
    const allowed = values.map((v) => JSON.stringify(v)).join(', ');
    return over(compilePath(spec.oneOf.path), (m) => {
      if (values.includes(m.value as Scalar)) return;
      sink.push(
        at(
          m.segments,
          message(
            () => `${showPath(m.segments)} is ${showValue(m.value, m.segments.at(-1))}; allowed: ${allowed}`,
            m.segments,
            m.value,
          ),
        ),
      );
    });
  }
  const { left, op, right } = spec.compare!;
  const l = compilePath(left);
  const r = compilePath(right);
  const holds = COMPARE[op];
  // The left match and its number, read by the right-hand visit that runs inside the left one.
  let doc: unknown;
  let outer: readonly string[] = NONE;
  let lm: PathMatch | undefined;
  let a = 0;
  const visitRight = (rm: PathMatch) => {
    const b = toNumber(rm.value);
    if (b === undefined || holds(a, b)) return;
    const { segments, value } = lm!;
    const fallback = () =>
      `${showPath(segments)} (${showValue(value, segments.at(-1))}) must be ${op} ${showPath(rm.segments)} (${showValue(rm.value, rm.segments.at(-1))})`;
    sink.push(at(segments, message(fallback, segments, value)));
  };
  const visitLeft = (m: PathMatch) => {
    const n = toNumber(m.value);
    if (n === undefined) return;
    lm = m;
    a = n;
    expandPath(doc, r, visitRight, false, outer.length === 0 ? m.captures : [...outer, ...m.captures]);
  };
  return (data, captures, out) => {
    sink = out;
    doc = data;
    outer = captures;
    expandPath(data, l, visitLeft, false, captures);
    sink = [];
    doc = undefined;
    outer = NONE;
    lm = undefined;
  };
}
