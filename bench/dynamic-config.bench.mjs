// Benchmark of @agentforge/dynamic-config (run `npx --yes pnpm@10.34.9 run build` first).
//
//   node bench/dynamic-config.bench.mjs [--updates 500] [--debounce 20]
//
// 1. Latency from a file operation to the manager's listener, p50/p99 over N updates, for
//    rename-over, in-place write and the ConfigMap `..data` swap — beside the latency of a
//    raw chokidar watcher on the same directory, measured on the same operations in the same
//    run (it only has to report *an* event; the manager has to debounce, read, parse,
//    validate, diff and notify). Goal: manager p99 <= debounce + 10 ms.
// 2. Reads per second: get(), get(path), get(selector) against a plain property read.
// 3. RSS and heap added per manager, measured in fresh child processes.

import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/dynamic-config');
const { createConfigManager } = await import(pathToFileURL(join(pkg, 'dist/index.js')).href);
const chokidarPath = createRequire(join(pkg, 'package.json')).resolve('chokidar');
const { watch } = await import(pathToFileURL(chokidarPath).href);

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '500' },
    debounce: { type: 'string', default: '20' },
    'memory-child': { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const DEBOUNCE = Number(values.debounce);
const template = readFileSync(join(root, 'examples/platform/environments/development.yaml'), 'utf8');
const documentWith = (n) => template.replace('replicas: 1\n    port: 8080', `replicas: ${n}\n    port: 8080`);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Waits for `promise`, or gives up after `ms` with `undefined`. */
const within = (promise, ms) => Promise.race([promise, sleep(ms).then(() => undefined)]);

// Child mode of the memory measurement (section 3).
if (values['memory-child'] !== undefined) {
  const count = Number(values['memory-child']);
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  const managers = [];
  const doc = readFileSync(join(root, 'examples/platform/environments/development.yaml'), 'utf8');
  for (let i = 0; i < count; i++) {
    writeFileSync(join(dir, `app-${i}.yaml`), doc);
    managers.push(
      await createConfigManager({ files: [join(dir, `app-${i}.yaml`)], watch: { pollIntervalMs: 0 } }),
    );
  }
  if (count === 0)
    await createConfigManager({
      files: [join(root, 'examples/platform/environments/development.yaml')],
    }).then((m) => m.close());
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await sleep(50);
  }
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss, heap: heapUsed }));
  await Promise.all(managers.map((m) => m.close()));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

// ---------------------------------------------------------------------------------------
// 1. latency
const scenarios = {
  'rename-over': {
    setup(dir) {
      const file = join(dir, 'app.yaml');
      writeFileSync(file, documentWith(0));
      const update = (n) => {
        writeFileSync(`${file}.tmp`, documentWith(n));
        renameSync(`${file}.tmp`, file);
      };
      return { file, update };
    },
  },
  'in-place write': {
    setup(dir) {
      const file = join(dir, 'app.yaml');
      writeFileSync(file, documentWith(0));
      return { file, update: (n) => writeFileSync(file, documentWith(n)) };
    },
  },
  'ConfigMap ..data swap': {
    setup(dir) {
      let generation = 0;
      let current;
      const publish = (n) => {
        const name = `..2026_11_30.${++generation}`;
        mkdirSync(join(dir, name));
        writeFileSync(join(dir, name, 'app.yaml'), documentWith(n));
        symlinkSync(name, join(dir, '..data_tmp'));
        renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
        if (current) rmSync(join(dir, current), { recursive: true, force: true });
        current = name;
      };
      publish(0);
      symlinkSync('..data/app.yaml', join(dir, 'app.yaml'));
      return { file: join(dir, 'app.yaml'), update: publish };
    },
  },
};

