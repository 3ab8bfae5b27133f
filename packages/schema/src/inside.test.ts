import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { assertInside } from './inside.js';

describe('assertInside', () => {
  it.each([
    {
      name: 'a plain file',
      setup: (_root: string, _out: string) => undefined,
      path: 'environments/a.yaml',
      ok: true,
    },
    {
      name: 'a file that does not exist yet',
      setup: () => undefined,
      path: 'deployment/k8s/x.yaml',
      ok: true,
    },
    {
      name: 'a symlinked file pointing out',
      setup: (root: string, out: string) =>
        symlinkSync(join(out, 'passwd'), join(root, 'environments/a.yaml')),
      path: 'environments/a.yaml',
      ok: false,
    },
    {
      name: 'a new file under a symlinked folder pointing out',
      setup: (root: string, out: string) => symlinkSync(out, join(root, 'deployment')),
      path: 'deployment/k8s/overlays/x/kustomization.yaml',
      ok: false,
    },
    {
      name: 'a symlink that stays inside',
      setup: (root: string) => symlinkSync(join(root, 'environments'), join(root, 'envs')),
      path: 'envs/b.yaml',
      ok: true,
    },
  ])('$name', async ({ setup, path, ok }) => {
    const root = testdir({ 'environments/b.yaml': 'x: 1\n' });
    const out = testdir({ passwd: 'root:x:0:0\n' });
    mkdirSync(join(root, 'environments'), { recursive: true });
    setup(root, out);
    const check = assertInside(root, path, { action: 'read' });
    if (ok) await expect(check).resolves.toBeTypeOf('string');
    else {
      await expect(check).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(assertInside(root, path, { action: 'read' })).rejects.toThrow(/outside the workspace/);
      await expect(assertInside(root, path, { allowOutside: true })).resolves.toBeTypeOf('string');
    }
    writeFileSync(join(out, 'untouched'), '');
  });
});
