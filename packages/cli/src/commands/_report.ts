// What every validating command shares: --format, --fail-on, --output, --baseline,
// --write-baseline and --no-suppressions, and how the reports are written and turned into an
// exit code.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  auditedChange,
  contentHash,
  SEVERITIES,
  type Severity,
  shouldColor,
  type Workspace,
} from '@agentforge/schema';
import {
  type Baseline,
  createBaseline,
  formatReport,
  workspaceSuppressions as librarySuppressions,
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
import {
  ACTOR_OPTION,
  choice,
  commandActor,
  denied,
  displayPath,
  readStdin,
  STDIN,
  writeOutput,
} from './_shared.js';

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
  actor: {
    ...ACTOR_OPTION,
    description: 'Who writes the baseline (default: CI identity, git user.email, OS user)',
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
export function workspaceSuppressions(workspace: Workspace | undefined, cwd: string): Promise<Suppression[]> {
  return librarySuppressions(workspace, (file) => displayPath(cwd, file));
}

/**
 * Writes the reports (to stdout, or `--output`), records `--write-baseline`, and returns the
 * exit code: 0 when every report passed or a baseline was written, else 1. A baseline write
 * accepts findings: in a workspace it needs the `accept` grant on every environment reported
 * (denied: exit 1, nothing written) and is audited as `<command> --write-baseline`.
 */
export async function emitReports(
  reports: Report[],
  format: ReportFormat,
  context: Pick<CommandContext, 'values' | 'cwd' | 'env' | 'stdout' | 'stderr'>,
  writer: { workspace: Workspace | undefined; command: string },
): Promise<number> {
  const { values, cwd, env, stdout, stderr } = context;
  const writeBaselineTo = values['write-baseline'] as string | undefined;
  if (writeBaselineTo !== undefined) {
    const file = resolve(cwd, writeBaselineTo);
    const written = createBaseline(reports);
    const write = async () => {
      const before = contentHash(await readFile(file, 'utf8').catch(() => null));
      await writeBaseline(file, written);
      return { value: undefined, before, after: contentHash(await readFile(file, 'utf8')) };
    };
    const { workspace } = writer;
    if (workspace) {
      const done = await auditedChange(
        workspace,
        {
          actor: commandActor(context, workspace.root),
          command: `${writer.command} --write-baseline`,
          environment: [...new Set(reports.map((r) => r.environment))],
          action: 'accept',
        },
        write,
      );
      if (!done.allowed) return denied(context, done);
    } else await write();
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
