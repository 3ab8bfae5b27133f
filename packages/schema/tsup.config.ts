import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';

// `@agentforge/schema/kubernetes` is its own entry: manifest tools import the Kubernetes basics
// without the environment schema.
export default defineConfig({ ...baseOptions, entry: ['src/index.ts', 'src/kubernetes.ts'] });
