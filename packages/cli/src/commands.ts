import type { CommandTable } from './context.js';

export { GROUPS, groupSummary } from './groups.js';

/**
 * Every command, by its words, with a one-line summary for `--help`. Modules are imported only
 * when their command runs, so `agentforge --help` loads neither zod nor chokidar.
 */
export const COMMANDS: CommandTable = {
  'env create': {
    summary: 'Create environments/<name>.yaml from a template',
    load: () => import('./commands/env-create.js'),
  },
  'env list': {
    summary: 'List the environments of the workspace',
    load: () => import('./commands/env-list.js'),
  },
  'env generate': {
    summary:
      'Generate .env, docker-compose, Kustomize, Helm values, Argo CD or Flux files for an environment',
    load: () => import('./commands/env-generate.js'),
  },
  'config validate': {
    summary:
      'Validate environments against the schema and policies (exit 1 on findings at or above --fail-on)',
    load: () => import('./commands/config-validate.js'),
  },
  'config set': {
    summary: 'Set one value in an environment file, keeping comments (validated before it is written)',
    load: () => import('./commands/config-set.js'),
  },
  'config unset': {
    summary: 'Remove one value from an environment file, keeping comments',
    load: () => import('./commands/config-unset.js'),
  },
  'config snapshot': {
    summary: 'Store the current configuration of an environment as a snapshot',
    load: () => import('./commands/config-snapshot.js'),
  },
  'config drift': {
    summary: 'Show drift against a snapshot, between snapshots or between environments',
    load: () => import('./commands/config-drift.js'),
  },
  'config history': {
    summary: 'List the snapshots of an environment and verify them',
    load: () => import('./commands/config-history.js'),
  },
  'config publish': {
    summary: 'Validate an environment and publish it to the NATS Key-Value bucket with compare-and-set',
    load: () => import('./commands/config-publish.js'),
  },
  'config rollback': {
    summary: 'Publish an earlier revision of an environment again, through the same validation',
    load: () => import('./commands/config-rollback.js'),
  },
  'config status': {
    summary: 'Show which replica runs which published revision',
    load: () => import('./commands/config-status.js'),
  },
  report: {
    summary:
      'Write one self-contained HTML page: status, findings, drift, comparison, history, audit and access',
    load: () => import('./commands/report.js'),
  },
  'manifests validate': {
    summary:
      'Validate rendered Kubernetes manifests (files, folders or - for stdin) against the Kubernetes rules',
    load: () => import('./commands/manifests-validate.js'),
  },
  'manifests drift': {
    summary: 'Compare rendered manifests with the live objects (a kubectl get dump, or kubectl get itself)',
    load: () => import('./commands/manifests-drift.js'),
  },
  'audit log': {
    summary: 'Show the audit trail: who changed what, when',
    load: () => import('./commands/audit-log.js'),
  },
  'audit verify': {
    summary: 'Check the hash chain of the audit trail (exit 1 naming a tampered line)',
    load: () => import('./commands/audit-verify.js'),
  },
  'access check': {
    summary: 'Fail when the actor may not make the changes since a git revision',
    load: () => import('./commands/access-check.js'),
  },
  'access codeowners': {
    summary: 'Write a CODEOWNERS file from the access grants',
    load: () => import('./commands/access-codeowners.js'),
  },
  schema: {
    summary: 'Print the JSON Schema or reference of the environment document',
    load: () => import('./commands/schema.js'),
  },
  completion: {
    summary: 'Print a shell completion script (bash, zsh or fish)',
    load: () => import('./commands/completion.js'),
  },
};
