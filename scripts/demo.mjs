// The README's main job: runs the agentforge CLI on the bundled example workspaces, as a user would.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../packages/cli/bin/agentforge.js', import.meta.url));

/** Runs one CLI command, echoing it; `expect` lists the exit codes this step may end with. */
function step(title, args, { expect = [0], cwd = root, quiet = false } = {}) {
  console.log(`\n\u25b6 ${title}\n$ agentforge ${args.join(' ')}${quiet ? ' > /dev/null' : ''}`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    stdio: ['inherit', quiet ? 'ignore' : 'inherit', 'inherit'],
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

step(
  'Validate every environment of the example workspace (schema + AgentForge policy + workspace policies)',
  ['config', 'validate', '--environment', 'all', '--dir', 'examples/platform'],
);
step(
  "Validate the broken example's production environment: expected to fail with exit code 1",
  ['config', 'validate', '--environment', 'production', '--dir', 'examples/broken'],
  { expect: [1] },
);

// Generated files go to a copy of the example workspace in a temporary folder, never into examples/.
const workspace = join(mkdtempSync(join(tmpdir(), 'agentforge-demo-')), 'platform');
cpSync(join(root, 'examples/platform'), workspace, { recursive: true });
step('List the environments of the example workspace', ['env', 'list', '--dir', workspace]);
for (const type of ['env', 'docker-compose', 'k8s', 'helm']) {
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

// Drift: work on a temporary copy of the example workspace, so no snapshot lands in examples/.
const driftWorkspace = mkdtempSync(join(tmpdir(), 'agentforge-drift-demo-'));
cpSync(join(root, 'examples/platform'), driftWorkspace, {
  recursive: true,
  filter: (source) => !source.includes('.agentforge'),
});
step('Snapshot the production environment (a copy of examples/platform)', [
  'config',
  'snapshot',
  '--environment',
  'production',
  '--message',
  'release 1.8.2',
  '--dir',
  driftWorkspace,
]);
const productionFile = join(driftWorkspace, 'environments/production.yaml');
const edits = [
  ['swarm:1.8.2@', 'swarm:1.9.0@'],
  ['replicas: 2\n    port: 8082', 'replicas: 4\n    port: 8082'],
  ['level: info', 'level: debug'],
  ['minVersion: "1.3"', 'minVersion: "1.2"'],
  ['  tool-sandbox: true', '  tool-sandbox: true\n  batch-embeddings: true'],
];
let text = readFileSync(productionFile, 'utf8');
for (const [from, to] of edits) {
  if (!text.includes(from))
    throw new Error(`demo: "${from}" not found in the example production environment`);
  text = text.replace(from, to);
}
writeFileSync(productionFile, text);
console.log(
  `\n\u25b6 Edit the copy: ${edits.length} changes (image, memory replicas, log level, TLS version, a new feature flag)`,
);
step(
  'Show the drift against the latest snapshot (exits 1: drift found)',
  ['config', 'drift', '--environment', 'production', '--dir', driftWorkspace],
  { expect: [1] },
);
step(
  'Gate only on high and critical changes (still exits 1: the TLS and image changes)',
  [
    'config',
    'drift',
    '--environment',
    'production',
    '--fail-on',
    'high',
    '--format',
    'markdown',
    '--dir',
    driftWorkspace,
  ],
  { expect: [1] },
);
step(
  'Accept the edited file as the new baseline',
  ['config', 'drift', '--environment', 'production', '--accept', '--format', 'json', '--dir', driftWorkspace],
  { quiet: true },
);
step('Drift after accepting (exits 0: no drift)', [
  'config',
  'drift',
  '--environment',
  'production',
  '--dir',
  driftWorkspace,
]);
step('History of the production snapshots', [
  'config',
  'history',
  '--environment',
  'production',
  '--dir',
  driftWorkspace,
]);
if (existsSync(join(root, 'examples/platform/.agentforge'))) {
  console.error('\u2716 a snapshot was written into the committed examples folder');
  process.exit(1);
}
rmSync(driftWorkspace, { recursive: true, force: true });
console.log('\n\u2714 demo finished');
