import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import type { Options } from 'tsup';
import { type Plugin, packageName } from '../../../tsup.base.ts';

/** The folder of the installed package a bundled file belongs to (`…/node_modules/zod`). */
function packageRootOf(file: string): string | undefined {
  const marker = '/node_modules/';
  const at = file.lastIndexOf(marker);
  if (at < 0) return undefined;
  const name = packageName(file.slice(at + marker.length));
  return name ? file.slice(0, at + marker.length) + name : undefined;
}

/** One notice per bundled third-party package: name, version, licence and its licence text. */
function notices(root: string, name: string, inputs: readonly string[]): string {
  const packages = [
    ...new Set(inputs.flatMap((input) => packageRootOf(resolve(root, input).replaceAll('\\', '/')) ?? [])),
  ].sort();
  const sections = packages.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      name: string;
      version: string;
      license?: string;
    };
    const licenceFile = readdirSync(dir).find((name) => /^(licen[sc]e|copying)(\.|$)/i.test(name));
    if (!licenceFile)
      throw new Error(`${manifest.name} is bundled into the binary but ships no licence file`);
    return `${manifest.name}@${manifest.version} (${manifest.license ?? 'see below'})\n\n${readFileSync(join(dir, licenceFile), 'utf8').trim()}\n`;
  });
  return [
    `Third-party software bundled into dist/${name}.cjs (part of the \`agentforge\` binary).`,
    'The @agentforge/* packages bundled with it are this project (MIT, see LICENSE).',
    '',
    ...sections.flatMap((section) => ['-'.repeat(78), section]),
  ].join('\n');
}

const LAZY = 'agentforge-lazy-builtin';

/** `node:fs/promises` as a module whose members require it when first called. */
function lazyFsPromises(): string {
  return [
    "const load = () => require('node:fs').promises;",
    // The one member that is not a function, and the same object in node:fs.
    "export const constants = require('node:fs').constants;",
    ...Object.entries(fsPromises)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => `export const ${name} = (...args) => load().${name}(...args);`),
  ].join('\n');
}

/** One file of the binary. */
export interface BinaryFile {
  /** The source entry, e.g. `src/bin.ts`. */
  entry: string;
  /** The output's name in `dist/`, without `.cjs`. */
  name: string;
  /** Package names (a trailing `/` for a scope) bundled into this file; other bare imports are errors. */
  bundle: readonly string[];
  /** Modules of the package loaded from another file of the binary: `./run.js` → `./agentforge-run.cjs`. */
  elsewhere?: Record<string, string>;
}

const matches = (patterns: readonly string[], name: string) =>
  patterns.some((entry) => (entry.endsWith('/') ? name.startsWith(entry) : name === entry));

/**
 * The build of one file of the `agentforge` binary, a CommonJS bundle. Start-up is most of a CLI
 * run: as ESM modules a `config validate` resolved, read and compiled about 200 files; bundled,
 * it reads two, and their compiled code can be cached between runs (bin/agentforge.cjs), which
 * ESM cannot on Node 20. The first file holds only the core that answers help; the second, the
 * libraries. Bare imports are checked like every package's build (tsup.base.ts): bundled when
 * `bundle` names them, else external when declared in `dependencies` (and loaded when the
 * command needing them runs), else a build error. A file that bundles third-party code gets
 * their licence notices beside it (`<name>.cjs.LICENSES.txt`).
 */
export function binaryFile(packageDir: string, file: BinaryFile): Options {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const plugin: Plugin = {
    name: 'agentforge-binary-file',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const other = file.elsewhere?.[args.path];
        return other ? { path: other, external: true } : undefined;
      });
      // esbuild requires a module's imports when the module is first used, and Node 20's
      // `node:fs/promises` loads readline, streams and more (about 4 ms of a start, bench/cli):
      // in the binary it is required at its first call instead, so a command that never calls
      // it (config validate reads through node:fs) never loads it.
      build.onResolve({ filter: /^(node:)?fs\/promises$/ }, () => ({ path: 'fs/promises', namespace: LAZY }));
      build.onLoad({ filter: /.*/, namespace: LAZY }, () => ({ contents: lazyFsPromises(), loader: 'js' }));
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return { external: true };
        const name = packageName(args.path);
        if (matches(file.bundle, name)) return undefined;
        if (declared.has(name) && file.bundle.length > 0) return { external: true };
        return {
          errors: [
            {
              text: `"${args.path}" is imported by ${args.importer}: dist/${file.name}.cjs bundles only ${file.bundle.join(', ') || 'the CLI core (no package)'}; load it from a file that may, or declare "${name}" in the dependencies of ${join(packageDir, 'package.json')}`,
            },
          ],
        };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        const inputs = Object.keys(result.metafile.inputs);
        if (inputs.some((input) => input.includes('/node_modules/')))
          writeFileSync(
            join(packageDir, 'dist', `${file.name}.cjs.LICENSES.txt`),
            notices(packageDir, file.name, inputs),
          );
      });
    },
  };
  return {
    entry: { [file.name]: file.entry },
    format: ['cjs'],
    outExtension: () => ({ js: '.cjs' }),
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
    // esbuild's own tree shaking: tsup's `treeshake` re-bundles with rollup, which hoists the
    // lazily loaded modules' requires to the top.
    treeshake: false,
    // Builtins reach the plugin above as written (`node:fs/promises` too); Node 20 requires them so.
    removeNodeProtocol: false,
    noExternal: file.bundle.map((name) => (name.endsWith('/') ? new RegExp(`^${name}`) : name)),
    esbuildPlugins: [plugin],
    esbuildOptions(options) {
      options.metafile = true;
      // Whitespace and syntax only (names stay): a smaller file to read and keep in memory at
      // every start (bench/cli: about 14 ms); `--debug` maps stack traces back to the sources.
      options.minifyWhitespace = true;
      options.minifySyntax = true;
      // ASCII only (tsup asks esbuild for UTF-8): a text with any other byte is decoded character
      // by character at every start, one with none is copied.
      options.charset = 'ascii';
      // No import() in a bundle: esbuild lowers it to require() when told dynamic import is
      // missing. A module of another file of the binary is then required through the compiled-code
      // cache (bin/agentforge.cjs), and the packages loaded on demand are required too (Node 20.19+
      // requires ESM-only packages): functions V8 restores from a code cache lose the script's
      // dynamic-import callback on Node 20 ("A dynamic import callback was not specified").
      options.supported = { ...options.supported, 'dynamic-import': false };
      // ESM sources read `import.meta.url` (createRequire, ../package.json): in the bundle it is
      // the bundle's own URL.
      options.define = { ...options.define, 'import.meta.url': '__agentforgeBundleUrl' };
      options.banner = {
        js: "const __agentforgeBundleUrl = require('node:url').pathToFileURL(__filename).href;",
      };
    },
  };
}
