// The manifests entry's promise: nothing it loads at import reaches zod, `yaml` or the schema's
// root entry (the environment schemas), so `manifests validate` stays within its memory goal
// (bench/manifests.bench.mjs). Checked on the sources, following every import that stays at run
// time (`import type` is erased; `await import()` is lazy and left out) into the schema's kernel.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '../..');
/** Workspace entries, as their package.json `exports` map them, to their sources. */
const ENTRIES: Record<string, string> = {
  '@agentforge/schema/kernel': join(packages, 'schema/src/kernel.ts'),
  '@agentforge/schema/kubernetes': join(packages, 'schema/src/kubernetes.ts'),
};

/** The specifiers a source file loads when it is imported: static imports and re-exports, not type-only ones. */
function runtimeImports(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/^(import|export)\s+(type\s+)?([^;]*?)\s*from\s+'([^']+)';/gms)) {
    if (m[2]) continue;
    out.push(m[4]!);
  }
  for (const m of source.matchAll(/^import\s+'([^']+)';/gm)) out.push(m[1]!);
  return out;
}

/** Every file loaded by importing `entry`, and every bare specifier reached, each with who imports it. */
function graph(entry: string): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const specifier of runtimeImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (ENTRIES[specifier]) visit(ENTRIES[specifier]);
      else if (!specifier.startsWith('node:')) bare.set(specifier, relative(packages, file));
    }
  };
  visit(entry);
  return { files, bare };
}

describe('@agentforge/validator/manifests', () => {
  const { files, bare } = graph(join(import.meta.dirname, 'manifests.ts'));

  it('follows the imports it is checked by', () => {
    // The walk reaches the engine, the Kubernetes rules and the schema's bulk reader.
    const reached = [...files].map((f) => relative(packages, f));
    expect(reached).toEqual(
      expect.arrayContaining([
        'validator/src/engine.ts',
        'validator/src/kubernetes/rules.ts',
        'schema/src/bulk-load.ts',
        'schema/src/_load-bulk.ts',
      ]),
    );
  });

  it('sees zod and yaml where they are: the root entry loads both', () => {
    const rootBare = graph(join(import.meta.dirname, 'index.ts')).bare;
    expect(rootBare.has('zod') && rootBare.has('@agentforge/schema')).toBe(true);
  });

  it.each([['zod'], ['yaml'], ['@agentforge/schema']])('never loads %s at import', (specifier) => {
    expect(bare.get(specifier), `${specifier} is imported by ${bare.get(specifier)}`).toBeUndefined();
  });

  it('loads only the dependencies it needs (js-yaml is read on first use, ajv and kubernetes-models per kind)', () => {
    expect([...bare.keys()].sort()).toEqual([]);
  });

  it('exports the root entry’s very functions', async () => {
    const [root, manifests] = [
      new Map(Object.entries(await import('./index.js'))),
      Object.entries(await import('./manifests.js')),
    ];
    expect(manifests.length).toBeGreaterThan(10);
    for (const [name, value] of manifests) expect(root.get(name), name).toBe(value);
  });
});
