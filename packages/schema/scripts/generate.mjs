// Writes the files generated from the zod schema: the package's schema.json and the
// repository's docs/configuration.md. `--check` exits 1 when either is out of date.
import { fileURLToPath } from 'node:url';
import { writeGenerated } from '../../../scripts/_generated.mjs';
import { renderReferenceDocs, toJsonSchema } from '../dist/index.js';

const outputs = [
  [fileURLToPath(new URL('../schema.json', import.meta.url)), `${JSON.stringify(toJsonSchema(), null, 2)}\n`],
  [fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url)), renderReferenceDocs()],
];
process.exit(writeGenerated(outputs));
