import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';

export default defineConfig({ ...baseOptions, entry: ['src/index.ts', 'src/bin.ts'] });
