// What the NATS commands share: the connection options, the audit hook and how a publish
// result is printed. Nothing here loads a library, so `config drift` and `config history`
// pay for NATS only with --against-published / --published.
import { resolve } from 'node:path';
import type { NatsTarget, PublishAuditRecord, PublishResult } from '@agentforge/dynamic-config';
import type { CommandContext, OptionSpec } from '../context.js';

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
 * Hook for the workspace audit trail (`.agentforge/audit.log`). The hash-chained trail is not
 * in `@agentforge/schema` yet, so the record goes to the log; when the trail lands, append it here.
 */
export function publishAuditHook(context: CommandContext): (record: PublishAuditRecord) => void {
  return (record) => context.logger.info({ audit: record }, `configuration ${record.action}ed`);
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

/** The actor recorded with a publish: `AGENTFORGE_ACTOR`, `AGENTFORGE_AUTHOR`, `GIT_AUTHOR_NAME` or `USER`. */
export function actor(env: CommandContext['env']): string | undefined {
  return env.AGENTFORGE_ACTOR || env.AGENTFORGE_AUTHOR || env.GIT_AUTHOR_NAME || env.USER || undefined;
}
