import {
  AgentforgeError,
  isPlainObject,
  isSecretKey,
  type Logger,
  secretValueKind,
} from '@agentforge/schema';
import type { KV } from '@nats-io/kv';
import {
  connectNats,
  DEFAULT_BUCKET,
  loadNats,
  type NatsConnectOptions,
  natsError,
  openBucket,
} from './_nats.js';
import { decodePublished, encodePublished, type PublishedMeta } from './nats-envelope.js';
import { type ReplicaReport, statusBucketOf } from './nats-kv-source.js';

/** Where a published document lives: the connection, the bucket and the key (the environment). */
export interface NatsTarget extends NatsConnectOptions {
  /** The key, usually the environment name. */
  key: string;
  /** @default 'agentforge' */
  bucket?: string;
  logger?: Logger;
}

/** What the caller's validation said about a document (schema and policy findings). */
export interface PublishCheck {
  ok: boolean;
  /** One line that says why not, for the error and the audit trail. */
  summary?: string;
}

/** Options of {@link publishConfig}. */
export interface PublishOptions extends NatsTarget {
  /** The environment document to publish. */
  document: Record<string, unknown>;
  /**
   * Validates the document before anything is written (the CLI runs the schema and the
   * policy at `--fail-on`); a failed check refuses the publish with `CONFIG_INVALID`.
   */
  validate?: (document: Record<string, unknown>) => PublishCheck | Promise<PublishCheck>;
  /**
   * Compare-and-set against this revision (0 means "the key must not exist yet"). Without it
   * the revision read just before writing is used, so a concurrent publish is a conflict,
   * never a silent overwrite.
   */
  expectRevision?: number;
  /** Write whatever the current revision is. @default false */
  force?: boolean;
  /** Who publishes, recorded in the value's metadata. */
  by?: string;
  /** Marks the publish as a rollback to this revision. */
  rollbackOf?: number;
  /** Create the bucket (and the replicas' status bucket) when it does not exist. @default true */
  createBucket?: boolean;
  /** Called after a successful write, to append the publish to an audit trail. */
  audit?: (record: PublishAuditRecord) => void | Promise<void>;
}

/** What is handed to {@link PublishOptions.audit}. */
export interface PublishAuditRecord {
  action: 'publish' | 'rollback';
  bucket: string;
  key: string;
  revision: number;
  previousRevision: number | undefined;
  hash: string;
  by: string | undefined;
  rollbackOf: number | undefined;
}

/** What {@link publishConfig} did. */
export type PublishResult =
  | { status: 'published'; revision: number; previousRevision: number | undefined; hash: string }
  /** The latest revision already holds this document; nothing was written. */
  | { status: 'unchanged'; revision: number; hash: string }
  /** Another publish got there first: `expectedRevision` was not the latest, `actualRevision` is. */
  | { status: 'conflict'; expectedRevision: number; actualRevision: number | undefined };

/**
 * Publishes an environment document to a NATS KV bucket with compare-and-set: the document
 * is checked for literal secrets and by `validate`, encoded as canonical JSON with its
 * metadata, and written with `kv.update(key, value, expectedRevision)` (or `kv.create` for a
 * new key). A concurrent publish returns `conflict` naming both revisions; a user without
 * permission gets `PERMISSION_DENIED` naming the subject; an unreachable server
 * `NATS_UNAVAILABLE`.
 * @example
 * const result = await publishConfig({ servers: 'nats://nats:4222', key: 'production', document });
 * if (result.status === 'conflict') console.error(`revision ${result.actualRevision} is newer`);
 */
