import { fleetStatus } from '@agentforge/dynamic-config';
import type { Command } from '../context.js';
import { NATS_OPTIONS, natsTarget } from './_nats.js';
import { choice, usageError } from './_shared.js';

const fail = usageError('config status');

export const command: Command = {
  usage: 'config status --nats <url> [--environment <name>] [--bucket <name>] [--format human|json]',
  description: [
    'Which replica runs which revision: the reports of every service watching the bucket (natsKvSource with',
    "report: true), beside each environment's latest revision. Exits 1 when a replica is behind or in error.",
  ].join('\n'),
  options: {
    environment: { type: 'string', short: 'e', description: 'Only this environment', valueName: 'name' },
    ...NATS_OPTIONS,
    format: { type: 'string', description: 'human (default) or json', valueName: 'format' },
  },
  async run(context) {
    const format = choice(context.values.format, ['human', 'json'] as const, 'human', '--format', fail);
    const environment =
      typeof context.values.environment === 'string' ? context.values.environment : undefined;
    const { key: _key, ...target } = natsTarget(context, environment ?? '', fail);
    const status = await fleetStatus({ ...target, ...(environment ? { key: environment } : {}) });
    const lagging = status.keys.flatMap((k) =>
      k.replicas.filter((r) => r.state !== 'valid' || r.appliedRevision !== k.latestRevision),
    );
    const { stdout, colors } = context;
    if (format === 'json') stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    else if (status.keys.length === 0)
      stdout.write(`no replica has reported to ${status.bucket}-status yet\n`);
    else
      for (const key of status.keys) {
        stdout.write(`${colors.bold(key.key)}  latest revision ${key.latestRevision ?? 'none'}\n`);
        if (key.replicas.length === 0) stdout.write('  no replicas reporting\n');
        for (const r of key.replicas) {
          const behind = r.appliedRevision !== key.latestRevision;
          const state =
            r.state === 'valid'
              ? behind
                ? colors.yellow('behind')
                : colors.green('current')
              : colors.red(r.state);
          stdout.write(
            `  ${r.replica}  revision ${r.appliedRevision ?? '-'}  ${r.hash ?? ''}  ${state}  ${colors.dim(r.at)}${r.error ? `\n    ${r.error}` : ''}\n`,
          );
        }
      }
    return lagging.length > 0 ? 1 : 0;
  },
};
