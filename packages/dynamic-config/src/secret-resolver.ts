import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentforgeError, type Logger, PROCESS_CONTRACT, secretScope } from '@agentforge/schema';
import { type FSWatcher, watch } from 'chokidar';

/** Options of {@link createSecretResolver}. */
export interface SecretResolverOptions {
  /**
   * The mounted secrets root: `{ secretRef: name, key }` reads `<dir>/<name>/<key>` (key per file,
   * as the kubelet projects a Secret volume). @default process.env.AGENTFORGE_SECRETS_DIR
   */
  dir?: string | undefined;
  /**
   * Environment variables that hold a secret instead of a file, by `<secretRef>/<key>`
   * (e.g. `{ 'llm-api-key/apiKey': 'LLM_API_KEY' }`). A mapping wins over the directory.
   */
  variables?: Readonly<Record<string, string>>;
  /**
   * The service this process is: only the references it reads are resolved — the platform's
   * and its own (`services.<service>.…`; `monitoring.…` for monitoring) — as its Deployment
   * mounts only those Secrets. Unset (and no `SERVICE_NAME` in `env`): every reference.
   * @default env.SERVICE_NAME
   */
  service?: string | undefined;
  /** Where `variables` and `SERVICE_NAME` are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Watch the secret folders for rotation (the kubelet's `..data` swap). @default true */
  watch?: boolean;
  /** Interval of the re-read that catches lost events; 0 turns it off. @default 5000 */
  pollIntervalMs?: number;
  /** Quiet time after the last file event before the folder is re-read. @default 100 */
  debounceMs?: number;
  /** pino-compatible; told which path rotated, never the value. */
  logger?: Logger;
}

/** Where a resolved secret comes from, as {@link SecretResolver.explain} names it (never the value). */
export type SecretSource = { kind: 'file'; file: string } | { kind: 'env'; variable: string };

/** One resolved secret, as {@link SecretResolver.status} reports it. */
export interface SecretStatus {
  /** Dotted path of the `{ secretRef }` in the configuration, e.g. `llm.apiKey`. */
  path: string;
  secretRef: string;
  key: string;
  source: SecretSource;
  /** `stale` once the value can no longer be read: the last value stays in force. */
  state: 'ok' | 'stale';
  /** How many times the value rotated since start. */
  rotations: number;
  /** Always `"changed (value hidden)"` after a rotation, never the value. */
  lastChange: 'changed (value hidden)' | undefined;
}

/** What a listener of {@link SecretResolver.subscribe} receives: the path, never the value. */
export interface SecretRotation {
  path: string;
  change: 'changed (value hidden)';
  rotations: number;
}

