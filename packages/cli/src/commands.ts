import type { CommandTable } from './context.js';
import { type CommandName, SUMMARIES } from './summaries.js';

export { GROUPS, groupSummary } from './groups.js';

/** Each command's module, imported only when the command runs. */
const LOADERS: Record<CommandName, CommandTable[string]['load']> = {
  'env create': () => import('./commands/env-create.js'),
  'env list': () => import('./commands/env-list.js'),
  'env generate': () => import('./commands/env-generate.js'),
  'config validate': () => import('./commands/config-validate.js'),
  'config set': () => import('./commands/config-set.js'),
  'config unset': () => import('./commands/config-unset.js'),
  'config snapshot': () => import('./commands/config-snapshot.js'),
  'config drift': () => import('./commands/config-drift.js'),
  'config history': () => import('./commands/config-history.js'),
  'config publish': () => import('./commands/config-publish.js'),
  'config rollback': () => import('./commands/config-rollback.js'),
  'config status': () => import('./commands/config-status.js'),
  report: () => import('./commands/report.js'),
  'manifests validate': () => import('./commands/manifests-validate.js'),
  'manifests drift': () => import('./commands/manifests-drift.js'),
  'audit log': () => import('./commands/audit-log.js'),
  'audit verify': () => import('./commands/audit-verify.js'),
  'access check': () => import('./commands/access-check.js'),
  'access codeowners': () => import('./commands/access-codeowners.js'),
  schema: () => import('./commands/schema.js'),
  completion: () => import('./commands/completion.js'),
};

/** Every command, by its words, with its summary and a lazy loader of its module. */
export const COMMANDS: CommandTable = Object.fromEntries(
  (Object.keys(SUMMARIES) as CommandName[]).map((name) => [
    name,
    { summary: SUMMARIES[name], load: LOADERS[name] },
  ]),
);
