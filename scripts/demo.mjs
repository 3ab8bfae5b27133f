// The README's main job: builds the packages quietly, then runs the agentforge CLI on the bundled
// example workspaces as a user would. Every command is echoed shell-quoted (copy-paste safe);
// everything it writes goes to one temporary folder, removed on exit — also on failure or Ctrl-C.
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
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'packages/cli/bin/agentforge.cjs');

const scratch = mkdtempSync(join(tmpdir(), 'agentforge-demo-'));
const cleanup = () => rmSync(scratch, { recursive: true, force: true });
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));

/** POSIX shell quoting: bare when safe, else single quotes (`'` written as `'\''`). */
export function shellQuote(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
const commandLine = (command, args) => [command, ...args].map(shellQuote).join(' ');

let headings = 0;
/** A numbered heading for each step of the demo. */
function heading(title) {
  console.log(`\n\u2501\u2501 ${++headings}. ${title}`);
}

function fail(message) {
  console.error(`\u2716 ${message}`);
  process.exit(1);
}

let shellCwd = root;
/** Echoes `cd <dir>` when a command runs somewhere else than the one before it. */
function cd(dir) {
  if (dir !== shellCwd) console.log(`$ ${commandLine('cd', [dir])}`);
  shellCwd = dir;
}

/**
 * Runs one agentforge command in `cwd` (default: the repository), echoing it; `expect` lists
 * the exit codes this step may end with.
 */
function agentforge(args, { expect = [0], quiet = false, cwd = root } = {}) {
  cd(cwd);
  console.log(`$ ${commandLine('agentforge', args)}${quiet ? ' > /dev/null' : ''}`);
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  if (!expect.includes(result.status)) fail(`exited ${result.status}, expected ${expect.join(' or ')}`);
}

/** The first executable `name` on PATH or in .tools/ (where scripts/ensure-tools.sh puts it). */
function findTool(name) {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), join(root, '.tools')]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

console.log('AgentForge configuration toolkit — demo');
console.log(
  `Commands are shown as typed with \`agentforge\` on PATH (here: node packages/cli/bin/agentforge.cjs) from the repository's root; scratch files go to ${scratch}, removed at the end.`,
);

// ---- Build -----------------------------------------------------------------------------------
heading('Build the packages (turbo; cached after the first run)');
const turboArgs = ['run', 'build', '--output-logs=errors-only'];
cd(root);
console.log(`$ ${commandLine('turbo', turboArgs)}`);
const build = spawnSync(join(root, 'node_modules/.bin/turbo'), turboArgs, {
  cwd: root,
  encoding: 'utf8',
  // The telemetry notice and the update check are noise in a demo (and in CI logs).
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1' },
});
if (build.status !== 0) {
  process.stderr.write(build.stdout + build.stderr);
  fail(`turbo run build exited ${build.status}`);
}
console.log(
  build.stdout
    .match(/Tasks:.*\n.*Cached:.*\n.*Time:.*$/m)?.[0]
    ?.replace(/\s+/g, ' ')
    .trim() ?? 'built',
);

// ---- Schema ----------------------------------------------------------------------------------
heading('Write the JSON Schema of the environment document');
const schemaFile = join(scratch, 'schema.json');
agentforge(['schema', '--out', schemaFile]);
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

// ---- Validate --------------------------------------------------------------------------------
heading(
  'Validate every environment of the example workspace (schema, AgentForge policy, workspace policies)',
);
agentforge(['config', 'validate', '--environment', 'all', '--dir', 'examples/platform']);

heading("Validate the broken example's production environment (expected: exit code 1)");
agentforge(['config', 'validate', '--environment', 'production', '--dir', 'examples/broken'], {
  expect: [1],
});

