// What config set, config unset and env create share: the options, and how the result of
// @agentforge/validator's editEnvironment is printed and turned into an exit code.

import { type DocumentEdit, findWorkspace, type Workspace } from '@agentforge/schema';
import { type EditEnvironmentResult, editEnvironment } from '@agentforge/validator';
import type { CommandContext, OptionSpec } from '../context.js';
import { reportOptions } from './_report.js';
import { ACTOR_OPTION, denied, displayPath, environmentOption, usageError } from './_shared.js';

/** `--fail-on` and `--actor`, shared by every command that writes an environment file. */
export const WRITE_OPTIONS: Record<string, OptionSpec> = {
  'fail-on': {
    type: 'string',
    description: 'Refuse the edit when it leaves findings at or above this severity (default: high)',
    valueName: 'severity',
    choices: ['critical', 'high', 'medium', 'low', 'info'],
  },
  actor: ACTOR_OPTION,
};

/** Options of every writing command that edits an environment file. */
export const EDIT_OPTIONS: Record<string, OptionSpec> = {
  environment: environmentOption('Environment to edit'),
  'dry-run': { type: 'boolean', description: 'Check the edit and print its diff; write nothing' },
  ...WRITE_OPTIONS,
};

/**
 * Runs one edit (or, with `create`, the creation) of an environment file through
 * `editEnvironment` and prints its outcome. Exit 0 when applied (or a clean dry run), 1 when
 * refused or denied.
 */
export async function runEdit(
  context: CommandContext,
  words: string,
  edits: DocumentEdit[],
  target: { environment?: string; workspace?: Workspace; create?: { text: string } } = {},
): Promise<EditEnvironmentResult> {
  const { values, cwd, dir } = context;
  const fail = usageError(words);
  const environment = target.environment ?? values.environment;
  if (typeof environment !== 'string' || environment === '') throw fail('--environment <name> is required');
  const { failOn } = await reportOptions({ values: { ...values, format: undefined }, cwd }, fail);
  return editEnvironment({
    workspace: target.workspace ?? (await findWorkspace(cwd, dir)),
    environment,
    edits,
    failOn,
    command: words,
    actor: values.actor as string | undefined,
    env: context.env,
    dryRun: values['dry-run'] === true,
    display: (file) => displayPath(cwd, file),
    logger: context.logger,
    ...(target.create ? { create: target.create } : {}),
  });
}

/**
 * Prints what an edit did and returns the exit code: 0 applied, unchanged or a clean dry run
 * (with its diff), 1 refused (the findings) or denied (`access/denied`).
 */
export function reportEdit(
  context: CommandContext,
  result: EditEnvironmentResult,
  done: (display: string) => string,
): number {
  const { stdout, stderr, quiet } = context;
  const { display } = result;
  switch (result.status) {
    case 'denied':
      return denied(context, result);
    case 'unchanged':
      if (!quiet) stderr.write(`${display}: already as asked, nothing to change\n`);
      return 0;
    case 'refused':
      if (context.values['dry-run'] === true) stdout.write(result.diff);
      stderr.write(
        `${display}: edit refused, ${display} is unchanged (findings at or above ${result.failOn}):\n`,
      );
      for (const f of result.findings) {
        const at = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : '';
        stderr.write(`  ${at}${f.severity} ${f.ruleId}: ${f.message}\n`);
      }
      return 1;
    case 'dry-run':
      stdout.write(result.diff);
      return 0;
    case 'applied':
      if (!quiet) stdout.write(`${done(display)}\n`);
      return 0;
  }
}
