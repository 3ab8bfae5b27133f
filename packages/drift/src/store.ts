import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AgentforgeError,
  assertInside,
  canonicalJson,
  type FingerprintKey,
  type Logger,
  loadFingerprintKey,
  writeFileAtomic,
} from '@agentforge/schema';
import { maskSecrets } from './canonical.js';
import { type Json, sha256 } from './json.js';

/** What is known about a snapshot without reading its document. */
export interface SnapshotMeta {
  /** SHA-256 (hex) of the canonical JSON of everything below and the document. */
  id: string;
  environment: string;
  /** ISO 8601 time the snapshot was taken. */
  createdAt: string;
  message?: string;
  /** The file the document was read from. */
  source?: string;
  author?: string;
  /** The snapshot that was `latest` when this one was taken. */
  parent?: string;
  /** SHA-256 (hex) of the canonical JSON of the document alone: equal documents, equal hash. */
  documentHash: string;
}

/** A snapshot: its metadata and the stored document, secrets masked by fingerprints. */
export interface Snapshot extends SnapshotMeta {
  document: Json;
}

/** Metadata given when taking a snapshot. */
export interface SaveOptions {
  message?: string;
  source?: string;
  author?: string;
}

/** The state of one listed snapshot, as {@link SnapshotStore.verify} finds it. */
export interface SnapshotCheck {
  id: string;
  ok: boolean;
  /** Why the snapshot cannot be used (missing file, hash mismatch, unreadable JSON). */
  problem?: string;
}

/**
 * Where snapshots live. The file system store is the default; a team can back the same
 * interface with a database or object storage.
 */
export interface SnapshotStore {
  /** Stores `document` (secrets masked) as the newest snapshot of `environment`. */
  save(environment: string, document: unknown, options?: SaveOptions): Promise<SnapshotMeta>;
  /** Every snapshot of `environment`, oldest first. */
  list(environment: string): Promise<SnapshotMeta[]>;
  /** A snapshot by id, unique id prefix or `latest`; a corrupted one is refused (`SNAPSHOT_CORRUPT`). */
  get(environment: string, ref: string): Promise<Snapshot>;
  /** Re-checks every listed snapshot against its content hash. */
  verify(environment: string): Promise<SnapshotCheck[]>;
  /**
   * The key secrets are fingerprinted with in this store; a document compared with a snapshot
   * is masked under it. A store without one is compared under a fresh key (secrets then read
   * as "not comparable").
   */
  fingerprintKey?(): Promise<FingerprintKey>;
}

/** Options of {@link FileSnapshotStore}. */
export interface FileSnapshotStoreOptions {
  logger?: Logger;
  /** The clock, for tests. @default () => new Date() */
  now?: () => Date;
  /**
   * The key secrets are fingerprinted with, or a function that loads it.
   * @default loadFingerprintKey(<root>): `<root>/fingerprint.key` or AGENTFORGE_FINGERPRINT_KEY
   */
  fingerprintKey?: FingerprintKey | (() => Promise<FingerprintKey>);
  /**
   * A folder the store's files must stay in: a write that would follow a symbolic link out of
   * it (a symlinked `.agentforge/`) is refused with `INVALID_ARGUMENT`. @default no check
   */
  containedIn?: string;
}

const SNAPSHOT_FORMAT_VERSION = 1;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const INDEX = 'index.jsonl';

function checkEnvironment(environment: string): void {
  if (!ENVIRONMENT.test(environment) || environment.includes('..')) {
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `invalid environment name for a snapshot: "${environment}" (letters, digits, ".", "_", "-")`,
    );
  }
}

/** The id a snapshot must have: the hash of its canonical metadata (which includes the document hash). */
function snapshotId(meta: Omit<SnapshotMeta, 'id'>): string {
  return sha256(canonicalJson(meta));
}

function metaOf(record: Record<string, unknown>): SnapshotMeta {
  const meta: SnapshotMeta = {
    id: String(record.id),
    environment: String(record.environment),
    createdAt: String(record.createdAt),
    documentHash: String(record.documentHash),
  };
  for (const key of ['message', 'source', 'author', 'parent'] as const)
    if (typeof record[key] === 'string') meta[key] = record[key];
  return meta;
}

