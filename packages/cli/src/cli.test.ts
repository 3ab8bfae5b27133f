import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli.js';

const bin = fileURLToPath(new URL('../bin/agentforge.cjs', import.meta.url));
const recorder = fileURLToPath(new URL('../test/record-loads.cjs', import.meta.url));

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

  it('answers --help from the core file alone: no library, zod or chokidar', () => {
    const dir = testdir();
    /**
     * What a real `agentforge <args>` process loaded, once its compiled-code cache is warm (the run
     * that writes a cache loads the second file for its atomic writer).
     */
    const loadsOf = (args: string[]) => {
      const log = join(dir, `${args.join('-')}.json`);
      for (let run = 0; run < 2; run++) {
        const result = spawnSync(process.execPath, ['--require', recorder, bin, ...args], {
          env: { ...process.env, AGENTFORGE_LOAD_LOG: log, NODE_COMPILE_CACHE: join(dir, 'cache') },
          encoding: 'utf8',
        });
        expect(result.status).toBe(0);
      }
      const loads = JSON.parse(readFileSync(log, 'utf8')) as { files: string[]; zod: boolean };
      return { zod: loads.zod, files: loads.files.map((file) => file.replaceAll('\\', '/')).join('\n') };
    };
    // The recorder sees both (schema loads the second file and starts zod), and --help neither.
    const schema = loadsOf(['schema']);
    expect(schema.files).toMatch(/dist\/agentforge-run\.cjs$/m);
    expect(schema.zod).toBe(true);
    for (const args of [['--help'], ['config'], ['--version']]) {
      const help = loadsOf(args);
      expect(help.files).toMatch(/dist\/agentforge\.cjs$/m);
      expect(help.files).not.toMatch(/agentforge-run|chokidar|pino/);
      expect(help.zod).toBe(false);
    }
  });
});
