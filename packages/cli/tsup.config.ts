import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';

// Two builds, run side by side. The library (`src/index.ts`) as every package builds. The
// binary (`src/bin.ts`) on its own, into dist/bin, so that its core — argument parsing, help,
// the command table — is one module instead of the chunks it would share with the library: a
// cold start resolves, reads and compiles fewer files (bench/cli.bench.mjs). Commands stay lazy
// chunks, and every dependency stays external and declared (tsup.base.ts): only the CLI's own
// modules are bundled. The library's clean leaves dist/bin to the binary's own.
export default defineConfig([
  { ...baseOptions, entry: ['src/index.ts'], clean: ['!bin/**'] },
  { ...baseOptions, entry: ['src/bin.ts'], outDir: 'dist/bin', dts: false },
]);