// ---- Generate --------------------------------------------------------------------------------
// Generated files go to a copy of the example workspace in the scratch folder, never into examples/.
const workspace = join(scratch, 'platform');
cpSync(join(root, 'examples/platform'), workspace, {
  recursive: true,
  filter: (source) => !source.includes('.agentforge'),
});
heading('List the environments of a copy of the example workspace');
agentforge(['env', 'list', '--dir', 'platform'], { cwd: scratch });

heading('Generate .env, docker-compose, Kustomize and Helm values files for production');
for (const type of ['env', 'docker-compose', 'k8s', 'helm'])
  agentforge(['env', 'generate', 'production', '--type', type, '--dir', 'platform'], { cwd: scratch });
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

heading('Build the generated production overlay with kubectl kustomize');
const kubectl = findTool('kubectl');
if (kubectl) {
  cd(scratch);
  console.log(`$ ${commandLine('kubectl', ['kustomize', 'platform/deployment/k8s/overlays/production'])}`);
  const built = spawnSync(kubectl, ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (built.status !== 0) {
    process.stderr.write(built.stderr);
    fail(`kubectl kustomize exited ${built.status}`);
  }
  const kinds = {};
  for (const match of built.stdout.matchAll(/^kind: (\w+)$/gm)) kinds[match[1]] = (kinds[match[1]] ?? 0) + 1;
  console.log(
    Object.entries(kinds)
      .map(([kind, n]) => `${n} ${kind}`)
      .join(', '),
  );
} else console.log('kubectl is not installed (bash scripts/ensure-tools.sh kubectl): this step is left out');

// ---- GitOps ----------------------------------------------------------------------------------
heading(
  'Generate Argo CD and Flux objects that sync the overlays (per tier: automated, or manual in production)',
);
const repoUrl = 'https://git.example.com/agentforge/platform.git';
agentforge(
  ['env', 'generate', 'production', '--type', 'argocd', '--repo-url', repoUrl, '--dir', 'platform'],
  {
    cwd: scratch,
  },
);
agentforge(['env', 'generate', '--all', '--type', 'argocd', '--repo-url', repoUrl, '--dir', 'platform'], {
  cwd: scratch,
});
agentforge(['env', 'generate', 'staging', '--type', 'flux', '--repo-url', repoUrl, '--dir', 'platform'], {
  cwd: scratch,
});
const gitops = join(workspace, 'deployment/gitops');
const applicationSet = readFileSync(join(gitops, 'argocd-applicationset.yaml'), 'utf8');
const environments = [
  ...applicationSet.matchAll(/^ {10}- environment: (\S+)\n(?:.*\n)*? {12}automated: (true|false)$/gm),
];
console.log(
  `ApplicationSet: ${environments.map(([, name, automated]) => `${name} (${automated === 'true' ? 'automated' : 'manual'})`).join(', ')}`,
);
const flux = readFileSync(join(gitops, 'flux-staging.yaml'), 'utf8');
console.log(
  `flux-staging.yaml: ${[...flux.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]).join(' + ')}, waiting for ${[...flux.matchAll(/^ {6}kind: Deployment$/gm)].length} Deployments`,
);

// ---- Drift -----------------------------------------------------------------------------------
// Drift works on the same scratch copy, so no snapshot lands in examples/.
heading('Snapshot the production environment of the copy');
agentforge(
  // The workspace's access: section lets the platform role snapshot and accept production.
  [
    'config',
    'snapshot',
    '--environment',
    'production',
    '--message',
    'release 1.8.2',
    '--actor',
    'platform-lead@example.com',
    '--dir',
    'platform',
  ],
  { cwd: scratch },
);

const edits = [
  ['swarm:1.8.2@', 'swarm:1.9.0@'],
  ['replicas: 2\n    port: 8082', 'replicas: 4\n    port: 8082'],
  ['level: info', 'level: debug'],
  ['minVersion: "1.3"', 'minVersion: "1.2"'],
  ['  tool-sandbox: true', '  tool-sandbox: true\n  batch-embeddings: true'],
];
heading(
  `Edit the copy: ${edits.length} changes (image, memory replicas, log level, TLS version, a new feature flag)`,
);
const productionFile = join(workspace, 'environments/production.yaml');
let text = readFileSync(productionFile, 'utf8');
for (const [from, to] of edits) {
  if (!text.includes(from)) fail(`"${from}" not found in the example production environment`);
  text = text.replace(from, to);
}
writeFileSync(productionFile, text);
console.log('edited platform/environments/production.yaml (the next step shows the changes)');

heading('Show the drift against the latest snapshot (expected: exit code 1, drift found)');
agentforge(['config', 'drift', '--environment', 'production', '--dir', 'platform'], {
  cwd: scratch,
  expect: [1],
});

heading('Gate only on high and critical changes, as a pull-request comment (expected: exit code 1)');
agentforge(
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
    'platform',
  ],
  { cwd: scratch, expect: [1] },
);

