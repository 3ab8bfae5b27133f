import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { FINGERPRINT_KEY_ENV, loadFingerprintKey } from './fingerprint-key.js';

describe('loadFingerprintKey', () => {
  it('creates a random 256-bit key on first use, mode 0600, git-ignored, and reads it back', async () => {
    const state = join(testdir(), '.agentforge');
    const key = await loadFingerprintKey(state, { env: {} });
    const file = join(state, 'fingerprint.key');
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(state, '.gitignore'), 'utf8')).toContain('/fingerprint.key');
    expect((await loadFingerprintKey(state, { env: {} })).id).toBe(key.id);
    // Another workspace gets another key.
    expect((await loadFingerprintKey(join(testdir(), '.agentforge'), { env: {} })).id).not.toBe(key.id);
  });

  it('takes the key from the environment in CI, and refuses a short one', async () => {
    const state = join(testdir(), '.agentforge');
    const hex = 'ab'.repeat(32);
    const a = await loadFingerprintKey(state, { env: { [FINGERPRINT_KEY_ENV]: hex } });
    const b = await loadFingerprintKey(join(testdir(), 'x'), { env: { [FINGERPRINT_KEY_ENV]: hex } });
    expect(a.id).toBe(b.id);
    await expect(loadFingerprintKey(state, { env: { [FINGERPRINT_KEY_ENV]: 'abcd' } })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGUMENT',
      },
    );
  });

  it('refuses a symlinked key file, and narrows a key others can read', async () => {
    const root = testdir();
    const state = join(root, '.agentforge');
    await loadFingerprintKey(state, { env: {} });
    const other = join(root, 'other.key');
    writeFileSync(other, `${'cd'.repeat(32)}\n`);
    const linked = join(testdir(), '.agentforge');
    await loadFingerprintKey(linked, { env: {} }).then(() => undefined);
    const file = join(linked, 'fingerprint.key');
    const { unlinkSync, chmodSync } = await import('node:fs');
    unlinkSync(file);
    symlinkSync(other, file);
    await expect(loadFingerprintKey(linked, { env: {} })).rejects.toMatchObject({ code: 'FILE_UNREADABLE' });
    chmodSync(join(state, 'fingerprint.key'), 0o644);
    await loadFingerprintKey(state, { env: {} });
    expect(statSync(join(state, 'fingerprint.key')).mode & 0o777).toBe(0o600);
  });
});
