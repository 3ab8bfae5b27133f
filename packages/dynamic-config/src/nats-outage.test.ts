// The server dies under a watching manager: this file owns its server, since it kills it.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { type NatsServer, requireTool, startNatsServer } from '@agentforge/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record, TestSchema, until } from './_testing.js';
import { createConfigManager } from './manager.js';
import { natsKvSource } from './nats-kv-source.js';
import { publishConfig } from './nats-publish.js';

// Installed by scripts/ensure-tools.sh; in CI a missing server fails the run instead of skipping.
const natsServer = requireTool('nats-server');

let server: NatsServer;

beforeAll(async () => {
  if (!natsServer) return;
  server = await startNatsServer({ binary: natsServer! });
});
afterAll(async () => {
  await server?.stop();
});

describe.skipIf(!natsServer)('a server outage mid-watch', { timeout: 60_000 }, () => {
  it('keeps the last-known-good, is stale while disconnected, applies the latest revision exactly once after reconnect; a publish during the outage fails clearly and succeeds when retried', async () => {
    const target = { servers: server.url, key: 'production' };
    await publishConfig({ ...target, document: { name: 'svc', replicas: 1 } });
    const m = await createConfigManager({
      schema: TestSchema,
      sources: [natsKvSource({ ...target, reconnectWaitMs: 100 })],
    });
    try {
      const rec = record(m);
      expect(m.get('replicas')).toBe(1);

      await server.kill();
      await until(() => m.status().state === 'stale', 'stale while disconnected');
      expect(m.get('replicas')).toBe(1);

      const during = publishConfig({
        ...target,
        document: { name: 'svc', replicas: 2 },
        connectTimeoutMs: 1000,
      });
      await expect(during).rejects.toMatchObject({
        code: 'NATS_UNAVAILABLE',
        message: expect.stringContaining(server.url),
      });

      await server.restart();
      // Once reconnected (and before any new revision), the manager is valid again without an event.
      await until(() => m.status().state === 'valid', 'valid after reconnect');
      expect(rec.events).toHaveLength(0);

      const retried = await publishConfig({ ...target, document: { name: 'svc', replicas: 2 } });
      expect(retried.status).toBe('published');
      await rec.waitForEvents(1);
      expect(m.get('replicas')).toBe(2);

      // A second outage with a revision written by another server-side path while this
      // replica is cut off is not possible on one server; what must hold is that the
      // revision above is never delivered twice, also not by a watcher the library restarts.
      await server.kill();
      await until(() => m.status().state === 'stale', 'stale again');
      await server.restart();
      await until(() => m.status().state === 'valid', 'valid again');
      const third = await publishConfig({ ...target, document: { name: 'svc', replicas: 3 } });
      expect(third.status).toBe('published');
      await rec.waitForEvents(2);
      expect(rec.events.map((e) => e.current.replicas)).toEqual([2, 3]);
      expect(rec.errors).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('a replica cut off while two revisions are published applies only the latest, once, when it is back', async () => {
    const target = { servers: server.url, key: 'cut-off' };
    await publishConfig({ ...target, document: { name: 'svc', replicas: 1 } });
    const proxy = await tcpProxy(server.port);
    const m = await createConfigManager({
      schema: TestSchema,
      sources: [natsKvSource({ servers: proxy.url, key: 'cut-off', reconnectWaitMs: 100 })],
    });
    try {
      const rec = record(m);
      proxy.cut();
      await until(() => m.status().state === 'stale', 'stale while cut off');
      await publishConfig({ ...target, document: { name: 'svc', replicas: 2 } });
      const latest = await publishConfig({ ...target, document: { name: 'svc', replicas: 3 } });
      proxy.restore();
      await rec.waitForEvents(1);
      await until(() => m.status().state === 'valid', 'valid after reconnect');
      expect(rec.events.map((e) => e.current.replicas)).toEqual([3]);
      expect(latest.status).toBe('published');
      // Nothing else arrives later: the next publish is the next event.
      await publishConfig({ ...target, document: { name: 'svc', replicas: 4 } });
      await rec.waitForEvents(2);
      expect(rec.events.map((e) => e.current.replicas)).toEqual([3, 4]);
    } finally {
      await m.close();
      await proxy.close();
    }
  });
});

/** A TCP proxy to the server whose connections can be cut (and new ones refused) and restored. */
async function tcpProxy(port: number) {
  const sockets = new Set<Socket>();
  let open = true;
  const proxy: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = tcpConnect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as { port: number };
  return {
    url: `nats://127.0.0.1:${address.port}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}
