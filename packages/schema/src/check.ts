import type * as z from 'zod';
import { AgentforgeError, type ErrorCode } from './errors.js';
import type { Locator } from './load.js';
import { formatPointer } from './paths.js';
import type { Finding, Severity } from './vocabulary.js';

/** The result of {@link checkSchema}: the parsed data, or findings located in the source. */
export type SchemaCheck<T> =
  | { success: true; data: T; findings: [] }
  | { success: false; data: undefined; findings: Finding[] };

/** Options of {@link checkSchema}. */
export interface CheckSchemaOptions {
  /** Where the data was read from, to locate findings. */
  locator?: Locator | undefined;
  /** Severity of schema findings. @default 'high' */
  severity?: Severity;
}

/**
 * Parses `data` with a zod schema and turns every issue into a finding with rule id
 * `schema/<issue code>`, its JSON pointer, and the file, line and column of the offending key
 * (the key itself for unknown keys, the nearest written parent for missing ones).
 */
export function checkSchema<S extends z.ZodType>(
  schema: S,
  data: unknown,
  options: CheckSchemaOptions = {},
): SchemaCheck<z.output<S>> {
  const parsed = run(schema, data);
  if (!parsed.issues) return { success: true, data: parsed.value as z.output<S>, findings: [] };
  const findings: Finding[] = [];
  for (const issue of parsed.issues) {
    const base = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment));
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const segments = key === undefined ? base : [...base, key];
      const path = formatPointer(segments);
      const where = segments.length ? segments.join('.') : 'the document';
      const location = options.locator?.nearest(path);
      findings.push({
        ruleId: `schema/${issue.code.replace(/_/g, '-')}`,
        severity: options.severity ?? 'high',
        path,
        message:
          key === undefined
            ? `${where}: ${describeIssue(issue, data)}`
            : `unknown key "${key}" at ${base.join('.') || 'the top level'}${suggest(schema, base, String(key))}`,
        recommendation:
          key === undefined
            ? 'Correct the value to match the schema (see docs/configuration.md).'
            : 'Remove the key or correct its spelling.',
        ...(location ? { location } : {}),
      });
    }
  }
  return { success: false, data: undefined, findings };
}

/**
 * Runs the schema through its Standard Schema interface: the same run and the same finalized
 * issues as `safeParse`, without building a `ZodError` (an `Error`, with its stack trace) that
 * only its issues would be read from. A schema that throws, or one that is async, is run with
 * `safeParse` so that it throws as it always did.
 */
function run(schema: z.ZodType, data: unknown): { value?: unknown; issues?: readonly z.core.$ZodIssue[] } {
  const result = schema['~standard'].validate(data);
  if (!(result instanceof Promise))
    // zod's Standard Schema issues are its own finalized issues (code, path, keys…).
    return result as { value?: unknown; issues?: readonly z.core.$ZodIssue[] };
  result.catch(() => undefined);
  const parsed = schema.safeParse(data);
  return parsed.success ? { value: parsed.data } : { issues: parsed.error.issues };
}

/** Options of {@link parseWithSchema}. */
export interface ParseWithSchemaOptions extends CheckSchemaOptions {
  /** What the data is, for the message: `invalid <what>: …`. @default 'document' */
  what?: string;
  /** The error code thrown. @default 'SCHEMA_VIOLATION' */
  code?: ErrorCode;
}

/**
 * The throwing twin of {@link checkSchema} (as zod's `parse` is of `safeParse`): returns the
 * parsed data, or throws an `AgentforgeError` whose message is
 * `invalid <what>: <first finding>` — plus ` (and N more problem(s))` — located at the first
 * finding (else the document start), with every finding in `details`.
 * @example const policy = parseWithSchema(PolicyFileSchema, loaded.data, { locator: loaded.locator, what: 'policy', code: 'POLICY_INVALID' });
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  data: unknown,
  options: ParseWithSchemaOptions = {},
): z.output<S> {
  const checked = checkSchema(schema, data, options);
  if (checked.success) return checked.data;
  const [first] = checked.findings;
  const more = checked.findings.length > 1 ? ` (and ${checked.findings.length - 1} more problem(s))` : '';
  throw new AgentforgeError(
    options.code ?? 'SCHEMA_VIOLATION',
    `invalid ${options.what ?? 'document'}: ${first?.message ?? 'does not match the schema'}${more}`,
    { location: first?.location ?? options.locator?.nearest(''), details: checked.findings },
  );
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'invalid_key')
    return `invalid key: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  if (issue.code === 'invalid_type') {
    let value: unknown = data;
    for (const segment of issue.path)
      value =
        value != null && typeof value === 'object'
          ? (value as Record<PropertyKey, unknown>)[segment as string]
          : undefined;
    if (value === undefined) return `required ${issue.expected} is missing`;
  }
  return issue.message;
}

/** ` (did you mean "replicas"?)` when a known key of that object is one or two edits away. */
function suggest(schema: z.ZodType, path: readonly PropertyKey[], key: string): string {
  let node = schema as unknown as { _zod?: { def: Record<string, unknown> } };
  const unwrapShape = (n: typeof node): Record<string, unknown> | undefined => {
    let def = n._zod?.def;
    while (def && (def.innerType || def.in)) def = ((def.innerType ?? def.in) as typeof node)._zod?.def;
    return def?.shape as Record<string, unknown> | undefined;
  };
  for (const segment of path) {
    const shape = unwrapShape(node);
    const next = shape?.[String(segment)] as typeof node | undefined;
    if (!next) return '';
    node = next;
  }
  const wanted = key.toLowerCase();
  // The first of the closest keys, when it is at most two edits away. A key whose length
  // differs by more than two is further than that, and is not measured.
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of Object.keys(unwrapShape(node) ?? {})) {
    const lower = candidate.toLowerCase();
    if (Math.abs(lower.length - wanted.length) >= bestDistance) continue;
    const d = distance(lower, wanted);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function distance(a: string, b: string): number {
  const row: number[] = [];
  for (let i = 0; i <= b.length; i++) row.push(i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
