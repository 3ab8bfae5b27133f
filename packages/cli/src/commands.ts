import type { Command } from './context.js';

/**
 * Every command, by its words, with a one-line summary for `--help`. Modules are imported only
 * when their command runs, so `agentforge --help` loads neither zod nor chokidar.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  'config validate': {
    summary: 'Validate environments against the schema and policies (exit 1 on findings at or above --fail-on)',
    load: () => import('./commands/config-validate.js'),
  },
  schema: { summary: 'Print the JSON Schema or reference of the environment document', load: () => import('./commands/schema.js') },
};
