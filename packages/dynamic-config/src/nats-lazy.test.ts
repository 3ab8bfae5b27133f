// The NATS client is an optional peer dependency: a service that reads files must neither
// load it nor need it installed, and one that uses natsKvSource without it gets a typed error.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it, vi } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

// A resolve hook that logs every bare specifier the process imports.
const HOOK = `export async function resolve(s, c, next) { if (!s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('file:')) (await import('node:fs')).appendFileSync(process.env.IMPORT_LOG, s + '\\n'); return next(s, c); }`;

/** The bare specifiers a fresh process imported while running `script` against the built package. */
function importsOf(script: string): string {
  expect(existsSync(dist), 'packages/dynamic-config is built (npx pnpm build)').toBe(true);
  const dir = testdir({ 'app.yaml': 'name: svc\n', 'hook.mjs': HOOK });
  const log = join(dir, 'imports.log');
  const register = `import{register}from'node:module';register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)})`;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${register}`,
      '--input-type=module',
      '-e',
      script.replaceAll('DIST', JSON.stringify(dist)).replaceAll('DIR', JSON.stringify(dir)),
    ],
    { env: { ...process.env, IMPORT_LOG: log }, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  return existsSync(log) ? readFileSync(log, 'utf8') : '';
}

describe('the NATS client is loaded only by natsKvSource', () => {
  it('a service reading a file never imports @nats-io', () => {
    const imports = importsOf(`
      const { createConfigManager } = await import(DIST);
      const { z } = await import('zod');
      const m = await createConfigManager({ schema: z.object({ name: z.string() }), files: [{ path: DIR + '/app.yaml', pollIntervalMs: 0 }] });
      await m.close();`);
    expect(imports).toMatch(/^chokidar$/m); // the hook works
    expect(imports).not.toMatch(/@nats-io/);
  });

  it('natsKvSource imports it when it starts', () => {
    const imports = importsOf(`
      const { createConfigManager, natsKvSource } = await import(DIST);
      await createConfigManager({ sources: [natsKvSource({ servers: 'nats://127.0.0.1:1', key: 'x', connectTimeoutMs: 200 })] }).catch(() => {});`);
    expect(imports).toMatch(/^@nats-io\/transport-node$/m);
  });

  it('without the client installed, natsKvSource fails with DEPENDENCY_MISSING naming the packages', async () => {
    vi.resetModules();
    vi.doMock('@nats-io/transport-node', () => {
      throw new Error("Cannot find package '@nats-io/transport-node'");
    });
    try {
      const { loadNats } = await import('./_nats.js');
      await expect(loadNats()).rejects.toMatchObject({
        code: 'DEPENDENCY_MISSING',
        message: expect.stringContaining(
          'npm install @nats-io/transport-node@^3 @nats-io/jetstream@^3 @nats-io/kv@^3',
        ),
      });
    } finally {
      vi.doUnmock('@nats-io/transport-node');
      vi.resetModules();
    }
  });
});
