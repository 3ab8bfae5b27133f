import type { Options } from 'tsup';

/** The one build configuration every package spreads: ESM-only, typed, Node 20.19+. */
export const baseOptions: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
};