export async function publishConfig(options: PublishOptions): Promise<PublishResult> {
  const secrets = findLiteralSecrets(options.document);
  if (secrets.length > 0)
    throw new AgentforgeError(
      'SECRET_LITERAL',
      `refusing to publish ${options.key}: literal secret value(s) at ${secrets.join(', ')}; use { secretRef: <name> } instead`,
      { details: secrets },
    );
  if (options.validate) {
    const check = await options.validate(options.document);
    if (!check.ok)
      throw new AgentforgeError(
        'CONFIG_INVALID',
        `refusing to publish ${options.key}: ${check.summary ?? 'the document did not pass validation'}`,
      );
  }
  return withBucket(options, { create: options.createBucket ?? true }, async (kv, bucket) => {
    const current = await kv.get(options.key);
    const currentRevision = current?.revision;
    const value = encodePublished(options.document, {
      environment: options.key,
      publishedAt: new Date().toISOString(),
      ...(options.by ? { by: options.by } : {}),
      ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
    });
    const { hash } = decodePublished(value, options.key);
    const expected = options.expectRevision ?? currentRevision ?? 0;
    if (!options.force && options.expectRevision !== undefined && expected !== (currentRevision ?? 0))
      return { status: 'conflict', expectedRevision: expected, actualRevision: currentRevision };
    if (
      !options.force &&
      options.rollbackOf === undefined &&
      current?.operation === 'PUT' &&
      safeHash(current.value) === hash
    )
      return { status: 'unchanged', revision: current.revision, hash };
    let revision: number;
    try {
      if (options.force) revision = await kv.put(options.key, value);
      else if (expected === 0 || current?.operation !== 'PUT')
        // A new key, or one whose last entry is a delete marker: create() succeeds on both.
        revision = await kv.create(options.key, value);
      else revision = await kv.update(options.key, value, expected);
    } catch (error) {
      const conflict = /wrong last sequence: (\d+)|key exists/i.exec((error as Error)?.message ?? '');
      if (conflict)
        return {
          status: 'conflict',
          expectedRevision: expected,
          actualRevision: conflict[1] ? Number(conflict[1]) : (await kv.get(options.key))?.revision,
        };
      throw error;
    }
    options.logger?.info({ bucket, key: options.key, revision, hash }, 'configuration published');
    await options.audit?.({
      action: options.rollbackOf === undefined ? 'publish' : 'rollback',
      bucket,
      key: options.key,
      revision,
      previousRevision: currentRevision,
      hash,
      by: options.by,
      rollbackOf: options.rollbackOf,
    });
    return { status: 'published', revision, previousRevision: currentRevision, hash };
  });
}

/** Options of {@link rollbackConfig}. */
export interface RollbackOptions extends Omit<PublishOptions, 'document' | 'rollbackOf' | 'expectRevision'> {
  /** The earlier revision whose document is published again. */
  toRevision: number;
}

/**
 * Publishes the document of an earlier revision again, through the same checks and the same
 * compare-and-set as {@link publishConfig}: the rollback is a new revision, so every replica
 * applies it like any publish and the history keeps both.
 */
export async function rollbackConfig(
  options: RollbackOptions,
): Promise<PublishResult & { rolledBackTo: number }> {
  const earlier = await readPublished({ ...options, revision: options.toRevision });
  const result = await publishConfig({
    ...options,
    document: earlier.document,
    rollbackOf: options.toRevision,
    ...(options.force ? {} : { expectRevision: earlier.latestRevision }),
  });
  return { ...result, rolledBackTo: options.toRevision };
}

/** A published revision, as {@link readPublished} returns it. */
export interface PublishedRevision {
  revision: number;
  document: Record<string, unknown>;
  hash: string;
  meta: PublishedMeta | undefined;
  created: Date;
  /** The key's latest revision (equal to `revision` unless an earlier one was asked for). */
  latestRevision: number;
}

/**
 * The document published under the key: the latest revision, or `revision`. Throws
 * `NATS_KEY_NOT_FOUND` when there is none (or it was deleted), naming the key and revision.
 */
