import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';

// `@agentforge/schema/kubernetes` and `@agentforge/schema/kernel` are their own entries: manifest
// tools import the Kubernetes basics and the zod-free kernel without the environment schema.
export default defineConfig({
  ...baseOptions,
  entry: ['src/index.ts', 'src/kubernetes.ts', 'src/kernel.ts'],
});
