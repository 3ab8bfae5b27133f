import type { Command } from '../context.js';
import { EDIT_OPTIONS, reportEdit, runEdit } from './_edit.js';

export const command: Command = {
  usage: 'config set -e <name> <path> <value> [--dry-run] [--fail-on <severity>] [--actor <id>]',
  description:
    'Set one value in environments/<name>.yaml, keeping comments and formatting (only the edited lines change). The value is YAML: a scalar (4, true, "4") or a flow node ([a, b], {cpu: 100m}). The edited document is validated first: findings at or above --fail-on refuse the edit and leave the file untouched (exit 1).',
  arguments: [
    { name: 'path', description: 'dotted path, e.g. services.swarm.replicas (\\. for a dot inside a key)' },
    { name: 'value', description: 'the new value, as YAML' },
  ],
  examples: [
    'agentforge config set -e production services.swarm.replicas 4',
    'agentforge config set -e staging features "[search, planner]" --dry-run',
  ],
  options: EDIT_OPTIONS,
  async run(context) {
    const [path, value] = context.positionals as [string, string];
    const result = await runEdit(context, 'config set', [{ op: 'set', path, value }]);
    return reportEdit(context, result, (display) => `set ${path} in ${display}`);
  },
};
