import { relative } from 'node:path';
import {
  AgentforgeError,
  findWorkspace,
  renderCodeowners,
  workspaceAccess,
  writeFileAtomic,
} from '@agentforge/schema';
import type { Command } from '../context.js';

export const command: Command = {
  usage: 'access codeowners [--out <file>]',
  description:
    'Print (or write with --out) a CODEOWNERS file from the grants of access: in agentforge.yaml, so GitHub asks the same people on pull requests.',
  examples: ['agentforge access codeowners --out .github/CODEOWNERS'],
  options: {
    out: { type: 'string', description: 'Write to this file instead of standard output', valueName: 'file' },
  },
  async run({ values, cwd, dir, stdout }) {
    const workspace = await findWorkspace(cwd, dir);
    const policy = workspaceAccess(workspace);
    if (!policy)
      throw new AgentforgeError(
        'CONFIG_INVALID',
        'agentforge.yaml has no access: section to derive CODEOWNERS from',
      );
    const text = renderCodeowners(
      policy,
      await workspace.listEnvironments(),
      relative(workspace.root, workspace.environmentsDir),
    );
    if (typeof values.out === 'string') await writeFileAtomic(values.out, text, { mkdir: true });
    else stdout.write(text);
    return 0;
  },
};
