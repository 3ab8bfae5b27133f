// A small AgentForge-style service: its configuration hot-reloads through
// @agentforge/dynamic-config, from a YAML file (`CONFIG_FILE=path/to/env.yaml`) or from a NATS
// JetStream Key-Value bucket (`CONFIG_NATS_URL=nats://… CONFIG_NATS_KEY=production`).
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createConfigManager, createSecretResolver, natsKvSource } from '@agentforge/dynamic-config';
import { redact } from '@agentforge/schema';
import { pino } from 'pino';

/**
 * The NATS mode's settings from the environment: `CONFIG_NATS_URL`, `CONFIG_NATS_KEY` (the
 * environment name), `CONFIG_NATS_BUCKET` (default agentforge), `CONFIG_NATS_REPLICA` (the
 * name this replica reports its revision under; default host-pid), and the credentials in
 * `NATS_CREDS` or `NATS_USER`/`NATS_PASSWORD`. `undefined` when CONFIG_NATS_URL is unset.
 */
export function natsSettings(env = process.env) {
  if (!env.CONFIG_NATS_URL) return undefined;
  if (!env.CONFIG_NATS_KEY)
    throw new Error('CONFIG_NATS_KEY (the environment name) is required with CONFIG_NATS_URL');
  return {
    servers: env.CONFIG_NATS_URL,
    key: env.CONFIG_NATS_KEY,
    ...(env.CONFIG_NATS_BUCKET ? { bucket: env.CONFIG_NATS_BUCKET } : {}),
    ...(env.NATS_CREDS ? { creds: env.NATS_CREDS } : {}),
    ...(env.NATS_USER ? { user: env.NATS_USER, password: env.NATS_PASSWORD ?? '' } : {}),
    report: env.CONFIG_NATS_REPLICA ? { replica: env.CONFIG_NATS_REPLICA } : true,
  };
}

/**
 * Starts the service: loads `configFile` and/or the NATS key `nats` (over the file), plus
 * `AGENTFORGE_*` variables; serves
 * `/config` (redacted), `/healthz` (200 while the configuration is valid, 503 otherwise)
 * and `/metrics` (Prometheus text), and logs every reload.
 */
export async function startService({
  configFile,
  nats,
  port = 0,
  // The library never creates a logger; the application hands it its pino instance.
  logger = pino(),
  env = process.env,
  debounceMs,
  pollIntervalMs,
  // The process contract (docs/process-contract.md): Secrets mounted key per file under this folder.
  secretsDir = env.AGENTFORGE_SECRETS_DIR,
} = {}) {
  const config = await createConfigManager({
    files: configFile ? [configFile] : [],
    sources: nats ? [natsKvSource({ ...nats, logger })] : [],
    env: { vars: env },
    watch: { debounceMs, pollIntervalMs },
    logger,
  });
  // The store revision in force, for the NATS mode (undefined in file mode).
  const revision = () => config.status().sources.find((s) => s.kind === 'nats')?.revision;
  // Secret references resolve from the mounted folders; only a missing one stops the start.
  const secrets = secretsDir
    ? await createSecretResolver(config.get(), { dir: secretsDir, logger, debounceMs, pollIntervalMs })
    : undefined;
  config.subscribe(({ changes, version }) => {
    logger.info(
      { version, revision: revision(), changed: changes.map((c) => c.path) },
      'configuration reloaded',
    );
  });
  config.onError(({ reason, error }) => {
    logger.warn(
      { reason, err: { code: error.code, message: error.format() } },
      'configuration change rejected; still serving the previous one',
    );
  });

  const server = createServer((request, response) => {
    const send = (status, body, type = 'application/json') => {
      response.writeHead(status, { 'content-type': type });
      response.end(type === 'application/json' ? `${JSON.stringify(body, null, 2)}\n` : body);
    };
    const { pathname } = new URL(request.url ?? '/', 'http://localhost');
    if (pathname === '/config') {
      const snapshot = config.get();
      return send(200, {
        version: config.version,
        revision: revision(),
        hash: config.status().hash,
        config: redact(snapshot),
      });
    }
    if (pathname === '/secrets')
      // Where each secret comes from and whether it rotated — never a value.
      return send(200, { secrets: secrets?.status() ?? [] });
    if (pathname === '/healthz') {
      const { state, version, lastError } = config.status();
      return send(state === 'valid' ? 200 : 503, { state, version, lastError: lastError?.error.format() });
    }
    if (pathname === '/metrics')
      return send(200, config.prometheus(), 'text/plain; version=0.0.4; charset=utf-8');
    return send(404, { error: `no route ${pathname}` });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  logger.info(
    {
      url,
      configFile,
      nats: nats && `${nats.bucket ?? 'agentforge'}/${nats.key}`,
      version: config.version,
      revision: revision(),
    },
    'listening',
  );
  return {
    url,
    config,
    secrets,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await secrets?.close();
      await config.close();
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // In Kubernetes (hot delivery) the mounted document is named by AGENTFORGE_CONFIG_FILE.
  const configFile = process.env.CONFIG_FILE ?? process.env.AGENTFORGE_CONFIG_FILE ?? process.argv[2];
  let nats;
  try {
    nats = natsSettings();
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (!configFile && !nats) {
    process.stderr.write(
      'usage: CONFIG_FILE=<environment.yaml> | CONFIG_NATS_URL=<url> CONFIG_NATS_KEY=<environment> [PORT=8080] node src/server.mjs\n',
    );
    process.exit(2);
  }
  const logger = pino();
  try {
    const service = await startService({ configFile, nats, port: Number(process.env.PORT ?? 8080), logger });
    const stop = () => service.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  } catch (error) {
    logger.error(
      // pino's err serializer keeps the type, message, stack and the error's own fields (code, location).
      { err: error },
      'configuration invalid; not starting',
    );
    process.exit(1);
  }
}
