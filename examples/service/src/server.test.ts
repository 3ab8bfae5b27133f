import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EnvironmentDocument } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { expect, it, onTestFinished } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const development = join(here, '../../platform/environments/development.yaml');

/** Starts the service as its own process and resolves with its URL and its log lines. */
async function start(configFile: string) {
  const child: ChildProcess = spawn(process.execPath, [join(here, 'server.mjs')], {
    env: { ...process.env, CONFIG_FILE: configFile, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onTestFinished(() => {
    child.kill();
  });
  const logs: Array<Record<string, unknown>> = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`service exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'listening') resolve(entry.url as string);
    });
  });
  return { url, logs };
}

async function until<T>(
  fetchValue: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await fetchValue();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

it('serves its configuration and picks up an edited file', { timeout: 60_000 }, async () => {
  const file = join(testdir(), 'development.yaml');
  copyFileSync(development, file);
  const { url, logs } = await start(file);
  const getConfig = async () =>
    (await (await fetch(`${url}/config`)).json()) as { version: number; config: EnvironmentDocument };

  const first = await getConfig();
  expect(first.version).toBe(1);
  expect(first.config.services.swarm.replicas).toBe(1);
  expect((await fetch(`${url}/healthz`)).status).toBe(200);

  // Edit the file: more replicas, and a database URL with a password in it.
  const text = readFileSync(file, 'utf8')
    .replace('replicas: 1\n    port: 8080', 'replicas: 3\n    port: 8080')
    .replace('postgres://agentforge@postgres', 'postgres://agentforge:hunter2@postgres');
  writeFileSync(file, text);

  const second = await until(getConfig, (c) => c.version === 2, '/config to change');
  expect(second.config.services.swarm.replicas).toBe(3);
  expect(second.config.dependencies.postgres.url).toMatch(
    /^postgres:\/\/agentforge:«redacted(:[0-9a-f]+)?»@postgres/,
  );
  expect(JSON.stringify(second)).not.toContain('hunter2');

  const metrics = await (await fetch(`${url}/metrics`)).text();
  expect(metrics).toContain('agentforge_config_version 2\n');
  await until(
    async () => logs,
    (l) => l.some((e) => e.msg === 'configuration reloaded'),
    'the reload log line',
  );
  const reload = logs.find((e) => e.msg === 'configuration reloaded')!;
  expect(reload.changed).toEqual(['/dependencies/postgres/url', '/services/swarm/replicas']);
  expect(JSON.stringify(logs)).not.toContain('hunter2');

  // A broken edit: the service keeps serving version 2 and /healthz says so.
  writeFileSync(file, text.replace('replicas: 3\n    port: 8080', 'replicas: many\n    port: 8080'));
  const health = await until(
    async () => fetch(`${url}/healthz`),
    (r) => r.status === 503,
    '/healthz to report the error',
  );
  expect(await health.json()).toMatchObject({
    state: 'error',
    version: 2,
    lastError: expect.stringContaining('development.yaml:31:'),
  });
  expect((await getConfig()).config.services.swarm.replicas).toBe(3);
});
