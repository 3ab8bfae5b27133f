// Benchmarks of @agentforge/env-templates: how long each generator takes for the example
// production environment, against the peers a user would otherwise run on the same data:
// the `dotenv` package parsing the generated .env, js-yaml dumping the compose object, and
// `kubectl kustomize` building the generated overlay (when kubectl is installed).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measure } from './_harness.mjs';

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
const composeObject = yaml.load(generate('docker-compose', document)[0].content);
const env = measure(() => generate('env', document));
const dotenvParse = measure(() => dotenv.parse(envText));
rows.push(
  ['generate env (.env + .example)', env],
  ['  peer: dotenv.parse of the .env', dotenvParse, env / dotenvParse],
);
const compose = measure(() => generate('docker-compose', document));
const dump = measure(() => yaml.dump(composeObject));
rows.push(
  ['generate docker-compose', compose],
  ['  peer: js-yaml dump of the compose object', dump, compose / dump],
);
const k8s = measure(() => generate('k8s', document));
rows.push(['generate k8s (base + overlay, 30 files)', k8s]);

const kubectl = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).stdout.trim();
if (kubectl) {
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  await writeGeneratedFiles(dir, generate('k8s', document));
  const overlay = join(dir, 'deployment/k8s/overlays/production');
  const build = measure(() => spawnSync(kubectl, ['kustomize', overlay]), {
    budgetMs: 3000,
    minSamples: 5,
    warmMs: 0,
  });
  rows.push(['  peer: kubectl kustomize of that overlay', build, k8s / build]);
  rmSync(dir, { recursive: true, force: true });
} else rows.push(['  peer: kubectl kustomize', Number.NaN]);

console.log('env-templates (example production environment, median of runs)');
for (const [name, ms, ratio] of rows) {
  const time = Number.isNaN(ms) ? 'skipped (no kubectl)' : `${ms.toFixed(3)} ms`;
  console.log(
    `${name.padEnd(46)} ${time.padStart(14)}${ratio === undefined ? '' : `   ours/peer ${ratio.toFixed(2)}x`}`,
  );
}
