// What config set and config unset share: access check, edit with check-before-write, audit.

import { readFile } from 'node:fs/promises';
import {
  AgentforgeError,
  type AuditResult,
  accessDeniedMessage,
  appendAudit,
  checkAccess,
  contentHash,
  type DocumentEdit,
  editFile,
  findWorkspace,
  isAtLeast,
  resolveActor,
  workspaceAccess,
} from '@agentforge/schema';
import { createWorkspaceValidator, toEnvironmentInput } from '@agentforge/validator';
import type { CommandContext, OptionSpec } from '../context.js';
import { reportOptions } from './_report.js';
import { displayPath, environmentOption, usageError } from './_shared.js';

/** Options of every writing command that edits an environment file. */
export const EDIT_OPTIONS: Record<string, OptionSpec> = {
  environment: environmentOption('Environment to edit'),
  'dry-run': { type: 'boolean', description: 'Check the edit and print its diff; write nothing' },
  'fail-on': {
    type: 'string',
    description: 'Refuse the edit when it leaves findings at or above this severity (default: high)',
    valueName: 'severity',
    choices: ['critical', 'high', 'medium', 'low', 'info'],
  },
  actor: {
    type: 'string',
    description: 'Who makes the change (default: CI identity, git user.email, OS user)',
    valueName: 'id',
  },
};

/**
 * Runs one edit of an environment file: access (`set` on each path), the edit checked with the
 * schema and policies at `--fail-on` before anything is written, the audit line. Exit 0 when
 * applied (or a clean dry run), 1 when refused or denied.
 */
export async function runEdit(
  context: CommandContext,
  words: string,
  edits: DocumentEdit[],
): Promise<number> {
  const { values, cwd, dir, stdout, stderr } = context;
  const fail = usageError(words);
  const environment = values.environment;
  if (typeof environment !== 'string' || environment === '') throw fail('--environment <name> is required');
  const { failOn } = await reportOptions({ values: { ...values, format: undefined }, cwd }, fail);
  const workspace = await findWorkspace(cwd, dir);
  const file = await workspace.resolveEnvironment(environment);
  const display = displayPath(cwd, file);
  const actor = resolveActor({
    actor: values.actor as string | undefined,
    env: context.env,
    cwd: workspace.root,
  });
  const paths = edits.map((e) => e.path);
  const dryRun = values['dry-run'] === true;
  const audit = async (result: AuditResult, before: string | null, after: string | null, reason?: string) => {
    if (!dryRun)
      await appendAudit(workspace.root, {
        actor,
        command: words,
        environment,
        paths,
        before,
        after,
        result,
        reason,
      });
  };

  const decision = checkAccess(workspaceAccess(workspace), { actor, environment, action: 'set', paths });
  if (!decision.allowed) {
    const hash = contentHash(await readFile(file, 'utf8'));
    await audit('denied', hash, hash, decision.missing);
    stderr.write(`${accessDeniedMessage(actor, decision)}\n`);
    return 1;
  }

  const validator = await createWorkspaceValidator(workspace, {
    displayPath: (path) => displayPath(cwd, path),
    failOn,
    logger: context.logger,
  });
  const result = await editFile({
    path: file,
    display,
    edits,
    dryRun,
    check: (document) =>
      validator
        .validate(toEnvironmentInput(document), { environment })
        .findings.filter((f) => isAtLeast(f.severity, failOn)),
  });
  if (result.status === 'unchanged') {
    if (!context.quiet) stderr.write(`${display}: already as asked, nothing to change\n`);
    return 0;
  }
  if (dryRun) stdout.write(result.diff);
  if (result.status === 'refused') {
    await audit(
      'refused',
      result.hashBefore,
      result.hashBefore,
      result.findings.map((f) => f.ruleId).join(', '),
    );
    stderr.write(`${display}: edit refused, ${display} is unchanged (findings at or above ${failOn}):\n`);
    for (const f of result.findings) {
      const at = f.location ? `${f.location.file}:${f.location.line}:${f.location.column}: ` : '';
      stderr.write(`  ${at}${f.severity} ${f.ruleId}: ${f.message}\n`);
    }
    return 1;
  }
  if (result.status === 'applied') {
    await audit('applied', result.hashBefore, result.hashAfter);
    if (!context.quiet) stdout.write(`${words.split(' ')[1]} ${paths.join(', ')} in ${display}\n`);
  }
  return 0;
}

/** An edit path argument must not be empty. */
export function requirePath(path: string | undefined, words: string): string {
  if (!path) throw new AgentforgeError('INVALID_ARGUMENT', `agentforge ${words}: a path is required`);
  return path;
}
