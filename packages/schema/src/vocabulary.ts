import * as z from 'zod';

import { compareSeverity, isAtLeast, SEVERITIES, type Severity, shiftSeverity } from './levels.js';

export { compareSeverity, isAtLeast, SEVERITIES, type Severity, shiftSeverity };

/** How bad a finding or a change is: `critical` > `high` > `medium` > `low` > `info`. */
export const SeveritySchema = z.enum(SEVERITIES).describe('How bad a finding or change is.');

/** A place in a source file; `line` and `column` are 1-based. */
export const SourceLocationSchema = z.strictObject({
  file: z.string(),
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  /** Index of the YAML document in a multi-document stream, 0-based. */
  document: z.number().int().min(0).optional(),
});
export type SourceLocation = z.infer<typeof SourceLocationSchema>;

/** One problem a validator found. `path` is a JSON pointer into the document. */
export const FindingSchema = z.strictObject({
  ruleId: z.string().min(1),
  severity: SeveritySchema,
  path: z.string(),
  message: z.string(),
  recommendation: z.string(),
  location: SourceLocationSchema.optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** The kinds of difference between two configurations. */
export const CHANGE_KINDS = ['added', 'removed', 'modified', 'reordered'] as const;
export const ChangeKindSchema = z.enum(CHANGE_KINDS);
export type ChangeKind = z.infer<typeof ChangeKindSchema>;

/** One difference between two configurations. `path` is a JSON pointer (list items may be addressed by key). */
export const ChangeSchema = z.strictObject({
  path: z.string(),
  kind: ChangeKindSchema,
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type Change = z.infer<typeof ChangeSchema>;

/**
 * The logger every library accepts (optional) and only the CLI creates: pino's call shape,
 * `log.info({ file, changed }, 'config reloaded')`, errors as `{ err }`. A pino logger fits.
 */
export interface Logger {
  debug(object: object, message?: string): void;
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}