/**
 * Snapshots as files under `<root>/<environment>/`: one `<id>.json` per snapshot, written
 * atomically, and an `index.jsonl` that lists them. Index lines are appended with `O_APPEND`
 * in one write each and carry their own SHA-256, so concurrent writers never lose a line and a
 * torn line is skipped; a line is appended only after its snapshot file is durable, so a
 * process killed mid-write leaves nothing half-listed.
 * @example const store = new FileSnapshotStore('.agentforge/snapshots'); await store.save('production', doc, { message: 'release 1.8' });
 */
export class FileSnapshotStore implements SnapshotStore {
  readonly root: string;
  readonly #logger: Logger | undefined;
  readonly #now: () => Date;
  readonly #key: FingerprintKey | (() => Promise<FingerprintKey>);
  readonly #containedIn: string | undefined;
  #loaded: Promise<FingerprintKey> | undefined;

  constructor(root: string, options: FileSnapshotStoreOptions = {}) {
    this.root = root;
    this.#logger = options.logger;
    this.#now = options.now ?? (() => new Date());
    this.#key = options.fingerprintKey ?? (() => loadFingerprintKey(root));
    this.#containedIn = options.containedIn;
  }

  /** The store's fingerprint key, loaded (or created) on first use. */
  fingerprintKey(): Promise<FingerprintKey> {
    const key = this.#key;
    this.#loaded ??= typeof key === 'function' ? key() : Promise.resolve(key);
    return this.#loaded;
  }

  /** The folder of one environment's snapshots. */
  directory(environment: string): string {
    checkEnvironment(environment);
    return join(this.root, environment);
  }

