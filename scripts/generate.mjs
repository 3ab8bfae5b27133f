// Regenerates every committed file that is derived from code, so a change to the schema, the
// policy or a generator is one command away from its artefacts (tests fail while they are stale):
// the JSON Schema and reference docs, RULES.md, docs/cli.md, the Helm chart's schema and ci values, and the
// Kustomize tree generated from the example environments. Run after `pnpm build` (`pnpm generate`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const steps = [
  ['packages/schema/scripts/generate.mjs'],
  ['packages/validator/scripts/rules-doc.mjs'],
  ['packages/cli/scripts/generate.mjs'],
  ['deployment/helm/scripts/generate.mjs'],
  ...['development', 'staging', 'production'].map((env) => [
    'packages/cli/bin/agentforge.cjs',
    ...['env', 'generate', env, '--type', 'k8s', '--dir', 'examples/platform', '--out', '.'],
  ]),
];
for (const [script, ...args] of steps) {
  const result = spawnSync(process.execPath, [script, ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
