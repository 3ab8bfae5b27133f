import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testdir } from './index.ts';
import { projectVolume } from './kubelet-volume.mjs';

describe('projectVolume (the kubelet atomic writer)', () => {
  it.each([
    { keepOld: false, oldFolders: 0 },
    { keepOld: true, oldFolders: 1 },
  ])(
    'links keys through ..data, swaps it, drops gone keys (keepOld: $keepOld)',
    ({ keepOld, oldFolders }) => {
      const dir = join(testdir(), 'config');
      const first = projectVolume(dir, { 'a.yaml': 'one', 'b.yaml': 'two' });
      expect(first).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d+$/);
      expect(readlinkSync(join(dir, '..data'))).toBe(first);
      expect(readlinkSync(join(dir, 'a.yaml'))).toBe(join('..data', 'a.yaml'));
      const second = projectVolume(dir, { 'a.yaml': 'three', 'c.yaml': 'four' }, { keepOld });
      expect(second).not.toBe(first);
      expect(readlinkSync(join(dir, '..data'))).toBe(second);
      expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe('three');
      expect(readFileSync(join(dir, 'c.yaml'), 'utf8')).toBe('four');
      expect(existsSync(join(dir, 'b.yaml'))).toBe(false);
      expect(existsSync(join(dir, '..data_tmp'))).toBe(false);
      const stamps = readdirSync(dir).filter((name) => /^\.\.\d/.test(name));
      expect(stamps).toHaveLength(1 + oldFolders);
      expect(existsSync(join(dir, first))).toBe(keepOld);
    },
  );
});
