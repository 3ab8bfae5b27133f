// Writes the files generated from the zod schema: the package's schema.json and the
// repository's docs/configuration.md. `--check` exits 1 when either is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderReferenceDocs, toJsonSchema } from '../dist/index.js';

const outputs = [
  [fileURLToPath(new URL('../schema.json', import.meta.url)), `${JSON.stringify(toJsonSchema(), null, 2)}\n`],
  [fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)), renderReferenceDocs()],
];
const check = process.argv.includes('--check');
let stale = 0;
for (const [file, content] of outputs) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current === content) continue;
  if (check) {
    console.error(`${file} is out of date: run \`pnpm docs\``);
    stale++;
  } else {
    writeFileSync(file, content);
    console.log(`wrote ${file}`);
  }
}
process.exit(stale ? 1 : 0);