export async function readPublished(target: NatsTarget & { revision?: number }): Promise<PublishedRevision> {
  return withBucket(target, { create: false }, async (kv, bucket) => {
    const latest = await kv.get(target.key);
    const entry =
      target.revision === undefined ? latest : await kv.get(target.key, { revision: target.revision });
    if (entry?.operation !== 'PUT' || entry.key !== target.key)
      throw new AgentforgeError(
        'NATS_KEY_NOT_FOUND',
        `nothing published under ${bucket}/${target.key}${target.revision === undefined ? '' : ` at revision ${target.revision}`}${entry && entry.operation !== 'PUT' ? ` (${entry.operation === 'DEL' ? 'deleted' : 'purged'})` : ''}`,
      );
    const decoded = decodePublished(entry.value, `${bucket}/${target.key}@${entry.revision}`);
    return {
      revision: entry.revision,
      document: decoded.document,
      hash: decoded.hash,
      meta: decoded.meta,
      created: entry.created,
      latestRevision: latest?.revision ?? entry.revision,
    };
  });
}

/** One revision of a key, as {@link publishedHistory} lists it. */
export interface HistoryEntry {
  revision: number;
  operation: 'PUT' | 'DEL' | 'PURGE';
  created: Date;
  hash: string | undefined;
  meta: PublishedMeta | undefined;
  /** Why the value cannot be read, for a value written by another tool. */
  problem?: string;
}

/** Every revision the bucket keeps for the key, oldest first (the bucket's `history` setting bounds it). */
export async function publishedHistory(target: NatsTarget): Promise<HistoryEntry[]> {
  return withBucket(target, { create: false }, async (kv, bucket) => {
    const entries: HistoryEntry[] = [];
    const iterator = await kv.history({ key: target.key });
    for await (const entry of iterator) {
      const item: HistoryEntry = {
        revision: entry.revision,
        operation: entry.operation,
        created: entry.created,
        hash: undefined,
        meta: undefined,
      };
      if (entry.operation === 'PUT') {
        try {
          const decoded = decodePublished(entry.value, `${bucket}/${target.key}@${entry.revision}`);
          item.hash = decoded.hash;
          item.meta = decoded.meta;
        } catch (error) {
          item.problem = (error as Error).message;
        }
      }
      entries.push(item);
    }
    return entries.sort((a, b) => a.revision - b.revision);
  });
}

/** What {@link fleetStatus} returns: the latest revision and what each replica reported. */
export interface FleetStatus {
  bucket: string;
  /** Per key (environment): the latest revision, and the replicas reporting for it. */
  keys: Array<{ key: string; latestRevision: number | undefined; replicas: ReplicaReport[] }>;
}

/**
 * Which replica runs which revision: the reports the NATS sources write to `<bucket>-status`,
 * beside each key's latest revision. `key` limits it to one environment.
 */
export async function fleetStatus(target: Omit<NatsTarget, 'key'> & { key?: string }): Promise<FleetStatus> {
  const bucket = target.bucket ?? DEFAULT_BUCKET;
  const nc = await connectNats(target);
  try {
    const kv = await openBucket(nc, bucket, { domain: target.domain });
    const status = await openBucket(nc, statusBucketOf(bucket), { domain: target.domain });
    const reports: ReplicaReport[] = [];
    const names = await status.keys(target.key ? `${target.key}.>` : '>');
    const list: string[] = [];
    for await (const name of names) list.push(name);
    for (const name of list) {
      const entry = await status.get(name);
      if (entry?.operation !== 'PUT') continue;
      try {
        reports.push(entry.json<ReplicaReport>());
      } catch {}
    }
    const keys = [...new Set([...(target.key ? [target.key] : []), ...reports.map((r) => r.key)])].sort();
    const result: FleetStatus = { bucket, keys: [] };
    for (const key of keys) {
      const latest = await kv.get(key);
      result.keys.push({
        key,
        latestRevision: latest?.revision,
        replicas: reports.filter((r) => r.key === key).sort((a, b) => a.replica.localeCompare(b.replica)),
      });
    }
    return result;
  } catch (error) {
    throw natsError(error, { bucket });
  } finally {
    await nc.close().catch(() => {});
  }
}

