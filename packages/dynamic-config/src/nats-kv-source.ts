import { hostname } from 'node:os';
import { AgentforgeError, isAgentforgeError, type Logger } from '@agentforge/schema';
import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { deepFreeze } from './_data.js';
import { connectNats, type NatsConnectOptions, natsError, openBucket } from './_nats.js';
import { decodePublished, type PublishedValue } from './nats-envelope.js';
import type { ConfigSource, SourceOutcome, SourceUpdate } from './source.js';

/** Options of {@link natsKvSource}. */
export interface NatsKvSourceOptions extends NatsConnectOptions {
  /** The key holding the document, usually the environment name (`production`). */
  key: string;
  /** The Key-Value bucket. @default 'agentforge' */
  bucket?: string;
  /** Start without the key and pick it up when it is first published. @default false */
  optional?: boolean;
  /**
   * Report what this replica applied (revision, content hash, state) to the status bucket, so
   * `agentforge config status` shows which replica runs which revision. `true` reports as
   * `<hostname>-<pid>`. @default false
   */
  report?: boolean | { replica?: string; bucket?: string };
  /** Where connection and watch problems are logged. */
  logger?: Logger;
}

// The last decoded value per bucket/key, shared by every source of the process: N managers
// watching one key decode each revision once. The document is deep-frozen, which also lets
// the managers share its validation (see _memo.ts).
const decoded = new Map<string, { bytes: Uint8Array; value: PublishedValue }>();

function decodeShared(id: string, bytes: Uint8Array, where: string): PublishedValue {
  const hit = decoded.get(id);
  if (hit && Buffer.compare(hit.bytes, bytes) === 0) return hit.value;
  const value = decodePublished(bytes, where);
  deepFreeze(value.document);
  decoded.set(id, { bytes: Uint8Array.from(bytes), value });
  return value;
}

/** The bucket the replicas report to: `<bucket>-status`. */
export const statusBucketOf = (bucket: string) => `${bucket}-status`;

/** What a replica writes to `<bucket>-status` under `<key>.<replica>`. */
export interface ReplicaReport {
  replica: string;
  key: string;
  /** The last revision this replica saw. */
  revision: number | undefined;
  /** The revision whose content is in force (equal to `revision` unless it was rejected). */
  appliedRevision: number | undefined;
  /** Content hash of the document of `appliedRevision`. */
  hash: string | undefined;
  state: 'valid' | 'stale' | 'error';
  /** Why the last revision was rejected. */
  error?: string;
  at: string;
}

/**
 * A layer read from one key of a NATS JetStream Key-Value bucket, watched for new revisions.
 *
 * Every revision is handed to the manager, which validates the layered candidate before it
 * applies anything: an invalid revision leaves the last-known-good in force (status `error`
 * naming the revision). A delete or purge, and a lost connection, make the manager `stale`.
 * After a reconnect the watch resumes after the last revision seen and the key is read
 * again, so the latest revision is applied exactly once whatever happened meanwhile —
 * the missed-update-after-reconnect problem users of etcd and Consul watches report.
 * Revisions at or below the last one seen are dropped, so a watcher the client library
 * restarts by itself cannot deliver one twice.
 *
 * The NATS client (`@nats-io/transport-node`, `@nats-io/jetstream`, `@nats-io/kv`) is an
 * optional peer dependency, imported only when this source starts.
 * @example
 * const config = await createConfigManager({
 *   sources: [natsKvSource({ servers: 'nats://nats:4222', key: 'production', report: true })],
 * });
 */
export function natsKvSource(options: NatsKvSourceOptions): ConfigSource {
  return new NatsKvSource(options);
}

class NatsKvSource implements ConfigSource {
  readonly kind = 'nats' as const;
  readonly name: string;
  private readonly bucketName: string;
  private emit: (update: SourceUpdate) => SourceOutcome | undefined = () => undefined;
  private nc: NatsConnection | undefined;
  private kv: KV | undefined;
  private watcher: { stop(): void } | undefined;
  /** The highest revision handed to the manager (content, delete or rejection). */
  private lastRevision = 0;
  /** The update last reported, re-sent after a reconnect to clear `stale`. */
  private lastUpdate: SourceUpdate | undefined;
  private connected = true;
  private closed = false;
  private resuming: Promise<void> = Promise.resolve();
  private statusKv: KV | undefined;
  private readonly replica: string | undefined;
  private reportChain: Promise<void> = Promise.resolve();
  private applied: { revision: number | undefined; hash: string | undefined } = {
    revision: undefined,
    hash: undefined,
  };

  constructor(private readonly options: NatsKvSourceOptions) {
    this.bucketName = options.bucket ?? 'agentforge';
    this.name = `nats:${this.bucketName}/${options.key}`;
    if (options.report)
      this.replica =
        (typeof options.report === 'object' ? options.report.replica : undefined) ??
        `${hostname()}-${process.pid}`;
  }

