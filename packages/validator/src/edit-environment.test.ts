import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DocumentEdit, findWorkspace, readAudit } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { editEnvironment } from './edit-environment.js';

const platform = fileURLToPath(new URL('../../../examples/platform/', import.meta.url));
const PLATFORM = 'ops@platform.example.com';
const DEVELOPER = 'dev@example.com';

async function workspace() {
  const dir = testdir();
  cpSync(platform, dir, { recursive: true });
  return { dir, workspace: await findWorkspace(dir) };
}

const production = (dir: string) => readFileSync(join(dir, 'environments/production.yaml'), 'utf8');

const cases: Array<{
  name: string;
  edits: DocumentEdit[];
  actor: string;
  dryRun?: boolean;
  status: string;
  written: boolean;
  audited: string | undefined;
}> = [
  {
    name: 'an accepted set',
    edits: [{ op: 'set', path: 'services.swarm.replicas', value: '4' }],
    actor: PLATFORM,
    status: 'applied',
    written: true,
    audited: 'applied',
  },
  {
    name: 'a set the policy refuses',
    edits: [{ op: 'set', path: 'debug', value: 'true' }],
    actor: PLATFORM,
    status: 'refused',
    written: false,
    audited: 'refused',
  },
  {
    name: 'a set the actor has no grant for',
    edits: [{ op: 'set', path: 'security.runAsNonRoot', value: 'false' }],
    actor: DEVELOPER,
    status: 'denied',
    written: false,
    audited: 'denied',
  },
  {
    name: 'a dry run',
    edits: [{ op: 'set', path: 'services.swarm.replicas', value: '5' }],
    actor: PLATFORM,
    dryRun: true,
    status: 'dry-run',
    written: false,
    audited: undefined,
  },
  {
    name: 'a set to the value already there',
    edits: [{ op: 'set', path: 'services.swarm.replicas', value: '3' }],
    actor: PLATFORM,
    status: 'unchanged',
    written: false,
    audited: undefined,
  },
];

describe('editEnvironment', { timeout: 60_000 }, () => {
  it.each(cases)('$name: $status', async ({ edits, actor, dryRun, status, written, audited }) => {
    const { dir, workspace: ws } = await workspace();
    const before = production(dir);
    const result = await editEnvironment({
      workspace: ws,
      environment: 'production',
      edits,
      actor,
      ...(dryRun ? { dryRun } : {}),
    });
    expect(result.status).toBe(status);
    expect(production(dir) !== before).toBe(written);
    const trail = await readAudit(dir);
    expect(trail.map((e) => e.result)).toEqual(audited ? [audited] : []);
    if (audited)
      expect(trail[0]).toMatchObject({ actor, command: 'config set', paths: edits.map((e) => e.path) });
    if (result.status === 'denied')
      expect(result.message).toMatch(
        /^access\/denied: dev@example\.com has no grant to set on production for security\.runAsNonRoot/,
      );
  });

  it('creates a file from a template text with the edits applied, under the create grant', async () => {
    const { dir, workspace: ws } = await workspace();
    const text = production(dir).replace('name: production', 'name: prod-eu');
    const denied = await editEnvironment({
      workspace: ws,
      environment: 'prod-eu',
      edits: [],
      actor: DEVELOPER,
      create: { text },
    });
    expect(denied.status).toBe('denied');
    expect(existsSync(join(dir, 'environments/prod-eu.yaml'))).toBe(false);
    const created = await editEnvironment({
      workspace: ws,
      environment: 'prod-eu',
      edits: [{ op: 'set', path: 'services.swarm.replicas', value: '6' }],
      actor: PLATFORM,
      create: { text },
    });
    expect(created).toMatchObject({ status: 'applied', hashBefore: null });
    expect(readFileSync(join(dir, 'environments/prod-eu.yaml'), 'utf8')).toBe(
      text.replace('    replicas: 3\n', '    replicas: 6\n'),
    );
    expect((await readAudit(dir)).map((e) => [e.command, e.result])).toEqual([
      ['env create', 'denied'],
      ['env create', 'applied'],
    ]);
  });
});
