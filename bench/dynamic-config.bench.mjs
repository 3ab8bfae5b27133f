// Benchmark of @agentforge/dynamic-config (run `npx --yes pnpm@10.34.9 run build` first).
//
//   node bench/dynamic-config.bench.mjs [--updates 150] [--debounce 100] [--pods 4]
//
// 1. Latency from a file operation to the manager's listener, p50/p99 over N updates, on the
//    production document as the `hot` ConfigMap carries it: rename-over, the kubelet's `..data`
//    swap with the old payload folder removed and with it lingering, bursts of swaps (timed
//    from the last), and several pods' volumes swapped at once (each by its own writer thread,
//    as the kubelet's pod workers do; and, informational, serially by the managers' thread) —
//    beside a raw chokidar watcher on the same directory in the same run (it only has to report *an* event; the manager has
//    to debounce, read, parse, validate, diff and notify). Goal (issue 16): manager p99 <=
//    debounce + 10 ms, recorded with goal().
// 2. Reads per second: get(), get(path), get(selector) against a plain property read.
// 3. RSS and heap added per manager, measured in fresh child processes.

import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { goal } from './_harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/dynamic-config');
const { createConfigManager } = await import(pathToFileURL(join(pkg, 'dist/index.js')).href);
const chokidarPath = createRequire(join(pkg, 'package.json')).resolve('chokidar');
const { watch } = await import(pathToFileURL(chokidarPath).href);
const { projectVolume } = await import(
  pathToFileURL(join(root, 'scripts/test-utils/src/kubelet-volume.mjs')).href
);

const { values } = parseArgs({
  options: {
    updates: { type: 'string', default: '150' },
    debounce: { type: 'string', default: '100' },
    pods: { type: 'string', default: '4' },
    'memory-child': { type: 'string' },
  },
});
const UPDATES = Number(values.updates);
const DEBOUNCE = Number(values.debounce);
const PODS = Number(values.pods);
const BURST = 3;
const BURST_GAP = 5;
const template = readFileSync(join(root, 'examples/platform/environments/development.yaml'), 'utf8');
const documentWith = (n) => template.replace('replicas: 1\n    port: 8080', `replicas: ${n}\n    port: 8080`);
// What the `hot` ConfigMap of production carries (generated from examples/platform).
const production = readFileSync(join(root, 'deployment/k8s/overlays/production/environment.yaml'), 'utf8');
if (!production.includes('replicas: 3\n    port: 8080')) throw new Error('production document changed shape');
const productionWith = (n) =>
  production.replace('replicas: 3\n    port: 8080', `replicas: ${n}\n    port: 8080`);

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
// 1. latency, on the production document as the `hot` ConfigMap carries it
const scenario = (dir, { keepOld = false } = {}) => {
  const volume = join(dir, 'config');
  const update = (n) => projectVolume(volume, { 'environment.yaml': productionWith(n) }, { keepOld });
  update(0);
  return { file: join(volume, 'environment.yaml'), update };
};
const scenarios = {
  'rename-over': {
    setup(dir) {
      const file = join(dir, 'environment.yaml');
      writeFileSync(file, productionWith(0));
      const update = (n) => {
        writeFileSync(`${file}.tmp`, productionWith(n));
        renameSync(`${file}.tmp`, file);
      };
      return { file, update };
    },
  },
  '..data swap, old removed': { setup: (dir) => scenario(dir) },
  '..data swap, old lingers': { setup: (dir) => scenario(dir, { keepOld: true }) },
  // Three swaps 5 ms apart (kubelet syncs a ConfigMap edited twice in a row): timed from the last.
  [`..data swap, burst of ${BURST}`]: {
    setup: (dir) => scenario(dir),
    burst: BURST,
  },
};

