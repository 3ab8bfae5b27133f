import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const bin = fileURLToPath(new URL('../bin/agentforge.js', import.meta.url));
const hook = new URL('../test/record-imports.mjs', import.meta.url).href;

async function run(argv: string[], cwd = process.cwd(), env: Record<string, string> = {}) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(argv, { cwd, env, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('agentforge', () => {
  it('prints help listing every command, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: agentforge <command>/);
    expect(stdout).toContain('schema');
    expect(stdout).toContain('Exit codes: 0 success, 1 findings');
  });

  it('prints help and exits 0 without a command, like --help', async () => {
    const { code, stdout } = await run([]);
    expect(code).toBe(0);
    expect(stdout).toBe((await run(['--help'])).stdout);
  });

  it('prints its version', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(await run(['--version'])).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it('refuses an unknown command in one line, exit 2', async () => {
    const { code, stderr } = await run(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toBe('agentforge: unknown command "frobnicate" (see agentforge --help)\n');
  });

  it('refuses an unknown option in one line, exit 2, with a stack only under --debug', async () => {
    const plain = await run(['schema', '--frob']);
    expect(plain.code).toBe(2);
    expect(plain.stderr.trim().split('\n')).toHaveLength(1);
    expect(plain.stderr).toBe('agentforge schema: unknown option --frob (see agentforge schema --help)\n');
    const debug = await run(['schema', '--frob', '--debug']);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('shows a command help with its options', async () => {
    const { code, stdout } = await run(['schema', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: agentforge schema [--format json-schema|markdown] [--out <file>]');
    expect(stdout).toContain('--dir <path>');
  });

  it('writes the JSON Schema or the Markdown reference', async () => {
    const dir = testdir();
    const { code } = await run(['schema', '--out', 'schema.json'], dir);
    expect(code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'schema.json'), 'utf8')).title).toBe(
      'AgentForge environment document',
    );
    const md = await run(['schema', '--format', 'markdown']);
    expect(md.stdout).toMatch(/^# Configuration reference/);
    expect((await run(['schema', '--format', 'yaml'])).code).toBe(2);
  });

  it('answers --help without loading zod or chokidar', () => {
    const dir = testdir();
    /** The bare specifiers a real `agentforge <args>` process imported (one per line). */
    const importsOf = (args: string[]) => {
      const log = join(dir, `${args.join('-')}.log`);
      const register = `import{register}from'node:module';register(${JSON.stringify(hook)})`;
      const result = spawnSync(
        process.execPath,
        ['--import', `data:text/javascript,${register}`, bin, ...args],
        {
          env: { ...process.env, AGENTFORGE_IMPORT_LOG: log },
          encoding: 'utf8',
        },
      );
      expect(result.status).toBe(0);
      return existsSync(log) ? readFileSync(log, 'utf8') : '';
    };
    // The hook works (schema loads zod), and --help loaded neither.
    expect(importsOf(['schema'])).toMatch(/^zod$/m);
    expect(importsOf(['--help'])).not.toMatch(/^(zod|chokidar)/m);
  });
});
