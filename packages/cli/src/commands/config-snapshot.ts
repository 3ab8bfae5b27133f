import type { Command } from '../context.js';
import { author, ENVIRONMENT_OPTIONS, openEnvironment, saveSnapshotAudited } from './_drift.js';
import { ACTOR_OPTION } from './_shared.js';

export const command: Command = {
  usage: 'config snapshot -e <name> [--config <file>] [--message <text>] [--actor <id>]',
  description:
    'Store the current configuration of an environment as a snapshot under .agentforge/snapshots/<env>/ (secrets only as fingerprints). Needs the snapshot grant when agentforge.yaml has an access: section; audited.',
  options: {
    ...ENVIRONMENT_OPTIONS,
    message: { type: 'string', short: 'm', description: 'Why the snapshot was taken', valueName: 'text' },
    actor: ACTOR_OPTION,
  },
  async run(context) {
    const { workspace, environment, store, load } = await openEnvironment(context, 'config snapshot');
    // Read first: an unknown environment or a malformed file is bad input (exit 2), whoever asks.
    const loaded = await load();
    const who = author(context.env);
    const meta = await saveSnapshotAudited(
      context,
      workspace,
      { command: 'config snapshot', environment, action: 'snapshot' },
      () =>
        store.save(environment, loaded.data, {
          source: loaded.source,
          ...(typeof context.values.message === 'string' ? { message: context.values.message } : {}),
          ...(who ? { author: who } : {}),
        }),
    );
    if (!meta) return 1;
    if (context.quiet) return 0;
    const parent = meta.parent ? ` (parent ${meta.parent.slice(0, 12)})` : ' (first snapshot)';
    context.stdout.write(
      `${context.colors.green('✔')} snapshot ${context.colors.bold(meta.id.slice(0, 12))} of ${environment} saved${parent}\n`,
    );
    return 0;
  },
};
