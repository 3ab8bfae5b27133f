// What the NATS commands share: the connection options, the audit hook and how a publish
// result is printed. Nothing here loads a library, so `config drift` and `config history`
// pay for NATS only with --against-published / --published.
import { resolve } from 'node:path';
import type { NatsTarget, PublishAuditRecord, PublishResult } from '@agentforge/dynamic-config';
import { appendAudit, authorizeChange, type Workspace } from '@agentforge/schema';
import type { CommandContext, OptionSpec } from '../context.js';
import { commandActor, denied } from './_shared.js';

/** How to reach NATS; `NATS_URL`, `NATS_CREDS`, `NATS_USER` and `NATS_PASSWORD` fill in what is not given. */
export const NATS_OPTIONS: Record<string, OptionSpec> = {
  nats: {
    type: 'string',
    description: 'NATS server URL(s), comma-separated (default: $NATS_URL)',
    valueName: 'url',
  },
  creds: { type: 'string', description: 'NATS credentials file (default: $NATS_CREDS)', valueName: 'file' },
  user: { type: 'string', description: 'NATS user (default: $NATS_USER)', valueName: 'name' },
  password: {
    type: 'string',
    description: 'NATS password (prefer $NATS_PASSWORD: a flag shows in the process list)',
    valueName: 'text',
  },
  bucket: { type: 'string', description: 'Key-Value bucket (default: agentforge)', valueName: 'name' },
  domain: {
    type: 'string',
    description: 'JetStream domain of the bucket (behind a leaf node)',
    valueName: 'name',
  },
};

/** The NATS target of a command line; the key is the environment name. */
export function natsTarget(
  context: Pick<CommandContext, 'values' | 'env' | 'cwd' | 'logger'>,
  key: string,
  fail: (message: string) => Error,
): NatsTarget {
  const { values, env } = context;
  const text = (name: string, variable?: string) => {
    const value = values[name] ?? (variable ? env[variable] : undefined);
    if (value !== undefined && typeof value !== 'string') throw fail(`--${name} takes a value`);
    return value === '' ? undefined : value;
  };
  const servers = text('nats', 'NATS_URL');
  if (!servers) throw fail('--nats <url> is required (or set NATS_URL)');
  const creds = text('creds', 'NATS_CREDS');
  const user = text('user', 'NATS_USER');
  const password = text('password', 'NATS_PASSWORD');
  const bucket = text('bucket');
  const domain = text('domain');
  if (creds && user) throw fail('--creds and --user are alternatives; give one');
  return {
    servers,
    key,
    logger: context.logger,
    ...(creds ? { creds: resolve(context.cwd, creds) } : {}),
    ...(user ? { user, password: password ?? '' } : {}),
    ...(bucket ? { bucket } : {}),
    ...(domain ? { domain } : {}),
  };
}

/**
 * Appends a publish or rollback to the workspace's hash-chained audit trail
 * (`.agentforge/audit.log`): the bucket/key and revisions, the content hash — never values.
 */
export function publishAuditHook(
  context: CommandContext,
  workspace: Workspace,
): (record: PublishAuditRecord) => Promise<void> {
  return async (record) => {
    const where = `nats:${record.bucket}/${record.key}`;
    await appendAudit(workspace.root, {
      actor: actor(context),
      command: `config ${record.action}`,
      environment: record.key,
      before: record.previousRevision === undefined ? null : `${where}@${record.previousRevision}`,
      after: `${where}@${record.revision}#${record.hash}`,
      result: 'applied',
    });
  };
}

/** Records a publish or rollback that was refused (findings, a literal secret, a conflict). */
export async function auditRefused(
  context: CommandContext,
  workspace: Workspace,
  action: 'publish' | 'rollback',
  environment: string,
  reason: string,
): Promise<void> {
  await appendAudit(workspace.root, {
    actor: actor(context),
    command: `config ${action}`,
    environment,
    result: 'refused',
    reason,
  });
}

/**
 * Runs a publish or rollback behind the `publish` grant (a denial is printed, audited and
 * comes back as `'denied'`) and audits what it refused: findings at or above `--fail-on` and
 * literal secrets (thrown by the library), and revision conflicts (returned). Findings come back
 * as `'invalid'` (the findings are already printed); every other error is rethrown.
 */
export async function publishAudited(
  context: CommandContext,
  workspace: Workspace,
  action: 'publish' | 'rollback',
  environment: string,
  run: () => Promise<PublishResult>,
): Promise<PublishResult | 'invalid' | 'denied'> {
  const gate = await authorizeChange(workspace, {
    actor: actor(context),
    command: `config ${action}`,
    environment,
    action: 'publish',
  });
  if (!gate.allowed) {
    denied(context, gate);
    return 'denied';
  }
  const result = await run().catch(async (error) => {
    if (error?.code === 'CONFIG_INVALID' || error?.code === 'SECRET_LITERAL')
      await auditRefused(
        context,
        workspace,
        action,
        environment,
        error.code === 'SECRET_LITERAL' ? 'literal secret' : 'findings at or above --fail-on',
      );
    if (error?.code === 'CONFIG_INVALID') return 'invalid' as const;
    throw error;
  });
  if (result !== 'invalid' && result.status === 'conflict')
    await auditRefused(
      context,
      workspace,
      action,
      environment,
      `revision conflict: expected ${result.expectedRevision}, found ${result.actualRevision ?? 'none'}`,
    );
  return result;
}

/** Prints a publish result and returns the exit code: 1 for a conflict, naming both revisions. */
export function reportPublish(
  context: CommandContext,
  target: NatsTarget,
  result: PublishResult,
  what = 'published',
): number {
  const where = `${target.bucket ?? 'agentforge'}/${target.key}`;
  if (result.status === 'conflict') {
    context.stderr.write(
      `conflict: ${where} is at revision ${result.actualRevision ?? 'none (deleted)'}, not the expected revision ${result.expectedRevision}; someone else published meanwhile — review with agentforge config history --published, then retry with --expect-revision ${result.actualRevision ?? 0}\n`,
    );
    return 1;
  }
  if (result.status === 'unchanged') {
    context.stdout.write(
      `${where} already holds this document at revision ${result.revision} (${result.hash}); nothing published\n`,
    );
    return 0;
  }
  context.stdout.write(
    `${what} ${where} revision ${result.revision} (${result.hash})${result.previousRevision === undefined ? '' : `, previous revision ${result.previousRevision}`}\n`,
  );
  return 0;
}

/** Who publishes, recorded in the value's metadata: the audit trail's actor (`--actor` first). */
export function actor(context: Pick<CommandContext, 'values' | 'env' | 'cwd'>): string {
  return commandActor(context, context.cwd);
}
