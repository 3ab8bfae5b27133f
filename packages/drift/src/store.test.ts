import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFingerprintKey } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from './canonical.js';
import { compareToSnapshot } from './report.js';
import { acceptBaseline, FileSnapshotStore, workspaceSnapshotStore } from './store.js';

const writer = fileURLToPath(new URL('../test/snapshot-writer.mjs', import.meta.url));

/** Runs the writer script; resolves with its exit once `onLine` has seen what the test waits for. */
function runWriter(
  root: string,
  count: string,
  tag: string,
  onLine?: (n: number) => boolean,
  filler = 20_000,
) {
  const child = spawn(process.execPath, [writer, root, 'production', count, tag, String(filler)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  let buffered = '';
  const reached = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n').filter(Boolean);
      if (onLine?.(lines.length)) resolve();
    });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, reached, exited };
}

const allFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));

describe('FileSnapshotStore', () => {
  it('saves, lists, chains parents and gets by id, prefix and latest', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const tick = () => {
      clock += 1000;
      return new Date(clock);
    };
    const store = new FileSnapshotStore(testdir(), { now: tick });
    const first = await store.save(
      'production',
      { replicas: 3 },
      { message: 'first', source: 'environments/production.yaml', author: 'ci' },
    );
    const second = await store.save('production', { replicas: 4 });
    expect(first.id).toMatch(/^[0-9a-f]{64}$/);
    expect(second.parent).toBe(first.id);
    expect((await store.list('production')).map((m) => m.id)).toEqual([first.id, second.id]);
    expect((await store.get('production', 'latest')).document).toEqual({ replicas: 4 });
    expect(await store.get('production', first.id.slice(0, 8))).toMatchObject({
      message: 'first',
      author: 'ci',
      document: { replicas: 3 },
    });
    await expect(store.get('production', 'deadbeef')).rejects.toMatchObject({ code: 'SNAPSHOT_NOT_FOUND' });
    await expect(store.get('staging', 'latest')).rejects.toThrow(/no snapshot of staging yet/);
    const accepted = await acceptBaseline(store, 'production', { replicas: 5 });
    expect(accepted).toMatchObject({ parent: second.id, message: 'accepted as the new baseline' });
  });

  it('content-addresses: the same document gives the same document hash', async () => {
    const store = new FileSnapshotStore(testdir());
    const a = await store.save('dev', { b: 1, a: [1, 2] });
    const b = await store.save('dev', { a: [1, 2], b: 1, c: undefined });
    expect(a.documentHash).toBe(b.documentHash);
  });

  it.each(['../escape', 'a/b', '', '..'])('refuses the environment name %j', async (name) => {
    const store = new FileSnapshotStore(testdir());
    await expect(store.save(name, {})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('stores secrets only as fingerprints that still change with the secret', async () => {
    const root = testdir();
    const store = new FileSnapshotStore(root);
    const doc = (password: string) => ({
      dependencies: { postgres: { url: `postgres://app:${password}@db:5432/app`, password } },
      llm: { apiKey: 'sk-ant-CANARYapikey0123456789' },
    });
    const a = await store.save('production', doc('CANARY-one-hunter2'));
    const b = await store.save('production', doc('CANARY-two-hunter3'));
    expect(a.documentHash).not.toBe(b.documentHash);
    for (const file of allFiles(root)) expect(readFileSync(file, 'utf8')).not.toMatch(/CANARY|hunter/);
  });

  it('compares a snapshot of a document holding secrets equal to that document', async () => {
    const store = new FileSnapshotStore(testdir());
    const doc = {
      dependencies: {
        postgres: { url: 'postgres://app:CANARY-pw@db:5432/app' },
        redis: { password: 'CANARY-redis' },
      },
      services: { swarm: { env: { SIGNING_TOKEN: 'CANARY-token', LOG_LEVEL: 'info' } } },
      tls: { key: '-----BEGIN PRIVATE KEY-----\nCANARY\n-----END PRIVATE KEY-----' },
    };
    const first = await store.save('production', doc);
    // Masking is idempotent: a masked document stores exactly like its source.
    const again = await store.save('production', maskSecrets(doc, await store.fingerprintKey()));
    expect(again.documentHash).toBe(first.documentHash);
    expect((await compareToSnapshot(store, 'production', doc)).changes).toEqual([]);
    const rotated = structuredClone(doc);
    rotated.dependencies.postgres.url = 'postgres://app:CANARY-new@db:5432/app';
    expect((await compareToSnapshot(store, 'production', rotated)).changes).toMatchObject([
      { path: '/dependencies/postgres/url', secret: true },
    ]);
  });

  it('reports secrets fingerprinted under another key as not comparable, never as a change', async () => {
    const root = testdir();
    const doc = {
      services: { swarm: { env: { STRIPE_SECRET_KEY: 'CANARY-stripe-one', LOG_LEVEL: 'info' } } },
    };
    await new FileSnapshotStore(root, { fingerprintKey: createFingerprintKey() }).save('production', doc);
    const other = new FileSnapshotStore(root, { fingerprintKey: createFingerprintKey() });
    const report = await compareToSnapshot(other, 'production', doc);
    expect(report.changes).toEqual([]);
    expect(report.counts.notComparable).toBe(1);
    expect(report.notComparable).toEqual(['/services/swarm/env/STRIPE_SECRET_KEY']);
    // Under the snapshot's own key, a rotated secret is a critical change with its value hidden.
    const same = new FileSnapshotStore(root, { fingerprintKey: await other.fingerprintKey() });
    await same.save('production', doc);
    const rotated = structuredClone(doc);
    rotated.services.swarm.env.STRIPE_SECRET_KEY = 'CANARY-stripe-two';
    const drift = await compareToSnapshot(same, 'production', rotated);
    expect(drift.changes).toMatchObject([
      { secret: true, severity: 'critical', ruleId: 'drift/secret-value' },
    ]);
    expect(JSON.stringify(drift)).not.toContain('CANARY');
  });

  it.each([{}, null])('refuses to snapshot an empty document (%j)', async (doc) => {
    const store = new FileSnapshotStore(testdir());
    await expect(store.save('production', doc)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('detects a snapshot corrupted on disk and never returns it', async () => {
    const root = testdir();
    const store = new FileSnapshotStore(root);
    const meta = await store.save('production', { replicas: 3 });
    const file = join(root, 'production', `${meta.id}.json`);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"replicas": 3', '"replicas": 30'));
    await expect(store.get('production', 'latest')).rejects.toMatchObject({
      code: 'SNAPSHOT_CORRUPT',
      message: expect.stringContaining('hash mismatch'),
    });
    expect(await store.verify('production')).toEqual([
      { id: meta.id, ok: false, problem: expect.stringContaining(file) },
    ]);
    writeFileSync(file, '{ not json');
    await expect(store.get('production', meta.id)).rejects.toMatchObject({ code: 'SNAPSHOT_CORRUPT' });
  });

  it('skips a torn index line and keeps appending after it', async () => {
    const root = testdir();
    const store = workspaceSnapshotStore(root);
    const first = await store.save('production', { n: 1 });
    appendFileSync(join(root, '.agentforge/snapshots/production/index.jsonl'), '{"id":"torn');
    const second = await store.save('production', { n: 2 });
    expect((await store.list('production')).map((m) => m.id)).toEqual([first.id, second.id]);
  });

  it('survives writers killed with SIGKILL: every listed snapshot verifies', {
    timeout: 90_000,
  }, async () => {
    const root = testdir();
    const store = new FileSnapshotStore(root);
    // Several kills at different moments, each after a few more saves, to land inside a write.
    for (let round = 1; round <= 4; round++) {
      const before = (await store.list('production')).length;
      const { child, reached, exited } = runWriter(
        root,
        'forever',
        `crash${round}`,
        (n) => n >= 3 + round,
        400_000,
      );
      await reached;
      // A different moment in each round: large documents make most of them land inside a write.
      await new Promise((resolve) => setTimeout(resolve, round * 4));
      child.kill('SIGKILL');
      expect((await exited).signal).toBe('SIGKILL');
      const listed = await store.list('production');
      expect(listed.length).toBeGreaterThanOrEqual(before + 3 + round);
      expect((await store.verify('production')).filter((c) => !c.ok)).toEqual([]);
    }
    // The store stays usable after the crashes.
    const listed = await store.list('production');
    const next = await store.save('production', { after: 'crash' });
    expect(next.parent).toBe(listed[listed.length - 1]!.id);
    expect(await store.list('production')).toHaveLength(listed.length + 1);
  });

  it('loses nothing when two processes write 100 snapshots each at once', { timeout: 120_000 }, async () => {
    const root = testdir();
    const writers = [runWriter(root, '100', 'left'), runWriter(root, '100', 'right')];
    const results = await Promise.all(writers.map((w) => w.exited));
    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
    ]);
    const store = new FileSnapshotStore(root);
    const listed = await store.list('production');
    expect(listed).toHaveLength(200);
    expect(new Set(listed.map((m) => m.message)).size).toBe(200);
    expect((await store.verify('production')).every((c) => c.ok)).toBe(true);
  });
});
