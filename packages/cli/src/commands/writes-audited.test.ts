// Every writing command obeys access: in agentforge.yaml and leaves one audit line per attempt:
// `denied` (exit 1, access/denied naming the missing grant, nothing written), `refused` and
// `applied`. Never a secret value in the trail.
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const platform = fileURLToPath(new URL('../../../../examples/platform/', import.meta.url));
const PLATFORM = 'ops@platform.example.com';
const DEVELOPER = 'dev@example.com';
const SECRET = 'Zq8-very-secret-pa55word';

async function cli(args: string[], cwd: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(args, { cwd, env: { NO_COLOR: '1' }, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A copy of the example workspace (developer and platform roles) with one manifest. */
function workspace(): string {
  const dir = testdir({
    'manifests/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: agentforge-prod\ndata:\n  LOG_LEVEL: info\n',
  });
  cpSync(platform, dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (relative), to show that a denied command wrote nothing. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

function auditLines(dir: string): Array<Record<string, unknown>> {
  const file = join(dir, '.agentforge/audit.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

interface Case {
  name: string;
  argv: string[];
  /** Run first, as the platform role (a snapshot for --accept to replace). */
  before?: string[];
  command: string;
  environment: string;
  /** What the developer lacks. */
  missing: string;
}

const cases: Case[] = [
  {
    name: 'env create',
    argv: ['env', 'create', 'prod-eu', '--template', 'production', '--set', 'platform.domain=eu.example.com'],
    command: 'env create',
    environment: 'prod-eu',
    missing: 'create on prod-eu',
  },
  {
    name: 'config set',
    argv: ['config', 'set', '-e', 'production', 'platform.domain', 'prod2.example.com'],
    command: 'config set',
    environment: 'production',
    missing: 'set on production for platform.domain',
  },
  {
    name: 'config unset',
    argv: ['config', 'unset', '-e', 'production', 'logging.level'],
    command: 'config unset',
    environment: 'production',
    missing: 'set on production for logging.level',
  },
  {
    name: 'config snapshot',
    argv: ['config', 'snapshot', '-e', 'production'],
    command: 'config snapshot',
    environment: 'production',
    missing: 'snapshot on production',
  },
  {
    name: 'config drift --accept',
    before: ['config', 'snapshot', '-e', 'production'],
    argv: ['config', 'drift', '-e', 'production', '--accept'],
    command: 'config drift --accept',
    environment: 'production',
    missing: 'accept on production',
  },
  {
    name: 'config validate --write-baseline',
    argv: ['config', 'validate', '-e', 'production', '--write-baseline', 'baseline.json'],
    command: 'config validate --write-baseline',
    environment: 'production',
    missing: 'accept on production',
  },
  {
    name: 'manifests validate --write-baseline',
    argv: ['manifests', 'validate', 'manifests', '-e', 'production', '--write-baseline', 'baseline.json'],
    command: 'manifests validate --write-baseline',
    environment: 'production',
    missing: 'accept on production',
  },
  {
    // Denied before any connection: the port is closed.
    name: 'config publish',
    argv: ['config', 'publish', '-e', 'production', '--nats', 'nats://127.0.0.1:1'],
    command: 'config publish',
    environment: 'production',
    missing: 'publish on production',
  },
  {
    name: 'config rollback',
    argv: ['config', 'rollback', '-e', 'production', '--nats', 'nats://127.0.0.1:1', '--to-revision', '1'],
    command: 'config rollback',
    environment: 'production',
    missing: 'publish on production',
  },
];

// Each case loads the validator or the snapshot store: slow on a shared machine.
describe('writing commands under access control', { timeout: 60_000 }, () => {
  it.each(cases)('$name: denied for the developer, nothing written, audited as denied', async (c) => {
    const dir = workspace();
    if (c.before) expect((await cli([...c.before, '--actor', PLATFORM], dir)).code).toBe(0);
    const trail = auditLines(dir).length;
    const before = files(dir).filter((f) => f !== '.agentforge/audit.log');
    const contents = before.map((f) => readFileSync(join(dir, f), 'utf8'));

    const { code, stderr } = await cli([...c.argv, '--actor', DEVELOPER], dir);
    expect(code, stderr).toBe(1);
    expect(stderr).toContain(`access/denied: ${DEVELOPER} has no grant to ${c.missing}`);
    expect(files(dir).filter((f) => f !== '.agentforge/audit.log')).toEqual(before);
    expect(before.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual(contents);
    const lines = auditLines(dir);
    expect(lines).toHaveLength(trail + 1);
    expect(lines.at(-1)).toMatchObject({
      actor: DEVELOPER,
      command: c.command,
      environment: c.environment,
      result: 'denied',
      reason: c.missing,
    });
    expect((await cli(['audit', 'verify'], dir)).code).toBe(0);
  });

  it.each(cases.filter((c) => !c.name.startsWith('config publish') && !c.name.startsWith('config rollback')))(
    '$name: applied for the platform role and audited',
    async (c) => {
      const dir = workspace();
      if (c.before) expect((await cli([...c.before, '--actor', PLATFORM], dir)).code).toBe(0);
      const { code, stderr } = await cli([...c.argv, '--actor', PLATFORM], dir);
      // A baseline write exits 0 whatever it found; an edit exits 0 when applied.
      expect(code, stderr).toBe(0);
      const entry = auditLines(dir).at(-1);
      expect(entry).toMatchObject({ actor: PLATFORM, command: c.command, result: 'applied' });
      expect(entry?.after).not.toBe(entry?.before);
      expect((await cli(['audit', 'verify'], dir)).code).toBe(0);
    },
  );

  it('env create refuses a template edit the policy forbids: exit 1, no file, audited as refused', async () => {
    const dir = workspace();
    const { code, stderr } = await cli(
      ['env', 'create', 'prod-eu', '--template', 'production', '--set', 'debug=true', '--actor', PLATFORM],
      dir,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/edit refused/);
    expect(existsSync(join(dir, 'environments/prod-eu.yaml'))).toBe(false);
    expect(auditLines(dir).at(-1)).toMatchObject({
      command: 'env create',
      environment: 'prod-eu',
      paths: ['debug'],
      result: 'refused',
      after: null,
    });
  });

  it.each([
    {
      name: 'config set of a password',
      argv: ['config', 'set', '-e', 'production', 'dependencies.postgres.password', SECRET],
      code: 1,
    },
    {
      name: 'env create --set of a token',
      argv: [
        'env',
        'create',
        'prod-eu',
        '--template',
        'production',
        '--set',
        `services.swarm.env.API_TOKEN=${SECRET}`,
      ],
      code: 1,
    },
    {
      // A new file that breaks the schema is bad input (exit 2): nothing is written or audited.
      name: 'env create --set of a password',
      argv: [
        'env',
        'create',
        'prod-eu',
        '--template',
        'production',
        '--set',
        `dependencies.postgres.password=${SECRET}`,
      ],
      code: 2,
    },
  ])('$name: a literal secret is refused and never reaches the trail', async ({ argv, code }) => {
    const dir = workspace();
    const result = await cli([...argv, '--actor', PLATFORM], dir);
    expect(result.code, result.stderr).toBe(code);
    expect(result.stderr).not.toContain(SECRET);
    expect(existsSync(join(dir, 'environments/prod-eu.yaml'))).toBe(false);
    const lines = auditLines(dir);
    expect(lines.map((l) => l.result)).toEqual(code === 1 ? ['refused'] : []);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });

  it('without an access: section everything is allowed, and still audited', async () => {
    const dir = workspace();
    writeFileSync(join(dir, 'agentforge.yaml'), 'environments: environments\n');
    const { code } = await cli(['config', 'snapshot', '-e', 'production', '--actor', DEVELOPER], dir);
    expect(code).toBe(0);
    expect(auditLines(dir)).toMatchObject([
      { actor: DEVELOPER, command: 'config snapshot', result: 'applied' },
    ]);
  });
});
