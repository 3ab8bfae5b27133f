// A real nats-server for the integration tests: started on a free port with a fresh store
// folder, stopped by PID. Tests never skip when the binary is missing: they fail and name the
// script that installs it.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * The nats-server binary: `$NATS_SERVER`, else the first on PATH or in /usr/sbin.
 * @returns {string}
 */
export function natsServerBinary() {
  const candidates = [
    process.env.NATS_SERVER,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/local/bin/nats-server',
  ].filter(Boolean);
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new Error(
    'nats-server is not installed; run `bash scripts/ensure-tools.sh` (Debian: apt-get install -y nats-server)',
  );
}

const LISTEN = /Listening for client connections on [^\s]*:(\d+)/;
const LEAF = /Listening for leafnode connections on [^\s]*:(\d+)/;

/**
 * Starts nats-server with JetStream on 127.0.0.1 and resolves once it is ready. The caller
 * stops it (`await server.stop()`), typically in `afterAll`.
 * @param {import('./nats-server.d.mts').NatsServerOptions} [options]
 * @returns {Promise<import('./nats-server.d.mts').NatsServer>}
 */
export async function startNatsServer(options = {}) {
  const binary = options.binary ?? natsServerBinary();
  const root = mkdtempSync(join(tmpdir(), 'agentforge-nats-'));
  const storeDir = join(root, 'store');
  const configFile = join(root, 'server.conf');
  writeFileSync(configFile, options.config ?? '');
  let port = options.port ?? -1;
  /** @type {number | undefined} */
  let leafPort;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;

  const launch = () =>
    new Promise((resolve, reject) => {
      const proc = spawn(
        binary,
        ['-c', configFile, '-js', '-sd', storeDir, '-a', '127.0.0.1', '-p', String(port)],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      child = proc;
      let log = '';
      const onData = (/** @type {Buffer} */ chunk) => {
        log += chunk.toString();
        const client = LISTEN.exec(log);
        if (client) port = Number(client[1]);
        const leaf = LEAF.exec(log);
        if (leaf) leafPort = Number(leaf[1]);
        if (log.includes('Server is ready')) {
          proc.stderr?.off('data', onData);
          // Keep draining so a chatty server never blocks on a full pipe.
          proc.stderr?.resume();
          resolve();
        }
      };
      proc.stderr?.on('data', onData);
      proc.once('exit', (code) =>
        reject(new Error(`nats-server exited (${code}) before it was ready:\n${log}`)),
      );
      proc.once('error', reject);
    });

  const exited = () =>
    new Promise((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });

  await launch();
  const server = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get leafPort() {
      return leafPort;
    },
    get pid() {
      return child?.pid ?? -1;
    },
    storeDir,
    async kill() {
      const done = exited();
      child?.kill('SIGKILL');
      await done;
    },
    async restart() {
      await launch();
    },
    async stop() {
      const done = exited();
      child?.kill('SIGTERM');
      await done;
      rmSync(root, { recursive: true, force: true });
    },
  };
  return server;
}
