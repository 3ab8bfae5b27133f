import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';
import { binaryFile } from './scripts/bundled-binary.ts';

// The library (`dist/index.js`, every dependency external, as in every package) and the two
// files of the `agentforge` binary (see scripts/bundled-binary.ts). The library's clean keeps the
// binary's files, as the builds run at once.
export default defineConfig([
  { ...baseOptions, entry: ['src/index.ts'], clean: ['**/*', '!agentforge*'] },
  // The core: help, group help and the version, with no package inside.
  binaryFile(process.cwd(), {
    entry: 'src/bin.ts',
    name: 'agentforge',
    bundle: [],
    elsewhere: { './run.js': './agentforge-run.cjs' },
  }),
  // The rest: the toolkit's libraries and the two every document command needs at once (zod,
  // yaml); what a single command needs (pino, js-yaml, ajv, kubernetes-models, chokidar,
  // deep-diff, the NATS client) stays external and declared, loaded when that command runs.
  binaryFile(process.cwd(), {
    entry: 'src/bin-run.ts',
    name: 'agentforge-run',
    bundle: ['@agentforge/', 'zod', 'yaml'],
  }),
]);
