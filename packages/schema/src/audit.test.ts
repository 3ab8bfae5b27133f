import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { AUDIT_LOG, appendAudit, parseSince, readAudit, resolveActor, verifyAudit } from './audit.js';

const change = (n: number) => ({
  actor: 'dev@example.com',
  command: 'config set',
  environment: n % 2 ? 'production' : 'staging',
  paths: [`services.swarm.replicas`],
  before: `sha256:${'a'.repeat(64)}`,
  after: `sha256:${'b'.repeat(64)}`,
  result: 'applied' as const,
});

async function trail(count: number): Promise<string> {
  const root = testdir({});
  for (let i = 0; i < count; i++) await appendAudit(root, change(i));
  return root;
}

describe('audit trail', () => {
  it('passes verification on a fresh trail, one JSON line per change', async () => {
    const root = await trail(3);
    expect(await verifyAudit(root)).toEqual({ ok: true, entries: 3 });
    const lines = readFileSync(join(root, AUDIT_LOG), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      actor: 'dev@example.com',
      command: 'config set',
      result: 'applied',
      prev: null,
    });
    expect(JSON.parse(lines[1]!).prev).toBe(first.hash);
    expect(Object.keys(first)).not.toContain('level');
  });

  it('verifies an empty trail', async () => {
    expect(await verifyAudit(testdir({}))).toEqual({ ok: true, entries: 0 });
  });

  it.each([
    {
      name: 'an edited line',
      tamper: (l: string[]) => l.map((x, i) => (i === 2 ? x.replace('dev@example.com', 'someone@else') : x)),
      line: 3,
      message: /line 3 was edited/,
    },
    {
      name: 'a removed line',
      tamper: (l: string[]) => l.filter((_, i) => i !== 1),
      line: 2,
      message: /removed/,
    },
    { name: 'the first line removed', tamper: (l: string[]) => l.slice(1), line: 1, message: /line 1/ },
    {
      name: 'reordered lines',
      tamper: (l: string[]) => [l[0]!, l[2]!, l[1]!, l[3]!],
      line: 2,
      message: /reordered/,
    },
    {
      name: 'a line that is not JSON',
      tamper: (l: string[]) => [...l.slice(0, 3), '{oops'],
      line: 4,
      message: /JSON/,
    },
  ])('fails on $name, naming line $line', async ({ tamper, line, message }) => {
    const root = await trail(4);
    const file = join(root, AUDIT_LOG);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${tamper(lines).join('\n')}\n`);
    const result = await verifyAudit(root);
    expect(result.ok).toBe(false);
    expect(result.problem?.line).toBe(line);
    expect(result.problem?.message).toMatch(message);
  });

  it('filters by environment and time', async () => {
    const root = testdir({});
    await appendAudit(root, change(1), { now: () => new Date('2026-01-01T00:00:00Z') });
    await appendAudit(root, change(2), { now: () => new Date('2026-02-01T00:00:00Z') });
    await appendAudit(root, change(3), { now: () => new Date('2026-03-01T00:00:00Z') });
    expect((await readAudit(root, { environment: 'production' })).map((e) => e.time)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
    expect(await readAudit(root, { since: new Date('2026-02-01T00:00:00Z') })).toHaveLength(2);
  });

  it('keeps a valid chain of 200 when two processes append 100 changes each at once', async () => {
    const root = testdir({});
    const schema = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const script = `const { appendAudit } = await import(${JSON.stringify(schema)});
      for (let i = 0; i < 100; i++) await appendAudit(process.argv[1], { actor: 'p' + process.pid, command: 'config set', environment: 'production', paths: ['a'], result: 'applied' });`;
    const run = () =>
      new Promise<number>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, root], {
          stdio: 'inherit',
        });
        child.on('error', reject);
        child.on('exit', (code) => resolve(code ?? 1));
      });
    expect(await Promise.all([run(), run()])).toEqual([0, 0]);
    expect(await verifyAudit(root)).toEqual({ ok: true, entries: 200 });
    const actors = new Set((await readAudit(root)).map((e) => e.actor));
    expect(actors.size).toBe(2);
  }, 120_000);
});

describe('resolveActor', () => {
  it.each([
    { name: '--actor first', options: { actor: 'me', env: { GITHUB_ACTOR: 'gh' } }, actor: 'me' },
    { name: 'the CI identity next', options: { env: { GITHUB_ACTOR: 'octocat' } }, actor: 'octocat' },
    { name: 'GitLab', options: { env: { GITLAB_USER_LOGIN: 'gl' } }, actor: 'gl' },
  ])('takes $name', ({ options, actor }) => {
    expect(resolveActor(options)).toBe(actor);
  });

  it('falls back to git user.email or the OS user', () => {
    expect(resolveActor({ env: {} })).toMatch(/\S/);
  });
});

describe('parseSince', () => {
  const now = new Date('2026-12-03T10:00:00Z');
  it.each([
    ['30m', '2026-12-03T09:30:00.000Z'],
    ['2h', '2026-12-03T08:00:00.000Z'],
    ['1d', '2026-12-02T10:00:00.000Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseSince(text, now).toISOString()).toBe(iso);
  });
  it('refuses nonsense', () => {
    expect(() => parseSince('yesterday-ish')).toThrow(/--since/);
  });
});
