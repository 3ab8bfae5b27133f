import type { Command } from '../context.js';
import { author, ENVIRONMENT_OPTIONS, openEnvironment } from './_drift.js';

export const command: Command = {
  usage: 'config snapshot -e <name> [--config <file>] [--message <text>]',
  description:
    'Store the current configuration of an environment as a snapshot under .agentforge/snapshots/<env>/ (secrets only as fingerprints).',
  options: {
    ...ENVIRONMENT_OPTIONS,
    message: { type: 'string', short: 'm', description: 'Why the snapshot was taken', valueName: 'text' },
  },
  async run(context) {
    const { environment, store, load } = await openEnvironment(context, 'config snapshot');
    const loaded = await load();
    const who = author(context.env);
    const meta = await store.save(environment, loaded.data, {
      source: loaded.source,
      ...(typeof context.values.message === 'string' ? { message: context.values.message } : {}),
      ...(who ? { author: who } : {}),
    });
    if (context.quiet) return 0;
    const parent = meta.parent ? ` (parent ${meta.parent.slice(0, 12)})` : ' (first snapshot)';
    context.stdout.write(
      `${context.colors.green('✔')} snapshot ${context.colors.bold(meta.id.slice(0, 12))} of ${environment} saved${parent}\n`,
    );
    return 0;
  },
};
