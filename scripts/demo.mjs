// The README's main job: runs the agentforge CLI on the bundled example workspaces, as a user would.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/agentforge.js', import.meta.url));

/** Runs one CLI command, echoing it; `expect` lists the exit codes this step may end with. */
function step(title, args, { expect = [0], cwd = root } = {}) {
  console.log(`\n\u25b6 ${title}\n$ agentforge ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    stdio: 'inherit',
    env: { ...process.env },
  });
  if (!expect.includes(result.status)) {
    console.error(`\u2716 exited ${result.status}, expected ${expect.join(' or ')}`);
    process.exit(1);
  }
}

const schemaFile = join(mkdtempSync(join(tmpdir(), 'agentforge-demo-')), 'schema.json');
step('Write the JSON Schema of the environment document', ['schema', '--out', schemaFile]);
const jsonSchema = JSON.parse(readFileSync(schemaFile, 'utf8'));
let options = 0;
const count = (node) => {
  for (const child of Object.values(node.properties ?? {})) {
    options++;
    count(child);
  }
  if (node.additionalProperties && typeof node.additionalProperties === 'object')
    count(node.additionalProperties);
};
count(jsonSchema);
console.log(
  `${jsonSchema.title}: ${options} options in ${Object.keys(jsonSchema.properties).length} sections (${jsonSchema.required.join(', ')} required)`,
);

console.log('\n\u25b6 Check the three example environments against the schema');
const { EnvironmentDocumentSchema, checkSchema, loadFile } = await import('@agentforge/schema');
let failed = 0;
for (const name of ['development', 'staging', 'production']) {
  const file = join(root, 'examples/platform/environments', `${name}.yaml`);
  const loaded = await loadFile(file, { file: relative(root, file) });
  const result = checkSchema(EnvironmentDocumentSchema, loaded.data, { locator: loaded.locator });
  console.log(
    `${result.success ? '\u2714' : '\u2716'} ${loaded.file}${result.success ? '' : `: ${result.findings.length} problem(s)`}`,
  );
  for (const f of result.findings) console.log(`  ${f.location?.line}:${f.location?.column} ${f.message}`);
  if (!result.success) failed++;
}
if (failed) process.exit(1);

// Generated files go to a copy of the example workspace in a temporary folder, never into examples/.
const workspace = join(mkdtempSync(join(tmpdir(), 'agentforge-demo-')), 'platform');
cpSync(join(root, 'examples/platform'), workspace, { recursive: true });
step('List the environments of the example workspace', ['env', 'list', '--dir', workspace]);
for (const type of ['env', 'docker-compose', 'k8s']) {
  step(`Generate ${type} files for production (into a temporary copy of the workspace)`, [
    'env',
    'generate',
    'production',
    '--type',
    type,
    '--dir',
    workspace,
  ]);
}
const envFile = join(workspace, '.env.production');
const variables = readFileSync(envFile, 'utf8')
  .split('\n')
  .filter((line) => /^[A-Z]/.test(line));
console.log(
  `.env.production: ${variables.length} variables, mode ${(statSync(envFile).mode & 0o777).toString(8)}; secrets left empty: ${variables
    .filter((l) => l.endsWith('='))
    .map((l) => l.slice(0, -1))
    .join(', ')}`,
);
const overlay = join(workspace, 'deployment/k8s/overlays/production');
console.log(
  `deployment/k8s/overlays/production: ${readdirSync(overlay, { recursive: true }).length} entries`,
);
const kubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
if (kubectl) {
  console.log(`\n\u25b6 Build the production overlay\n$ kubectl kustomize ${overlay}`);
  const built = spawnSync(kubectl, ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (built.status !== 0) {
    console.error(built.stderr);
    process.exit(1);
  }
  const kinds = {};
  for (const match of built.stdout.matchAll(/^kind: (\w+)$/gm)) kinds[match[1]] = (kinds[match[1]] ?? 0) + 1;
  console.log(
    Object.entries(kinds)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', '),
  );
} else console.log('kubectl not found: skipped building the overlay');
console.log('\n\u2714 demo finished');
