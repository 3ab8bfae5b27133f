// The binary's entry: only the CLI core, so `--help` loads no library.
export { main } from './cli.js';
