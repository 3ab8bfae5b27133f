// Test helper: takes snapshots in a loop, printing the number of each one saved.
// usage: node snapshot-writer.mjs <store-root> <environment> <count|forever> <tag> [filler-bytes]
import { FileSnapshotStore } from '../dist/index.js';

const [root, environment, count, tag, filler = '20000'] = process.argv.slice(2);
const store = new FileSnapshotStore(root);
const limit = count === 'forever' ? Number.POSITIVE_INFINITY : Number(count);
for (let i = 0; i < limit; i++) {
  const document = {
    tag,
    i,
    services: { swarm: { replicas: i, env: { FILLER: 'x'.repeat(Number(filler) + (i % 7) * 1000) } } },
    dependencies: { redis: { password: `canary-${tag}-${i}` } },
  };
  await store.save(environment, document, { message: `${tag} ${i}` });
  process.stdout.write(`${i}\n`);
}
