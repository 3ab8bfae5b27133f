// The service's NATS mode against real nats-servers: a fleet of replicas applying one
// publish, and a replica attached to a leaf node in another JetStream domain.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createConfigManager, mirrorBucket, natsKvSource, publishConfig } from '@agentforge/dynamic-config';
import { loadDocument } from '@agentforge/schema';
import { type NatsServer, requireTool, startNatsServer } from '@agentforge/test-utils';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';

// Installed by scripts/ensure-tools.sh; in CI a missing server fails the run instead of skipping.
const natsServer = requireTool('nats-server');

const here = dirname(fileURLToPath(import.meta.url));
const development = loadDocument<Record<string, unknown>>(
  readFileSync(join(here, '../../platform/environments/development.yaml'), 'utf8'),
).data;
const withReplicas = (n: number) => ({
  ...development,
  services: {
    ...(development.services as Record<string, unknown>),
    swarm: {
      ...((development.services as Record<string, Record<string, unknown>>).swarm ?? {}),
      replicas: n,
    },
  },
});

const servers: NatsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function server(config?: string) {
  const s = await startNatsServer({ binary: natsServer!, ...(config ? { config } : {}) });
  servers.push(s);
  return s;
}

/** A service process in NATS mode; resolves once it listens, then records its reloads. */
async function service(url: string, replica: string) {
  const child: ChildProcess = spawn(process.execPath, [join(here, 'server.mjs')], {
    env: {
      ...process.env,
      CONFIG_NATS_URL: url,
      CONFIG_NATS_KEY: 'development',
      CONFIG_NATS_REPLICA: replica,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    child.kill();
  });
  const reloads: Array<{ revision: number; at: number }> = [];
  let onReload = () => {};
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`service ${replica} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; revision?: number };
      if (entry.msg === 'listening') resolve();
      if (entry.msg === 'configuration reloaded') {
        reloads.push({ revision: entry.revision ?? -1, at: performance.now() });
        onReload();
      }
    });
  });
  return {
    reloads,
    /** Resolves once `count` reloads were logged. */
    waitFor: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (reloads.length >= count) resolve();
        };
        onReload = check;
        check();
      }),
  };
}

describe.skipIf(!natsServer)('examples/service NATS mode', { timeout: 60_000 }, () => {
  it('one publish reaches 20 in-process managers and 3 service processes, each applying it once', async (context) => {
    const nats = await server();
    const target = { servers: nats.url, key: 'development' };
    await publishConfig({ ...target, document: withReplicas(1) });
    const processes = await Promise.all([1, 2, 3].map((i) => service(nats.url, `proc-${i}`)));
    const managers = await Promise.all(
      Array.from({ length: 20 }, () => createConfigManager({ sources: [natsKvSource(target)] })),
    );
    onTestFinished(() => Promise.all(managers.map((m) => m.close())).then(() => {}));
    const applied: number[][] = managers.map(() => []);
    const appliedAt: number[] = [];
    for (const [i, m] of managers.entries())
      m.subscribe('services.swarm.replicas', ({ current }) => {
        applied[i]!.push(current.services.swarm.replicas);
        appliedAt[i] = performance.now();
      });

    const start = performance.now();
    const published = await publishConfig({ ...target, document: withReplicas(4) });
    expect(published.status).toBe('published');
    const revision = (published as { revision: number }).revision;
    await Promise.all(processes.map((p) => p.waitFor(1)));
    await Promise.all(
      managers.map((m, i) =>
        applied[i]!.length > 0
          ? undefined
          : new Promise<void>((resolve) => m.subscribe('services.swarm.replicas', () => resolve())),
      ),
    );
    // Settled: the next publish is the next event everywhere, so nothing was applied twice.
    const second = await publishConfig({ ...target, document: withReplicas(5) });
    await Promise.all(processes.map((p) => p.waitFor(2)));
    expect(second.status).toBe('published');
    expect(processes.map((p) => p.reloads[0]!.revision)).toEqual([revision, revision, revision]);
    expect(applied.every((values) => values[0] === 4 && values.filter((v) => v === 4).length === 1)).toBe(
      true,
    );
    expect(managers.every((m) => m.status().sources[0]?.revision !== undefined)).toBe(true);
    // Speed is the benchmark's job (bench/nats.bench.mjs); the spread is recorded, not asserted.
    const last = Math.max(...appliedAt, ...processes.map((p) => p.reloads[0]!.at));
    context.annotate(`publish → 20 managers + 3 processes applied: ${(last - start).toFixed(1)} ms`);
  });

  it('a leaf node in another JetStream domain mirrors the bucket; a service attached to it receives every publish', async () => {
    const hub = await server('jetstream { domain: hub }\nleafnodes { port: -1 }\n');
    const target = { servers: hub.url, key: 'development' };
    await publishConfig({ ...target, document: withReplicas(1) });
    const leaf = await server(
      `jetstream { domain: edge }\nleafnodes { remotes [ { url: "nats://127.0.0.1:${hub.leafPort}" } ] }\n`,
    );
    await mirrorBucket({ servers: leaf.url, from: { domain: 'hub' } });
    const edge = await service(leaf.url, 'edge-1');
    const revisions: number[] = [];
    for (const n of [2, 3, 4, 5]) {
      const result = await publishConfig({ ...target, document: withReplicas(n) });
      revisions.push((result as { revision: number }).revision);
    }
    await edge.waitFor(4);
    expect(edge.reloads.map((r) => r.revision)).toEqual(revisions);
  });
});
