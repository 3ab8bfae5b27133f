import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { workspaceSnapshotStore } from './store.js';
import { snapshotTimeline } from './timeline.js';

const CANARY = 'sk_live_TIMELINEcanary0123456789abcdef';
const documents = [
  { services: { swarm: { replicas: 1 } }, llm: { apiKey: CANARY } },
  { services: { swarm: { replicas: 2 } }, llm: { apiKey: CANARY } },
  { services: { swarm: { replicas: 2, image: 'swarm:2' } }, llm: { apiKey: `${CANARY}-rotated` } },
  { services: { swarm: { replicas: 3, image: 'swarm:2' } }, llm: { apiKey: `${CANARY}-rotated` } },
];

describe('snapshotTimeline', () => {
  it('lists the snapshots oldest first with the changes each made, the first without a count', async () => {
    const store = workspaceSnapshotStore(testdir());
    for (const [i, document] of documents.entries())
      await store.save('production', document, { message: `step ${i}`, author: 'ops' });
    const timeline = await snapshotTimeline(store, 'production');
    expect(timeline.map((e) => [e.message, e.author, e.changes])).toEqual([
      ['step 0', 'ops', undefined],
      ['step 1', 'ops', 1],
      // An added image and a rotated secret: counted, the value never part of the entry.
      ['step 2', 'ops', 2],
      ['step 3', 'ops', 1],
    ]);
    expect(JSON.stringify(timeline)).not.toContain(CANARY);
  });

  it('keeps the latest `depth` snapshots and counts the oldest kept one against its predecessor', async () => {
    const store = workspaceSnapshotStore(testdir());
    for (const document of documents) await store.save('production', document);
    const timeline = await snapshotTimeline(store, 'production', { depth: 2 });
    expect(timeline.map((e) => e.changes)).toEqual([2, 1]);
    expect(timeline.at(-1)!.id).toBe((await store.get('production', 'latest')).id);
  });

  it('is empty for an environment without snapshots', async () => {
    expect(await snapshotTimeline(workspaceSnapshotStore(testdir()), 'staging')).toEqual([]);
  });
});
