import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const platform = fileURLToPath(new URL('../../../../examples/platform/', import.meta.url));
const PLATFORM = 'ops@platform.example.com';
const DEVELOPER = 'dev@example.com';

async function cli(args: string[], cwd: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(args, { cwd, env: { NO_COLOR: '1' }, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: 'pipe',
  });

/** A git repository holding a copy of the example workspace, with a comment added to production. */
function workspace(): string {
  const dir = testdir();
  cpSync(platform, dir, { recursive: true });
  const file = join(dir, 'environments/production.yaml');
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace('    replicas: 3\n', '    replicas: 3 # sized for launch traffic\n'),
  );
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

const production = (dir: string) => readFileSync(join(dir, 'environments/production.yaml'), 'utf8');

// The first command of a file loads the validator and policies: slow on a shared machine.
describe('agentforge config set / unset', { timeout: 60_000 }, () => {
  it('changes exactly one line of a commented file and audits it', async () => {
    const dir = workspace();
    const { code, stderr } = await cli(
      ['config', 'set', '-e', 'production', 'services.swarm.replicas', '4', '--actor', PLATFORM],
      dir,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const diff = git(dir, 'diff', '-U0', '--no-color').split('\n');
    expect(diff.filter((l) => /^[-+](?![-+])/.test(l))).toEqual([
      '-    replicas: 3 # sized for launch traffic',
      '+    replicas: 4 # sized for launch traffic',
    ]);
    const audit = await cli(['audit', 'log', '--format', 'json'], dir);
    const [entry] = audit.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entry).toMatchObject({
      actor: PLATFORM,
      command: 'config set',
      environment: 'production',
      paths: ['services.swarm.replicas'],
      result: 'applied',
    });
    expect(entry.before).not.toBe(entry.after);
    expect((await cli(['audit', 'verify'], dir)).code).toBe(0);
  });

  it('refuses a set that violates the policy: file byte-identical, exit 1, audited as refused', async () => {
    const dir = workspace();
    const before = production(dir);
    const { code, stderr } = await cli(
      ['config', 'set', '-e', 'production', 'debug', 'true', '--actor', PLATFORM],
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/edit refused/);
    expect(stderr).toMatch(/no-debug/);
    expect(production(dir)).toBe(before);
    const audit = await cli(['audit', 'log', '--format', 'json'], dir);
    expect(JSON.parse(audit.stdout.trim()).result).toBe('refused');
  });

  it('writes nothing on --dry-run and prints the diff', async () => {
    const dir = workspace();
    const before = production(dir);
    const { code, stdout } = await cli(
      ['config', 'set', '-e', 'production', 'services.swarm.replicas', '5', '--dry-run', '--actor', PLATFORM],
      dir,
    );
    expect(code).toBe(0);
    expect(stdout).toContain('+    replicas: 5 # sized for launch traffic');
    expect(production(dir)).toBe(before);
    expect(existsSync(join(dir, '.agentforge/audit.log'))).toBe(false);
  });

  it('denies a developer a security change in production: access/denied, nothing written, audited', async () => {
    const dir = workspace();
    const before = production(dir);
    const { code, stderr } = await cli(
      ['config', 'set', '-e', 'production', 'security.runAsNonRoot', 'false', '--actor', DEVELOPER],
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /access\/denied: dev@example\.com has no grant to set on production for security\.runAsNonRoot/,
    );
    expect(production(dir)).toBe(before);
    const audit = await cli(['audit', 'log', '-e', 'production', '--format', 'json'], dir);
    expect(JSON.parse(audit.stdout.trim())).toMatchObject({ result: 'denied', actor: DEVELOPER });
  });

  it('exits 2 on a value that is not one YAML scalar or flow node, file untouched', async () => {
    const dir = workspace();
    const before = production(dir);
    const { code, stderr } = await cli(
      ['config', 'set', '-e', 'production', 'services.swarm.replicas', '[1,', '--actor', PLATFORM],
      dir,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/services\.swarm\.replicas/);
    expect(production(dir)).toBe(before);
  });

  it('unsets a key, removing only its line', async () => {
    const dir = workspace();
    const { code, stderr } = await cli(
      ['config', 'unset', '-e', 'staging', 'features.streaming-responses', '--actor', DEVELOPER],
      dir,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const diff = git(dir, 'diff', '-U0', '--no-color').split('\n');
    expect(diff.filter((l) => /^[-+](?![-+])/.test(l))).toEqual(['-  streaming-responses: true']);
  });
});

describe('agentforge access', { timeout: 60_000 }, () => {
  it('check --base HEAD~1 denies a security.** change in production for the developer, allows the platform role', async () => {
    const dir = workspace();
    const file = join(dir, 'environments/production.yaml');
    writeFileSync(file, production(dir).replace(/security:\n/, 'security:\n  extraHardening: true\n'));
    git(dir, 'commit', '-qam', 'harden');
    const developer = await cli(['access', 'check', '--base', 'HEAD~1', '--actor', DEVELOPER], dir);
    expect(developer.code).toBe(1);
    expect(developer.stderr).toContain(
      'access/denied: dev@example.com has no grant to set on production for security.extraHardening',
    );
    const platformRole = await cli(['access', 'check', '--base', 'HEAD~1', '--actor', PLATFORM], dir);
    expect(platformRole.stderr).toBe('');
    expect(platformRole.code).toBe(0);
  });

  it('codeowners matches the grants', async () => {
    const { code, stdout } = await cli(['access', 'codeowners'], platform);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '/environments/production.yaml @agentforge/platform platform-lead@example.com\n',
    );
    expect(stdout).toContain('/environments/staging.yaml @agentforge/platform platform-lead@example.com\n');
    expect(stdout).toContain(
      '# production: also *@example.com, *@platform.example.com (globs cannot be owners)',
    );
  });
});

describe('agentforge audit verify', { timeout: 60_000 }, () => {
  it('fails on a tampered trail, naming the line', async () => {
    const dir = workspace();
    for (const n of ['4', '5'])
      await cli(
        ['config', 'set', '-e', 'production', 'services.swarm.replicas', n, '--actor', PLATFORM],
        dir,
      );
    const log = join(dir, '.agentforge/audit.log');
    writeFileSync(log, readFileSync(log, 'utf8').replace('"replicas"', '"x"').replace(PLATFORM, 'mallory'));
    const { code, stderr } = await cli(['audit', 'verify'], dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/audit\.log:1: line 1 was edited/);
  });

  it("judges an edit with the workspace's policies as config validate does, presets included", async () => {
    // examples/broken's team policy extends the agentforge preset: it must load for set as well.
    const dir = testdir();
    cpSync(fileURLToPath(new URL('../../../../examples/broken/', import.meta.url)), dir, { recursive: true });
    const result = await cli(
      ['config', 'set', '-e', 'development', 'services.swarm.replicas', '2', '--dry-run'],
      dir,
    );
    expect(result.stderr).not.toContain('no such policy file or preset');
    expect([0, 1]).toContain(result.code);
  });
});
