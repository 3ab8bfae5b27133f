import { checkAccessAgainstBase, findWorkspace, resolveActor } from '@agentforge/schema';
import type { Command } from '../context.js';
import { usageError } from './_shared.js';

export const command: Command = {
  usage: 'access check --base <git-ref> [--actor <id>]',
  description:
    'For CI: compare each environment file at --base with the working tree and fail (exit 1) when the actor may not change a changed path under access: in agentforge.yaml.',
  examples: ['agentforge access check --base origin/main --actor "$GITHUB_ACTOR"'],
  options: {
    base: { type: 'string', description: 'The git revision to compare with', valueName: 'git-ref' },
    actor: {
      type: 'string',
      description: 'Who made the change (default: CI identity, git user.email, OS user)',
      valueName: 'id',
    },
  },
  async run({ values, cwd, dir, env, stdout, stderr, quiet }) {
    if (typeof values.base !== 'string' || values.base === '')
      throw usageError('access check')('--base <git-ref> is required');
    const workspace = await findWorkspace(cwd, dir);
    const actor = resolveActor({ actor: values.actor as string | undefined, env, cwd: workspace.root });
    const { violations, checked } = await checkAccessAgainstBase(workspace, { base: values.base, actor });
    for (const v of violations)
      stderr.write(`${v.file}: access/denied: ${actor} has no grant to ${v.missing}\n`);
    if (violations.length > 0) return 1;
    if (!quiet)
      stdout.write(`${actor} may make every change since ${values.base} (${checked} environments)\n`);
    return 0;
  },
};
