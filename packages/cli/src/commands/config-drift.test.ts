import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const example = fileURLToPath(new URL('../../../../examples/platform/', import.meta.url));
const production = readFileSync(join(example, 'environments/production.yaml'), 'utf8');

function workspace(extra: Record<string, string> = {}) {
  return testdir({
    'agentforge.yaml': readFileSync(join(example, 'agentforge.yaml'), 'utf8'),
    'environments/production.yaml': production,
    'environments/staging.yaml': readFileSync(join(example, 'environments/staging.yaml'), 'utf8'),
    ...extra,
  });
}

async function run(dir: string, ...argv: string[]) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  // The example workspace has an access: section; the platform role may snapshot and accept.
  const env = { NO_COLOR: '1', GITHUB_ACTOR: 'ops@platform.example.com' };
  const code = await runCli([...argv, '--dir', dir], { cwd: dir, env, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const change = (dir: string, from: string, to: string) => {
  const file = join(dir, 'environments/production.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('agentforge config snapshot | drift | history', () => {
  it('snapshots, finds no drift, then finds and accepts an edit', async () => {
    const dir = workspace();
    const snap = await run(
      dir,
      'config',
      'snapshot',
      '--environment',
      'production',
      '--message',
      'release 1.8.2',
    );
    expect(snap).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/snapshot [0-9a-f]{12} of production saved \(first snapshot\)/),
    });
    expect(await run(dir, 'config', 'drift', '--environment', 'production')).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('no drift'),
    });

    change(dir, 'replicas: 3\n    port: 8080', 'replicas: 5\n    port: 8080');
    change(dir, 'level: info', 'level: debug');
    const drift = await run(dir, 'config', 'drift', '--environment', 'production');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toContain('MEDIUM (1)');
    expect(drift.stdout).toContain('/services/swarm/replicas');
    expect(drift.stdout).toContain('LOW (1)');
    expect(drift.stdout).toContain('2 changes (1 medium, 1 low)');

    expect((await run(dir, 'config', 'drift', '--environment', 'production', '--fail-on', 'high')).code).toBe(
      0,
    );
    const json = await run(dir, 'config', 'drift', '--environment', 'production', '--format', 'json');
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({
      formatVersion: 1,
      counts: { total: 2 },
      comparison: { type: 'snapshot', after: { label: 'environments/production.yaml' } },
    });
    const markdown = await run(dir, 'config', 'drift', '--environment', 'production', '--format', 'markdown');
    expect(markdown.stdout).toMatch(/^### Configuration drift/);
    expect(markdown.stdout).toContain('| medium | 1 |');

    const accepted = await run(dir, 'config', 'drift', '--environment', 'production', '--accept');
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toContain('accepted environments/production.yaml as the new baseline');
    expect(await run(dir, 'config', 'drift', '--environment', 'production')).toMatchObject({ code: 0 });

    const history = await run(dir, 'config', 'history', '--environment', 'production', '--format', 'json');
    const entries = JSON.parse(history.stdout);
    expect(history.code).toBe(0);
    expect(entries.map((e: { message?: string; ok: boolean }) => [e.message, e.ok])).toEqual([
      ['accepted as the new baseline', true],
      ['release 1.8.2', true],
    ]);
    const first = entries[1].id.slice(0, 10);
    const between = await run(
      dir,
      'config',
      'drift',
      '--environment',
      'production',
      '--against',
      first,
      '--to',
      'latest',
      '--format',
      'json',
    );
    expect(JSON.parse(between.stdout).counts.total).toBe(2);
    expect(between.code).toBe(1);
  });

  it('compares two environments', async () => {
    const dir = workspace({
      'drift.yaml': 'ignore:\n  - paths: [name, tier, platform.**]\n    environments: [staging]\n',
    });
    const result = await run(
      dir,
      'config',
      'drift',
      '--environment',
      'staging',
      '--against-environment',
      'production',
      '--format',
      'json',
      '--policy',
      join(dir, 'drift.yaml'),
    );
    const report = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(report.comparison).toMatchObject({
      type: 'environments',
      before: { environment: 'production' },
      after: { environment: 'staging' },
    });
    expect(report.counts.ignored).toBeGreaterThanOrEqual(3);
    expect(report.changes.map((c: { path: string }) => c.path)).not.toContain('/platform/namespace');
  });

  it('never prints or stores a secret value', async () => {
    const dir = workspace();
    change(
      dir,
      '    env:\n      SWARM_MAX_AGENTS: "64"',
      '    env:\n      SWARM_MAX_AGENTS: "64"\n      SWARM_SIGNING_TOKEN: CANARY-first-value',
    );
    expect((await run(dir, 'config', 'snapshot', '-e', 'production')).code).toBe(0);
    change(dir, 'CANARY-first-value', 'CANARY-second-value');
    for (const format of ['human', 'json', 'markdown']) {
      const result = await run(dir, 'config', 'drift', '-e', 'production', '--format', format);
      expect(result.code).toBe(1);
      expect(result.stdout + result.stderr).not.toContain('CANARY');
      expect(result.stdout).toContain('SWARM_SIGNING_TOKEN');
    }
    const snapshots = join(dir, '.agentforge/snapshots/production');
    for (const file of readdirSync(snapshots))
      expect(readFileSync(join(snapshots, file), 'utf8')).not.toContain('CANARY');
  });

  it.each([
    ['no --environment', ['config', 'drift'], /--environment <name> is required/],
    ['unknown environment', ['config', 'drift', '--environment', 'nope'], /unknown environment "nope"/],
    ['no snapshot yet', ['config', 'drift', '--environment', 'production'], /no snapshot of production yet/],
    [
      'bad --fail-on',
      ['config', 'drift', '--environment', 'production', '--fail-on', 'urgent'],
      /--fail-on must be one of critical, high, medium, low, info, not "urgent"/,
    ],
    [
      'bad --format',
      ['config', 'drift', '--environment', 'production', '--format', 'xml'],
      /--format must be one of human, json, markdown, prometheus, html, not "xml"/,
    ],
    [
      'unknown environment in history',
      ['config', 'history', '--environment', 'nope'],
      /unknown environment "nope"/,
    ],
    [
      'unknown environment in snapshot',
      ['config', 'snapshot', '--environment', 'nope'],
      /unknown environment "nope"/,
    ],
  ])('exits 2 on %s', async (_name, argv, message) => {
    const result = await run(workspace(), ...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('exits 2 with file:line:col for a malformed environment file or policy', async () => {
    const dir = workspace({
      'environments/broken.yaml': 'name: broken\nlogging:\n  level: [unclosed\n',
      'bad-policy.yaml': 'rules:\n  - id: x\n    severity: urgent\n',
    });
    const broken = await run(dir, 'config', 'snapshot', '--environment', 'broken');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.yaml:\d+:\d+: /);
    expect((await run(dir, 'config', 'snapshot', '--environment', 'production')).code).toBe(0);
    const policy = await run(
      dir,
      'config',
      'drift',
      '--environment',
      'production',
      '--policy',
      join(dir, 'bad-policy.yaml'),
    );
    expect(policy.code).toBe(2);
    expect(policy.stderr).toMatch(/bad-policy\.yaml:\d+:\d+: /);
  });

  it('reports a corrupted snapshot and refuses to use it', async () => {
    const dir = workspace();
    await run(dir, 'config', 'snapshot', '--environment', 'production');
    const folder = join(dir, '.agentforge/snapshots/production');
    const file = join(folder, readdirSync(folder).find((f) => f.endsWith('.json'))!);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"replicas": 3', '"replicas": 1'));
    const drift = await run(dir, 'config', 'drift', '--environment', 'production');
    expect(drift).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('is corrupt (document hash mismatch)'),
    });
    const history = await run(dir, 'config', 'history', '--environment', 'production');
    expect(history.code).toBe(1);
    expect(history.stdout).toContain('CORRUPT');
  });
});
