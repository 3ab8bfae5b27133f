// The drift policy file's shape. It lives here, not in @agentforge/drift, because two packages
// read it: drift applies its rules to a comparison, env-templates translates its ignore rules
// into Argo CD `ignoreDifferences` and Flux patches. One definition keeps them in step.
import * as z from 'zod';
import { parseWithSchema } from './check.js';
import { type Locator, loadFile } from './load.js';
import { toSegments } from './paths.js';
import { ChangeKindSchema, SeveritySchema } from './vocabulary.js';

const globs = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (typeof v === 'string' ? [v] : v));

/** A classification rule: changes at matching paths get its severity, explanation and recommendation. */
export const ClassificationRuleSchema = z.strictObject({
  id: z.string().min(1).describe('Stable identifier shown with each change it classifies.'),
  paths: globs.describe('Path globs (`services.*.image`, `security.**`, `containers[name=swarm].image`).'),
  kinds: z.array(ChangeKindSchema).optional().describe('Only these change kinds; default all.'),
  secret: z.boolean().optional().describe('Only changes of secret values (true) or only others (false).'),
  resourceKinds: z
    .array(z.string())
    .optional()
    .describe('Only changes inside Kubernetes objects of these kinds.'),
  severity: SeveritySchema,
  explanation: z.string().min(1).describe('What the change means.'),
  recommendation: z.string().min(1).describe('What to do about it.'),
});
/** See {@link ClassificationRuleSchema}. */
export type ClassificationRule = z.output<typeof ClassificationRuleSchema>;

/** An ignore rule: matching changes leave the report, its counts and the exit code. */
export const IgnoreRuleSchema = z.strictObject({
  paths: globs.describe('Path globs of the changes to ignore.'),
  environments: z
    .array(z.string())
    .optional()
    .describe('Only when one of these environments takes part in the comparison.'),
  kinds: z.array(ChangeKindSchema).optional().describe('Only these change kinds.'),
  resourceKinds: z.array(z.string()).optional().describe('Only inside Kubernetes objects of these kinds.'),
  resourceNames: z.array(z.string()).optional().describe('Only inside Kubernetes objects with these names.'),
  reason: z.string().optional().describe('Why the difference is expected.'),
});
/** See {@link IgnoreRuleSchema}. */
export type IgnoreRule = z.output<typeof IgnoreRuleSchema>;

/** The drift policy file (YAML or JSON): extra rules, ignores and list settings. */
export const DriftPolicyFileSchema = z.strictObject({
  defaults: z
    .boolean()
    .default(true)
    .describe('Keep the AgentForge default rules after the file’s own rules.'),
  rules: z.array(ClassificationRuleSchema).default([]),
  ignore: z.array(IgnoreRuleSchema).default([]),
  orderSensitive: z
    .array(z.string())
    .default([])
    .describe('Lists whose order matters: a reorder there takes the path’s severity.'),
  listKeys: z
    .record(z.string(), z.string())
    .default({})
    .describe('Key field of the lists at these path globs.'),
  numericStrings: z
    .union([z.boolean(), z.array(z.string())])
    .default(false)
    .describe('Compare numeric strings as numbers (everywhere, or at these globs).'),
});
/** A drift policy file as written (defaults filled in, not merged with the built-in rules). */
export type DriftPolicyFile = z.output<typeof DriftPolicyFileSchema>;

/**
 * Checks the parsed content of a drift policy file; a bad file is a `POLICY_INVALID`
 * {@link AgentforgeError} naming file, line and column when a locator is given.
 */
export function parseDriftPolicyFile(
  data: unknown,
  options: { file?: string | undefined; locator?: Locator | undefined } = {},
): DriftPolicyFile {
  return parseWithSchema(DriftPolicyFileSchema, data ?? {}, {
    locator: options.locator,
    what: options.file ? `drift policy ${options.file}` : 'drift policy',
    code: 'POLICY_INVALID',
  });
}

/**
 * Reads and checks a drift policy file (YAML or JSON) with the shared loader.
 * @example const { ignore } = await loadDriftPolicyFile('drift-policy.yaml');
 */
export async function loadDriftPolicyFile(file: string): Promise<DriftPolicyFile> {
  const loaded = await loadFile(file);
  return parseDriftPolicyFile(loaded.data, { file: loaded.file, locator: loaded.locator });
}

/**
 * The segments of a drift path glob, with keyed and indexed list items split off their list:
 * `containers[name=swarm].image` gives `containers`, `[name=swarm]`, `image`. Both the drift
 * matcher and the GitOps translation of ignore rules read globs this way.
 */
export function driftGlobSegments(glob: string): string[] {
  const out: string[] = [];
  for (const segment of toSegments(glob)) {
    const bracket = segment.indexOf('[');
    if (bracket > 0 && segment.endsWith(']'))
      out.push(
        segment.slice(0, bracket),
        ...segment.slice(bracket).replace(/\]\[/g, ']\u0000[').split('\u0000'),
      );
    else out.push(segment);
  }
  return out;
}
