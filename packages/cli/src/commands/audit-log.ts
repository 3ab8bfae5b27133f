import { findWorkspace, formatAuditEntry, parseSince, readAudit } from '@agentforge/schema';
import type { Command } from '../context.js';
import { environmentOption } from './_shared.js';

export const command: Command = {
  usage: 'audit log [-e <name>] [--since <time>] [--format human|json]',
  description: 'Show the audit trail (.agentforge/audit.log): who changed what, when, and the result.',
  examples: ['agentforge audit log -e production --since 7d'],
  options: {
    environment: environmentOption('Only changes to this environment'),
    since: {
      type: 'string',
      description: 'Only changes since a date (2026-12-01) or a duration (12h, 7d)',
      valueName: 'time',
    },
    format: {
      type: 'string',
      description: 'human (default) or json (one JSON line per entry)',
      valueName: 'format',
      choices: ['human', 'json'],
    },
  },
  async run({ values, cwd, dir, stdout }) {
    const workspace = await findWorkspace(cwd, dir);
    const entries = await readAudit(workspace.root, {
      environment: values.environment as string | undefined,
      since: typeof values.since === 'string' ? parseSince(values.since) : undefined,
    });
    for (const entry of entries)
      stdout.write(`${values.format === 'json' ? JSON.stringify(entry) : formatAuditEntry(entry)}\n`);
    return 0;
  },
};
