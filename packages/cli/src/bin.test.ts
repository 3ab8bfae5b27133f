import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';

// The binary's compiled-code cache (bin/agentforge.cjs) on Node 20, which has no
// module.enableCompileCache: what it writes, that a later run uses it, and that a damaged,
// foreign or disabled cache never changes what a run does.
const bin = fileURLToPath(new URL('../bin/agentforge.cjs', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const VALIDATE = ['config', 'validate', '-e', 'production', '--dir', join(repo, 'examples/platform')];
// Node 22.1+ caches compiled code itself: the shim then only turns that on.
const nativeCache = 'enableCompileCache' in (await import('node:module')).default;

function agentforge(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A copy of the example workspace, and the arguments of a snapshot of it (a writing command). */
function snapshotOfACopy() {
  const workspace = testdir();
  cpSync(join(repo, 'examples/platform'), workspace, { recursive: true });
  const snapshot = [
    'config',
    'snapshot',
    '-e',
    'development',
    '--actor',
    'ci@example.com',
    '--dir',
    workspace,
  ];
  return { workspace, snapshot };
}

/** The cache files by name, with their size and modification time. */
function caches(folder: string) {
  return Object.fromEntries(
    readdirSync(folder).map((name) => {
      const { size, mtimeMs, mode } = statSync(join(folder, name));
      return [name, { size, mtimeMs, mode: mode & 0o777 }];
    }),
  );
}

describe.skipIf(nativeCache)('the compiled-code cache of the binary (Node 20)', () => {
  it('is written by the first run of a command, private, and used as it is by the next', () => {
    const folder = join(testdir(), 'cache');
    const first = agentforge(VALIDATE, { NODE_COMPILE_CACHE: folder });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    const written = caches(folder);
    const names = Object.keys(written);
    // One per file of the binary, named by the command.
    expect(names.filter((name) => name.endsWith('-config-validate.cache'))).toHaveLength(2);
    expect(names.some((name) => name.startsWith('agentforge-run.cjs-'))).toBe(true);
    for (const { mode } of Object.values(written)) expect(mode).toBe(0o600);
    // A cache V8 accepts is not written again (a refused one would be).
    const second = agentforge(VALIDATE, { NODE_COMPILE_CACHE: folder });
    expect(second).toEqual(first);
    expect(caches(folder)).toEqual(written);
    // Help has its own, without the libraries' file.
    agentforge(['--help'], { NODE_COMPILE_CACHE: folder });
    expect(Object.keys(caches(folder)).filter((name) => name.endsWith('-help.cache'))).toEqual([
      expect.stringMatching(/^agentforge\.cjs-/),
    ]);
  });

  it('replaces a damaged cache and runs as without one', () => {
    const folder = join(testdir(), 'cache');
    const clean = agentforge(VALIDATE, { NODE_COMPILE_CACHE: folder });
    for (const name of Object.keys(caches(folder))) writeFileSync(join(folder, name), 'not a V8 code cache');
    expect(agentforge(VALIDATE, { NODE_COMPILE_CACHE: folder })).toEqual(clean);
    for (const { size } of Object.values(caches(folder))) expect(size).toBeGreaterThan(1000);
  });

  it('removes the caches of an earlier build of the same file when it writes', () => {
    const folder = join(testdir(), 'cache');
    mkdirSync(folder, { mode: 0o700 });
    const stale = 'agentforge-run.cjs-1-1-v0.0.0-x64-config-validate.cache';
    const other = 'someone-else.cache';
    writeFileSync(join(folder, stale), 'old');
    writeFileSync(join(folder, other), 'kept');
    expect(agentforge(VALIDATE, { NODE_COMPILE_CACHE: folder }).code).toBe(0);
    const names = Object.keys(caches(folder));
    expect(names).not.toContain(stale);
    expect(names).toContain(other);
  });

  it('is not used in a folder others can write to, nor when disabled', () => {
    const shared = join(testdir(), 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    const disabled = join(testdir(), 'disabled');
    const runs = [
      agentforge(VALIDATE, { NODE_COMPILE_CACHE: shared }),
      agentforge(VALIDATE, { NODE_COMPILE_CACHE: disabled, NODE_DISABLE_COMPILE_CACHE: '1' }),
    ];
    for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readdirSync(shared)).toEqual([]);
    expect(() => readFileSync(disabled)).toThrow(/ENOENT/);
  });

  it('changes no exit code or output: findings, usage errors and help', () => {
    const cached = join(testdir(), 'cache');
    for (const args of [
      ['config', 'validate', '-e', 'production', '--dir', join(repo, 'examples/broken')],
      ['config', 'validate', '-e', 'nowhere', '--dir', join(repo, 'examples/platform')],
      ['confg', 'validate'],
      ['env', '--help'],
    ]) {
      const plain = agentforge(args, { NODE_DISABLE_COMPILE_CACHE: '1' });
      for (let run = 0; run < 2; run++)
        expect(agentforge(args, { NODE_COMPILE_CACHE: cached })).toEqual(plain);
    }
  });

  it('names the TypeScript sources in --debug stack traces, not the bundles', () => {
    const { code, stderr } = agentforge(['schema', '--frob', '--debug'], {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/^\s+at .*src\/_parse\.ts:\d+:\d+\)$/m);
    expect(stderr).not.toMatch(/agentforge-run\.cjs:\d+/);
  });

  it('loads packages on demand from cached code: the bundles hold no import()', () => {
    // V8 restores cached functions without the script's dynamic-import callback on Node 20, so an
    // import() in a bundle fails on the second run of its command; the build lowers them all.
    for (const file of ['agentforge.cjs', 'agentforge-run.cjs'])
      expect(readFileSync(new URL(`../dist/${file}`, import.meta.url), 'utf8')).not.toMatch(/\bimport\(/);
    // A writing command (the audit trail loads pino on demand), twice: the second runs cached code.
    const { workspace, snapshot } = snapshotOfACopy();
    const folder = join(testdir(), 'cache');
    for (let run = 0; run < 2; run++)
      expect(agentforge(snapshot, { NODE_COMPILE_CACHE: folder })).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(join(workspace, '.agentforge/audit.log'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('the bundles of the binary', () => {
  it('are ASCII: V8 copies such a text at every start instead of decoding it', () => {
    for (const file of ['agentforge.cjs', 'agentforge-run.cjs']) {
      const bytes = readFileSync(new URL(`../dist/${file}`, import.meta.url));
      const first = bytes.findIndex((byte) => byte > 0x7f);
      expect({ file, first }).toEqual({ file, first: -1 });
    }
  });

  it('hold only the parts of zod the toolkit uses', () => {
    // Every module imports zod's namespace (`import * as z`), whose members esbuild includes one
    // by one; `import { z }` would bring all of zod, its ~50 message catalogues among it (about
    // 450 KB read and restored at every start).
    const run = readFileSync(new URL('../dist/agentforge-run.cjs', import.meta.url), 'utf8');
    const catalogues = [...run.matchAll(/zod\/v4\/locales\/(\w+)\.js/g)].map((match) => match[1]);
    expect(new Set(catalogues.filter((name) => name !== 'index'))).toEqual(new Set(['en']));
  });

  it('leave node:fs/promises unloaded in a config validate, and load it for the commands that call it', () => {
    // A preloaded script reports the built-in modules the run loaded (the compile cache is off:
    // writing one uses fs/promises).
    const probe = join(testdir(), 'probe.cjs');
    writeFileSync(
      probe,
      "process.on('exit', () => require('node:fs').writeSync(2, 'modules: ' + process.moduleLoadList.join(',') + '\\n'));",
    );
    const loaded = (args: string[]) => {
      const result = spawnSync(process.execPath, ['--require', probe, bin, ...args], {
        env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
        encoding: 'utf8',
      });
      return /^modules: (.*)$/m.exec(result.stderr)?.[1]?.split(',') ?? [];
    };
    expect(loaded(VALIDATE)).not.toContain('NativeModule internal/fs/promises');
    // The same members, required where first called: a snapshot writes through them.
    const { workspace, snapshot } = snapshotOfACopy();
    expect(loaded(snapshot)).toContain('NativeModule internal/fs/promises');
    const saved = readdirSync(join(workspace, '.agentforge/snapshots/development'));
    expect(saved.filter((name) => /^[0-9a-f]{64}\.json$/.test(name))).toHaveLength(1);
  });
});
