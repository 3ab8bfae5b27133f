import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAgentforgeError } from '@agentforge/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecretResolver, findSecretRefs, type SecretResolver } from './secret-resolver.js';

let generation = 0;
/**
 * Projects `files` into `dir` exactly as the kubelet's atomic writer does: a new timestamped
 * folder, a `..data_tmp` symlink to it renamed over `..data`, per-key symlinks `key → ..data/key`,
 * then the old folder removed.
 */
function project(dir: string, files: Record<string, string>, previous?: string): string {
  mkdirSync(dir, { recursive: true });
  const stamp = `..2026_12_03_10_00_00.${generation++}`;
  mkdirSync(join(dir, stamp));
  for (const [key, value] of Object.entries(files)) writeFileSync(join(dir, stamp, key), value);
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files)) {
    try {
      symlinkSync(join('..data', key), join(dir, key));
    } catch {
      // already linked through ..data
    }
  }
  if (previous) rmSync(join(dir, previous), { recursive: true, force: true });
  return stamp;
}

const config = {
  llm: { apiKey: { secretRef: 'llm-api-key' } },
  dependencies: { redis: { password: { secretRef: 'redis-auth', key: 'password' } } },
};
const CANARY = 'sk-canary-0123456789abcdefABCDEF';
const ROTATED = 'sk-canary-rotated-9876543210zyxw';

let root = '';
const open: SecretResolver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  if (root) rmSync(root, { recursive: true, force: true });
});
function lines() {
  const out: string[] = [];
  const at = (obj: unknown, msg?: string) => out.push(JSON.stringify({ obj, msg }));
  return { out, logger: { debug: at, info: at, warn: at, error: at } };
}

describe('findSecretRefs', () => {
  it('finds every reference, the key defaulting to the field name', () => {
    expect(findSecretRefs(config)).toEqual([
      { path: 'llm.apiKey', secretRef: 'llm-api-key', key: 'apiKey' },
      { path: 'dependencies.redis.password', secretRef: 'redis-auth', key: 'password' },
    ]);
  });
});

describe('secret resolution', () => {
  it('resolves from a projected Secret directory; explain and status name the source, never the value', async () => {
    root = mkdtempSync(join(tmpdir(), 'agentforge-secrets-'));
    project(join(root, 'llm-api-key'), { apiKey: `${CANARY}\n` });
    project(join(root, 'redis-auth'), { password: 'redis-pass' });
    const log = lines();
    const secrets = await createSecretResolver(config, { dir: root, logger: log.logger, pollIntervalMs: 0 });
    open.push(secrets);
    expect(secrets.get('llm.apiKey')).toBe(CANARY);
    expect(secrets.explain('llm.apiKey')).toEqual({
      path: 'llm.apiKey',
      secretRef: 'llm-api-key',
      key: 'apiKey',
      source: { kind: 'file', file: join(root, 'llm-api-key', 'apiKey') },
      state: 'ok',
    });
    expect(JSON.stringify([secrets.status(), secrets.explain('llm.apiKey'), log.out])).not.toContain(CANARY);
  });

  it('notices a rotation through the ..data swap: subscribers are told, the value updates, nothing shows it', async () => {
    root = mkdtempSync(join(tmpdir(), 'agentforge-secrets-'));
    const first = project(join(root, 'llm-api-key'), { apiKey: CANARY });
    project(join(root, 'redis-auth'), { password: 'redis-pass' });
    const log = lines();
    const secrets = await createSecretResolver(config, {
      dir: root,
      logger: log.logger,
      debounceMs: 20,
      pollIntervalMs: 0,
    });
    open.push(secrets);
    const rotated = new Promise((resolve) => secrets.subscribe('llm.apiKey', resolve));
    project(join(root, 'llm-api-key'), { apiKey: ROTATED }, first);
    expect(await rotated).toEqual({ path: 'llm.apiKey', change: 'changed (value hidden)', rotations: 1 });
    expect(secrets.get('llm.apiKey')).toBe(ROTATED);
    const status = secrets.status().find((s) => s.path === 'llm.apiKey')!;
    expect(status.lastChange).toBe('changed (value hidden)');
    const shown = JSON.stringify([secrets.status(), log.out]);
    expect(shown).not.toContain(CANARY);
    expect(shown).not.toContain(ROTATED);
  });

  it('a missing secret is a typed error at start naming the reference, and stale later with the last value kept', async () => {
    root = mkdtempSync(join(tmpdir(), 'agentforge-secrets-'));
    project(join(root, 'llm-api-key'), { apiKey: CANARY });
    const error = await createSecretResolver(config, { dir: root, watch: false, pollIntervalMs: 0 }).catch(
      (e) => e,
    );
    expect(isAgentforgeError(error)).toBe(true);
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toContain('dependencies.redis.password (secretRef redis-auth, key password)');
    expect(error.message).not.toContain(CANARY);

    project(join(root, 'redis-auth'), { password: 'redis-pass' });
    const secrets = await createSecretResolver(config, { dir: root, watch: false, pollIntervalMs: 0 });
    open.push(secrets);
    rmSync(join(root, 'redis-auth'), { recursive: true, force: true });
    await secrets.refresh();
    expect(secrets.explain('dependencies.redis.password').state).toBe('stale');
    expect(secrets.get('dependencies.redis.password')).toBe('redis-pass');
  });

  it('reads a mapped environment variable instead of a file', async () => {
    const secrets = await createSecretResolver(config, {
      variables: { 'llm-api-key/apiKey': 'LLM_API_KEY', 'redis-auth/password': 'REDIS_PASSWORD' },
      env: { LLM_API_KEY: CANARY, REDIS_PASSWORD: 'p' },
      watch: false,
      pollIntervalMs: 0,
    });
    open.push(secrets);
    expect(secrets.get('llm.apiKey')).toBe(CANARY);
    expect(secrets.explain('llm.apiKey').source).toEqual({ kind: 'env', variable: 'LLM_API_KEY' });
  });

  it.each([
    ['SERVICE_NAME', { env: { SERVICE_NAME: 'swarm' } }],
    ['the service option', { service: 'swarm', env: {} }],
  ])(
    'resolves only the references its service reads (%s), as its Deployment mounts only those',
    async (_, scope) => {
      root = mkdtempSync(join(tmpdir(), 'agentforge-secrets-'));
      project(join(root, 'llm-api-key'), { apiKey: CANARY });
      project(join(root, 'redis-auth'), { password: 'redis-pass' });
      project(join(root, 'swarm-env'), { OPENAI_API_KEY: ROTATED });
      const scoped = {
        ...config,
        monitoring: { grafana: { adminPassword: { secretRef: 'grafana-admin' } } },
        services: {
          swarm: { env: { OPENAI_API_KEY: { secretRef: 'swarm-env', key: 'OPENAI_API_KEY' } } },
          tools: { env: { TOKEN: { secretRef: 'tools-env', key: 'TOKEN' } } },
        },
      };
      const secrets = await createSecretResolver(scoped, {
        dir: root,
        watch: false,
        pollIntervalMs: 0,
        ...scope,
      });
      open.push(secrets);
      expect(secrets.status().map((s) => s.path)).toEqual([
        'llm.apiKey',
        'dependencies.redis.password',
        'services.swarm.env.OPENAI_API_KEY',
      ]);
      expect(secrets.get('services.swarm.env.OPENAI_API_KEY') === ROTATED).toBe(true);
    },
  );
});
