// The command table's names and summaries, apart from the loaders (commands.ts): `--help`,
// group help and the binary's first module reach no command module through this file.
export { GROUPS, groupSummary } from './groups.js';

/** Every command, by its words, with the one line `agentforge --help` shows for it. */
export const SUMMARIES = {
  'env create': 'Create environments/<name>.yaml from a template',
  'env list': 'List the environments of the workspace',
  'env generate':
    'Generate .env, docker-compose, Kustomize, Helm values, Argo CD or Flux files for an environment',
  'config validate':
    'Validate environments against the schema and policies (exit 1 on findings at or above --fail-on)',
  'config set': 'Set one value in an environment file, keeping comments (validated before it is written)',
  'config unset': 'Remove one value from an environment file, keeping comments',
  'config snapshot': 'Store the current configuration of an environment as a snapshot',
  'config drift': 'Show drift against a snapshot, between snapshots or between environments',
  'config history': 'List the snapshots of an environment and verify them',
  'config publish':
    'Validate an environment and publish it to the NATS Key-Value bucket with compare-and-set',
  'config rollback': 'Publish an earlier revision of an environment again, through the same validation',
  'config status': 'Show which replica runs which published revision',
  report:
    'Write one self-contained HTML page: status, findings, drift, comparison, history, audit and access',
  'manifests validate':
    'Validate rendered Kubernetes manifests (files, folders or - for stdin) against the Kubernetes rules',
  'manifests drift':
    'Compare rendered manifests with the live objects (a kubectl get dump, or kubectl get itself)',
  'audit log': 'Show the audit trail: who changed what, when',
  'audit verify': 'Check the hash chain of the audit trail (exit 1 naming a tampered line)',
  'access check': 'Fail when the actor may not make the changes since a git revision',
  'access codeowners': 'Write a CODEOWNERS file from the access grants',
  schema: 'Print the JSON Schema or reference of the environment document',
  completion: 'Print a shell completion script (bash, zsh or fish)',
} as const;

/** The words of a command: `config validate`. */
export type CommandName = keyof typeof SUMMARIES;
