import { type NatsServer, requireTool, startNatsServer } from '@agentforge/test-utils';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { connectNats, openBucket } from './_nats.js';
import { record, TestSchema, until } from './_testing.js';
import { createConfigManager } from './manager.js';
import { natsKvSource } from './nats-kv-source.js';

// Installed by scripts/ensure-tools.sh; in CI a missing server fails the run instead of skipping.
const natsServer = requireTool('nats-server');

let server: NatsServer;
let nc: NatsConnection;
let kv: KV;
let keys = 0;

beforeAll(async () => {
  if (!natsServer) return;
  server = await startNatsServer({ binary: natsServer! });
  nc = await connectNats({ servers: server.url });
  kv = await openBucket(nc, 'agentforge', { create: true });
  await openBucket(nc, 'agentforge-status', { create: true });
});

afterAll(async () => {
  await nc?.close();
  await server?.stop();
});

const value = (replicas: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'svc', replicas, ...extra });

/** A fresh key with a first revision, and a manager watching it. */
async function watched(initial = value(1), options: { report?: boolean } = {}) {
  const key = `env${++keys}`;
  await kv.put(key, initial);
  const m = await createConfigManager({
    schema: TestSchema,
    sources: [natsKvSource({ servers: server.url, key, reconnectWaitMs: 50, ...options })],
  });
  onTestFinished(() => m.close());
  return { key, m, rec: record(m) };
}

describe.skipIf(!natsServer)('natsKvSource', { timeout: 30_000 }, () => {
  it('applies the value in the bucket and every later revision, once each', async () => {
    const { key, m, rec } = await watched();
    expect(m.get('replicas')).toBe(1);
    await kv.put(key, value(2));
    await kv.put(key, value(3));
    await rec.waitForEvents(2);
    expect(rec.events.map((e) => e.current.replicas)).toEqual([2, 3]);
    expect(m.status().state).toBe('valid');
    const revision = (await kv.get(key))!.revision;
    expect(m.status().sources[0]).toMatchObject({ kind: 'nats', name: `nats:agentforge/${key}`, revision });
    expect(m.explain('replicas').source).toEqual({ kind: 'nats', name: `nats:agentforge/${key}`, revision });
    expect(m.metrics().sourceRevisions).toEqual({ [`nats:agentforge/${key}`]: revision });
    expect(m.prometheus()).toContain(
      `agentforge_config_source_revision{source="nats:agentforge/${key}"} ${revision}`,
    );
  });

  it('layers like any extra source: over defaults and environment variables, under overrides', async () => {
    const key = `env${++keys}`;
    await kv.put(key, value(1, { level: 'warn', note: 'from nats' }));
    const m = await createConfigManager({
      schema: TestSchema,
      defaults: { note: 'default' },
      env: { vars: { AGENTFORGE_LEVEL: 'debug' } },
      sources: [natsKvSource({ servers: server.url, key })],
      overrides: { replicas: 9 },
    });
    onTestFinished(() => m.close());
    expect(m.get()).toMatchObject({ replicas: 9, level: 'warn', note: 'from nats' });
    expect(m.explain('note').layers.map((l) => l.kind)).toEqual(['nats', 'defaults']);
    expect(m.explain('level').layers.map((l) => l.kind)).toEqual(['nats', 'env']);
    expect(m.explain('replicas').layers.map((l) => l.kind)).toEqual(['overrides', 'nats']);
  });

  it.each([
    { name: 'a document that breaks the schema', bytes: value(-1), reason: 'validation' },
    { name: 'a value that is not JSON', bytes: 'replicas: [', reason: 'parse' },
    {
      name: 'JSON with a __proto__ key',
      bytes: '{"__proto__":{"x":1},"name":"svc","replicas":1}',
      reason: 'parse',
    },
  ])(
    'rejects $name written straight into the bucket and keeps the last-known-good',
    async ({ bytes, reason }) => {
      const { key, m, rec } = await watched(value(4));
      const bad = await kv.put(key, bytes);
      await rec.waitForErrors(1);
      expect(rec.errors[0]!.reason).toBe(reason);
      expect(m.get('replicas')).toBe(4);
      expect(m.status().state).toBe('error');
      expect(m.status().lastError?.source).toContain(key);
      expect(bad).toBeGreaterThan(1);
      await kv.put(key, value(5));
      await rec.waitForEvents(1);
      expect(m.get('replicas')).toBe(5);
      expect(m.status().state).toBe('valid');
    },
  );

  it.each(['delete', 'purge'] as const)(
    '%s makes the manager stale, keeping the configuration',
    async (op) => {
      const { key, m, rec } = await watched(value(6));
      await kv[op](key);
      await until(() => m.status().state === 'stale', 'stale');
      expect(m.get('replicas')).toBe(6);
      await kv.put(key, value(7));
      await rec.waitForEvents(1);
      expect(m.status().state).toBe('valid');
    },
  );

  it('fails to start on a missing key unless optional, and names the key', async () => {
    await expect(
      createConfigManager({
        schema: TestSchema,
        sources: [natsKvSource({ servers: server.url, key: 'nope' })],
      }),
    ).rejects.toMatchObject({ code: 'NATS_KEY_NOT_FOUND', message: expect.stringContaining('"nope"') });
  });

  it('fails to start when the server is unreachable, naming the URL', async () => {
    await expect(
      createConfigManager({
        schema: TestSchema,
        sources: [natsKvSource({ servers: 'nats://127.0.0.1:1', key: 'x', connectTimeoutMs: 500 })],
      }),
    ).rejects.toMatchObject({ code: 'NATS_UNAVAILABLE', message: expect.stringContaining('127.0.0.1:1') });
  });
});
