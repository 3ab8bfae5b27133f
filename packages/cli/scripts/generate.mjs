// Writes docs/cli.md from the command definitions (run after a build; `--check` only reports).
import { fileURLToPath } from 'node:url';
import { writeGenerated } from '../../../scripts/_generated.mjs';
import { renderCliReference } from '../dist/index.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
process.exitCode = writeGenerated([[`${root}docs/cli.md`, await renderCliReference()]]);
