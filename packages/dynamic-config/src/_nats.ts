// The NATS client side shared by the KV source and the publisher: loading the optional peer
// dependencies lazily, connecting, opening the bucket and turning client errors into
// AgentforgeErrors that name the server, the bucket or the subject.
import { readFile } from 'node:fs/promises';
import { AgentforgeError, isAgentforgeError } from '@agentforge/schema';
import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** How to reach and authenticate with NATS; shared by the source, the publisher and `config status`. */
export interface NatsConnectOptions {
  /** Server URL(s), `nats://host:4222`. @default 'nats://127.0.0.1:4222' */
  servers?: string | readonly string[];
  /** A `.creds` file (JWT + nkey seed) for decentralised auth. */
  creds?: string;
  user?: string;
  password?: string;
  token?: string;
  /** Client name shown by the server (`nats server report connections`). */
  clientName?: string;
  /** How long the first connection attempt may take. @default 5000 */
  connectTimeoutMs?: number;
  /** Wait between reconnect attempts. @default 250 */
  reconnectWaitMs?: number;
  /** JetStream domain of the bucket, for a bucket behind a leaf node. */
  domain?: string;
}

/** The default bucket name. */
export const DEFAULT_BUCKET = 'agentforge';

type Modules = {
  transport: typeof import('@nats-io/transport-node');
  jetstream: typeof import('@nats-io/jetstream');
  kv: typeof import('@nats-io/kv');
};

let loaded: Promise<Modules> | undefined;

/**
 * Imports the NATS client only when a NATS feature is used, so services that read files never
 * pay for it (nor need it installed).
 */
export function loadNats(): Promise<Modules> {
  loaded ??= (async () => {
    try {
      const [transport, jetstream, kv] = await Promise.all([
        import('@nats-io/transport-node'),
        import('@nats-io/jetstream'),
        import('@nats-io/kv'),
      ]);
      return { transport, jetstream, kv };
    } catch (error) {
      loaded = undefined;
      throw new AgentforgeError(
        'DEPENDENCY_MISSING',
        'the NATS features of @agentforge/dynamic-config need the NATS client, an optional peer dependency: npm install @nats-io/transport-node@^3 @nats-io/jetstream@^3 @nats-io/kv@^3',
        { cause: error },
      );
    }
  })();
  return loaded;
}

/** The servers as one list. */
export function serverList(options: NatsConnectOptions): string[] {
  const servers = options.servers ?? 'nats://127.0.0.1:4222';
  return typeof servers === 'string' ? servers.split(',').map((s) => s.trim()) : [...servers];
}

/** Connects; reconnects forever afterwards. Throws `NATS_UNAVAILABLE` naming the servers. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const { transport } = await loadNats();
  const servers = serverList(options);
  const authenticator = options.creds
    ? transport.credsAuthenticator(await readCreds(options.creds))
    : undefined;
  try {
    return await transport.connect({
      servers,
      ...(options.user !== undefined ? { user: options.user, pass: options.password ?? '' } : {}),
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(authenticator ? { authenticator } : {}),
      ...(options.clientName ? { name: options.clientName } : {}),
      timeout: options.connectTimeoutMs ?? 5000,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: options.reconnectWaitMs ?? 250,
      // A replica should notice a dead server in seconds, not the default two minutes.
      pingInterval: 2000,
      maxPingOut: 2,
    });
  } catch (error) {
    throw natsError(error, { servers: servers.join(',') });
  }
}

async function readCreds(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new AgentforgeError('FILE_UNREADABLE', `${file}: cannot read the NATS credentials file`, {
      cause: error,
    });
  }
}

/** Opens an existing bucket (never creates it), in `domain` when given. */
export async function openBucket(
  nc: NatsConnection,
  bucket: string,
  options: { domain?: string | undefined; create?: boolean } = {},
): Promise<KV> {
  const { jetstream, kv } = await loadNats();
  const js = jetstream.jetstream(nc, options.domain ? { domain: options.domain } : {});
  const kvm = new kv.Kvm(js);
  try {
    if (options.create) return await kvm.create(bucket, { history: 64 });
    const kv = await kvm.open(bucket);
    // open() is lazy: ask for the stream now so a missing bucket is named here, not at the
    // first read.
    await kv.status();
    return kv;
  } catch (error) {
    throw natsError(error, { bucket });
  }
}

/** `entry` is a live value (not a delete or purge marker). */
export function isLive(entry: KvEntry | null | undefined): entry is KvEntry {
  return !!entry && entry.operation === 'PUT';
}

/**
 * An AgentforgeError for a NATS client error: permission violations name the subject, a
 * missing stream names the bucket, connection failures name the servers.
 */
export function natsError(
  error: unknown,
  context: { servers?: string; bucket?: string; key?: string } = {},
): AgentforgeError {
  if (isAgentforgeError(error)) return error;
  const err = error as Error & { operation?: string; subject?: string; code?: unknown };
  const message = err?.message ?? String(error);
  const violation = findPermissionViolation(error);
  if (violation)
    return new AgentforgeError(
      'PERMISSION_DENIED',
      `NATS refused: Permissions Violation for ${violation.operation === 'subscription' ? 'Subscription to' : 'Publish to'} "${violation.subject}" — the user lacks permission for that subject`,
      { cause: error, details: violation },
    );
  if (/stream not found|bucket not found|no responders/i.test(message) && context.bucket)
    return new AgentforgeError(
      'NATS_KEY_NOT_FOUND',
      `NATS bucket "${context.bucket}" not found (the first agentforge config publish creates it; behind a leaf node, check the JetStream domain)`,
      { cause: error },
    );
  const name = err?.name ?? '';
  if (/Connection|Timeout|Closed|ECONNREFUSED|disconnect/i.test(`${name} ${message}`))
    return new AgentforgeError(
      'NATS_UNAVAILABLE',
      `NATS is unavailable${context.servers ? ` at ${context.servers}` : ''}: ${message}`,
      { cause: error },
    );
  return new AgentforgeError('NATS_UNAVAILABLE', `NATS request failed: ${message}`, { cause: error });
}

function findPermissionViolation(error: unknown): { operation: string; subject: string } | undefined {
  for (let e = error as { cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    const candidate = e as { name?: string; operation?: string; subject?: string; message?: string };
    if (candidate.name === 'PermissionViolationError' && candidate.subject)
      return { operation: candidate.operation ?? 'publish', subject: candidate.subject };
    const match = /Permissions Violation for (Publish|Subscription) to "?([^"\s]+)"?/i.exec(
      candidate.message ?? '',
    );
    if (match) return { operation: match[1]!.toLowerCase(), subject: match[2]! };
    e = e.cause as { cause?: unknown } | undefined;
  }
  return undefined;
}
