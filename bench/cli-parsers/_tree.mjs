// The agentforge command tree as each parser prototype declares it: every group and command with
// its summary, and `config validate` with its real options. After parsing, a prototype hands the
// normalised command line to the real CLI (packages/cli/dist), so every contender pays the same
// for the work after parsing and the difference is the parser's.
export const GROUPS = {
  env: {
    create: 'Create environments/<name>.yaml from a template',
    list: 'List the environments of the workspace',
    generate: 'Generate .env, docker-compose, Kustomize or Helm values files for an environment',
  },
  config: {
    validate: 'Validate environments against the schema and policies',
    snapshot: 'Store the current configuration of an environment as a snapshot',
    drift: 'Show drift against a snapshot, between snapshots or between environments',
    history: 'List the snapshots of an environment and verify them',
  },
  manifests: { validate: 'Validate rendered Kubernetes manifests against the Kubernetes rules' },
};
export const TOP = {
  schema: 'Print the JSON Schema or reference of the environment document',
  completion: 'Print a shell completion script',
};

/** The real CLI run on the parsed values of `config validate`. */
export async function runValidate(values) {
  const argv = ['config', 'validate', '--environment', values.environment];
  if (values.config) argv.push('--config', values.config);
  for (const p of values.policy ?? []) argv.push('--policy', p);
  if (values.format) argv.push('--format', values.format);
  if (values.dir) argv.push('--dir', values.dir);
  const { runCli } = await import('../../packages/cli/dist/index.js');
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
}
