import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import type { Options } from 'tsup';

/** An esbuild plugin, as tsup takes them. */
export type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/** The package name of a bare import: `yaml`, `@nats-io/kv` (from `@nats-io/kv/lib/x`). */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Every bare import stays external, and must be declared. tsup externalises only what
 * `dependencies`/`peerDependencies` name and silently bundles the rest (a devDependency
 * imported by library code ends up inside `dist`, without its licence notice): this plugin
 * turns that into a build error naming the import and the importing file.
 */
function declaredDependenciesOnly(packageDir: string): Plugin {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string> | undefined
  >;
  const declared = new Set(
    ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((field) =>
      Object.keys(manifest[field] ?? {}),
    ),
  );
  return {
    name: 'agentforge-declared-dependencies-only',
    setup(build) {
      // Bare specifiers only: relative and absolute paths are the package's own files.
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { external: true };
        const name = packageName(args.path);
        if (declared.has(name)) return { external: true };
        return {
          errors: [
            {
              text: `"${args.path}" is imported by ${args.importer} but "${name}" is not declared in dependencies, peerDependencies or optionalDependencies of ${join(packageDir, 'package.json')}; it would be bundled into dist without being declared`,
            },
          ],
        };
      });
    },
  };
}

/**
 * The one build configuration every package spreads: ESM-only, typed, Node 20.19+, every
 * dependency external and declared. tsup runs in the package's folder, so `process.cwd()`
 * is the package being built.
 */
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
  esbuildPlugins: [declaredDependenciesOnly(process.cwd())],
};
