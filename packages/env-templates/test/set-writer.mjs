// Writes an overlay set again and again, alternating generations A and B, until killed.
// Used by files.test.ts to SIGKILL writers mid-swap.
import { writeGeneratedFiles } from '../dist/index.js';

const [root, count] = process.argv.slice(2);
const files = (tag) =>
  Array.from({ length: 30 }, (_, i) => ({
    path: `deployment/k8s/overlays/prod/${i % 3 === 0 ? 'patches/' : ''}f${i}.yaml`,
    content: `generation: ${tag}\n${'x'.repeat(2000)}\n`,
    mode: 0o644,
  }));
for (let i = 0; i < Number(count); i++) {
  await writeGeneratedFiles(root, files(i % 2 === 0 ? 'A' : 'B'));
  process.stdout.write(`${i}\n`);
}