interface Entry {
  path: string;
  secretRef: string;
  key: string;
  source: SecretSource;
  value: string;
  hash: string;
  state: 'ok' | 'stale';
  rotations: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every `{ secretRef, key? }` in a configuration, by dotted path; the key defaults to the field name. */
export function findSecretRefs(config: unknown): { path: string; secretRef: string; key: string }[] {
  const out: { path: string; secretRef: string; key: string }[] = [];
  const visit = (node: unknown, segments: string[]) => {
    if (!isRecord(node)) return;
    if (typeof node.secretRef === 'string') {
      const key = typeof node.key === 'string' ? node.key : segments.at(-1);
      if (key) out.push({ path: segments.join('.'), secretRef: node.secretRef, key });
      return;
    }
    for (const [k, child] of Object.entries(node)) visit(child, [...segments, k]);
  };
  visit(config, []);
  return out;
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Resolves the configuration's secret references at run time, from the mounted Secret folders
 * of the process contract (docs/process-contract.md) or from mapped environment variables.
 * Values are held in memory only: {@link SecretResolver.get} returns one, everything else
 * (`explain`, `status`, events, logs) names the source and says "changed (value hidden)".
 * A reference that cannot be read at start throws a typed error naming it; one that
 * disappears later turns `stale` and keeps its last value.
 *
 * Rotation: each secret folder is watched as a directory (never the file's inode — the
 * kubelet's atomic writer replaces `..data`, and a watcher on the old inode goes silent; the
 * same reasoning as the file source), re-read after a debounce and by a periodic poll.
 * @example
 * const secrets = await createSecretResolver(config.get(), { dir: '/var/run/secrets/agentforge' });
 * const apiKey = secrets.get('llm.apiKey');
 */
export async function createSecretResolver(
  config: unknown,
  options: SecretResolverOptions = {},
): Promise<SecretResolver> {
  const resolver = new SecretResolver(config, options);
  await resolver.start();
  return resolver;
}

/** See {@link createSecretResolver}. */
export class SecretResolver {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Map<string, Set<(rotation: SecretRotation) => void>>();
  private readonly watchers: FSWatcher[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private poller: NodeJS.Timeout | undefined;
  private readonly dir: string | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private closed = false;

  constructor(
    private readonly config: unknown,
    private readonly options: SecretResolverOptions,
  ) {
    this.env = options.env ?? process.env;
    this.dir = options.dir ?? this.env[PROCESS_CONTRACT.secretsDirVariable];
  }

  /** Reads every reference once; throws `FILE_NOT_FOUND` naming the first that cannot be resolved. */
  async start(): Promise<void> {
    const missing: string[] = [];
    const service = this.options.service ?? this.env[PROCESS_CONTRACT.serviceNameVariable];
    const refs = findSecretRefs(this.config).filter(
      (ref) => !service || [service, 'platform'].includes(secretScope(ref.path.split('.'))),
    );
    for (const ref of refs) {
      const source = this.sourceOf(ref.secretRef, ref.key);
      const value = source ? await this.read(source) : undefined;
      if (value === undefined || !source) {
        missing.push(`${ref.path} (secretRef ${ref.secretRef}, key ${ref.key})`);
        continue;
      }
      this.entries.set(ref.path, { ...ref, source, value, hash: digest(value), state: 'ok', rotations: 0 });
    }
    if (missing.length > 0)
      throw new AgentforgeError(
        'FILE_NOT_FOUND',
        `secret reference${missing.length > 1 ? 's' : ''} not resolved: ${missing.join('; ')}; mount the Secret at ${
          this.dir ?? `$${PROCESS_CONTRACT.secretsDirVariable}`
        }/<secretRef>/<key> or map an environment variable`,
        { details: { missing } },
      );
    if (this.options.watch !== false && this.dir) {
      const folders = new Set(
        [...this.entries.values()].filter((e) => e.source.kind === 'file').map((e) => e.secretRef),
      );
      for (const folder of folders) {
        const watcher = watch(join(this.dir, folder), {
          depth: 0,
          followSymlinks: false,
          ignoreInitial: true,
          persistent: false,
          // chokidar's atomic mode would hold the removal of the old payload folder back 100 ms
          // and restart the debounce (see file-source.ts).
          atomic: false,
        });
        watcher.on('all', () => this.schedule(folder));
        watcher.on('raw', () => this.schedule(folder));
        watcher.on('error', () => this.schedule(folder));
        this.watchers.push(watcher);
        await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
      }
    }
    const poll = this.options.pollIntervalMs ?? 5000;
    if (poll > 0) {
      this.poller = setInterval(() => void this.refresh(), poll);
      this.poller.unref?.();
    }
  }

  /** The value of the secret referenced at `path` (dotted, e.g. `llm.apiKey`); throws for an unknown path. */
  get(path: string): string {
    const entry = this.entries.get(path);
    if (!entry) throw new AgentforgeError('INVALID_ARGUMENT', `no secret reference at "${path}"`);
    return entry.value;
  }

  /** Where the secret at `path` comes from and whether it is current — never its value. */
  explain(path: string): {
    path: string;
    secretRef: string;
    key: string;
    source: SecretSource;
    state: 'ok' | 'stale';
  } {
    const entry = this.entries.get(path);
    if (!entry) throw new AgentforgeError('INVALID_ARGUMENT', `no secret reference at "${path}"`);
    const { value: _value, hash: _hash, rotations: _rotations, ...shown } = entry;
    return shown;
  }

  /** Every resolved reference: paths, sources, states and rotation counts; no value, no hash. */
  status(): SecretStatus[] {
    return [...this.entries.values()].map(({ value: _value, hash: _hash, ...entry }) => ({
      ...entry,
      lastChange: entry.rotations > 0 ? 'changed (value hidden)' : undefined,
    }));
  }

  /** Calls `listener` when the secret at `path` rotates; returns the unsubscribe function. */
  subscribe(path: string, listener: (rotation: SecretRotation) => void): () => void {
    const set = this.listeners.get(path) ?? new Set();
    set.add(listener);
    this.listeners.set(path, set);
    return () => set.delete(listener);
  }

  /** Re-reads every secret now (also what the watcher and the poll do). */
  async refresh(folder?: string): Promise<void> {
    for (const entry of this.entries.values()) {
      if (this.closed) return;
      if (folder !== undefined && entry.secretRef !== folder) continue;
      const value = await this.read(entry.source);
      if (value === undefined) {
        if (entry.state !== 'stale')
          this.options.logger?.warn(
            { path: entry.path, source: entry.source },
            'secret unreadable; keeping the last value (stale)',
          );
        entry.state = 'stale';
        continue;
      }
      entry.state = 'ok';
      const hash = digest(value);
      if (hash === entry.hash) continue;
      entry.value = value;
      entry.hash = hash;
      entry.rotations++;
      this.options.logger?.info({ path: entry.path, change: 'changed (value hidden)' }, 'secret rotated');
      for (const listener of this.listeners.get(entry.path) ?? [])
        listener({ path: entry.path, change: 'changed (value hidden)', rotations: entry.rotations });
    }
  }

  /** Stops watching. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poller) clearInterval(this.poller);
    for (const timer of this.timers.values()) clearTimeout(timer);
    await Promise.all(this.watchers.map((w) => w.close()));
  }

  private schedule(folder: string): void {
    if (this.closed) return;
    clearTimeout(this.timers.get(folder));
    const timer = setTimeout(() => void this.refresh(folder), this.options.debounceMs ?? 100);
    timer.unref?.();
    this.timers.set(folder, timer);
  }

  private sourceOf(secretRef: string, key: string): SecretSource | undefined {
    const variable = this.options.variables?.[`${secretRef}/${key}`];
    if (variable) return { kind: 'env', variable };
    return this.dir ? { kind: 'file', file: join(this.dir, secretRef, key) } : undefined;
  }

  private async read(source: SecretSource): Promise<string | undefined> {
    if (source.kind === 'env') return this.env[source.variable];
    try {
      // Reading through the per-key symlink follows the current `..data` target.
      return (await readFile(source.file, 'utf8')).replace(/\r?\n$/, '');
    } catch {
      return undefined;
    }
  }
}
