import { readFile } from 'node:fs/promises';
import { AgentforgeError, loadDocument, parseWithSchema, writeFileAtomic } from '@agentforge/schema';
import * as z from 'zod';
import { baselineKey } from './_baseline-key.js';
import type { Baseline, BaselineEntry, Report } from './types.js';

export { baselineKey };

/** The baseline file: `{ formatVersion: 1, created?, entries: [{ ruleId, environment, path, document? }] }`. */
export const BaselineSchema = z.strictObject({
  formatVersion: z.literal(1),
  created: z.string().optional(),
  entries: z.array(
    z.strictObject({
      ruleId: z.string().min(1),
      environment: z.string(),
      path: z.string(),
      document: z.number().int().min(0).optional(),
    }),
  ),
});

/**
 * A baseline of every finding of `reports` (active, suppressed findings excluded, already
 * baselined ones kept), to accept the current state and fail later only on new findings.
 */
export function createBaseline(reports: readonly Report[], now: Date = new Date()): Baseline {
  const entries = new Map<string, BaselineEntry>();
  for (const report of reports) {
    for (const finding of [...report.findings, ...report.baselined]) {
      const entry: BaselineEntry = {
        ruleId: finding.ruleId,
        environment: report.environment,
        path: finding.path,
        ...(finding.location?.document === undefined ? {} : { document: finding.location.document }),
      };
      entries.set(baselineKey(entry), entry);
    }
  }
  const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { formatVersion: 1, created: now.toISOString(), entries: sorted };
}

/** Parses baseline JSON text; a malformed baseline throws a located `POLICY_INVALID` error. */
export function parseBaseline(text: string, file = '<baseline>'): Baseline {
  const loaded = loadDocument(text, { file, format: 'json' });
  return parseWithSchema(BaselineSchema, loaded.data ?? {}, {
    locator: loaded.locator,
    what: 'baseline',
    code: 'POLICY_INVALID',
  }) as Baseline;
}

/** Reads a baseline file. */
export async function readBaseline(path: string): Promise<Baseline> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentforgeError(
      'FILE_NOT_FOUND',
      `${path}: cannot read the baseline (${(error as NodeJS.ErrnoException).code ?? error})`,
      { cause: error },
    );
  }
  return parseBaseline(text, path);
}

/** Writes a baseline file atomically ({@link writeFileAtomic}); a failure is a `FILE_UNWRITABLE` error naming the path. */
export async function writeBaseline(path: string, baseline: Baseline): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(baseline, null, 2)}\n`);
}