heading('Accept the edited file as the new baseline, then check again (exit code 0: no drift)');
agentforge(
  [
    'config',
    'drift',
    '--environment',
    'production',
    '--accept',
    '--format',
    'json',
    '--actor',
    'platform-lead@example.com',
    '--dir',
    'platform',
  ],
  { cwd: scratch, quiet: true },
);
agentforge(['config', 'drift', '--environment', 'production', '--dir', 'platform'], { cwd: scratch });

heading('History of the production snapshots');
agentforge(['config', 'history', '--environment', 'production', '--dir', 'platform'], { cwd: scratch });

// ---- Fleet delivery over NATS ------------------------------------------------------------
/**
 * Publishes an environment to a local nats-server and shows a running manager apply it. Skipped
 * (with a note) when nats-server is not installed: `bash scripts/ensure-tools.sh` installs it.
 */
async function natsStep(workspaceDir) {
  const server =
    findTool('nats-server') ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : undefined);
  heading('Publish staging to NATS JetStream KV; a running service applies it');
  if (!server) {
    console.log('nats-server is not installed (bash scripts/ensure-tools.sh); skipping this step');
    return;
  }
  const { startNatsServer } = await import(new URL('./test-utils/src/nats-server.mjs', import.meta.url).href);
  const { createConfigManager, fleetStatus, natsKvSource } = await import(
    new URL('../packages/dynamic-config/dist/index.js', import.meta.url).href
  );
  const nats = await startNatsServer({ binary: server });
  try {
    console.log(`(a nats-server with JetStream on ${nats.url}, fresh store)`);
    // The workspace's access: section lets the platform role publish.
    const publishStaging = [
      'config',
      'publish',
      '-e',
      'staging',
      '--nats',
      nats.url,
      '--actor',
      'platform-lead@example.com',
      '--dir',
      'platform',
    ];
    agentforge(publishStaging, { cwd: scratch });
    const manager = await createConfigManager({
      sources: [natsKvSource({ servers: nats.url, key: 'staging', report: { replica: 'demo-service' } })],
    });
    const before = manager.get('services.swarm.replicas');
    const applied = new Promise((resolve) => manager.subscribe('services.swarm.replicas', resolve));
    const stagingFile = join(workspaceDir, 'environments/staging.yaml');
    const text = readFileSync(stagingFile, 'utf8');
    const edited = text.replace(
      /(swarm:\n(?:\s+.*\n)*?\s+replicas: )(\d+)/,
      (_, head, n) => `${head}${Number(n) + 1}`,
    );
    if (edited === text) fail('could not find services.swarm.replicas in staging.yaml');
    writeFileSync(stagingFile, edited);
    console.log(
      `a service watches nats:agentforge/staging (swarm replicas ${before}); edited staging.yaml: swarm replicas +1`,
    );
    agentforge(publishStaging, { cwd: scratch });
    const event = await applied;
    console.log(
      `the service applied revision ${manager.status().sources[0].revision}: swarm replicas ${before} → ${event.current.services.swarm.replicas} (${event.changes.map((c) => c.path).join(', ')})`,
    );
    // The replica's report is written right after it applied; wait for it, as an operator would.
    const revision = manager.status().sources[0].revision;
    for (let i = 0; i < 100; i++) {
      const { keys } = await fleetStatus({ servers: nats.url, key: 'staging' });
      if (keys[0]?.replicas[0]?.appliedRevision === revision) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    agentforge(['config', 'status', '--nats', nats.url, '--dir', 'platform'], { cwd: scratch });
    await manager.close();
  } finally {
    await nats.stop();
  }
}
await natsStep(workspace);