async function latency(name, { setup, burst = 1 }) {
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  const { file, update } = setup(dir);
  const manager = await createConfigManager({
    files: [file],
    watch: { debounceMs: DEBOUNCE, pollIntervalMs: 0 },
  });
  // The raw peer: chokidar on the same directory, the way it is commonly used for this.
  const raw = watch(dirname(file), { ignoreInitial: true, depth: 0 });
  await new Promise((resolve) => raw.once('ready', resolve));
  let onRaw = () => {};
  raw.on('all', () => onRaw());
  let onApply = () => {};
  manager.subscribe('services.swarm.replicas', (event) => onApply(event.current.services.swarm.replicas));

  const managerMs = [];
  const rawMs = [];
  await sleep(200);
  let n = 0;
  for (let round = 1; round <= UPDATES; round++) {
    const target = n + burst;
    const applied = new Promise((resolve) => {
      onApply = (replicas) => replicas === target && resolve(performance.now());
    });
    let rawEvent;
    let t0 = performance.now();
    for (let k = 0; k < burst; k++) {
      if (k > 0) await sleep(BURST_GAP);
      // Both are timed from the last operation of a burst.
      if (k === burst - 1)
        rawEvent = new Promise((resolve) => {
          onRaw = () => resolve(performance.now());
        });
      t0 = performance.now();
      update(++n);
    }
    const appliedAt = await within(applied, 5000);
    // Raw events normally come first; one later than the manager's apply counts as missed
    // (chokidar drops `change` events closer than 50 ms to the previous one on a path).
    const rawAt = await within(rawEvent, 5);
    if (appliedAt !== undefined) managerMs.push(appliedAt - t0);
    if (rawAt !== undefined) rawMs.push(rawAt - t0);
    onRaw = () => {};
    await sleep(2); // let trailing raw events of this update drain
  }
  await raw.close();
  await manager.close();
  rmSync(dir, { recursive: true, force: true });
  return summarise(name, managerMs, rawMs);
}

// The writer of one pod's volume, in its own thread. Once ready (its module loaded, and warmed up
// by 30 swaps of a scratch volume nobody watches, until V8 has optimised it as the kubelet's code
// is compiled: with 3, the writers' own tier-up fell on the fifth timed round, whose four samples
// were the run's slowest, 106-115 ms, in 3 runs out of 3), it
// waits on `signal[0]` for an update number (-1 ends it), notes when its swap starts in
// `started[index]` (epoch ms, comparable across threads), projects the volume as the kubelet
// does, and counts itself in `signal[1]`.
const VOLUME_WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const { volume, scratch, production, kubelet, index } = workerData;
const signal = new Int32Array(workerData.signal);
const started = new Float64Array(workerData.started);
import(kubelet).then(({ projectVolume }) => {
  for (let i = 0; i < 30; i++) projectVolume(scratch, { 'environment.yaml': production });
  parentPort.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(signal, 0, seen);
    const n = Atomics.load(signal, 0);
    if (n < 0) return;
    seen = n;
    const text = production.replace('replicas: 3\\n    port: 8080', 'replicas: ' + n + '\\n    port: 8080');
    started[index] = performance.timeOrigin + performance.now();
    projectVolume(volume, { 'environment.yaml': text });
    Atomics.add(signal, 1, 1);
  }
});
`;

/**
 * Concurrent updates: `count` services, each its own manager on its own projected volume (one
 * pod each, as on a node the kubelet syncs), all in this one process and thread; every manager's
 * latency counts.
 *
 * `writers: 'threads'` (the goal) swaps every volume at once, each from its own thread, as the
 * kubelet does: one pod worker per pod, outside the service's process. Each pod is timed from
 * the start of its own swap, as the other rows time from their file operation (the writer
 * notes it); the time from the request for all the swaps, which adds the writer threads'
 * wake-up on this 2-core machine, is printed beside it. `writers: 'serial'` writes the volumes
 * one after another from the managers' own thread, timed from the first write: no event of any
 * volume is delivered before the last volume is written (about 1.5 ms per volume here, most of
 * it removing the old payload folder), so the last pod's quiet time starts that much after the
 * clock did — the writer's time, charged to the manager (informational).
 */
async function concurrent(count, writers) {
  const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
  const volumes = Array.from({ length: count }, (_, i) => scenario(join(dir, `pod-${i}`)));
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const started = new Float64Array(new SharedArrayBuffer(8 * count));
  const kubelet = pathToFileURL(join(root, 'scripts/test-utils/src/kubelet-volume.mjs')).href;
  const threads =
    writers === 'threads'
      ? volumes.map(
          ({ file }, i) =>
            new Worker(VOLUME_WRITER, {
              eval: true,
              workerData: {
                volume: dirname(file),
                scratch: join(dir, `scratch-${i}`),
                production,
                kubelet,
                index: i,
                signal: signal.buffer,
                started: started.buffer,
              },
            }),
        )
      : [];
  await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once('message', resolve))));
  const managers = await Promise.all(
    volumes.map(({ file }) =>
      createConfigManager({ files: [file], watch: { debounceMs: DEBOUNCE, pollIntervalMs: 0 } }),
    ),
  );
  const waiting = new Map();
  for (const [i, manager] of managers.entries())
    manager.subscribe('services.swarm.replicas', (event) =>
      waiting.get(i)?.(event.current.services.swarm.replicas),
    );
  await sleep(200);
  const managerMs = [];
  // With writer threads, each pod is also timed from the request for all the swaps (t0), not
  // only from the start of its own swap: the difference is the writer thread's wake-up.
  const requestMs = [];
  const rounds = Math.max(1, Math.ceil(UPDATES / count));
  for (let n = 1; n <= rounds; n++) {
    const applied = managers.map(
      (_, i) =>
        new Promise((resolve) => waiting.set(i, (replicas) => replicas === n && resolve(performance.now()))),
    );
    const t0 = performance.now();
    if (threads.length > 0) {
      Atomics.store(signal, 1, 0);
      Atomics.store(signal, 0, n);
      Atomics.notify(signal, 0);
    } else for (const { update } of volumes) update(n);
    const appliedAt = await Promise.all(applied.map((p) => within(p, 5000)));
    // Every writer has finished before the next round (long before the applies, normally);
    // reading signal[1] also makes their `started` stores visible here.
    while (Atomics.load(signal, 1) < threads.length) await sleep(1);
    for (const [i, at] of appliedAt.entries()) {
      if (at === undefined) continue;
      if (threads.length === 0) managerMs.push(at - t0);
      else {
        managerMs.push(performance.timeOrigin + at - started[i]);
        requestMs.push(at - t0);
      }
    }
    await sleep(2);
  }
  Atomics.store(signal, 0, -1);
  Atomics.notify(signal, 0);
  await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once('exit', resolve))));
  await Promise.all(managers.map((m) => m.close()));
  rmSync(dir, { recursive: true, force: true });
  const how = writers === 'threads' ? 'a writer thread each' : 'written serially, informational';
  const result = summarise(
    `..data swap, ${count} pods at once (${how})`,
    managerMs,
    [],
    rounds * count,
    count,
  );
  if (requestMs.length > 0) {
    requestMs.sort((a, b) => a - b);
    console.log(
      `  ${''.padEnd(28)} (informational: from the request for the swaps, the writer threads' wake-up included: p50 ${fmt(percentile(requestMs, 50))}  p99 ${fmt(percentile(requestMs, 99))})`,
    );
  }
  return result;
}

