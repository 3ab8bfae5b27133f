import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testdir } from '@agentforge/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recoverGeneratedSet, resolveInside, writeGeneratedFiles } from './files.js';
import { assertEnvironmentName } from './names.js';

describe('writeGeneratedFiles', () => {
  it('writes each file with its mode, creating folders', async () => {
    const root = testdir();
    const written = await writeGeneratedFiles(root, [
      { path: '.env.dev', content: 'A=1\n', mode: 0o600 },
      { path: 'deep/er/file.yaml', content: 'x: 1\n', mode: 0o644 },
    ]);
    expect(written).toEqual([join(root, '.env.dev'), join(root, 'deep/er/file.yaml')]);
    expect(statSync(join(root, '.env.dev')).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, 'deep/er/file.yaml')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(root, '.env.dev'), 'utf8')).toBe('A=1\n');
  });

  it('narrows the mode of a file that already exists', async () => {
    const root = testdir({ '.env.dev': 'OLD=1\n' });
    await writeGeneratedFiles(root, [{ path: '.env.dev', content: 'A=1\n', mode: 0o600 }]);
    expect(statSync(join(root, '.env.dev')).mode & 0o777).toBe(0o600);
  });

  it.each(['../escape.txt', '/etc/passwd', 'a/../../escape.txt', '', '.'])(
    'refuses %j and writes nothing at all',
    async (path) => {
      const root = testdir();
      const inner = join(root, 'ws');
      await expect(
        writeGeneratedFiles(inner, [
          { path: 'ok.txt', content: '', mode: 0o644 },
          { path, content: 'x', mode: 0o644 },
        ]),
      ).rejects.toThrow(/refusing to write/);
      expect(existsSync(inner)).toBe(false);
      expect(readdirSync(root)).toEqual([]);
    },
  );
});

describe('environment names', () => {
  const refused = [
    '../../etc',
    'Prod_1',
    '',
    '..',
    '.',
    'a/b',
    'a\\b',
    'prod eu',
    'prod.eu',
    '-prod',
    'prod-',
    'a'.repeat(64),
    'prod\n',
    'prød',
  ];
  it.each(refused)('refuses %j with a reason', (name) => {
    expect(() => assertEnvironmentName(name)).toThrow(/invalid environment name .*: .*(lower-case|DNS)/);
  });
  it.each(['production', 'prod-eu', 'dev1', 'a', '1a', 'a'.repeat(63)])('accepts %j', (name) => {
    expect(() => assertEnvironmentName(name)).not.toThrow();
  });

  it('no accepted name can lead a generated path out of the output folder (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (name) => {
        try {
          assertEnvironmentName(name);
        } catch {
          return;
        }
        expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        for (const path of [
          `.env.${name}`,
          `docker-compose.${name}.yaml`,
          `deployment/k8s/overlays/${name}/kustomization.yaml`,
        ]) {
          expect(resolveInside('/work/ws', path).startsWith('/work/ws/')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('writeGeneratedFiles: sets and symlinks', () => {
  const overlay = 'deployment/k8s/overlays/prod';
  const generation = (root: string): string[] => {
    const dir = join(root, overlay);
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true }))
        if (e.isDirectory()) walk(join(d, e.name));
        else out.push(/^generation: (\w)/.exec(readFileSync(join(d, e.name), 'utf8'))?.[1] ?? '?');
    };
    walk(dir);
    return out;
  };

  it('refuses to write through a symlinked folder that leads out of the root, writing nothing', async () => {
    const root = testdir();
    const outside = testdir();
    symlinkSync(outside, join(root, 'deployment'));
    await expect(
      writeGeneratedFiles(root, [
        { path: '.env.x', content: 'A=1\n', mode: 0o600 },
        { path: `${overlay}/kustomization.yaml`, content: 'x\n', mode: 0o644 },
      ]),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/outside the workspace/),
    });
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(root, '.env.x'))).toBe(false);
  });

  it('leaves the whole old overlay or the whole new one when writers are killed with SIGKILL', {
    timeout: 300_000,
  }, async () => {
    const root = testdir();
    const writer = fileURLToPath(new URL('../test/set-writer.mjs', import.meta.url));
    const seen = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const child = spawn(process.execPath, [writer, root, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Kill after a varying number of completed writes: at once, mid-write, mid-swap.
      const after = round % 4;
      await new Promise<void>((resolve) => {
        let lines = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          lines += chunk.toString().split('\n').length - 1;
          if (lines >= after) child.kill('SIGKILL');
        });
        if (after === 0) setImmediate(() => child.kill('SIGKILL'));
        child.on('exit', () => resolve());
      });
      await recoverGeneratedSet(join(root, overlay));
      if (!existsSync(join(root, overlay))) continue; // killed before the first set landed
      const tags = new Set(generation(root));
      expect(tags.size, `round ${round}: ${[...tags].join(',')}`).toBe(1);
      expect(generation(root)).toHaveLength(30);
      seen.add([...tags][0]!);
      // No staging or set-aside folder is left once recovered.
      expect(readdirSync(join(root, 'deployment/k8s/overlays')).filter((f) => f.startsWith('.'))).toEqual([]);
    }
    expect(seen.size).toBeGreaterThan(0);
  });
});
