// The example service on the process contract: configuration from a file, secrets from a
// Secret folder projected exactly as the kubelet's atomic writer does (timestamped folder,
// `..data` symlink, per-key symlinks). The secret is read through the library only; canaries
// in the folder appear in no HTTP response and no log line.
import { copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { projectVolume, testdir } from '@agentforge/test-utils';
import { pino } from 'pino';
import { expect, it } from 'vitest';
import { startService } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const development = join(here, '../../platform/environments/development.yaml');

it('resolves secrets from a projected folder, follows a rotation, and never shows a value', {
  timeout: 60_000,
}, async () => {
  const dir = testdir();
  const configFile = join(dir, 'environment.yaml');
  copyFileSync(development, configFile);
  const secretsDir = join(dir, 'secrets');
  const CANARY = 'canary-pg-0123456789abcdefXYZ';
  const ROTATED = 'canary-pg-rotated-9876543210QRS';
  projectVolume(join(secretsDir, 'postgres-password'), { password: CANARY });
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    }),
  );
  const service = await startService({ configFile, secretsDir, logger, debounceMs: 20, pollIntervalMs: 0 });
  try {
    expect(service.secrets.get('dependencies.postgres.password')).toBe(CANARY);
    const rotated = new Promise((resolve) =>
      service.secrets.subscribe('dependencies.postgres.password', resolve),
    );
    projectVolume(join(secretsDir, 'postgres-password'), { password: ROTATED });
    await rotated;
    expect(service.secrets.get('dependencies.postgres.password')).toBe(ROTATED);
    const bodies = await Promise.all(
      ['/config', '/secrets', '/healthz', '/metrics'].map(async (path) =>
        (await fetch(`${service.url}${path}`)).text(),
      ),
    );
    expect(bodies[1]).toContain('changed (value hidden)');
    for (const text of [...bodies, ...lines]) {
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain(ROTATED);
    }
  } finally {
    await service.close();
  }
});
