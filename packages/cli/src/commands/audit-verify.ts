import { AUDIT_LOG, findWorkspace, verifyAudit } from '@agentforge/schema';
import type { Command } from '../context.js';

export const command: Command = {
  usage: 'audit verify',
  description:
    'Check the hash chain of the audit trail: exit 1 naming the first line that was edited, removed or reordered.',
  options: {},
  async run({ cwd, dir, stdout, stderr, quiet }) {
    const workspace = await findWorkspace(cwd, dir);
    const result = await verifyAudit(workspace.root);
    if (!result.ok) {
      stderr.write(`${AUDIT_LOG}:${result.problem!.line}: ${result.problem!.message}\n`);
      return 1;
    }
    if (!quiet) stdout.write(`${AUDIT_LOG}: ${result.entries} entries, chain intact\n`);
    return 0;
  },
};