// ---- Hot reload in Kubernetes, without a cluster ---------------------------------------------
/**
 * Projects the rendered production overlay's `hot` ConfigMap into a folder as the kubelet does
 * (timestamped folder, `..data` swapped by rename, per-key links), starts a manager on it, then
 * `config set` → re-render → re-project: the running manager applies the change.
 */
async function hotReloadStep() {
  heading('Hot reload in a projected ConfigMap: config set → kustomize → kubelet swap → applied live');
  const kubectl = findTool('kubectl');
  if (!kubectl) {
    console.log('kubectl is not installed (bash scripts/ensure-tools.sh kubectl); skipping this step');
    return;
  }
  const { projectVolume } = await import(
    new URL('./test-utils/src/kubelet-volume.mjs', import.meta.url).href
  );
  const { createConfigManager } = await import(
    new URL('../packages/dynamic-config/dist/index.js', import.meta.url).href
  );
  const { loadDocuments } = await import(new URL('../packages/schema/dist/index.js', import.meta.url).href);
  /** The `environment.yaml` of the rendered overlay's agentforge-config ConfigMap. */
  const renderConfigMap = () => {
    agentforge(['env', 'generate', 'production', '--type', 'k8s', '--dir', 'platform', '--quiet'], {
      cwd: scratch,
    });
    console.log(
      `$ ${commandLine('kubectl', ['kustomize', 'platform/deployment/k8s/overlays/production'])} > render.yaml`,
    );
    const built = spawnSync(kubectl, ['kustomize', overlay], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (built.status !== 0) fail(`kubectl kustomize exited ${built.status}`);
    const configMap = loadDocuments(built.stdout)
      .map((d) => d.data)
      .find((o) => o?.kind === 'ConfigMap' && o.metadata?.name === 'agentforge-config');
    if (!configMap) fail('no agentforge-config ConfigMap in the render');
    return configMap.data;
  };
  const volume = join(scratch, 'etc/agentforge/config');
  const stamp = projectVolume(volume, renderConfigMap());
  console.log(`(projected into ${volume}: environment.yaml -> ..data/environment.yaml, ..data -> ${stamp})`);
  const manager = await createConfigManager({ files: [join(volume, 'environment.yaml')] });
  try {
    console.log(
      `a manager watches it: version ${manager.version}, llm.timeoutMs ${manager.get('llm.timeoutMs')}`,
    );
    const applied = new Promise((resolve) => manager.subscribe('llm.timeoutMs', resolve));
    agentforge(
      [
        'config',
        'set',
        '-e',
        'production',
        'llm.timeoutMs',
        '90000',
        '--actor',
        'platform-lead@example.com',
        '--fail-on',
        'critical',
        '--dir',
        'platform',
      ],
      { cwd: scratch },
    );
    const data = renderConfigMap();
    const started = performance.now();
    const next = projectVolume(volume, data);
    const event = await applied;
    console.log(
      `kubelet-style swap to ${next} (old folder removed) → applied ${(performance.now() - started).toFixed(0)} ms later (100 ms debounce): version ${event.version}, llm.timeoutMs ${event.current.llm.timeoutMs}, same process`,
    );
  } finally {
    await manager.close();
  }
}
await hotReloadStep();

if (existsSync(join(root, 'examples/platform/.agentforge')))
  fail('a snapshot was written into the committed examples folder');
console.log(`\n\u2714 demo finished (removing ${scratch})`);
