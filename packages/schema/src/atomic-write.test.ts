import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic-write.js';

/** The id of a process that has exited (so it no longer runs). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const dir = testdir({ 'a.json': 'old' });
    await writeFileAtomic(join(dir, 'a.json'), 'new');
    await writeFileAtomic(join(dir, 'b.json'), new TextEncoder().encode('bytes'));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('new');
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).toBe('bytes');
    expect(readdirSync(dir).sort()).toEqual(['a.json', 'b.json']);
  });

  it('applies an explicit mode exactly and keeps the mode of the file it replaces', async () => {
    const dir = testdir({ 'kept.env': 'x' });
    chmodSync(join(dir, 'kept.env'), 0o640);
    await writeFileAtomic(join(dir, 'secret.env'), 'x', { mode: 0o600 });
    await writeFileAtomic(join(dir, 'script.sh'), 'x', { mode: 0o755 });
    await writeFileAtomic(join(dir, 'kept.env'), 'y');
    expect(statSync(join(dir, 'secret.env')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'script.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(join(dir, 'kept.env')).mode & 0o777).toBe(0o640);
  });

  it('creates missing folders with mkdir, and otherwise names the path and the OS reason', async () => {
    const dir = testdir();
    await writeFileAtomic(join(dir, 'x/y/z.txt'), 'deep', { mkdir: true });
    expect(readFileSync(join(dir, 'x/y/z.txt'), 'utf8')).toBe('deep');
    const missing = join(dir, 'nope/z.txt');
    await expect(writeFileAtomic(missing, 'x')).rejects.toMatchObject({
      name: 'AgentforgeError',
      code: 'FILE_UNWRITABLE',
      message: expect.stringMatching(
        new RegExp(`^cannot write ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ENOENT`),
      ),
    });
  });

  it('removes its temporary file when the rename fails, and the target is untouched', async () => {
    const dir = testdir({ 'target/inside.txt': 'keep' });
    // Renaming a file over a non-empty folder fails (EISDIR) after the temporary file is written.
    await expect(writeFileAtomic(join(dir, 'target'), 'x')).rejects.toMatchObject({
      code: 'FILE_UNWRITABLE',
      message: expect.stringContaining('EISDIR'),
    });
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readFileSync(join(dir, 'target/inside.txt'), 'utf8')).toBe('keep');
  });

  it('cleans the temporary files of crashed writers on the next run, never a live writer’s', async () => {
    const dead = deadPid();
    const live = process.ppid; // the process that started this test runner is alive
    const dir = testdir({
      [`.snapshot.json.${dead}-0123456789ab.tmp`]: 'half written by a crashed process',
      [`.other.json.${process.pid}-ba9876543210.tmp`]: 'an earlier process with this id crashed',
      [`.snapshot.json.${live}-aaaaaaaaaaaa.tmp`]: 'a live writer in progress',
      '.snapshot.json.tmp': 'not ours: another naming',
      'notes.tmp': 'not ours',
    });
    await writeFileAtomic(join(dir, 'snapshot.json'), '{}');
    expect(readdirSync(dir).sort()).toEqual(
      [`.snapshot.json.${live}-aaaaaaaaaaaa.tmp`, '.snapshot.json.tmp', 'notes.tmp', 'snapshot.json'].sort(),
    );
  });

  it('keeps every concurrent write whole: the file holds one of them, no temp survives', async () => {
    const dir = testdir();
    const file = join(dir, 'race.json');
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ writer: i, pad: 'x'.repeat(10_000 + i) }),
    );
    await Promise.all(bodies.map((body) => writeFileAtomic(file, body)));
    expect(bodies).toContain(readFileSync(file, 'utf8'));
    expect(readdirSync(dir)).toEqual(['race.json']);
  });
});