  async start(emit: (update: SourceUpdate) => SourceOutcome | undefined): Promise<SourceUpdate> {
    this.nc = await connectNats({ clientName: `agentforge ${this.name}`, ...this.options });
    try {
      this.kv = await openBucket(this.nc, this.bucketName, { domain: this.options.domain });
      if (this.replica) {
        const statusBucket =
          (typeof this.options.report === 'object' ? this.options.report.bucket : undefined) ??
          statusBucketOf(this.bucketName);
        this.statusKv = await openBucket(this.nc, statusBucket, { domain: this.options.domain }).catch(
          (error) => {
            this.options.logger?.warn(
              { err: error, bucket: statusBucket },
              'replica status bucket unavailable; not reporting',
            );
            return undefined;
          },
        );
      }
      const read = await this.read();
      const revision = read.revision;
      // A deleted key at start is as good as one never written.
      const update: SourceUpdate = read.update.state === 'missing' ? { state: 'absent' } : read.update;
      if (update.state === 'absent' && !this.options.optional)
        throw new AgentforgeError(
          'NATS_KEY_NOT_FOUND',
          `${this.name}: no value under key "${this.options.key}" (publish one with agentforge config publish, or set optional: true)`,
        );
      if (update.state === 'error') throw update.error;
      this.lastRevision = revision;
      this.lastUpdate = update;
      this.emit = emit;
      await this.watchFrom(revision + 1);
      void this.monitor();
      if (update.state === 'ok') this.applied = { revision: update.revision, hash: update.hash };
      this.report(update.state === 'ok' ? 'valid' : 'stale', update.revision);
      return update;
    } catch (error) {
      await this.close();
      throw natsError(error, { bucket: this.bucketName });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.stop();
    await this.reportChain;
    await this.nc?.close().catch(() => {});
  }

  /** The key's current state and the revision to watch after. */
  private async read(): Promise<{ update: SourceUpdate; revision: number }> {
    const kv = this.kv!;
    const entry = await kv.get(this.options.key);
    if (entry) return { update: this.toUpdate(entry), revision: entry.revision };
    // Never written: watch from the end of the stream so nothing published meanwhile is lost.
    const status = await kv.status();
    return { update: { state: 'absent' }, revision: status.streamInfo.state.last_seq };
  }

  private toUpdate(entry: KvEntry): SourceUpdate {
    if (entry.operation !== 'PUT') return { state: 'missing', revision: entry.revision };
    const where = `${this.name}@${entry.revision}`;
    try {
      const { document, hash } = decodeShared(`${this.options.servers}|${this.name}`, entry.value, where);
      return { state: 'ok', data: document, hash, revision: entry.revision };
    } catch (error) {
      const err = isAgentforgeError(error)
        ? error
        : new AgentforgeError('PARSE_ERROR', `${where}: ${String(error)}`, { cause: error });
      return { state: 'error', reason: 'parse', error: err, revision: entry.revision };
    }
  }

  /** (Re)creates the watcher, delivering revisions from `from` on. */
  private async watchFrom(from: number): Promise<void> {
    this.watcher?.stop();
    const iterator = await this.kv!.watch({ key: this.options.key, resumeFromRevision: Math.max(1, from) });
    this.watcher = iterator;
    void (async () => {
      try {
        for await (const entry of iterator) this.deliver(entry);
      } catch (error) {
        if (!this.closed) this.options.logger?.warn({ err: error, source: this.name }, 'NATS watch ended');
      }
    })();
  }

  private deliver(entry: KvEntry): void {
    if (this.closed || !this.connected || entry.revision <= this.lastRevision) return;
    this.lastRevision = entry.revision;
    this.send(this.toUpdate(entry));
  }

  private send(update: SourceUpdate): void {
    this.lastUpdate = update;
    const outcome = this.emit(update);
    if (update.state === 'ok' && (outcome === undefined || outcome.applied))
      this.applied = { revision: update.revision, hash: update.hash };
    const state =
      update.state === 'ok'
        ? outcome?.applied === false
          ? 'error'
          : 'valid'
        : update.state === 'error'
          ? 'error'
          : 'stale';
    this.report(
      state,
      update.revision,
      outcome?.error ?? (update.state === 'error' ? update.error.format() : undefined),
    );
  }

  /** Follows the connection: stale while it is down, resume and re-read once it is back. */
  private async monitor(): Promise<void> {
    const nc = this.nc!;
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === 'disconnect' && this.connected) {
        this.connected = false;
        // The library would resume this watcher by itself and replay every revision missed
        // meanwhile; resume() reads the latest instead, so only that one is applied.
        this.watcher?.stop();
        this.watcher = undefined;
        this.options.logger?.warn(
          { source: this.name, revision: this.lastRevision },
          'NATS disconnected; serving the last-known-good configuration',
        );
        this.emit({ state: 'missing' });
      } else if (status.type === 'reconnect') {
        this.connected = true;
        this.resuming = this.resuming.then(() => this.resume());
      }
    }
  }

  private async resume(): Promise<void> {
    if (this.closed) return;
    try {
      const { update, revision } = await this.read();
      if (this.closed) return;
      if (revision > this.lastRevision) {
        this.lastRevision = revision;
        this.send(update);
      } else if (this.lastUpdate) {
        // Nothing new: hand the same content back so the manager leaves `stale`; its hash is
        // unchanged, so no listener fires.
        this.send(this.lastUpdate);
      }
      await this.watchFrom(this.lastRevision + 1);
      this.options.logger?.info(
        { source: this.name, revision: this.lastRevision },
        'NATS reconnected; watch resumed',
      );
    } catch (error) {
      this.options.logger?.warn(
        { err: error, source: this.name },
        'NATS watch could not resume; retrying on the next reconnect',
      );
    }
  }

  private report(state: ReplicaReport['state'], revision: number | undefined, error?: string): void {
    const kv = this.statusKv;
    if (!kv || !this.replica) return;
    const record: ReplicaReport = {
      replica: this.replica,
      key: this.options.key,
      revision,
      appliedRevision: this.applied.revision,
      hash: this.applied.hash,
      state,
      ...(error ? { error } : {}),
      at: new Date().toISOString(),
    };
    const key = `${this.options.key}.${this.replica.replace(/[^-/_=a-zA-Z0-9]/g, '_')}`;
    this.reportChain = this.reportChain
      .then(() => kv.put(key, JSON.stringify(record)))
      .then(
        () => {},
        (err) => this.options.logger?.warn({ err, key }, 'could not report the applied revision'),
      );
  }
}