/**
 * p50/p99 over every update, and beside them the slowest of the first round (the first reload
 * after start runs the parser and the schema check before V8 has optimised them: with several
 * managers in one process, that round alone can set the p99).
 */
function summarise(name, managerMs, rawMs, expected = UPDATES, firstRound = 1) {
  const cold = Math.max(...managerMs.slice(0, firstRound));
  managerMs.sort((a, b) => a - b);
  rawMs.sort((a, b) => a - b);
  const m50 = percentile(managerMs, 50);
  const m99 = percentile(managerMs, 99);
  const peer = rawMs.length
    ? `  |  raw chokidar p50 ${fmt(percentile(rawMs, 50))}  p99 ${fmt(percentile(rawMs, 99))} (${rawMs.length}/${expected} evented)`
    : '';
  console.log(
    `  ${name.padEnd(28)} manager p50 ${fmt(m50)}  p99 ${fmt(m99)} (${managerMs.length}/${expected} applied; first round ${fmt(cold)})${peer}`,
  );
  return { name, p99: managerMs.length === expected ? m99 : Number.POSITIVE_INFINITY };
}

console.log(
  `\n# latency: file operation -> listener, ${UPDATES} updates each, debounce ${DEBOUNCE} ms, production document (the hot ConfigMap's environment.yaml)`,
);
console.log(
  "  (timed: from the write to the manager's listener — debounce, read, parse, validate, diff, notify; the raw chokidar watcher only has to see an event)",
);
const results = [];
for (const [name, s] of Object.entries(scenarios)) results.push(await latency(name, s));
results.push(await concurrent(PODS, 'threads'));
// Informational (no goal): see concurrent().
await concurrent(PODS, 'serial');
console.log(
  "  (the goal leaves 10 ms for reading, parsing, validating and notifying; when the raw watcher's own p99 is above that, the machine's scheduling alone spends the budget: compare on a quiet machine)",
);
for (const { name, p99 } of results)
  goal(`dynamic-config ${name} -> applied, p99 (debounce ${DEBOUNCE} ms)`, p99, DEBOUNCE + 10, ' ms');

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
