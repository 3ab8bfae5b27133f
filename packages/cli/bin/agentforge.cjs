#!/usr/bin/env node
// Start-up is most of a CLI run, so the binary is two bundled CommonJS files (dist/agentforge.cjs,
// the core that answers help, and dist/agentforge-run.cjs, the libraries) whose compiled code is
// cached between runs. Node 22.1+ caches it itself (module.enableCompileCache). Node 20 has no
// such API, so there this shim compiles the two files with the V8 code cache an earlier run left
// (vm.Script `cachedData`) and, when there was none, saves one after the run, once the functions
// the command used are compiled too — one cache per command, as each runs different code.
// NODE_DISABLE_COMPILE_CACHE turns it off and NODE_COMPILE_CACHE moves it, as for Node's own.
const { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const Module = require('node:module');
const { createRequire } = Module;
const { tmpdir } = require('node:os');
const { basename, dirname, join } = require('node:path');
const { Script } = require('node:vm');

const core = join(__dirname, '../dist/agentforge.cjs');
const dist = dirname(core);
const argv = process.argv.slice(2);
const key = commandKey(argv);

// A command runs for a fraction of a second: V8's optimizing compiler, woken at its usual budget,
// spends that time (a core, and memory) on functions about to stop running. Four times the budget
// leaves short runs interpreted and still optimizes what a long run keeps calling. The root help
// and the version skip it: they are over before it would matter, and loading node:v8 costs them
// ~4 ms. Set before anything is compiled, the same way for every run of a command: V8 keys its
// code caches by flags, and the caches are per command.
if (key !== 'help') require('node:v8').setFlagsFromString('--interrupt-budget=270336');

// Under --debug, stack traces name the TypeScript sources (dist/*.map) instead of the minified
// bundles: Node maps them for files it compiles itself, so the cache is left out of such a run.
const debug = argv.includes('--debug');
if (debug) process.setSourceMapsEnabled(true);

if (Module.enableCompileCache || process.env.NODE_DISABLE_COMPILE_CACHE || debug) {
  Module.enableCompileCache?.();
  createRequire(core)(core).main(argv);
} else {
  const folder = cacheFolder();
  const compiled = folder ? compileWithCache(folder, key) : [];
  createRequire(core)(core)
    .main(argv)
    .then(() => saveCaches(compiled));
}

/** A folder only this user can write to, or undefined: a cache others can write is code we run. */
function cacheFolder() {
  const uid = process.getuid?.();
  const dir = process.env.NODE_COMPILE_CACHE || join(tmpdir(), `agentforge-compile-cache-${uid ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    return stat.isDirectory() && (uid === undefined || stat.uid === uid) && (stat.mode & 0o022) === 0
      ? dir
      : undefined;
  } catch {
    return undefined;
  }
}

/** The first two command-like words (`config-validate`), else `help`; only names a cache. */
function commandKey(words) {
  return (
    words
      .filter((word) => /^[a-z][a-z-]{0,30}$/.test(word))
      .slice(0, 2)
      .join('-') || 'help'
  );
}

/**
 * Compiles the binary's files (and nothing else) through V8 with the cache for `key`; returns
 * the scripts compiled without a usable cache, to save theirs after the run.
 */
function compileWithCache(folder, key) {
  const fresh = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (dirname(filename) !== dist) return compile.call(this, content, filename);
    // V8 checks its own version and flags and the source's length, not its text: the file's
    // size and time stamp name the cache, so a rebuilt file never meets an old cache.
    const { size, mtimeMs } = statSync(filename);
    const build = `${basename(filename)}-${size}-${Math.trunc(mtimeMs)}`;
    const file = join(folder, `${build}-${process.version}-${process.arch}-${key}.cache`);
    let cachedData;
    try {
      cachedData = readFileSync(file);
    } catch {}
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${content}\n})`, {
      filename,
      cachedData,
    });
    if (!cachedData || script.cachedDataRejected) fresh.push({ script, file, bundle: basename(filename) });
    const require = createRequire(filename);
    return script
      .runInThisContext()
      .call(this.exports, this.exports, require, this, filename, dirname(filename));
  };
  return fresh;
}

/** Writes the caches the run lacked and removes those of earlier builds of the same file. */
function saveCaches(compiled) {
  if (compiled.length === 0) return;
  // The caches only speed up later runs: failing to write one is not this run's failure.
  try {
    // Taken now, before loading the writer compiles code the command did not use.
    const caches = compiled.map(({ script, file, bundle }) => ({
      data: script.createCachedData(),
      file,
      bundle,
    }));
    const { saveCodeCache } = createRequire(core)('./agentforge-run.cjs');
    for (const { data, file, bundle } of caches) {
      const folder = dirname(file);
      // `<bundle>-<size>-<time stamp>`: the build this run's cache belongs to.
      const current = basename(file).slice(0, basename(file).indexOf(`-${process.version}-`));
      for (const name of readdirSync(folder))
        if (name.startsWith(`${bundle}-`) && !name.startsWith(`${current}-`))
          rmSync(join(folder, name), { force: true });
      saveCodeCache(file, data).catch(() => undefined);
    }
  } catch {}
}
