// The binary's first file (dist/agentforge.cjs): the CLI core, which answers help, group help
// and the version itself and loads the second file (src/bin-run.ts) for everything else.
export { main } from './cli.js';
