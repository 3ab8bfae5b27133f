// What every validating command shares: --format, --fail-on, --output, --baseline,
// --write-baseline and --no-suppressions, and how the reports are written and turned into an
// exit code.
import { resolve } from 'node:path';
import { SEVERITIES, type Severity, shouldColor, type Workspace } from '@agentforge/schema';
import {
  type Baseline,
  createBaseline,
  formatReport,
  loadSuppressions,
  parseBaseline,
  REPORT_FORMATS,
  type Report,
  type ReportFormat,
  readBaseline,
  type Suppression,
  writeBaseline,
} from '@agentforge/validator';
import type { CommandContext, OptionSpec } from '../context.js';
import { cliVersion } from '../version.js';
import { choice, displayPath, readStdin, STDIN, writeOutput } from './_shared.js';

/** The options of a validating command, to spread into its `options`. */
export const REPORT_OPTIONS: Record<string, OptionSpec> = {
  format: {
    type: 'string',
    description: 'human (default), json, sarif, github, junit or html',
    valueName: 'format',
    choices: REPORT_FORMATS,
  },
  'fail-on': {
    type: 'string',
    description: 'Exit 1 on findings at or above this severity (default: high)',
    valueName: 'severity',
    choices: SEVERITIES,
  },
  output: {
    type: 'string',
    description: 'Write the report to this file instead of stdout',
    valueName: 'file',
    file: true,
  },
  baseline: {
    type: 'string',
    description: 'Fail only on findings not recorded in this baseline',
    valueName: 'file',
    file: true,
    stdin: true,
  },
  'write-baseline': {
    type: 'string',
    description: 'Record the current findings as the baseline, then exit 0',
    valueName: 'file',
  },
};

/** The report options of a command line, checked; `fail` makes the command's usage error. */
export async function reportOptions(
  context: Pick<CommandContext, 'values' | 'cwd' | 'stdin'>,
  fail: (message: string) => Error,
): Promise<{ format: ReportFormat; failOn: Severity; baseline: Baseline | undefined }> {
  const { values, cwd } = context;
  const format = choice<ReportFormat>(values.format, REPORT_FORMATS, 'human', '--format', fail);
  const failOn = choice<Severity>(values['fail-on'], SEVERITIES, 'high', '--fail-on', fail);
  const file = values.baseline as string | undefined;
  const baseline =
    file === undefined
      ? undefined
      : file === STDIN
        ? parseBaseline((await readStdin(context, '--baseline')).toString('utf8'), '<stdin>')
        : await readBaseline(resolve(cwd, file));
  return { format, failOn, baseline };
}

/** The workspace suppressions file (suppressions.yaml or agentforge.yaml `suppressions`), with locations as the user sees them. */
export async function workspaceSuppressions(
  workspace: Workspace | undefined,
  cwd: string,
): Promise<Suppression[]> {
  const file = workspace?.suppressionsFile();
  if (file === undefined) return [];
  const shown = displayPath(cwd, file);
  return (await loadSuppressions(file)).map((s) =>
    s.location?.file === file ? { ...s, location: { ...s.location, file: shown } } : s,
  );
}

/**
 * Writes the reports (to stdout, or `--output`), records `--write-baseline`, and returns the
 * exit code: 0 when every report passed or a baseline was written, else 1.
 */
export async function emitReports(
  reports: Report[],
  format: ReportFormat,
  { values, cwd, env, stdout, stderr }: Pick<CommandContext, 'values' | 'cwd' | 'env' | 'stdout' | 'stderr'>,
): Promise<number> {
  const writeBaselineTo = values['write-baseline'] as string | undefined;
  if (writeBaselineTo !== undefined) {
    const file = resolve(cwd, writeBaselineTo);
    const written = createBaseline(reports);
    await writeBaseline(file, written);
    stderr.write(
      `wrote ${displayPath(cwd, file)}: ${written.entries.length} finding(s) accepted as the baseline\n`,
    );
  }
  const text = formatReport(reports, format, {
    color: format === 'human' && values.output === undefined && shouldColor(stdout, env),
    tool: {
      name: 'agentforge',
      version: cliVersion(),
      informationUri: 'https://github.com/agentforge/config-toolkit',
    },
  });
  if (typeof values.output === 'string') {
    const file = await writeOutput(cwd, values.output, text);
    stderr.write(`wrote ${displayPath(cwd, file)}\n`);
  } else stdout.write(text);
  if (writeBaselineTo !== undefined) return 0;
  return reports.every((r) => r.passed) ? 0 : 1;
}
