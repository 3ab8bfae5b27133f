import { type NatsServer, requireTool, startNatsServer } from '@agentforge/test-utils';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { record, TestSchema } from './_testing.js';
import { createConfigManager } from './manager.js';
import { natsKvSource } from './nats-kv-source.js';
import {
  findLiteralSecrets,
  fleetStatus,
  publishConfig,
  publishedHistory,
  readPublished,
  rollbackConfig,
} from './nats-publish.js';

// Installed by scripts/ensure-tools.sh; in CI a missing server fails the run instead of skipping.
const natsServer = requireTool('nats-server');

let server: NatsServer;
let keys = 0;

beforeAll(async () => {
  if (!natsServer) return;
  server = await startNatsServer({ binary: natsServer! });
});
afterAll(async () => {
  await server?.stop();
});

const target = () => ({ servers: server.url, key: `env${++keys}` });
const doc = (replicas: number) => ({ name: 'svc', replicas });

async function watch(key: string, options: { replica?: string } = {}) {
  const m = await createConfigManager({
    schema: TestSchema,
    sources: [
      natsKvSource({
        servers: server.url,
        key,
        ...(options.replica ? { report: { replica: options.replica } } : {}),
      }),
    ],
  });
  onTestFinished(() => m.close());
  return { m, rec: record(m) };
}

