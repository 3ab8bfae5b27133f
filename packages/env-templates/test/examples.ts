import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDocument } from '@agentforge/schema';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The three example environments of examples/platform, as loaded data. */
export const EXAMPLE_NAMES = ['development', 'staging', 'production'] as const;

export function exampleDocument(name: (typeof EXAMPLE_NAMES)[number]): unknown {
  const file = `${REPO_ROOT}examples/platform/environments/${name}.yaml`;
  return loadDocument(readFileSync(file, 'utf8'), { file }).data;
}
