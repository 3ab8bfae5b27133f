// The README's main job: runs the agentforge CLI on the bundled example workspaces, as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/agentforge.js', import.meta.url));

/** Runs one CLI command, echoing it; `expect` lists the exit codes this step may end with. */
function step(title, args, { expect = [0], cwd = root } = {}) {
  console.log(`\n\u25b6 ${title}\n$ agentforge ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, stdio: 'inherit', env: { ...process.env } });
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
  if (node.additionalProperties && typeof node.additionalProperties === 'object') count(node.additionalProperties);
};
count(jsonSchema);
console.log(`${jsonSchema.title}: ${options} options in ${Object.keys(jsonSchema.properties).length} sections (${jsonSchema.required.join(', ')} required)`);

console.log('\n\u25b6 Check the three example environments against the schema');
const { EnvironmentDocumentSchema, checkSchema, loadFile } = await import('@agentforge/schema');
let failed = 0;
for (const name of ['development', 'staging', 'production']) {
  const file = join(root, 'examples/platform/environments', `${name}.yaml`);
  const loaded = await loadFile(file, { file: relative(root, file) });
  const result = checkSchema(EnvironmentDocumentSchema, loaded.data, { locator: loaded.locator });
  console.log(`${result.success ? '\u2714' : '\u2716'} ${loaded.file}${result.success ? '' : `: ${result.findings.length} problem(s)`}`);
  for (const f of result.findings) console.log(`  ${f.location?.line}:${f.location?.column} ${f.message}`);
  if (!result.success) failed++;
}
if (failed) process.exit(1);

step(
  'Validate every environment of the example workspace (schema + AgentForge policy + workspace policies)',
  ['config', 'validate', '--environment', 'all', '--dir', 'examples/platform'],
);
step(
  "Validate the broken example's production environment: expected to fail with exit code 1",
  ['config', 'validate', '--environment', 'production', '--dir', 'examples/broken'],
  { expect: [1] },
);
console.log('\n\u2714 demo finished');