  async save(environment: string, document: unknown, options: SaveOptions = {}): Promise<SnapshotMeta> {
    const dir = this.directory(environment);
    if (this.#containedIn !== undefined) await assertInside(this.#containedIn, dir, { action: 'write' });
    await mkdir(dir, { recursive: true });
    if (isEmptyDocument(document))
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `nothing to snapshot: the document of ${environment} is empty (generate refuses it too)`,
      );
    const stored = maskSecrets(document, await this.fingerprintKey());
    const previous = await this.list(environment);
    const body: Omit<SnapshotMeta, 'id'> = {
      environment,
      createdAt: this.#now().toISOString(),
      documentHash: sha256(canonicalJson(stored)),
    };
    if (options.message) body.message = options.message;
    if (options.source) body.source = options.source;
    if (options.author) body.author = options.author;
    const parent = previous[previous.length - 1]?.id;
    if (parent) body.parent = parent;
    const meta: SnapshotMeta = { id: snapshotId(body), ...body };
    await writeFileAtomic(
      join(dir, `${meta.id}.json`),
      `${JSON.stringify({ formatVersion: SNAPSHOT_FORMAT_VERSION, ...meta, document: stored }, null, 2)}\n`,
      { mode: 0o600 },
    );
    const line = canonicalJson(meta);
    // The leading newline ends a line torn by a crash, so it cannot swallow this one.
    const handle = await open(join(dir, INDEX), 'a', 0o600);
    try {
      await handle.write(`\n${sha256(line)} ${line}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.#logger?.info({ environment, id: meta.id, parent: meta.parent }, 'snapshot saved');
    return meta;
  }

  async list(environment: string): Promise<SnapshotMeta[]> {
    let text: string;
    try {
      text = await readFile(join(this.directory(environment), INDEX), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new AgentforgeError(
        'FILE_UNREADABLE',
        `cannot read the snapshot index of ${environment}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const seen = new Set<string>();
    const out: SnapshotMeta[] = [];
    let lineNumber = 0;
    for (const line of text.split('\n')) {
      lineNumber++;
      if (line === '') continue;
      const space = line.indexOf(' ');
      const json = line.slice(space + 1);
      let record: unknown;
      try {
        record = space === 64 && sha256(json) === line.slice(0, 64) ? JSON.parse(json) : undefined;
      } catch {
        record = undefined;
      }
      if (record === null || typeof record !== 'object') {
        this.#logger?.warn({ environment, line: lineNumber }, 'skipped a damaged snapshot index line');
        continue;
      }
      const meta = metaOf(record as Record<string, unknown>);
      if (seen.has(meta.id)) continue;
      seen.add(meta.id);
      out.push(meta);
    }
    return out;
  }

  async get(environment: string, ref: string): Promise<Snapshot> {
    const all = await this.list(environment);
    let meta: SnapshotMeta | undefined;
    if (ref === 'latest') meta = all[all.length - 1];
    else {
      const matches = ref.length >= 4 ? all.filter((m) => m.id.startsWith(ref.toLowerCase())) : [];
      if (matches.length > 1)
        throw new AgentforgeError(
          'INVALID_ARGUMENT',
          `snapshot id prefix "${ref}" of ${environment} is ambiguous (${matches.length} snapshots); give more characters`,
        );
      meta = matches[0];
    }
    if (!meta) {
      throw new AgentforgeError(
        'SNAPSHOT_NOT_FOUND',
        all.length === 0
          ? `no snapshot of ${environment} yet (take one with: agentforge config snapshot --environment ${environment})`
          : `no snapshot "${ref}" of ${environment} (${all.length} listed; see agentforge config history --environment ${environment})`,
      );
    }
    return this.#read(environment, meta);
  }

  async #read(environment: string, meta: SnapshotMeta): Promise<Snapshot> {
    const file = join(this.directory(environment), `${meta.id}.json`);
    const corrupt = (problem: string, cause?: unknown) => {
      this.#logger?.error({ environment, id: meta.id, file, problem }, 'snapshot corrupt');
      return new AgentforgeError(
        'SNAPSHOT_CORRUPT',
        `${file}: snapshot ${meta.id.slice(0, 12)} of ${environment} is corrupt (${problem}); it will not be used`,
        { cause },
      );
    };
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw corrupt(
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file missing' : 'not valid JSON',
        error,
      );
    }
    if (record === null || typeof record !== 'object' || !('document' in record))
      throw corrupt('no document');
    const stored = metaOf(record);
    const document = record.document as Json;
    if (sha256(canonicalJson(document)) !== stored.documentHash) throw corrupt('document hash mismatch');
    const { id, ...body } = stored;
    if (id !== meta.id || snapshotId(body) !== meta.id) throw corrupt('metadata hash mismatch');
    return { ...stored, document };
  }

  async verify(environment: string): Promise<SnapshotCheck[]> {
    const checks: SnapshotCheck[] = [];
    for (const meta of await this.list(environment)) {
      try {
        await this.#read(environment, meta);
        checks.push({ id: meta.id, ok: true });
      } catch (error) {
        checks.push({ id: meta.id, ok: false, problem: (error as Error).message });
      }
    }
    return checks;
  }
}

function isEmptyDocument(document: unknown): boolean {
  return (
    document === null ||
    document === undefined ||
    (typeof document === 'object' && !Array.isArray(document) && Object.keys(document).length === 0)
  );
}

/**
 * The default store of a workspace: `<workspace>/.agentforge/snapshots/`, fingerprinting
 * secrets with the workspace key `<workspace>/.agentforge/fingerprint.key` (or
 * AGENTFORGE_FINGERPRINT_KEY).
 */
export function workspaceSnapshotStore(
  workspaceRoot: string,
  options: FileSnapshotStoreOptions = {},
): FileSnapshotStore {
  const state = join(workspaceRoot, '.agentforge');
  return new FileSnapshotStore(join(state, 'snapshots'), {
    fingerprintKey: async () => {
      await assertInside(workspaceRoot, state, { action: 'write' });
      return loadFingerprintKey(state);
    },
    containedIn: workspaceRoot,
    ...options,
  });
}

/** Stores the current document as the new baseline, e.g. after drift was reviewed and accepted. */
export function acceptBaseline(
  store: SnapshotStore,
  environment: string,
  document: unknown,
  options: SaveOptions = {},
): Promise<SnapshotMeta> {
  return store.save(environment, document, { message: 'accepted as the new baseline', ...options });
}

export type { Logger };
