import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConfigManager, natsKvSource } from '@agentforge/dynamic-config';
import { memoryStream, type NatsServer, requireTool, startNatsServer, testdir } from '@agentforge/test-utils';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../cli.js';

// Installed by scripts/ensure-tools.sh; in CI a missing server fails the run instead of skipping.
const natsServer = requireTool('nats-server');

const example = fileURLToPath(new URL('../../../../examples/platform/', import.meta.url));
const production = readFileSync(join(example, 'environments/production.yaml'), 'utf8');
const docs = fileURLToPath(new URL('../../../dynamic-config/docs/nats-permissions.conf', import.meta.url));

let server: NatsServer;

// The users and their permission lists are the documented ones (docs/nats-permissions.conf),
// so this file proves the documentation: the publisher can publish, the service can watch
// and report, and neither can do more. Each test gets a fresh server (it starts in tens of
// milliseconds), so revisions start at 1.
beforeEach(async () => {
  if (!natsServer) return;
  server = await startNatsServer({ binary: natsServer!, config: readFileSync(docs, 'utf8') });
});
afterEach(async () => {
  await server?.stop();
});

const ADMIN = { NATS_USER: 'admin', NATS_PASSWORD: 'admin-secret' };
const PUBLISHER = { NATS_USER: 'publisher', NATS_PASSWORD: 'publisher-secret' };
const SERVICE = { NATS_USER: 'service', NATS_PASSWORD: 'service-secret' };

function workspace() {
  return testdir({
    'agentforge.yaml': readFileSync(join(example, 'agentforge.yaml'), 'utf8'),
    'environments/production.yaml': production,
  });
}

