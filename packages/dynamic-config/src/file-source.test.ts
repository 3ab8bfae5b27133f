// Integration tests of the file source: real files, real chokidar, no mocked fs. Every wait
// is on an event or a state with a generous timeout; nothing asserts how long anything took.
// "Stays quiet" checks wait a fixed settle period and then assert nothing more happened.
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigMapVolume, doc, record, sleep, TestSchema, TIMEOUT, until, WATCH } from './_testing.js';
import { ConfigManager, type ConfigManagerOptions } from './manager.js';

/** Long enough for any duplicate reload to have shown up (several debounce periods). */
const SETTLE = 600;

async function manager(options: ConfigManagerOptions<typeof TestSchema>) {
  const m = new ConfigManager({ schema: TestSchema, watch: WATCH, ...options });
  onTestFinished(() => m.close());
  await m.ready();
  return { m, rec: record(m) };
}

function renameOver(path: string, content: string) {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

describe('file source', { timeout: 60_000 }, () => {
  it.each([
    { name: 'old data directory removed', linger: false },
    { name: 'old data directory lingering', linger: true },
  ])(
    '1. ConfigMap ..data swap twice, watching the key file: one apply per swap ($name)',
    async ({ linger }) => {
      const volume = new ConfigMapVolume(join(testdir(), 'config'));
      await volume.write({ 'app.yaml': doc(1) });
      const { m, rec } = await manager({ files: [join(volume.dir, 'app.yaml')] });
      for (const n of [2, 3]) {
        await volume.write({ 'app.yaml': doc(n) }, { linger });
        await until(() => m.get().replicas === n, `replicas ${n}`);
        await sleep(SETTLE);
        expect(rec.events.length).toBe(n - 1);
      }
      // The watch moved to the new data directory: an in-place write there is seen too.
      expect(rec.errors).toEqual([]);
      expect(m.status().state).toBe('valid');
    },
  );

  it.each([
    { name: 'old data directory removed', linger: false },
    { name: 'old data directory lingering', linger: true },
  ])(
    '2. ConfigMap ..data swap twice, watching the mounted directory: one apply per swap ($name)',
    async ({ linger }) => {
      const volume = new ConfigMapVolume(join(testdir(), 'config'));
      await volume.write({ 'app.yaml': doc(1), 'flags.json': '{"features":{"beta":false}}' });
      const { m, rec } = await manager({ files: [{ path: volume.dir, directory: true }] });
      expect(m.get().features).toEqual({ beta: false });
      for (const n of [2, 3]) {
        await volume.write(
          { 'app.yaml': doc(n), 'flags.json': `{"features":{"beta":${n === 3}}}` },
          { linger },
        );
        await until(() => m.get().replicas === n, `replicas ${n}`);
        await sleep(SETTLE);
        expect(rec.events.length).toBe(n - 1);
      }
      expect(m.get().features).toEqual({ beta: true });
      expect(rec.errors).toEqual([]);
    },
  );

  it('1b. the old payload folder removed after its swap applied (a follow-up that leaves the bytes): no further reload', async () => {
    const volume = new ConfigMapVolume(join(testdir(), 'config'));
    await volume.write({ 'app.yaml': doc(1) });
    const { m, rec } = await manager({ files: [join(volume.dir, 'app.yaml')] });
    const old = readlinkSync(join(volume.dir, '..data'));
    await volume.write({ 'app.yaml': doc(2) }, { linger: true });
    await until(() => m.get().replicas === 2, 'replicas 2');
    const attempts = m.metrics().reloadAttempts;
    rmSync(join(volume.dir, old), { recursive: true });
    await sleep(SETTLE);
    expect(rec.events.length).toBe(1);
    expect(m.metrics().reloadAttempts).toBe(attempts);
    // Still watching: the next swap applies.
    await volume.write({ 'app.yaml': doc(3) });
    await until(() => m.get().replicas === 3, 'replicas 3');
    expect(rec.errors).toEqual([]);
  });

  it('3. a key added to the ConfigMap with its link briefly dangling is retried, not treated as deleted', async () => {
    const volume = new ConfigMapVolume(join(testdir(), 'config'));
    await volume.write({ 'app.yaml': doc(1) });
    // A long grace: on a loaded machine the dangling window below may stretch.
    const { m, rec } = await manager({
      files: [{ path: volume.dir, directory: true, transientGraceMs: 30_000 }],
    });
    const states = new Set<string>();
    await volume.write(
      { 'app.yaml': doc(1), 'flags.yaml': 'features: { beta: true }\n' },
      {
        linkKeysFirst: true,
        // `flags.yaml -> ..data/flags.yaml` dangles for several debounce periods.
        between: async () => {
          for (let i = 0; i < 30; i++) {
            states.add(m.status().state);
            await sleep(10);
          }
        },
      },
    );
    await until(() => m.get().features.beta === true, 'the new key applied');
    await sleep(SETTLE);
    expect(rec.events.length).toBe(1);
    expect(rec.events[0]!.changes).toEqual([{ path: '/features/beta', kind: 'added', after: true }]);
    expect([...states]).toEqual(['valid']);
    expect(rec.errors).toEqual([]);
  });

  it('4. a removed file keeps the last-known-good and turns the status stale', async () => {
    const path = join(testdir({ 'app.yaml': doc(4) }), 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    unlinkSync(path);
    await until(() => m.status().state === 'stale', 'status stale');
    expect(m.get().replicas).toBe(4);
    expect(m.status().sources[0]).toMatchObject({ state: 'missing' });
    expect(rec.events).toEqual([]);
    expect(m.metrics().reloadFailures).toEqual({ read: 0, parse: 0, validation: 0 });
  });

  it('5. rename-over twice: one apply each', async () => {
    const path = join(testdir({ 'app.yaml': doc(1) }), 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    for (const n of [2, 3]) {
      renameOver(path, doc(n));
      await until(() => m.get().replicas === n, `replicas ${n}`);
      await sleep(SETTLE);
      expect(rec.events.length).toBe(n - 1);
    }
  });

  it('6. a vim save applies once and its backup and swap files are ignored', async () => {
    const dir = testdir({ 'app.yaml': doc(1) });
    const path = join(dir, 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    // What vim (backupcopy=auto, writebackup) does on :w, in order.
    writeFileSync(join(dir, '.app.yaml.swp'), 'swap v1');
    writeFileSync(join(dir, '4913'), '');
    unlinkSync(join(dir, '4913'));
    renameSync(path, `${path}~`);
    writeFileSync(path, doc(6));
    unlinkSync(`${path}~`);
    writeFileSync(join(dir, '.app.yaml.swp'), 'swap v2');
    await until(() => m.get().replicas === 6, 'replicas 6');
    await sleep(SETTLE);
    unlinkSync(join(dir, '.app.yaml.swp'));
    await sleep(SETTLE);
    expect(rec.events.length).toBe(1);
    expect(rec.errors).toEqual([]);
    expect(m.status().state).toBe('valid');
  });

  it('7. truncate then slow write: partial content is never applied; the final content is, once', async () => {
    const path = join(testdir({ 'app.yaml': doc(1) }), 'app.yaml');
    // A debounce well above the gaps between the writer's chunks (see FileSourceOptions.debounceMs).
    const { m, rec } = await manager({
      files: [path],
      watch: { ...WATCH, debounceMs: 400, transientGraceMs: 30_000 },
    });
    // Every prefix ending at a line break is a valid document, so a partial read would apply.
    const final = `${doc(7)}level: debug\nnote: "${'x'.repeat(200)}"\n`;
    const fd = openSync(path, 'r+');
    try {
      ftruncateSync(fd, 0);
      await sleep(600); // empty for several debounce periods: counts as "being written"
      for (let i = 0; i < final.length; i += 16) {
        writeSync(fd, final.slice(i, i + 16), i);
        await sleep(15);
      }
    } finally {
      closeSync(fd);
    }
    await until(() => m.get().replicas === 7, 'replicas 7');
    await sleep(SETTLE);
    expect(rec.events.length).toBe(1);
    expect(rec.events[0]!.current).toMatchObject({ replicas: 7, level: 'debug', note: 'x'.repeat(200) });
    expect(rec.errors).toEqual([]);
  });

  it('8. a burst of 20 writes 5–20 ms apart ends with the final content applied', async () => {
    const path = join(testdir({ 'app.yaml': doc(0) }), 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    for (let n = 1; n <= 20; n++) {
      writeFileSync(path, doc(n));
      await sleep(5 + ((n * 7) % 16));
    }
    await until(() => m.get().replicas === 20, 'replicas 20');
    await sleep(SETTLE);
    expect(rec.events.at(-1)!.current).toMatchObject({ replicas: 20 });
    expect(m.get().replicas).toBe(20);
    expect(rec.errors).toEqual([]);
  });

  it.each([
    // Located where the unclosed `[` opens.
    { name: 'invalid YAML', bad: 'name: svc\nreplicas: [1,\n', reason: 'parse', line: 2 },
    {
      name: 'valid YAML that fails the schema',
      bad: 'name: svc\nreplicas: -2\n',
      reason: 'validation',
      line: 2,
    },
  ] as const)(
    '9. $name: last-known-good kept, one located error, failure +1, no change; the fix applies',
    async ({ bad, reason, line }) => {
      const path = join(testdir({ 'app.yaml': doc(1) }), 'app.yaml');
      const { m, rec } = await manager({ files: [path] });
      const before = m.get();
      writeFileSync(path, bad);
      await rec.waitForErrors(1);
      await sleep(SETTLE);
      expect(rec.errors.length).toBe(1);
      expect(rec.errors[0]).toMatchObject({ reason, source: path });
      expect(rec.errors[0]!.error.location).toMatchObject({ file: path, line });
      expect(m.metrics().reloadFailures[reason]).toBe(1);
      expect(m.metrics().lastReloadSuccessful).toBe(false);
      expect(m.prometheus()).toContain(`agentforge_config_reload_failures_total{reason="${reason}"} 1`);
      expect(m.get()).toBe(before);
      expect(m.status()).toMatchObject({ state: 'error', version: 1, lastError: { reason } });
      expect(rec.events).toEqual([]);
      writeFileSync(path, doc(9));
      await rec.waitForEvents(1);
      expect(m.get().replicas).toBe(9);
      expect(m.status()).toMatchObject({ state: 'valid', version: 2 });
      expect(m.metrics().lastReloadSuccessful).toBe(true);
      expect(rec.errors.length).toBe(1);
    },
  );

  it('10. the same bytes rewritten, renamed over or touched: no apply, no reload attempt', async () => {
    const path = join(testdir({ 'app.yaml': doc(10) }), 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    await sleep(SETTLE); // let the verification read after start settle
    const attempts = m.metrics().reloadAttempts;
    writeFileSync(path, doc(10));
    renameOver(path, doc(10));
    const later = new Date(Date.now() + 5000);
    utimesSync(path, later, later);
    await sleep(SETTLE);
    // The watcher is alive: a real change right after is applied.
    writeFileSync(path, doc(11));
    await rec.waitForEvents(1);
    expect(rec.events.length).toBe(1);
    expect(m.metrics().reloadAttempts).toBe(attempts + 1);
  });

  it('11. deleted then recreated 400 ms later: resumes', async () => {
    const path = join(testdir({ 'app.yaml': doc(1) }), 'app.yaml');
    const { m, rec } = await manager({ files: [path] });
    unlinkSync(path);
    await sleep(400);
    writeFileSync(path, doc(11));
    await until(() => m.get().replicas === 11, 'replicas 11');
    await until(() => m.status().state === 'valid', 'status valid');
    // And it keeps watching the new file.
    writeFileSync(path, doc(12));
    await until(() => m.get().replicas === 12, 'replicas 12');
    expect(rec.errors).toEqual([]);
  });

  it('12. a parent directory missing at start and created later is picked up', async () => {
    const root = testdir();
    const path = join(root, 'late', 'conf', 'app.yaml');
    const { m, rec } = await manager({
      defaults: { name: 'svc', replicas: 1 },
      files: [{ path, optional: true }],
    });
    expect(m.status()).toMatchObject({ state: 'valid', sources: [{ state: 'ok' }, { state: 'absent' }] });
    mkdirSync(join(root, 'late'));
    await sleep(200);
    mkdirSync(join(root, 'late', 'conf'));
    await sleep(200);
    writeFileSync(path, doc(12));
    await until(() => m.get().replicas === 12, 'replicas 12');
    expect(rec.events.length).toBe(1);
    writeFileSync(path, doc(13));
    await until(() => m.get().replicas === 13, 'replicas 13');
  });

  it('13. a retargeted symlink reloads only when the bytes differ', async () => {
    const dir = testdir({ 'v1.yaml': doc(1), 'v2.yaml': doc(1), 'v3.yaml': doc(3) });
    const path = join(dir, 'app.yaml');
    symlinkSync('v1.yaml', path);
    const { m, rec } = await manager({ files: [path] });
    const retarget = (target: string) => {
      symlinkSync(target, `${path}.new`);
      renameSync(`${path}.new`, path);
    };
    retarget('v2.yaml'); // same bytes
    await sleep(SETTLE);
    expect(rec.events.length).toBe(0);
    retarget('v3.yaml');
    await until(() => m.get().replicas === 3, 'replicas 3');
    await sleep(SETTLE);
    expect(rec.events.length).toBe(1);
    // Behind the link, an in-place write of the target is seen as well.
    writeFileSync(join(dir, 'v3.yaml'), doc(33));
    await until(() => m.get().replicas === 33, 'replicas 33');
  });

  it('13b. a link into another directory: in-place writes there are seen, also after it is retargeted', async () => {
    // The directory a link resolves to is watched on its own (node:fs): only its events show
    // an in-place write of the target, the link's own directory sees nothing of it.
    const dir = testdir({ 'one/app.yaml': doc(1), 'two/app.yaml': doc(2), 'etc/.keep': '' });
    const path = join(dir, 'etc', 'app.yaml');
    symlinkSync(join('..', 'one', 'app.yaml'), path);
    const { m, rec } = await manager({ files: [path] });
    writeFileSync(join(dir, 'one', 'app.yaml'), doc(11));
    await until(() => m.get().replicas === 11, 'replicas 11');
    symlinkSync(join('..', 'two', 'app.yaml'), `${path}.new`);
    renameSync(`${path}.new`, path);
    await until(() => m.get().replicas === 2, 'replicas 2');
    writeFileSync(join(dir, 'two', 'app.yaml'), doc(22));
    await until(() => m.get().replicas === 22, 'replicas 22');
    // The old target's directory no longer matters.
    writeFileSync(join(dir, 'one', 'app.yaml'), doc(111));
    await sleep(SETTLE);
    expect(m.get().replicas).toBe(22);
    expect(rec.events.length).toBe(3);
  });

  it('19. with file events lost (watcher off), the checksum poll applies the change', async () => {
    const path = join(testdir({ 'app.yaml': doc(1) }), 'app.yaml');
    const { m, rec } = await manager({ files: [{ path, watch: false, pollIntervalMs: 200 }] });
    writeFileSync(path, doc(19));
    await rec.waitForEvents(1);
    expect(m.get().replicas).toBe(19);
    rmSync(path);
    await until(() => m.status().state === 'stale', 'status stale');
  });
});

it('a required file missing at start fails ready() with a typed error', async () => {
  const path = join(testdir(), 'nope.yaml');
  const m = new ConfigManager({ schema: TestSchema, files: [path], watch: WATCH });
  await expect(m.ready()).rejects.toMatchObject({ name: 'AgentforgeError', code: 'FILE_NOT_FOUND' });
  expect(m.status().state).toBe('error');
});

it('an invalid file at start fails ready() with the located findings', { timeout: TIMEOUT }, async () => {
  const path = join(testdir({ 'app.yaml': 'name: svc\nreplicas: many\n' }), 'app.yaml');
  const m = new ConfigManager({ schema: TestSchema, files: [path], watch: WATCH });
  const error = await m.ready().catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'CONFIG_INVALID', location: { file: path, line: 2 } });
  expect(() => m.get()).toThrow(/not loaded/);
});