describe.skipIf(!natsServer)('publishConfig', { timeout: 30_000 }, () => {
  it('creates the bucket on first use, writes canonical JSON and skips an identical document', async () => {
    const t = target();
    const first = await publishConfig({ ...t, document: { replicas: 1, name: 'svc' }, by: 'ana' });
    expect(first).toMatchObject({ status: 'published', previousRevision: undefined });
    const again = await publishConfig({ ...t, document: { name: 'svc', replicas: 1 } });
    expect(again).toEqual({
      status: 'unchanged',
      revision: (first as { revision: number }).revision,
      hash: first.status === 'published' ? first.hash : '',
    });
    const read = await readPublished(t);
    expect(read.document).toEqual({ name: 'svc', replicas: 1 });
    expect(read.meta).toMatchObject({ v: 1, environment: t.key, by: 'ana' });
  });

  it('two publishers racing from the same base revision: one wins, the other gets a conflict naming both revisions', async () => {
    const t = target();
    const base = await publishConfig({ ...t, document: doc(1) });
    const baseRevision = (base as { revision: number }).revision;
    const results = await Promise.all([
      publishConfig({ ...t, document: doc(2), expectRevision: baseRevision }),
      publishConfig({ ...t, document: doc(3), expectRevision: baseRevision }),
    ]);
    const won = results.filter((r) => r.status === 'published');
    const lost = results.filter((r) => r.status === 'conflict');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toEqual({
      status: 'conflict',
      expectedRevision: baseRevision,
      actualRevision: (won[0] as { revision: number }).revision,
    });
  });

  it('conflicts on a stale --expect-revision and overwrites with force', async () => {
    const t = target();
    await publishConfig({ ...t, document: doc(1) });
    const second = await publishConfig({ ...t, document: doc(2) });
    const latest = (second as { revision: number }).revision;
    expect(await publishConfig({ ...t, document: doc(3), expectRevision: latest - 1 })).toMatchObject({
      status: 'conflict',
      expectedRevision: latest - 1,
      actualRevision: latest,
    });
    expect(await publishConfig({ ...t, document: doc(3), force: true })).toMatchObject({
      status: 'published',
    });
  });

  it.each([
    {
      name: 'a password under a secret key',
      document: { name: 'svc', replicas: 1, db: { url: 'x', password: 'hunter2' } },
      path: '/db/password',
    },
    {
      name: 'credentials inside a URL',
      document: { name: 'svc', replicas: 1, db: { url: 'postgres://u:p4ss@db/x' } },
      path: '/db/url',
    },
  ])('refuses $name before writing anything', async ({ document, path }) => {
    const t = target();
    await expect(publishConfig({ ...t, document })).rejects.toMatchObject({
      code: 'SECRET_LITERAL',
      message: expect.stringContaining(path),
    });
    await expect(readPublished(t)).rejects.toMatchObject({ code: 'NATS_KEY_NOT_FOUND' });
  });

  it('refuses a document its validation rejects, with the summary', async () => {
    const t = target();
    await expect(
      publishConfig({
        ...t,
        document: doc(1),
        validate: () => ({ ok: false, summary: '2 findings at or above high' }),
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('2 findings') });
  });

  it('delete makes the replicas stale; rollback applies the earlier content everywhere and is audited', async () => {
    const t = target();
    const v1 = (await publishConfig({ ...t, document: doc(1) })) as { revision: number };
    await publishConfig({ ...t, document: doc(2) });
    const replicas = await Promise.all([watch(t.key), watch(t.key), watch(t.key)]);
    expect(replicas.map(({ m }) => m.get('replicas'))).toEqual([2, 2, 2]);

    const audited: unknown[] = [];
    const result = await rollbackConfig({
      ...t,
      toRevision: v1.revision,
      audit: (r) => void audited.push(r),
    });
    expect(result).toMatchObject({ status: 'published', rolledBackTo: v1.revision });
    await Promise.all(replicas.map(({ rec }) => rec.waitForEvents(1)));
    expect(replicas.map(({ m }) => m.get('replicas'))).toEqual([1, 1, 1]);
    expect(audited).toEqual([expect.objectContaining({ action: 'rollback', rollbackOf: v1.revision })]);

    const history = await publishedHistory(t);
    expect(history.map((h) => [h.operation, h.meta?.rollbackOf])).toEqual([
      ['PUT', undefined],
      ['PUT', undefined],
      ['PUT', v1.revision],
    ]);
  });

  it('rolling back to a revision of another key or one that does not exist names it', async () => {
    const t = target();
    await publishConfig({ ...t, document: doc(1) });
    await expect(rollbackConfig({ ...t, toRevision: 99_999 })).rejects.toMatchObject({
      code: 'NATS_KEY_NOT_FOUND',
      message: expect.stringContaining('99999'),
    });
  });

  it('replicas report the revision they applied; fleetStatus lists them beside the latest revision', async () => {
    const t = target();
    const first = (await publishConfig({ ...t, document: doc(1) })) as { revision: number };
    const a = await watch(t.key, { replica: 'pod-a' });
    await watch(t.key, { replica: 'pod-b' });
    const expectFleet = async (revision: number) => {
      let status = await fleetStatus({ servers: server.url, key: t.key });
      const deadline = Date.now() + 10_000;
      while (
        status.keys[0]?.replicas.filter((r) => r.appliedRevision === revision).length !== 2 &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        status = await fleetStatus({ servers: server.url, key: t.key });
      }
      return status;
    };
    let status = await expectFleet(first.revision);
    expect(status.keys[0]).toMatchObject({
      key: t.key,
      latestRevision: first.revision,
      replicas: [
        { replica: 'pod-a', appliedRevision: first.revision, state: 'valid' },
        { replica: 'pod-b', appliedRevision: first.revision, state: 'valid' },
      ],
    });
    const second = (await publishConfig({ ...t, document: doc(2) })) as { revision: number };
    await a.rec.waitForEvents(1);
    status = await expectFleet(second.revision);
    expect(status.keys[0]?.replicas.map((r) => r.appliedRevision)).toEqual([
      second.revision,
      second.revision,
    ]);

    // A revision the replicas reject (published without validation): they report the error
    // and keep running the previous revision.
    const bad = (await publishConfig({ ...t, document: doc(-1) })) as { revision: number };
    const deadline = Date.now() + 10_000;
    do {
      status = await fleetStatus({ servers: server.url, key: t.key });
      if (status.keys[0]?.replicas.every((r) => r.revision === bad.revision)) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    } while (Date.now() < deadline);
    expect(status.keys[0]?.replicas).toMatchObject([
      {
        replica: 'pod-a',
        state: 'error',
        revision: bad.revision,
        appliedRevision: second.revision,
        error: expect.stringContaining(`revision ${bad.revision}`),
      },
      { replica: 'pod-b', state: 'error', revision: bad.revision, appliedRevision: second.revision },
    ]);
  });
});

describe('findLiteralSecrets', () => {
  it.each([
    { name: 'secret reference', value: { llm: { apiKey: { secretRef: 'llm' } } }, found: [] },
    {
      name: 'plain value under a secret key',
      value: { redis: { password: 'x' } },
      found: ['/redis/password'],
    },
    {
      name: 'token-shaped value anywhere',
      value: { env: [{ value: 'ghp_0123456789abcdefghij0123456789abcdef' }] },
      found: ['/env/0/value'],
    },
    { name: 'empty secret key', value: { password: '' }, found: [] },
  ])('$name', ({ value, found }) => {
    expect(findLiteralSecrets(value)).toEqual(found);
  });
});
