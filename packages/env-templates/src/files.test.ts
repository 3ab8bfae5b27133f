import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveInside, writeGeneratedFiles } from './files.js';
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
