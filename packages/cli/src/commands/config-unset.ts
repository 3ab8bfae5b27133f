import type { Command } from '../context.js';
import { EDIT_OPTIONS, reportEdit, runEdit } from './_edit.js';

export const command: Command = {
  usage: 'config unset -e <name> <path> [--dry-run] [--fail-on <severity>] [--actor <id>]',
  description:
    'Remove one key or list item from environments/<name>.yaml, keeping comments and formatting. The edited document is validated first: findings at or above --fail-on refuse the edit (exit 1).',
  arguments: [{ name: 'path', description: 'dotted path, e.g. services.swarm.env.DEBUG' }],
  examples: ['agentforge config unset -e staging services.swarm.env.DEBUG'],
  options: EDIT_OPTIONS,
  async run(context) {
    const [path] = context.positionals as [string];
    const result = await runEdit(context, 'config unset', [{ op: 'unset', path }]);
    return reportEdit(context, result, (display) => `unset ${path} in ${display}`);
  },
};
