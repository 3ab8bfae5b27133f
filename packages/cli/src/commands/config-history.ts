import { AgentforgeError, unknownEnvironmentError } from '@agentforge/schema';
import type { Command, CommandContext } from '../context.js';
import { ENVIRONMENT_OPTIONS, openEnvironment } from './_drift.js';
import { NATS_OPTIONS, natsTarget } from './_nats.js';
import { usageError } from './_shared.js';

export const command: Command = {
  usage: 'config history -e <name> [--published --nats <url> [--bucket <name>]] [--format human|json]',
  description:
    'List the snapshots of an environment, newest first, each checked against its content hash. Exits 1 when one is corrupt.',
  options: {
    environment: ENVIRONMENT_OPTIONS.environment!,
    format: {
      type: 'string',
      description: 'human (default) or json',
      valueName: 'format',
      choices: ['human', 'json'],
    },
    published: {
      type: 'boolean',
      description: 'List the revisions published to the NATS bucket instead of the snapshots',
    },
    ...NATS_OPTIONS,
  },
  async run(context) {
    const format = (context.values.format as string | undefined) ?? 'human';
    if (format !== 'human' && format !== 'json')
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge config history: unknown --format "${format}" (human or json)`,
      );
    if (context.values.published) return publishedRevisions(context, format);
    const { workspace, environment, store } = await openEnvironment(context, 'config history');
    const listed = await store.list(environment);
    const known = await workspace.listEnvironments();
    if (listed.length === 0 && !known.includes(environment)) {
      throw unknownEnvironmentError(environment, { workspace, known });
    }
    const checks = new Map((await store.verify(environment)).map((c) => [c.id, c]));
    const entries = listed.reverse().map((meta) => ({
      ...meta,
      ok: checks.get(meta.id)?.ok ?? false,
      problem: checks.get(meta.id)?.problem,
    }));
    const corrupt = entries.filter((e) => !e.ok);
    const { colors, stdout, stderr } = context;
    if (format === 'json') stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    else if (entries.length === 0)
      stdout.write(
        `no snapshots of ${environment} yet (take one with: agentforge config snapshot --environment ${environment})\n`,
      );
    else {
      for (const entry of entries) {
        const status = entry.ok ? '' : ` ${colors.red('CORRUPT')}`;
        const details = [entry.message, entry.author && `by ${entry.author}`, entry.source]
          .filter(Boolean)
          .join(' · ');
        stdout.write(
          `${colors.bold(entry.id.slice(0, 12))}  ${entry.createdAt}${status}${details ? `  ${colors.dim(details)}` : ''}\n`,
        );
      }
    }
    for (const entry of corrupt) stderr.write(`${entry.problem}\n`);
    return corrupt.length > 0 ? 1 : 0;
  },
};

/** `--published`: the bucket's revisions of the environment, newest first. */
async function publishedRevisions(context: CommandContext, format: string): Promise<number> {
  const { publishedHistory } = await import('@agentforge/dynamic-config');
  const environment = context.values.environment;
  const fail = usageError('config history');
  if (typeof environment !== 'string' || environment === '') throw fail('--environment <name> is required');
  const target = natsTarget(context, environment, fail);
  const entries = (await publishedHistory(target)).reverse();
  const { stdout, colors } = context;
  if (format === 'json') {
    stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
    return 0;
  }
  if (entries.length === 0) stdout.write(`nothing published for ${environment} yet\n`);
  for (const entry of entries) {
    const details = [
      entry.operation === 'PUT' ? entry.hash : colors.red(entry.operation.toLowerCase()),
      entry.meta?.by && `by ${entry.meta.by}`,
      entry.meta?.rollbackOf !== undefined && `rollback to revision ${entry.meta.rollbackOf}`,
      entry.problem && colors.red(entry.problem),
    ]
      .filter(Boolean)
      .join(' · ');
    stdout.write(
      `${colors.bold(`revision ${entry.revision}`)}  ${entry.created.toISOString()}  ${details}\n`,
    );
  }
  return 0;
}