async function withBucket<T>(
  target: NatsTarget,
  options: { create: boolean },
  fn: (kv: KV, bucket: string) => Promise<T>,
): Promise<T> {
  const bucket = target.bucket ?? DEFAULT_BUCKET;
  const nc = await connectNats(target);
  try {
    let kv: KV;
    try {
      kv = await openBucket(nc, bucket, { domain: target.domain });
    } catch (error) {
      if (!options.create || (error as AgentforgeError).code !== 'NATS_KEY_NOT_FOUND') throw error;
      kv = await openBucket(nc, bucket, { domain: target.domain, create: true });
      await openBucket(nc, statusBucketOf(bucket), { domain: target.domain, create: true });
    }
    return await fn(kv, bucket);
  } catch (error) {
    throw natsError(error, { bucket, servers: String(target.servers ?? '') });
  } finally {
    await nc.close().catch(() => {});
  }
}

function safeHash(bytes: Uint8Array): string | undefined {
  try {
    return decodePublished(bytes, 'current').hash;
  } catch {
    return undefined;
  }
}

/**
 * JSON pointers of string values that are secrets written in clear: a value under a secret
 * key (`password`, `apiKey`…) or one that looks like a credential whatever its key.
 */
export function findLiteralSecrets(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => findLiteralSecrets(item, `${path}/${i}`));
  if (!isPlainObject(value)) return [];
  const found: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    const pointer = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (typeof child === 'string') {
      if ((isSecretKey(key) && child !== '') || secretValueKind(child)) found.push(pointer);
    } else found.push(...findLiteralSecrets(child, pointer));
  }
  return found;
}

/** Options of {@link mirrorBucket}. */
export interface MirrorOptions extends NatsConnectOptions {
  /** The mirror's name on this server. @default 'agentforge' */
  bucket?: string;
  /** The bucket mirrored: its JetStream domain (the hub) and name (default: `bucket`). */
  from: { domain: string; bucket?: string };
  /** How long to wait for the mirror to catch up. @default 10000 */
  timeoutMs?: number;
  logger?: Logger;
}

/**
 * Creates (or opens) a read-only mirror of a bucket from another JetStream domain — on a leaf
 * node server in another cluster — and waits until it has caught up, so services attached
 * to the leaf start with the latest revision. Also creates the leaf's own status bucket, where
 * its replicas report. Revisions keep their numbers in the mirror.
 */
export async function mirrorBucket(options: MirrorOptions): Promise<{ bucket: string; revision: number }> {
  const bucket = options.bucket ?? DEFAULT_BUCKET;
  const { jetstream, kv: kvModule } = await loadNats();
  const nc = await connectNats(options);
  try {
    const js = jetstream.jetstream(nc, options.domain ? { domain: options.domain } : {});
    const kvm = new kvModule.Kvm(js);
    const mirror = await kvm.create(bucket, {
      history: 64,
      mirror: { name: options.from.bucket ?? bucket, domain: options.from.domain },
    });
    await kvm.create(statusBucketOf(bucket), { history: 1 });
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const info = (await mirror.status()).streamInfo;
      // lag is what the origin has that the mirror has not; 0 with a recent contact is caught up.
      if (info.mirror && info.mirror.lag === 0 && info.mirror.active >= 0 && info.mirror.active < 5e9)
        return { bucket, revision: info.state.last_seq };
      if (Date.now() > deadline)
        throw new AgentforgeError(
          'NATS_UNAVAILABLE',
          `mirror ${bucket} of ${options.from.bucket ?? bucket}@${options.from.domain} has not caught up (lag ${info.mirror?.lag ?? 'unknown'}); is the leaf node connected?`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } catch (error) {
    throw natsError(error, { bucket });
  } finally {
    await nc.close().catch(() => {});
  }
}
