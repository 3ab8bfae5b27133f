import type { Command } from './context.js';

/**
 * Every command, by its words, with a one-line summary for `--help`. Modules are imported only
 * when their command runs, so `agentforge --help` loads neither zod nor chokidar.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  schema: {
    summary: 'Print the JSON Schema or reference of the environment document',
    load: () => import('./commands/schema.js'),
  },
};
