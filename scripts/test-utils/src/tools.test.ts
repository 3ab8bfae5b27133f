import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { testdir } from './index.ts';
import { findTool, isCI, requireTool } from './tools.ts';

describe('isCI', () => {
  it.each([
    { name: 'unset', value: undefined, expected: false },
    { name: 'empty', value: '', expected: false },
    { name: 'false', value: 'false', expected: false },
    { name: '0', value: '0', expected: false },
    { name: 'true', value: 'true', expected: true },
    { name: 'TRUE', value: 'TRUE', expected: true },
    { name: '1', value: '1', expected: true },
  ])('CI $name → $expected', ({ value, expected }) => {
    expect(isCI(value === undefined ? {} : { CI: value })).toBe(expected);
  });
});

/** A folder with an executable `helm`, a non-executable `kubectl` and a `nats-server` folder. */
function toolsDir(): string {
  const dir = testdir({ helm: '#!/bin/sh\n', kubectl: '#!/bin/sh\n', 'chromium-browser': '#!/bin/sh\n' });
  chmodSync(join(dir, 'helm'), 0o755);
  chmodSync(join(dir, 'chromium-browser'), 0o755);
  mkdirSync(join(dir, 'nats-server'));
  return dir;
}

describe('findTool', () => {
  it.each([
    { name: 'an executable on PATH', tool: 'helm' as const, found: 'helm' },
    { name: 'a file without the execute bit', tool: 'kubectl' as const, found: undefined },
    { name: 'a folder of that name', tool: 'nats-server' as const, found: undefined },
    { name: "Ubuntu's chromium-browser", tool: 'chromium' as const, found: 'chromium-browser' },
  ])('$name', ({ tool, found }) => {
    const dir = toolsDir();
    expect(findTool(tool, { env: { PATH: dir }, fallbackDirs: [] })).toBe(found && join(dir, found));
  });

  it('looks in the fallback folders after PATH', () => {
    const first = toolsDir();
    const second = testdir({ helm: '#!/bin/sh\n' });
    chmodSync(join(second, 'helm'), 0o755);
    expect(findTool('helm', { env: { PATH: '' }, fallbackDirs: [second, first] })).toBe(join(second, 'helm'));
    expect(findTool('helm', { env: { PATH: first }, fallbackDirs: [second] })).toBe(join(first, 'helm'));
  });
});

describe('requireTool', () => {
  const nowhere = (CI?: string) => ({
    env: { PATH: '', ...(CI === undefined ? {} : { CI }) },
    fallbackDirs: [],
  });

  it('throws in CI when the tool is missing, naming the tool and the script that installs it', () => {
    expect(() => requireTool('nats-server', nowhere('true'))).toThrow(
      /nats-server not found .*scripts\/ensure-tools\.sh.*CI=true: a missing tool fails the run/,
    );
  });

  it('warns and returns undefined outside CI, so the tests that need it skip visibly', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(requireTool('chromium', nowhere())).toBeUndefined();
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED: chromium not found/));
    } finally {
      warn.mockRestore();
    }
  });

  it('returns the path when the tool is there, in CI too', () => {
    const dir = toolsDir();
    writeFileSync(join(dir, 'unused'), '');
    expect(requireTool('helm', { env: { PATH: dir, CI: 'true' }, fallbackDirs: [] })).toBe(join(dir, 'helm'));
  });
});
