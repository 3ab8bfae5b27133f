// No import cycles between the files of any package, dynamic imports included (a cycle hidden
// behind `await import()` is still a cycle). dpdm parses with the TypeScript compiler; it was
// chosen over madge (half the CPU time on this repository: 8.5 s against 15.8 s user, both
// finding the same six cycles) and dependency-cruiser (its current major needs Node 22).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

/** Every import cycle among the files matched by `patterns` under `context`, as `a -> b -> a`. */
async function cycles(
  context: string,
  patterns: string[],
  tsconfig: string,
): Promise<{ files: number; found: string[] }> {
  const tree = await parseDependencyTree(patterns, {
    cwd: context,
    context,
    // The compiler options tell dpdm that `./b.js` is `./b.ts` (NodeNext resolution).
    tsconfig,
    // Type-only imports count: a cycle through types still ties the files together.
    transform: false,
    skipDynamicImports: false,
    // Other packages are entered through their built dist; the package graph (arrows down
    // only) is checked by the packages' own dependencies, not here.
    exclude: /node_modules|\/dist\//,
  });
  const found = parseCircular(tree).map((cycle) => [...cycle, cycle[0]].join(' -> '));
  return { files: Object.keys(tree).length, found };
}

describe('import cycles', () => {
  it('there is none between the source files of the packages and examples', async () => {
    const { files, found } = await cycles(
      root,
      ['packages/*/src/**/*.ts', 'examples/*/src/**/*.ts'],
      join(root, 'tsconfig.base.json'),
    );
    expect(files).toBeGreaterThan(100);
    expect(found, 'import cycles (move the shared part into a module both import)').toEqual([]);
  }, 180_000);

  it.each([
    { name: 'a static cycle', b: "import { a } from './a.js';\nexport const b = () => a;\n" },
    {
      name: 'a cycle hidden behind a dynamic import',
      b: "export async function b() {\n  return (await import('./a.js')).a;\n}\n",
    },
    { name: 'a cycle through types only', b: "import type { A } from './a.js';\nexport type B = A[];\n" },
  ])('the check fails on $name', async ({ b }) => {
    const dir = testdir({
      'tsconfig.json': JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' },
      }),
    });
    writeFileSync(
      join(dir, 'a.ts'),
      "import { b } from './b.js';\nexport type A = string;\nexport const a = b;\n",
    );
    writeFileSync(join(dir, 'b.ts'), b);
    writeFileSync(join(dir, 'c.ts'), "import { a } from './a.js';\nexport const c = a;\n");
    expect((await cycles(dir, ['*.ts'], join(dir, 'tsconfig.json'))).found).toEqual(['a.ts -> b.ts -> a.ts']);
  });
});
