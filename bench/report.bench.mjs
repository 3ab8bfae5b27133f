// Report benchmark: `agentforge report` of a workspace of 100 environments (each with a
// snapshot and drift since it): page size against the 2 MB goal and the time chromium takes
// to load and lay it out against the 1 s goal. Run after a build: node bench/report.bench.mjs
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { runCli } from '../packages/cli/dist/index.js';
import { launchChromium } from '../scripts/test-utils/src/chromium.mjs';
import { goal } from './_harness.mjs';

const require = createRequire(new URL('../packages/cli/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => {
  try {
    readFileSync(p);
    return true;
  } catch {
    return false;
  }
});

const ENVIRONMENTS = 100;
const example = new URL('../examples/platform/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'agentforge-report-bench-'));
const sink = () => {
  const chunks = [];
  const stream = new Writable({
    write(c, _e, cb) {
      chunks.push(c);
      cb();
    },
  });
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
};
const run = async (...argv) => {
  const stdout = sink();
  const code = await runCli([...argv, '--dir', dir], {
    cwd: dir,
    // The example's access: section lets the platform role take the snapshots.
    env: { NO_COLOR: '1', GITHUB_ACTOR: 'ops@platform.example.com' },
    stdout,
    stderr: sink(),
  });
  return { code, text: stdout.text() };
};

try {
  writeFileSync(join(dir, 'agentforge.yaml'), readFileSync(new URL('agentforge.yaml', example)));
  mkdirSync(join(dir, 'environments'));
  const sources = ['development', 'staging', 'production'].map((n) =>
    readFileSync(new URL(`environments/${n}.yaml`, example), 'utf8'),
  );
  for (let i = 0; i < ENVIRONMENTS; i++) {
    const source = sources[i % 3];
    const name = `env-${String(i).padStart(3, '0')}`;
    writeFileSync(join(dir, 'environments', `${name}.yaml`), source.replace(/^name: .*$/m, `name: ${name}`));
    await run('config', 'snapshot', '-e', name, '--message', 'bench');
    writeFileSync(
      join(dir, 'environments', `${name}.yaml`),
      source
        .replace(/^name: .*$/m, `name: ${name}`)
        .replace(/replicas: (\d+)/, (_, n) => `replicas: ${Number(n) + 1 + (i % 4)}`),
    );
  }
  const start = performance.now();
  const { text: html } = await run('report');
  const generateMs = performance.now() - start;
  const bytes = Buffer.byteLength(html);

  const { context: browser, close } = await launchChromium(chromium, CHROMIUM);
  const renders = [];
  for (let i = 0; i < 7; i++) {
    const page = await browser.newPage();
    const t0 = performance.now();
    await page.setContent(html, { waitUntil: 'load' });
    // Force style and layout so that the figure includes rendering, not only parsing.
    await page.evaluate(() => document.body.getBoundingClientRect().height);
    renders.push(performance.now() - t0);
    await page.close();
  }
  await close();
  const median = [...renders].sort((a, b) => a - b)[Math.floor(renders.length / 2)];
  const mb = bytes / 1024 / 1024;
  console.log(`report of ${ENVIRONMENTS} environments (agentforge report, chromium headless)`);
  goal('report page size', mb, 2, ' MB');
  goal(`report load and layout in chromium (median of ${renders.length})`, median, 1000, ' ms');
  console.log(`  generation    ${generateMs.toFixed(0)} ms   (one run, for information)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
