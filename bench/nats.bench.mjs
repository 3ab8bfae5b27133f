// Benchmark of fleet delivery through NATS JetStream KV (run `npx --yes pnpm@10.34.9 run build`
// first; needs nats-server: `bash scripts/ensure-tools.sh`).
//
//   node bench/nats.bench.mjs [--publishes 200] [--managers 20]
//
// 1. Latency from a compare-and-set write of a published document to *all* N managers having
//    applied it (decoded, layered, validated against the full environment schema, swapped,
//    listeners called), p50/p99 over P publishes — beside the raw latency of the same write to
//    N plain `kv.watch` watchers having seen it, and to one watcher, interleaved in the same
//    run on the same server. Goal: managers p99 <= raw p99 + 5 ms.
//    Also the end-to-end `publishConfig` call (connect, read, compare-and-set, close), which
//    is what `agentforge config publish` pays per run.
// 2. RSS and heap added per manager, each with its own connection (a replica), in fresh
//    processes.
// 3. Cold start in fresh processes: importing @agentforge/dynamic-config and loading a file,
//    against additionally importing the NATS client — which only services that use
//    natsKvSource pay (the import is lazy).

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = join(root, 'packages/dynamic-config');
const dist = pathToFileURL(join(pkg, 'dist/index.js')).href;
const { startNatsServer } = await import(
  pathToFileURL(join(root, 'scripts/test-utils/src/nats-server.mjs')).href
);

const { values } = parseArgs({
  options: {
    publishes: { type: 'string', default: '200' },
    managers: { type: 'string', default: '20' },
    'memory-child': { type: 'string' },
    'cold-child': { type: 'string' },
    url: { type: 'string' },
  },
});
const PUBLISHES = Number(values.publishes);
const MANAGERS = Number(values.managers);
const yaml = readFileSync(join(root, 'examples/platform/environments/development.yaml'), 'utf8');

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const fmt = (ms) => `${ms.toFixed(2)} ms`;

// --- child modes ------------------------------------------------------------------------

if (values['memory-child'] !== undefined) {
  const count = Number(values['memory-child']);
  const { createConfigManager, natsKvSource } = await import(dist);
  const managers = [];
  for (let i = 0; i < count; i++)
    managers.push(
      await createConfigManager({ sources: [natsKvSource({ servers: values.url, key: 'development' })] }),
    );
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  process.stdout.write(JSON.stringify({ rss, heap: heapUsed }));
  await Promise.all(managers.map((m) => m.close()));
  process.exit(0);
}

if (values['cold-child'] !== undefined) {
  const mode = values['cold-child'];
  const start = performance.now();
  const { createConfigManager, natsKvSource } = await import(dist);
  const imported = performance.now();
  let manager;
  if (mode === 'file') {
    const dir = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
    writeFileSync(join(dir, 'development.yaml'), yaml);
    manager = await createConfigManager({
      files: [{ path: join(dir, 'development.yaml'), pollIntervalMs: 0 }],
    });
    await manager.close();
    rmSync(dir, { recursive: true, force: true });
  } else {
    manager = await createConfigManager({
      sources: [natsKvSource({ servers: values.url, key: 'development' })],
    });
    await manager.close();
  }
  const ready = performance.now();
  process.stdout.write(JSON.stringify({ importMs: imported - start, readyMs: ready - start }));
  process.exit(0);
}

// --- main -------------------------------------------------------------------------------

const { createConfigManager, natsKvSource, publishConfig } = await import(dist);
const { loadDocument } = await import(pathToFileURL(join(root, 'packages/schema/dist/index.js')).href);
const { connect } = await import(
  pathToFileURL(join(pkg, 'node_modules/@nats-io/transport-node/lib/mod.js')).href
);
const { jetstream } = await import(
  pathToFileURL(join(pkg, 'node_modules/@nats-io/jetstream/lib/mod.js')).href
);
const { Kvm } = await import(pathToFileURL(join(pkg, 'node_modules/@nats-io/kv/lib/mod.js')).href);