async function latency(name, scenario) {
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  const { file, update } = scenario.setup(dir);
  const manager = await createConfigManager({
    files: [file],
    watch: { debounceMs: DEBOUNCE, pollIntervalMs: 0 },
  });
  // The raw peer: chokidar on the same directory, the way it is commonly used for this.
  const raw = watch(dir, { ignoreInitial: true, depth: 0 });
  await new Promise((resolve) => raw.once('ready', resolve));
  let onRaw = () => {};
  raw.on('all', () => onRaw());
  let onApply = () => {};
  manager.subscribe('services.swarm.replicas', (event) => onApply(event.current.services.swarm.replicas));

  const managerMs = [];
  const rawMs = [];
  let rawMissed = 0;
  let managerMissed = 0;
  await sleep(200);
  for (let n = 1; n <= UPDATES; n++) {
    const applied = new Promise((resolve) => {
      onApply = (replicas) => replicas === n && resolve(performance.now());
    });
    const rawEvent = new Promise((resolve) => {
      onRaw = () => resolve(performance.now());
    });
    const t0 = performance.now();
    update(n);
    const appliedAt = await within(applied, 5000);
    // Raw events normally come first; one later than the manager's apply counts as missed
    // (chokidar drops `change` events closer than 50 ms to the previous one on a path).
    const rawAt = await within(rawEvent, 5);
    if (appliedAt === undefined) managerMissed++;
    else managerMs.push(appliedAt - t0);
    if (rawAt === undefined) rawMissed++;
    else rawMs.push(rawAt - t0);
    onRaw = () => {};
    await sleep(2); // let trailing raw events of this update drain
  }
  await raw.close();
  await manager.close();
  rmSync(dir, { recursive: true, force: true });
  managerMs.sort((a, b) => a - b);
  rawMs.sort((a, b) => a - b);
  const m50 = percentile(managerMs, 50);
  const m99 = percentile(managerMs, 99);
  const r50 = percentile(rawMs, 50);
  const r99 = percentile(rawMs, 99);
  console.log(
    `${name.padEnd(22)} manager p50 ${fmt(m50)}  p99 ${fmt(m99)} (${managerMs.length}/${UPDATES} applied)  |  raw chokidar p50 ${fmt(r50)}  p99 ${fmt(r99)} (${rawMs.length}/${UPDATES} evented)  |  p99 - debounce = ${fmt(m99 - DEBOUNCE)} ${m99 <= DEBOUNCE + 10 ? '(goal met)' : '(over the +10 ms goal)'}`,
  );
  return { managerMissed, rawMissed };
}

console.log(
  `# latency: file operation -> listener, ${UPDATES} updates each, debounce ${DEBOUNCE} ms, AgentForge development document`,
);
for (const [name, scenario] of Object.entries(scenarios)) await latency(name, scenario);

// ---------------------------------------------------------------------------------------
// 2. reads per second
{
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  writeFileSync(join(dir, 'app.yaml'), documentWith(3));
  const manager = await createConfigManager({ files: [join(dir, 'app.yaml')], watch: { pollIntervalMs: 0 } });
  const plain = structuredClone(manager.get());
  const N = 2_000_000;
  const rate = (fn) => {
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += fn(); // warm-up
    const samples = [];
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < N; i++) sum += fn();
      samples.push(N / ((performance.now() - start) / 1000));
    }
    if (sum === -1) console.log(sum); // keeps the loop from being optimised away
    return samples.sort((a, b) => a - b)[2];
  };
  const base = rate(() => plain.services.swarm.replicas);
  const results = {
    'plain property read': base,
    'get().services.swarm.replicas': rate(() => manager.get().services.swarm.replicas),
    "get('services.swarm.replicas')": rate(() => manager.get('services.swarm.replicas')),
    'get(c => c.services.swarm.replicas)': rate(() => manager.get((c) => c.services.swarm.replicas)),
  };
  const scoped = manager.withOverrides({ debug: true }, () =>
    rate(() => manager.get().services.swarm.replicas),
  );
  results['get() inside withOverrides'] = scoped;
  console.log('\n# reads per second (median of 5 rounds of 2M)');
  for (const [name, perSecond] of Object.entries(results)) {
    console.log(
      `${name.padEnd(38)} ${(perSecond / 1e6).toFixed(1).padStart(7)} M/s  ratio to plain ${(perSecond / base).toFixed(3)}`,
    );
  }
  await manager.close();
  rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------
// 3. memory: fresh child processes (the libraries loaded in both), with 0 and 50 managers
// (one manager is below the run-to-run noise of a process's RSS)
{
  const { execFileSync } = await import('node:child_process');
  const rssWith = (count) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child', String(count)],
        {
          encoding: 'utf8',
        },
      ),
    );
  const runs = (count) => {
    const samples = [rssWith(count), rssWith(count), rssWith(count)].sort((a, b) => a.rss - b.rss);
    return samples[1];
  };
  const [zero, fifty] = [runs(0), runs(50)];
  console.log(
    '\n# memory added by managers (fresh processes after gc, median of 3; each manager watches its own file)',
  );
  console.log(
    `50 managers: RSS +${((fifty.rss - zero.rss) / 50 / 1024).toFixed(0)} KiB, heap +${((fifty.heap - zero.heap) / 50 / 1024).toFixed(0)} KiB per manager`,
  );
}