async function run(dir: string, env: Record<string, string>, ...argv: string[]) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli([...argv, '--dir', dir], {
    cwd: dir,
    // The example workspace has an access: section; the platform role may publish.
    env: { NO_COLOR: '1', NATS_URL: server.url, GITHUB_ACTOR: 'ops@platform.example.com', ...env },
    stdout,
    stderr,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const edit = (dir: string, from: string, to: string) => {
  const file = join(dir, 'environments/production.yaml');
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

/** A manager of a service replica watching production, as the read-only service user. */
async function replica(replicaName?: string) {
  const m = await createConfigManager({
    sources: [
      natsKvSource({
        servers: server.url,
        user: SERVICE.NATS_USER,
        password: SERVICE.NATS_PASSWORD,
        key: 'production',
        ...(replicaName ? { report: { replica: replicaName } } : {}),
      }),
    ],
  });
  onTestFinished(() => m.close());
  return m;
}

describe.skipIf(!natsServer)(
  'agentforge config publish | rollback | status | history --published | drift --against-published',
  () => {
    it('publishes through validation; replicas apply it; rollback, history, drift and status follow', async () => {
      const dir = workspace();
      const first = await run(dir, ADMIN, 'config', 'publish', '-e', 'production');
      expect(first).toMatchObject({
        code: 0,
        stdout: expect.stringMatching(/published .*\/production revision 1 /),
      });

      const replicas = await Promise.all([replica('pod-a'), replica('pod-b')]);
      expect(replicas.map((m) => m.get('services.swarm.replicas'))).toEqual([3, 3]);

      edit(dir, 'replicas: 3\n    port: 8080', 'replicas: 5\n    port: 8080');
      const drift = await run(dir, ADMIN, 'config', 'drift', '-e', 'production', '--against-published');
      expect(drift.code).toBe(1);
      expect(drift.stdout).toContain('/services/swarm/replicas');

      const second = await run(dir, PUBLISHER, 'config', 'publish', '-e', 'production');
      expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining('revision 2') });
      const applied = replicas.map(
        (m) => new Promise<void>((resolve) => m.subscribe('services.swarm.replicas', () => resolve())),
      );
      await Promise.all(
        applied.map((p, i) => (replicas[i]!.get('services.swarm.replicas') === 5 ? undefined : p)),
      );
      expect(replicas.map((m) => m.get('services.swarm.replicas'))).toEqual([5, 5]);
      expect(
        await run(dir, ADMIN, 'config', 'drift', '-e', 'production', '--against-published'),
      ).toMatchObject({
        code: 0,
      });

      const rollback = await run(
        dir,
        PUBLISHER,
        'config',
        'rollback',
        '-e',
        'production',
        '--to-revision',
        '1',
      );
      expect(rollback).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('rolled back to revision 1'),
      });
      await Promise.all(
        replicas.map((m) =>
          m.get('services.swarm.replicas') === 3
            ? undefined
            : new Promise<void>((resolve) => m.subscribe('services.swarm.replicas', () => resolve())),
        ),
      );
      expect(replicas.map((m) => m.get('services.swarm.replicas'))).toEqual([3, 3]);

      const history = await run(dir, ADMIN, 'config', 'history', '-e', 'production', '--published');
      expect(history.code).toBe(0);
      expect(history.stdout.split('\n')[0]).toMatch(/^revision 3 .* rollback to revision 1/);
      expect(history.stdout).toContain('revision 1 ');

      const status = await run(dir, ADMIN, 'config', 'status', '-e', 'production', '--format', 'json');
      // Every publish and the rollback are in the workspace's hash-chained audit trail.
      const audit = readFileSync(join(dir, '.agentforge/audit.log'), 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { command: string; result: string; after: string });
      expect(audit.map((e) => [e.command, e.result, e.after])).toEqual([
        ['config publish', 'applied', expect.stringMatching(/^nats:agentforge\/production@1#/)],
        ['config publish', 'applied', expect.stringMatching(/^nats:agentforge\/production@2#/)],
        ['config rollback', 'applied', expect.stringMatching(/^nats:agentforge\/production@3#/)],
      ]);
      const parsed = JSON.parse(status.stdout) as {
        keys: Array<{
          latestRevision: number;
          replicas: Array<{ replica: string; appliedRevision: number }>;
        }>;
      };
      expect(parsed.keys[0]?.latestRevision).toBe(3);
      expect(parsed.keys[0]?.replicas.map((r) => r.replica)).toEqual(['pod-a', 'pod-b']);
    });

    it('two publishers racing from the same base revision: one wins, the other exits 1 naming both revisions', async () => {
      const dir = workspace();
      expect((await run(dir, ADMIN, 'config', 'publish', '-e', 'production')).code).toBe(0);
      edit(dir, 'level: info', 'level: warn');
      const [a, b] = await Promise.all([
        run(dir, PUBLISHER, 'config', 'publish', '-e', 'production', '--expect-revision', '1'),
        run(dir, PUBLISHER, 'config', 'publish', '-e', 'production', '--expect-revision', '1'),
      ]);
      const codes = [a!.code, b!.code].sort();
      expect(codes).toEqual([0, 1]);
      const loser = a!.code === 1 ? a! : b!;
      expect(loser.stderr).toMatch(/at revision 2, not the expected revision 1/);
    });

    it.each([
      {
        name: 'findings at or above --fail-on exit 1 and publish nothing',
        from: 'level: info',
        to: 'level: info\n  debug: true',
        code: 1,
        stderr: /refusing to publish production/,
      },
      {
        name: 'a literal secret exits 2 naming the setting',
        from: 'level: info',
        to: 'level: info\n  note: "postgres://app:hunter2@db:5432/app"',
        code: 2,
        stderr: /literal secret/,
      },
    ])('$name', async ({ from, to, code, stderr }) => {
      const dir = workspace();
      edit(dir, from, to);
      const result = await run(dir, ADMIN, 'config', 'publish', '-e', 'production');
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(stderr);
      expect(result.stderr).not.toContain('hunter2');
      expect(readFileSync(join(dir, '.agentforge/audit.log'), 'utf8')).toMatch(
        /"command":"config publish".*"result":"refused"/,
      );
      const history = await run(dir, ADMIN, 'config', 'history', '-e', 'production', '--published');
      expect(history.stdout + history.stderr).not.toMatch(/revision 1/);
    });

    it("a read-only service user's publish exits 2 naming the subject; its replicas still receive updates", async () => {
      const dir = workspace();
      expect((await run(dir, PUBLISHER, 'config', 'publish', '-e', 'production')).code).toBe(0);
      const m = await replica();
      edit(dir, 'level: info', 'level: warn');
      const refused = await run(dir, SERVICE, 'config', 'publish', '-e', 'production');
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`Permissions Violation for Publish to "$KV.agentforge.production"`);
      const changed = new Promise<void>((resolve) => m.subscribe('logging', () => resolve()));
      expect((await run(dir, PUBLISHER, 'config', 'publish', '-e', 'production')).code).toBe(0);
      await changed;
      expect(m.get('logging.level')).toBe('warn');
    });

    it.each([
      {
        name: 'no --nats and no NATS_URL',
        argv: ['config', 'publish', '-e', 'production'],
        env: { NATS_URL: '' },
        message: /--nats <url> is required/,
      },
      {
        name: 'a bad --expect-revision',
        argv: ['config', 'publish', '-e', 'production', '--expect-revision', 'x'],
        env: {},
        message: /takes a revision number/,
      },
      {
        name: 'rollback without --to-revision',
        argv: ['config', 'rollback', '-e', 'production'],
        env: {},
        message: /--to-revision <n> is required/,
      },
    ])('usage: $name exits 2', async ({ argv, env, message }) => {
      const result = await run(workspace(), { ...ADMIN, ...env } as Record<string, string>, ...argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    });
  },
);