const server = await startNatsServer();
try {
  const document = loadDocument(yaml).data;
  const withReplicas = (n) => ({
    ...document,
    services: { ...document.services, swarm: { ...document.services.swarm, replicas: n } },
  });
  const target = { servers: server.url, key: 'development' };
  await publishConfig({ ...target, document: withReplicas(1) });

  // The value as the publisher writes it (metadata envelope + document); both contenders time
  // the same write: a compare-and-set `kv.update` on a connection that is already open.
  const encode = (n) =>
    JSON.stringify({ $agentforge: { v: 1, environment: 'development' }, document: withReplicas(n) });

  const writer = await connect({ servers: server.url });
  const kv = await new Kvm(jetstream(writer)).open('agentforge');

  // Contender A: N managers, each with its own connection (N replicas in one process).
  const managers = [];
  for (let i = 0; i < MANAGERS; i++)
    managers.push(await createConfigManager({ sources: [natsKvSource(target)] }));
  let pendingManagers = 0;
  let managersDone = () => {};
  for (const m of managers)
    m.subscribe('services.swarm.replicas', () => {
      if (--pendingManagers === 0) managersDone();
    });

  // Contender B: N raw watchers on their own connections, each counting the revision once.
  const rawConnections = [];
  let pendingRaw = 0;
  let rawDone = () => {};
  for (let i = 0; i < MANAGERS; i++) {
    const nc = await connect({ servers: server.url });
    rawConnections.push(nc);
    const rawKv = await new Kvm(jetstream(nc)).open('agentforge');
    const watcher = await rawKv.watch({ key: 'development-raw', include: 'updates' });
    (async () => {
      // One write is outstanding at a time, so every entry is the awaited one.
      for await (const _ of watcher) if (--pendingRaw === 0) rawDone();
    })();
  }
  let revisionRaw = await kv.put('development-raw', encode(0));

  const ours = [];
  const raw = [];
  const rawOne = [];
  let revision = (await kv.get('development')).revision;
  for (let i = 0; i < PUBLISHES + 10; i++) {
    const warm = i < 10;
    // ours
    {
      const bytes = encode(i + 2);
      const done = new Promise((resolve) => {
        managersDone = resolve;
      });
      pendingManagers = managers.length;
      const start = performance.now();
      revision = await kv.update('development', bytes, revision);
      await done;
      if (!warm) ours.push(performance.now() - start);
    }
    // raw: the same write, N plain watchers
    {
      const bytes = encode(i + 2);
      const done = new Promise((resolve) => {
        rawDone = resolve;
      });
      pendingRaw = MANAGERS;
      const start = performance.now();
      revisionRaw = await kv.update('development-raw', bytes, revisionRaw);
      await done;
      if (!warm) raw.push(performance.now() - start);
    }
  }

  // One watcher alone (the reference figure), interleaving is not needed: nothing else runs.
  {
    const nc = await connect({ servers: server.url });
    const oneKv = await new Kvm(jetstream(nc)).open('agentforge');
    const watcher = await oneKv.watch({ key: 'development-one', include: 'updates' });
    let resolveOne = () => {};
    (async () => {
      for await (const _ of watcher) resolveOne();
    })();
    let rev = await kv.put('development-one', encode(0));
    for (let i = 0; i < PUBLISHES + 10; i++) {
      const done = new Promise((resolve) => {
        resolveOne = resolve;
      });
      const start = performance.now();
      rev = await kv.update('development-one', encode(i), rev);
      await done;
      if (i >= 10) rawOne.push(performance.now() - start);
    }
    await nc.close();
  }

  // End-to-end publishConfig (what one `agentforge config publish` pays for the NATS part).
  const e2e = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    await publishConfig({ ...target, key: 'development-e2e', document: withReplicas(i + 1) });
    e2e.push(performance.now() - start);
  }

  const stats = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
  };
  const a = stats(ours);
  const b = stats(raw);
  const c = stats(rawOne);
  const d = stats(e2e);
  console.log(
    `\n# write → applied, ${PUBLISHES} publishes (full environment document, one nats-server on loopback)`,
  );
  console.log(`${MANAGERS} managers applied (validated)   p50 ${fmt(a.p50)}  p99 ${fmt(a.p99)}`);
  console.log(`${MANAGERS} raw kv.watch watchers      p50 ${fmt(b.p50)}  p99 ${fmt(b.p99)}`);
  console.log(`1 raw kv.watch watcher          p50 ${fmt(c.p50)}  p99 ${fmt(c.p99)}`);
  console.log(
    `goal: managers p99 <= raw p99 + 5 ms → vs ${MANAGERS} watchers: ${fmt(a.p99 - b.p99)} over (${a.p99 <= b.p99 + 5 ? 'met' : 'NOT met'}); vs 1 watcher: ${fmt(a.p99 - c.p99)} over (${a.p99 <= c.p99 + 5 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `publishConfig end to end (connect, read, CAS, close): p50 ${fmt(d.p50)}  p99 ${fmt(d.p99)} (30 calls)`,
  );

  await Promise.all(managers.map((m) => m.close()));
  await Promise.all(rawConnections.map((nc) => nc.close()));
  await writer.close();

  // 2. memory
  const child = (args) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--expose-gc', fileURLToPath(import.meta.url), ...args, '--url', server.url],
        {
          encoding: 'utf8',
        },
      ),
    );
  const median3 = (f) => [f(), f(), f()].sort((x, y) => x.rss - y.rss)[1];
  const zero = median3(() => child(['--memory-child', '0']));
  const many = median3(() => child(['--memory-child', String(MANAGERS)]));
  console.log(
    '\n# memory added per manager (own NATS connection each; fresh processes after gc, median of 3)',
  );
  console.log(
    `${MANAGERS} managers: RSS +${((many.rss - zero.rss) / MANAGERS / 1024).toFixed(0)} KiB, heap +${((many.heap - zero.heap) / MANAGERS / 1024).toFixed(0)} KiB per manager`,
  );

  // 3. cold start
  const coldFile = [];
  const coldNats = [];
  for (let i = 0; i < 5; i++) {
    coldFile.push(child(['--cold-child', 'file']));
    coldNats.push(child(['--cold-child', 'nats']));
  }
  const med = (xs, k) => xs.map((x) => x[k]).sort((x, y) => x - y)[2];
  console.log('\n# cold start in fresh processes (median of 5)');
  console.log(
    `file source: import ${fmt(med(coldFile, 'importMs'))}, first config ${fmt(med(coldFile, 'readyMs'))} (NATS client not loaded)`,
  );
  console.log(
    `NATS source: import ${fmt(med(coldNats, 'importMs'))}, first config ${fmt(med(coldNats, 'readyMs'))} (NATS client imported, connected, key read)`,
  );
} finally {
  await server.stop();
}
