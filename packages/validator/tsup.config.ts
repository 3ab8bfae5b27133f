import { defineConfig } from 'tsup';
import { baseOptions } from '../../tsup.base.ts';

// `@agentforge/validator/manifests` is its own entry: `manifests validate` loads the Kubernetes
// rules without zod, `yaml` or the environment schemas (src/manifests.ts).
export default defineConfig({ ...baseOptions, entry: ['src/index.ts', 'src/manifests.ts'] });
