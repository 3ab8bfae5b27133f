import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRedacted } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, expectTypeOf, it, onTestFinished } from 'vitest';
import { doc, record, sleep, TestSchema, until, WATCH } from './_testing.js';
import { ConfigManager, type ConfigManagerOptions, createConfigManager } from './manager.js';
import type { ConfigSource, SourceOutcome, SourceUpdate } from './source.js';

const SETTLE = 600;
const platform = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/platform/environments');

async function manager(options: ConfigManagerOptions<typeof TestSchema> = {}) {
  const m = await createConfigManager({ schema: TestSchema, watch: WATCH, ...options });
  onTestFinished(() => m.close());
  return m;
}

/** A manager over a real file, and a way to write new content to it. */
async function fileManager(initial = doc(1), options: ConfigManagerOptions<typeof TestSchema> = {}) {
  const path = join(testdir({ 'app.yaml': initial }), 'app.yaml');
  const m = await manager({ files: [path], ...options });
  return { m, path, write: (content: string) => writeFileSync(path, content) };
}

/** A memory logger that keeps every line as JSON text, to prove what was (not) logged. */
function memoryLogger() {
  const lines: Array<{ level: string; obj: object; msg: string | undefined }> = [];
  const at = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg });
  return {
    lines,
    text: () => JSON.stringify(lines),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

describe('subscriptions', { timeout: 60_000 }, () => {
  it('14. a throwing and a slow listener neither stop the other listeners nor the reload', async () => {
    const logger = memoryLogger();
    const { m, write } = await fileManager(doc(1), { logger });
    const seen: number[] = [];
    let throwing = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow: number[] = [];
    m.subscribe(() => {
      throwing++;
      throw new Error('listener bug');
    });
    m.subscribe(async (event) => {
      slow.push(event.current.replicas);
      await gate;
    });
    m.subscribe('replicas', (event) => {
      seen.push(event.current.replicas);
    });
    m.subscribe(async () => {
      throw new Error('async listener bug');
    });
    write(doc(2));
    await until(() => seen.length === 1, 'first change');
    write(doc(3));
    await until(() => seen.length === 2, 'second change');
    expect(seen).toEqual([2, 3]);
    expect(throwing).toBe(2);
    expect(m.version).toBe(3);
    // The slow listener has its first event and the second queued behind it, in order.
    expect(slow).toEqual([2]);
    release();
    await until(() => slow.length === 2, 'the slow listener catching up');
    expect(slow).toEqual([2, 3]);
    expect(m.metrics().listenerErrors).toBe(4);
    expect(logger.lines.filter((l) => l.msg === 'configuration listener failed')).toHaveLength(4);
  });

  it('a listener fires only when a value under its path really changed, with redacted changes', async () => {
    const { m, write } = await fileManager(
      'name: svc\nreplicas: 1\ndb: { url: "postgres://db", password: hunter2 }\n',
    );
    const calls: Record<string, unknown[]> = { replicas: [], db: [], features: [], all: [] };
    for (const glob of ['replicas', 'db', 'features.*'])
      m.subscribe(glob, (e) => void calls[glob.split('.')[0]!]!.push(e.changes));
    m.subscribe((e) => void calls.all!.push(e));
    write('name: svc\nreplicas: 1\ndb: { url: "postgres://db", password: hunter3 }\n# a comment\n');
    await until(() => calls.all!.length === 1, 'a change');
    write(
      'name: svc\nreplicas: 2\ndb: { url: "postgres://db", password: hunter3 }\nfeatures: { beta: true }\n',
    );
    await until(() => calls.all!.length === 2, 'a second change');
    await sleep(SETTLE);
    expect(calls.replicas).toEqual([[{ path: '/replicas', kind: 'modified', before: 1, after: 2 }]]);
    expect(calls.features).toEqual([[{ path: '/features/beta', kind: 'added', after: true }]]);
    expect(calls.db).toHaveLength(1);
    const [change] = calls.db![0] as Array<{ path: string; before: unknown; after: unknown }>;
    expect(change!.path).toBe('/db/password');
    expect(isRedacted(change!.before) && isRedacted(change!.after) && change!.before !== change!.after).toBe(
      true,
    );
    expect(JSON.stringify(calls.db)).not.toMatch(/hunter/);
    // The snapshots themselves are the real, frozen configuration.
    const event = calls.all![1] as {
      previous: unknown;
      current: { db: { password: string } };
      version: number;
    };
    expect(event.current.db.password).toBe('hunter3');
    expect(Object.isFrozen(event.current.db)).toBe(true);
    expect(event.version).toBe(3);
  });

  it('17. an unsubscribed or garbage-collected listener is not called again', async () => {
    expect(typeof globalThis.gc).toBe('function'); // vitest.config.ts passes --expose-gc
    const { m, write } = await fileManager();
    let unsubscribedCalls = 0;
    let disposedCalls = 0;
    let weakCalls = 0;
    let kept = 0;
    const sub = m.subscribe('replicas', () => void unsubscribedCalls++);
    {
      using _disposed = m.subscribe('replicas', () => void disposedCalls++);
    }
    // Only the manager (weakly) references this listener once the block ends.
    const weak = (() => {
      const listener = () => void weakCalls++;
      return m.subscribe('replicas', listener, { weak: true });
    })();
    const strong = () => void kept++;
    m.subscribe('replicas', strong, { weak: true });
    sub.unsubscribe();
    expect(sub.active).toBe(false);
    // Collection and the FinalizationRegistry callback take a few turns; wait for them.
    for (let i = 0; i < 100 && weak.active; i++) {
      globalThis.gc!();
      await sleep(20);
    }
    expect(weak.active).toBe(false);
    write(doc(2));
    await until(() => kept === 1, 'the strongly held listener');
    await sleep(SETTLE);
    expect({ unsubscribedCalls, disposedCalls, weakCalls, kept }).toEqual({
      unsubscribedCalls: 0,
      disposedCalls: 0,
      weakCalls: 0,
      kept: 1,
    });
    expect(typeof strong).toBe('function'); // keeps `strong` alive to here
  });
});

describe('snapshots and overrides', { timeout: 60_000 }, () => {
  it('15. reads during a stress of reloads are each all-old or all-new', async () => {
    const state = (n: number) =>
      `name: svc-${n}\nreplicas: ${n}\nnote: "${n}"\nfeatures: { f${n % 3}: true }\n`;
    const { m, path } = await fileManager(state(0), { watch: { debounceMs: 5, pollIntervalMs: 0 } });
    const versions: number[] = [];
    let torn = 0;
    const check = (c: {
      replicas: number;
      name: string;
      note?: string | undefined;
      features: Readonly<Record<string, boolean>>;
    }) => {
      const n = c.replicas;
      if (c.name !== `svc-${n}` || c.note !== String(n) || Object.keys(c.features).join() !== `f${n % 3}`)
        torn++;
    };
    m.subscribe((e) => {
      versions.push(e.version);
      check(e.current);
      check(e.previous);
    });
    let reads = 0;
    let done = false;
    const reader = (async () => {
      while (!done) {
        const snapshot = m.get();
        check(snapshot);
        await sleep(0);
        check(snapshot); // a held snapshot never changes under its reader
        expect(Object.isFrozen(snapshot) && Object.isFrozen(snapshot.features)).toBe(true);
        reads++;
      }
    })();
    for (let n = 1; n <= 60; n++) {
      writeFileSync(`${path}.tmp`, state(n));
      renameSync(`${path}.tmp`, path);
      await sleep(n % 2 ? 3 : 12);
      // programmatic reloads interleave with the file's
      if (n % 10 === 0) m.override({ level: 'debug' }).dispose();
    }
    await until(() => m.get().replicas === 60, 'the last state');
    done = true;
    await reader;
    expect(torn).toBe(0);
    expect(reads).toBeGreaterThan(0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('16. scoped overrides nest, stay apart when concurrent, survive a throw and a reload mid-scope', async () => {
    const { m, write } = await fileManager(doc(1));
    const inner = m.withOverrides({ level: 'debug' }, async () => {
      expect(m.get().level).toBe('debug');
      await sleep(5);
      return m.withOverrides({ replicas: 50 }, async () => {
        await sleep(5);
        return { level: m.get().level, replicas: m.get('replicas') };
      });
    });
    const concurrent = m.withOverrides({ replicas: 7 }, async () => {
      await sleep(10);
      return { level: m.get().level, replicas: m.get().replicas };
    });
    expect(await inner).toEqual({ level: 'debug', replicas: 50 });
    expect(await concurrent).toEqual({ level: 'info', replicas: 7 });

    // A throw inside: the scope ends with it.
    await expect(
      m.withOverrides({ replicas: 9 }, async () => {
        await sleep(1);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(m.get().replicas).toBe(1);

    // A file reload mid-scope: the scope sees the new file under its override.
    let reloaded!: () => void;
    const seen = new Promise<void>((resolve) => {
      reloaded = resolve;
    });
    m.subscribe(() => reloaded());
    const during = await m.withOverrides({ replicas: 99 }, async () => {
      write(`${doc(2)}level: warn\n`);
      await seen;
      return { replicas: m.get().replicas, level: m.get().level };
    });
    expect(during).toEqual({ replicas: 99, level: 'warn' });
    expect(m.get()).toMatchObject({ replicas: 2, level: 'warn' });

    // Invalid overrides are refused before the callback runs.
    let ran = false;
    expect(() => m.withOverrides({ replicas: -1 }, () => (ran = true))).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(ran).toBe(false);
  });

  it('a process-wide override is applied, disposed with `using`, and survives file reloads', async () => {
    const { m, write } = await fileManager(doc(1));
    const rec = record(m);
    {
      using _ = m.override({ replicas: 42 });
      expect(m.get().replicas).toBe(42);
      write(`${doc(2)}level: warn\n`);
      await until(() => m.get().level === 'warn', 'the file reload');
      expect(m.get().replicas).toBe(42);
      expect(m.explain('replicas').source).toMatchObject({ kind: 'override' });
    }
    expect(m.get().replicas).toBe(2);
    await rec.waitForEvents(3);
    expect(rec.events.map((e) => e.source)).toEqual(['override', path(m), 'override']);
    expect(() => m.override({ replicas: 'x' as unknown as number })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(m.get().replicas).toBe(2);
  });

  it('typed access by snapshot, path and selector', async () => {
    const { m } = await fileManager();
    expectTypeOf(m.get('replicas')).toEqualTypeOf<number>();
    expectTypeOf(m.get('db.url')).toEqualTypeOf<string | undefined>();
    expectTypeOf(m.get((c) => c.level)).toEqualTypeOf<'debug' | 'info' | 'warn'>();
    expect(m.get('replicas')).toBe(1);
    expect(m.get((c) => c.level)).toBe('info');
    expect(m.at('/features')).toEqual({});
    expect(() => {
      (m.get() as { replicas: number }).replicas = 5;
    }).toThrow(TypeError);
  });
});

function path(m: ConfigManager<typeof TestSchema>): string {
  return m.status().sources[0]!.name;
}

describe('environment, explain, status and metrics', { timeout: 60_000 }, () => {
  it('18. an environment variable overrides a file key, coerced by the schema; explain names it', async () => {
    const dir = testdir();
    const file = join(dir, 'development.yaml');
    copyFileSync(join(platform, 'development.yaml'), file);
    const m = await createConfigManager({
      files: [file],
      env: {
        vars: { AGENTFORGE_SERVICES__SWARM__REPLICAS: '4', AGENTFORGE_DEBUG: 'false', PATH: '/usr/bin' },
      },
      watch: WATCH,
    });
    onTestFinished(() => m.close());
    expect(m.get('services.swarm.replicas')).toBe(4);
    expect(m.get().debug).toBe(false);
    expect(m.explain('services.swarm.replicas')).toEqual({
      path: '/services/swarm/replicas',
      value: 4,
      source: { kind: 'env', name: 'env', variable: 'AGENTFORGE_SERVICES__SWARM__REPLICAS' },
      layers: [
        { kind: 'env', name: 'env', variable: 'AGENTFORGE_SERVICES__SWARM__REPLICAS' },
        { kind: 'file', name: file, location: { file, line: 31, column: 5 } },
      ],
    });
    expect(m.explain('services.swarm.port').source).toMatchObject({ kind: 'file', location: { line: 32 } });
    expect(m.explain('security.tls.minVersion').source).toEqual({
      kind: 'schema-default',
      name: 'schema default',
    });
    // A file reload keeps the variable on top: the file changed, the configuration did not.
    const fileHash = () => m.status().sources[0]!.hash;
    const before = fileHash();
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('replicas: 1\n    port: 8080', 'replicas: 2\n    port: 8080'),
    );
    await until(() => fileHash() !== before, 'the file reloaded');
    expect(m.get('services.swarm.replicas')).toBe(4);
    expect(m.version).toBe(1);
  });

  it('an environment variable that cannot be coerced fails ready() naming the variable', async () => {
    const error = await createConfigManager({
      schema: TestSchema,
      defaults: { name: 'x', replicas: 1 },
      env: { vars: { AGENTFORGE_REPLICAS: 'many' } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ENV_VAR_INVALID',
      message: expect.stringContaining('AGENTFORGE_REPLICAS'),
    });
  });

  it('status, metrics, Prometheus text and audit records — never a secret value', async () => {
    const logger = memoryLogger();
    const {
      m,
      path: file,
      write,
    } = await fileManager(
      'name: svc\nreplicas: 1\ndb: { url: "postgres://u:s3cr3t-pw@db/app", password: hunter2 }\n',
      {
        logger,
      },
    );
    expect(m.status()).toMatchObject({
      state: 'valid',
      version: 1,
      sources: [{ kind: 'file', name: file, state: 'ok' }],
    });
    const before = m.status().hash;
    write('name: svc\nreplicas: 2\ndb: { url: "postgres://u:0ther-pw@db/app", password: hunter3 }\n');
    await until(() => m.version === 2, 'version 2');
    write('name: svc\nreplicas: oops\n');
    await until(() => m.status().state === 'error', 'status error');
    const status = m.status();
    expect(status.lastError).toMatchObject({
      reason: 'validation',
      source: file,
      findings: [{ path: '/replicas', location: { line: 2 } }],
    });
    const metrics = m.metrics();
    expect(metrics).toMatchObject({
      reloadFailures: { validation: 1, parse: 0, read: 0 },
      lastReloadSuccessful: false,
      version: 2,
    });
    expect(metrics.configHash).toBe(status.hash);
    expect(metrics.configHash).not.toBe(before);
    const text = m.prometheus();
    for (const line of [
      '# TYPE agentforge_config_reload_attempts_total counter',
      `agentforge_config_reload_attempts_total ${metrics.reloadAttempts}`,
      'agentforge_config_reload_failures_total{reason="validation"} 1',
      'agentforge_config_last_reload_successful 0',
      'agentforge_config_version 2',
      `agentforge_config_info{hash="${status.hash}"} 1`,
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toMatch(/^agentforge_config_last_success_timestamp_seconds \d+\.?\d*$/m);
    const audit = logger.lines.find((l) => l.msg === 'configuration applied');
    expect(audit?.obj).toEqual({
      audit: {
        source: file,
        previousHash: before,
        hash: metrics.configHash,
        version: 2,
        changed: ['/replicas', '/db/url', '/db/password'],
      },
    });
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(logger.text()).not.toMatch(/hunter|s3cr3t|0ther-pw/);
    expect(JSON.stringify(m.explain('db.password'))).not.toMatch(/hunter/);
    expect(JSON.stringify(m.status())).not.toMatch(/hunter|0ther-pw/);
  });

  it('defaults < files < env < overrides', async () => {
    const dir = testdir({ 'a.yaml': 'replicas: 2\nlevel: warn\n', 'b.json': '{"replicas": 3}' });
    const m = await manager({
      defaults: { name: 'svc', replicas: 1, note: 'from defaults' },
      files: [join(dir, 'a.yaml'), join(dir, 'b.json')],
      env: { vars: { AGENTFORGE_LEVEL: 'debug', AGENTFORGE_NOTE: 'from env' } },
      overrides: { note: 'from overrides' },
    });
    expect(m.get()).toEqual({
      name: 'svc',
      replicas: 3,
      level: 'debug',
      note: 'from overrides',
      features: {},
    });
    expect(m.explain('note').layers.map((l) => l.kind)).toEqual(['overrides', 'env', 'defaults']);
    expect(m.explain('replicas').layers.map((l) => l.name)).toEqual([
      join(dir, 'b.json'),
      join(dir, 'a.yaml'),
      'defaults',
    ]);
  });

  it('get() before ready() throws a typed error', async () => {
    const m = new ConfigManager({ schema: TestSchema, defaults: { name: 'svc', replicas: 1 } });
    expect(() => m.get()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(m.status().state).toBe('initializing');
    await m.ready();
    expect(m.status().state).toBe('valid');
    await m.close();
  });
});

/** A source the test drives: it hands updates to the manager's `prepare` and `emit` when told. */
function drivenSource(name: string, initial: Record<string, unknown>) {
  let emit: ((update: SourceUpdate) => SourceOutcome | undefined) | undefined;
  let prepare: ((update: SourceUpdate) => void) | undefined;
  const source: ConfigSource = {
    kind: 'file',
    name,
    async start(e, context) {
      emit = e;
      prepare = context.prepare;
      return ok(initial);
    },
    async close() {},
  };
  return {
    source,
    prepare: (update: SourceUpdate) => prepare?.(update),
    emit: (update: SourceUpdate) => emit?.(update),
  };
}

const ok = (data: Record<string, unknown>): SourceUpdate => ({
  state: 'ok',
  data,
  hash: JSON.stringify(data),
});

describe('updates prepared ahead of their report (SourceContext.prepare)', () => {
  async function driven() {
    const a = drivenSource('a.yaml', { name: 'svc', replicas: 1 });
    const m = await manager({ sources: [a.source] });
    return { m, a, rec: record(m) };
  }

  it('a prepared update changes nothing until it is reported, then applies with its changes', async () => {
    const { m, a, rec } = await driven();
    const update = ok({ name: 'svc', replicas: 2 });
    const attempts = m.metrics().reloadAttempts;
    a.prepare(update);
    expect([m.get().replicas, m.version, m.metrics().reloadAttempts]).toEqual([1, 1, attempts]);
    expect(a.emit(update)).toEqual({ applied: true });
    expect([m.get().replicas, m.version, m.metrics().reloadAttempts]).toEqual([2, 2, attempts + 1]);
    await rec.waitForEvents(1);
    expect(rec.events[0]!.changes).toEqual([{ path: '/replicas', kind: 'modified', before: 1, after: 2 }]);
  });

  it('a prepared update that breaks the schema is never applied; its report is rejected and recorded once', async () => {
    const { m, a, rec } = await driven();
    const before = m.get();
    const bad = ok({ name: 'svc', replicas: -1 });
    a.prepare(bad);
    expect(rec.errors).toEqual([]);
    expect(m.metrics().reloadFailures.validation).toBe(0);
    expect(a.emit(bad)).toMatchObject({ applied: false });
    expect(m.get()).toBe(before);
    expect(rec.errors).toHaveLength(1);
    expect(rec.errors[0]).toMatchObject({ reason: 'validation', source: 'a.yaml' });
    expect(m.metrics().reloadFailures.validation).toBe(1);
  });

  it.each([
    {
      name: 'another update is reported instead: that one applies',
      between: () => {},
      reported: { name: 'svc', replicas: 3 },
      expected: { replicas: 3, level: 'info' },
    },
    {
      name: 'an override arrives before the report: the report is validated with it',
      between: (m: ConfigManager<typeof TestSchema>) => {
        m.override({ level: 'warn' });
      },
      reported: { name: 'svc', replicas: 2 },
      expected: { replicas: 2, level: 'warn' },
    },
  ])('prepared, then $name', async ({ between, reported, expected }) => {
    const { m, a } = await driven();
    a.prepare(ok({ name: 'svc', replicas: 2 }));
    between(m);
    a.emit(ok(reported));
    expect(m.get()).toMatchObject(expected);
  });

  it('prepared against a configuration another source has changed since: diffed against the one in force', async () => {
    const a = drivenSource('a.yaml', { name: 'svc', replicas: 1 });
    const b = drivenSource('b.yaml', {});
    const m = await manager({ sources: [a.source, b.source] });
    const rec = record(m);
    const update = ok({ name: 'svc', replicas: 2 });
    a.prepare(update);
    b.emit(ok({ level: 'debug' }));
    a.emit(update);
    await rec.waitForEvents(2);
    expect(rec.events.map((e) => e.changes)).toEqual([
      [{ path: '/level', kind: 'modified', before: 'info', after: 'debug' }],
      [{ path: '/replicas', kind: 'modified', before: 1, after: 2 }],
    ]);
    expect(m.get()).toMatchObject({ replicas: 2, level: 'debug' });
  });
});
