// Benchmarks of @agentforge/env-templates: how long each generator takes for the example
// production environment (timed: `generate(type, document)` on the already-loaded document —
// variables resolved, secrets turned into references, files rendered to strings; nothing
// written). No peer does the same work (no library turns an AgentForge environment into these
// files), so no ratio is printed: the figures beside them are the next step of the pipeline on
// the generated output, for scale only — `dotenv.parse` of the .env, js-yaml `load` of the
// compose file, `kubectl kustomize` of the overlay (a process, when kubectl is installed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure, report } from './_harness.mjs';

const pkg = new URL('../packages/env-templates/', import.meta.url);
const require = createRequire(new URL('package.json', pkg));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { generate, writeGeneratedFiles } = await import(new URL('dist/index.js', pkg).href);
const { loadDocument } = await load('@agentforge/schema');
const dotenv = (await load('dotenv')).default;
const yaml = (await load('js-yaml')).default;

const text = readFileSync(
  new URL('../examples/platform/environments/production.yaml', import.meta.url),
  'utf8',
);
const document = loadDocument(text).data;

const rows = [];
const envText = generate('env', document)[0].content;
const composeText = generate('docker-compose', document)[0].content;
rows.push(
  ['generate env (.env + .example)', measure(() => generate('env', document))],
  ['generate docker-compose', measure(() => generate('docker-compose', document))],
  ['generate k8s (base + overlay, 30 files)', measure(() => generate('k8s', document))],
  ['  next step: dotenv.parse of the .env', measure(() => dotenv.parse(envText))],
  ['  next step: js-yaml load of the compose file', measure(() => yaml.load(composeText))],
);

const kubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
if (kubectl) {
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  try {
    await writeGeneratedFiles(dir, generate('k8s', document));
    const overlay = join(dir, 'deployment/k8s/overlays/production');
    rows.push([
      '  next step: kubectl kustomize of the overlay (process)',
      measure(() => spawnSync(kubectl, ['kustomize', overlay]), { budgetMs: 3000, minSamples: 5, warmMs: 0 }),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else console.log('kubectl not installed: the kustomize row is left out');

report('env-templates: example production environment, median per call (no ratios: see the header)', rows);
