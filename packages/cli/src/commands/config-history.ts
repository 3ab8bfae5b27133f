import { AgentforgeError, unknownEnvironmentError } from '@agentforge/schema';
import type { Command } from '../context.js';
import { ENVIRONMENT_OPTIONS, openEnvironment } from './_drift.js';

export const command: Command = {
  usage: 'config history -e <name> [--format human|json]',
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
  },
  async run(context) {
    const format = (context.values.format as string | undefined) ?? 'human';
    if (format !== 'human' && format !== 'json')
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge config history: unknown --format "${format}" (human or json)`,
      );
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
