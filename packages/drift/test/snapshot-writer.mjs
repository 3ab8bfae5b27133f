// Test helper: takes snapshots in a loop, printing the number of each one saved.
// usage: node snapshot-writer.mjs <store-root> <environment> <count|forever> <tag>
import { FileSnapshotStore } from '../dist/index.js';

const [root, environment, count, tag] = process.argv.slice(2);
const store = new FileSnapshotStore(root);
const limit = count === 'forever' ? Number.POSITIVE_INFINITY : Number(count);
for (let i = 0; i < limit; i++) {
  // Big documents make it likely that a kill lands in the middle of a write.
  const document = {
    tag,
    i,
    services: { swarm: { replicas: i, env: { FILLER: 'x'.repeat(50_000 + (i % 7) * 10_000) } } },
    dependencies: { redis: { password: `canary-${tag}-${i}` } },
  };
  await store.save(environment, document, { message: `${tag} ${i}` });
  process.stdout.write(`${i}\n`);
}
