import { createHash } from 'node:crypto';
import { existsSync, watch as watchDirectory } from 'node:fs';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  AgentforgeError,
  type DocumentFormat,
  deepMerge,
  isAgentforgeError,
  isPlainObject,
  type Locator,
  loadDocument,
} from '@agentforge/schema';
import { type FSWatcher, watch } from 'chokidar';
import { hashBytes } from './_data.js';
import { layeredLocator } from './_locator.js';
import { QuietTime, type ReadRequest } from './_quiet.js';
import type { ConfigSource, SourceContext, SourceUpdate } from './source.js';

/** Options of {@link fileSource}. */
export interface FileSourceOptions {
  /** The YAML or JSON file (it may be a symlink, as a Kubernetes ConfigMap key is), or the directory with `directory`. */
  path: string;
  /**
   * `path` is a directory (a mounted ConfigMap): every `*.yaml`, `*.yml` and `*.json` entry in
   * it is read and merged in name order, so keys may be added and removed. @default false
   */
  directory?: boolean;
  /** Format of the file. @default from the file name: `.json` → json, else yaml */
  format?: DocumentFormat;
  /** Start without the file and pick it up when it appears (its directory may be missing too). @default false */
  optional?: boolean;
  /** Watch with chokidar. Turn off where file events are unreliable; the checksum poll still runs. @default true */
  watch?: boolean;
  /**
   * Quiet time after the last change of the file's bytes before they are reported. Editors and
   * kubelet touch a file several times per save; reporting once after they are done avoids
   * partial states and duplicate reloads. The file is read on every event; an event after
   * which the bytes are unchanged (a swap's own follow-ups) does not extend the quiet time.
   * @default 100
   */
  debounceMs?: number;
  /** Interval of the checksum poll that catches events the watcher lost; 0 turns it off. @default 5000 */
  pollIntervalMs?: number;
  /**
   * How long an empty file or a dangling symlink counts as "being written" (retried) before it
   * is taken at face value (an empty file is then an error, a dangling link a missing file). @default 2000
   */
  transientGraceMs?: number;
}

interface FileBytes {
  /** The name shown in errors and locations. */
  file: string;
  bytes: Buffer;
}

type ReadResult =
  | { kind: 'content'; files: FileBytes[]; hash: string }
  | { kind: 'missing' }
  | { kind: 'transient'; why: 'dangling symlink' | 'empty' | 'changed while read' }
  | { kind: 'unreadable'; error: AgentforgeError };

// Editor droppings that never hold the configuration: vim swap/backup files and its `4913`
// write test, emacs lock and autosave files. Events for them are not worth a read.
const NOISE = /(\.sw[a-p]x?|~|^4913|^\.#.*|^#.*#)$/;
const DOCUMENT = /\.(ya?ml|json)$/i;
const relevant = (file: unknown) => !(typeof file === 'string' && NOISE.test(basename(file)));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref?.());

/**
 * A configuration file watched so that every way of replacing it is seen: in-place writes,
 * rename-over, editor saves, delete and recreate, symlink retargeting and the Kubernetes
 * ConfigMap `..data` swap.
 *
 * It watches the file's directory, never the file's inode: rename-over and the ConfigMap
 * swap replace the inode, and a watcher on the old inode goes silent — the failure behind
 * fsnotify/viper's missed ConfigMap updates (spf13/viper#1080) and chokidar's own
 * file-watch losses after atomic replaces. The directory of the resolved target (the
 * ConfigMap's timestamped data directory) is watched as well and re-resolved on every read,
 * so in-place writes behind a symlink are seen and a lingering old data directory is
 * dropped. Every event leads to a read (checked for stability: same inode, size and mtime
 * before and after; hashed); bytes that differ from the last read start the quiet time,
 * are parsed and handed to the manager to validate, and are reported when no further change
 * was read for `debounceMs` — follow-up events that leave the bytes as they are do not
 * extend it. A checksum poll repeats the read periodically in case events were lost.
 *
 * @example
 * const source = fileSource({ path: '/etc/agentforge/config.yaml', debounceMs: 100 });
 */
export function fileSource(options: FileSourceOptions): ConfigSource {
  return new FileSource(options);
}

/** A read's identity: equal outcomes, equal keys (see QuietTime). */
function keyOf(result: ReadResult): string {
  switch (result.kind) {
    case 'content':
      return `content:${result.hash}`;
    case 'transient':
      return `transient:${result.why}`;
    case 'unreadable':
      return `unreadable:${result.error.message}`;
    case 'missing':
      return 'missing';
  }
}

class FileSource implements ConfigSource {
  readonly kind = 'file' as const;
  readonly name: string;
  private readonly path: string;
  private readonly debounceMs: number;
  private readonly graceMs: number;
  private emit: (update: SourceUpdate) => void = () => {};
  private prepare: ((update: SourceUpdate) => void) | undefined;
  /** By directory: chokidar on the file's own directory, node:fs on those its links lead to. */
  private readonly watchers = new Map<string, { target: boolean; close(): unknown }>();
  /** When a read's outcome is reported. */
  private readonly quiet: QuietTime<ReadResult>;
  /** Re-reads a transient outcome (an empty file, a dangling link) one debounce later. */
  private retry: NodeJS.Timeout | undefined;
  private poller: NodeJS.Timeout | undefined;
  /** The read loop: one read at a time, repeated while events arrive. */
  private reading: Promise<void> | undefined;
  /** The watchers' re-resolution, one at a time, off the read loop. */
  private rewatching: Promise<void> = Promise.resolve();
  private closed = false;
  /** Hash of the bytes last reported (also when they failed to parse, so one bad save is one error). */
  private lastHash: string | undefined;
  private state: 'present' | 'missing' | 'absent' = 'absent';
  private transientSince: number | undefined;
  /** The bytes parsed ahead of their report, by hash. */
  private parsed: { hash: string; update: SourceUpdate } | undefined;
  /** The hash of the latest bytes to parse ahead (an older one's pending steps are dropped). */
  private ahead: string | undefined;

  constructor(private readonly options: FileSourceOptions) {
    this.path = resolve(options.path);
    this.name = options.path;
    this.debounceMs = options.debounceMs ?? 100;
    this.graceMs = options.transientGraceMs ?? 2000;
    this.quiet = new QuietTime(this.debounceMs, (result) => this.deliver(result));
  }

  async start(emit: (update: SourceUpdate) => void, context?: SourceContext): Promise<SourceUpdate> {
    let result = await this.read();
    const startedAt = Date.now();
    while (result.kind === 'transient' && Date.now() - startedAt < this.graceMs) {
      await sleep(this.debounceMs);
      result = await this.read();
    }
    if (result.kind === 'transient') result = this.atFaceValue(result);
    const initial = this.toUpdate(result) ?? { state: 'absent' };
    if (initial.state === 'absent' && !this.options.optional) {
      throw new AgentforgeError(
        'FILE_NOT_FOUND',
        `${this.name}: no such file (set optional: true to start without it)`,
      );
    }
    if (initial.state === 'error') throw initial.error;
    this.quiet.reset(keyOf(result), result);
    this.emit = emit;
    this.prepare = context?.prepare;
    await this.rewatch(true);
    const poll = this.options.pollIntervalMs ?? 5000;
    if (poll > 0) {
      this.poller = setInterval(() => {
        if (this.quiet.idle) this.onEvent({ urgent: true });
      }, poll);
      this.poller.unref();
    }
    return initial;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.quiet.close();
    clearTimeout(this.retry);
    clearInterval(this.poller);
    await this.reading;
    await this.rewatching;
    await Promise.all([...this.watchers.values()].map((watcher) => watcher.close()));
    this.watchers.clear();
  }

  /**
   * Brings the watchers in line with the directories that matter now: the file's directory
   * (or, while it does not exist, its nearest existing ancestor) and the directories its
   * symlinks resolve to. One watcher per directory, closed when the directory stops
   * mattering: chokidar's `unwatch` would also ignore everything below the directory, which
   * is exactly where a directory created later appears.
   */
  private async rewatch(waitUntilReady = false): Promise<void> {
    if (this.options.watch === false || this.closed) return;
    let dir = this.options.directory ? this.path : dirname(this.path);
    while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
    const targets = new Set<string>();
    for (const target of await this.targets()) {
      const real = await realpath(target).catch(() => undefined);
      if (real && dirname(real) !== dir) targets.add(dirname(real));
    }
    if (this.closed) return;
    for (const [watched, watcher] of this.watchers) {
      if (watcher.target ? targets.has(watched) : watched === dir) continue;
      this.watchers.delete(watched);
      void watcher.close();
    }
    let ready: Promise<void> | undefined;
    if (!this.watchers.has(dir)) {
      const watcher = this.watchDirectory(dir);
      this.watchers.set(dir, { target: false, close: () => watcher.close() });
      ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    }
    for (const target of targets) if (!this.watchers.has(target)) this.watchTarget(target);
    // Only the first start waits: later, a read must not wait for a new watcher's directory
    // scan, and the watcher's own ready event triggers a catch-up read.
    if (waitUntilReady) await ready;
  }

  /**
   * Watches a directory a symlink resolves to (a ConfigMap's timestamped payload folder), for
   * in-place writes behind the link. node:fs rather than chokidar: only "something changed
   * there" matters (the read decides what), and the ConfigMap swap moves the target to a new
   * folder on every update — a chokidar watcher per folder scanned it (readdirp: readdir,
   * lstat, realpath of every entry) and tore it down again each time, most of the main
   * thread's watcher work of a swap, and its `ready` catch-up read came tens of ms later,
   * close enough to the quiet time's end to hold the report back (issue 16, 4 pods at once).
   * fs.watch is in place when it returns; one read right away covers what changed before.
   */
  private watchTarget(dir: string): void {
    let watcher: ReturnType<typeof watchDirectory>;
    try {
      watcher = watchDirectory(dir, { persistent: false }, (_event, file) => {
        if (relevant(file)) this.onEvent();
      });
    } catch {
      // Gone already (a swap in progress), or out of watches: the next read re-resolves.
      return;
    }
    const entry = { target: true, close: () => watcher.close() };
    watcher.on('error', () => {
      // Windows reports the watched directory's removal as EPERM; the next read re-resolves.
      watcher.close();
      if (this.watchers.get(dir) === entry) this.watchers.delete(dir);
      this.onEvent();
    });
    this.watchers.set(dir, entry);
    this.onEvent({ catchUp: true });
  }

  private watchDirectory(dir: string): FSWatcher {
    // followSymlinks: false — `..data` and the key links are entries to notice, not trees to
    // descend into; depth: 0 — only the directory's own entries matter. atomic: false —
    // chokidar's atomic mode holds every `unlink` back 100 ms (to fold an editor's
    // unlink+add into one `change`); the ConfigMap swap's removal of the old payload folder
    // then arrived a debounce late (issue 16: p50 205 ms instead of ~105 ms at a 100 ms
    // debounce). No awaitWriteFinish and no polling either: both delay every event by their
    // interval; the read after each event checks that the bytes are one stable version.
    const watcher = watch(dir, {
      depth: 0,
      followSymlinks: false,
      ignoreInitial: true,
      persistent: false,
      atomic: false,
    });
    // `raw` is fs.watch itself, the first to know, and it reports renames that chokidar's own
    // bookkeeping may fold away (a symlink renamed over an existing one looks unchanged to it).
    watcher.on('raw', (_event, file) => {
      if (relevant(file)) this.onEvent();
    });
    // chokidar's own events are the same happenings, reported after its stat calls (ms later
    // under load): they start a read only when nothing is pending.
    watcher.on('all', (_event, file) => {
      if (relevant(file) && this.quiet.idle) this.onEvent();
    });
    watcher.on('error', () => this.onEvent());
    // Whatever happened while the watcher was starting is caught by a read once it is ready.
    watcher.once('ready', () => this.onEvent({ catchUp: true }));
    return watcher;
  }

  /**
   * A file event, or another reason to read: the file is read right away (after the rest of
   * the event batch lands), and the read decides — a changed outcome starts the quiet time at
   * the batch's last event, an unchanged one changes nothing.
   */
  private onEvent(request?: ReadRequest): void {
    if (this.closed) return;
    this.quiet.event(request);
    if (!this.reading) this.reading = this.readLoop();
  }

  /**
   * Reads while events arrive, one read at a time. Each read covers every event before it
   * started; its outcome is parsed and handed to the manager to validate while the quiet time
   * runs, so the report at its end costs almost nothing (the kubelet's swap is final at its one
   * rename, ~100 ms before the report).
   */
  private async readLoop(): Promise<void> {
    try {
      do {
        // Let the rest of this batch of file operations land before reading.
        await new Promise((resolve) => setImmediate(resolve));
        const ticket = this.quiet.beginRead();
        const result = await this.read();
        if (this.closed) return;
        if (this.quiet.endRead(ticket, keyOf(result), result)) this.parseAhead(result);
        this.quiet.arm();
        // Re-resolved after every read (a swap moves `..data`; a missing parent may have
        // appeared), without holding up the next read; a watcher added there triggers one
        // more read when it is ready.
        this.rewatching = this.rewatching.then(() => this.rewatch()).catch(() => {});
      } while (this.quiet.pending && !this.closed);
    } finally {
      this.reading = undefined;
    }
  }

  /**
   * Parses new bytes and lets the manager validate them (SourceContext.prepare), while the
   * quiet time runs: the YAML parse with its locator and the schema check are most of the work
   * of a reload (several ms each on the production document).
   *
   * Each step waits for the I/O already pending (setImmediate runs after the loop's poll
   * phase): file events are stamped when they are dispatched, and the quiet time of a change
   * starts at its stamp. With several files changing at once (issue 16: 4 pods' volumes
   * swapped together), one file's parse and check in a row held the others' events back by
   * up to ~13 ms, and their reports that much past the debounce. Only a cache: a report
   * before the steps are done parses and validates for itself.
   */
  private parseAhead(result: ReadResult): void {
    if (result.kind !== 'content' || result.hash === this.lastHash) return;
    this.ahead = result.hash;
    setImmediate(() => {
      if (this.closed || this.ahead !== result.hash || result.hash === this.lastHash) return;
      if (this.parsed?.hash !== result.hash) {
        try {
          this.parsed = { hash: result.hash, update: this.parse(result.files, result.hash) };
        } catch {
          // Not ours to report here: the report parses again and throws it.
          return;
        }
      }
      const { update } = this.parsed;
      setImmediate(() => {
        if (this.closed || this.ahead !== result.hash || this.parsed?.update !== update) return;
        this.prepare?.(update);
      });
    });
  }

  /** Reports an outcome whose quiet time is over. */
  private deliver(result: ReadResult): void {
    const settled = this.settle(result);
    const update = settled && this.toUpdate(settled);
    if (update) this.emit(update);
  }

  /**
   * An empty file or a dangling link is retried until the grace runs out; after that the
   * empty file is read as content (and fails to parse) and the link counts as missing.
   */
  private settle(result: ReadResult): ReadResult | undefined {
    if (result.kind !== 'transient') {
      this.transientSince = undefined;
      return result;
    }
    const now = Date.now();
    this.transientSince ??= now;
    if (result.why === 'changed while read' || now - this.transientSince < this.graceMs) {
      clearTimeout(this.retry);
      this.retry = setTimeout(() => this.onEvent({ force: true }), this.debounceMs);
      this.retry.unref();
      return undefined;
    }
    this.transientSince = undefined;
    return this.atFaceValue(result);
  }

  /** A transient state whose grace ran out: an empty file is content, a dangling link is missing. */
  private atFaceValue(result: Extract<ReadResult, { kind: 'transient' }>): ReadResult {
    if (result.why === 'dangling symlink') return { kind: 'missing' };
    if (result.why === 'changed while read') return this.unreadable('it kept changing while being read');
    return { kind: 'content', files: [{ file: this.name, bytes: Buffer.alloc(0) }], hash: hashBytes('') };
  }
  /** The update a read means, or `undefined` when nothing changed since the last report. */
  private toUpdate(result: ReadResult): SourceUpdate | undefined {
    switch (result.kind) {
      case 'transient':
        return undefined;
      case 'missing':
        if (this.state !== 'present') return undefined; // still absent, or already reported
        this.state = 'missing';
        this.lastHash = undefined;
        return { state: 'missing' };
      case 'unreadable':
        this.lastHash = undefined;
        return { state: 'error', reason: 'read', error: result.error };
      case 'content':
        this.state = 'present';
        if (result.hash === this.lastHash) return undefined;
        this.lastHash = result.hash;
        if (this.parsed?.hash === result.hash) {
          const { update } = this.parsed;
          this.parsed = undefined;
          return update;
        }
        return this.parse(result.files, result.hash);
    }
  }

  private parse(files: FileBytes[], hash: string): SourceUpdate {
    const format = this.options.format ? { format: this.options.format } : {};
    let data: Record<string, unknown> = {};
    const locators: Locator[] = [];
    for (const { file, bytes } of files) {
      try {
        const doc = loadDocument(bytes, { file, ...format });
        if (!isPlainObject(doc.data)) {
          const location = { file, line: 1, column: 1 };
          const error = new AgentforgeError(
            'PARSE_ERROR',
            `${file}: expected a mapping of settings at the top level`,
            { location },
          );
          return { state: 'error', reason: 'parse', error, hash };
        }
        data = deepMerge(data, doc.data) as Record<string, unknown>;
        locators.push(doc.locator);
      } catch (error) {
        if (!isAgentforgeError(error)) throw error;
        return { state: 'error', reason: 'parse', error, hash };
      }
    }
    return { state: 'ok', data, hash, locator: layeredLocator(this.name, locators) };
  }

  /** The files the source reads: the one file, or the documents in the directory. */
  private async targets(): Promise<string[]> {
    if (!this.options.directory) return [this.path];
    const names = await readdir(this.path).catch(() => [] as string[]);
    return names
      .filter((name) => DOCUMENT.test(name) && !name.startsWith('.'))
      .sort()
      .map((name) => join(this.path, name));
  }

  private async read(): Promise<ReadResult> {
    if (!this.options.directory) {
      const one = await this.readOne(this.path, this.name);
      return 'bytes' in one ? { kind: 'content', files: [one], hash: hashBytes(one.bytes) } : one;
    }
    const info = await stat(this.path).catch(() => undefined);
    if (!info) return { kind: 'missing' };
    if (!info.isDirectory()) return this.unreadable('not a directory');
    const files: FileBytes[] = [];
    const hash = createHash('sha256');
    for (const target of await this.targets()) {
      const one = await this.readOne(target, target);
      if (!('bytes' in one)) {
        // A key vanishing between the listing and the read is a swap in progress.
        return one.kind === 'missing' ? { kind: 'transient', why: 'changed while read' } : one;
      }
      files.push(one);
      hash.update(`${basename(target)}\0${one.bytes.length}\0`).update(one.bytes);
    }
    return { kind: 'content', files, hash: hash.digest('hex').slice(0, 16) };
  }

  private async readOne(
    path: string,
    file: string,
  ): Promise<FileBytes | Exclude<ReadResult, { kind: 'content' }>> {
    let before: Awaited<ReturnType<typeof stat>>;
    try {
      before = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return this.unreadable(code);
      // A link whose target is not there yet: kubelet or a deploy script is mid-swap.
      const link = await lstat(path).catch(() => undefined);
      return link?.isSymbolicLink() ? { kind: 'transient', why: 'dangling symlink' } : { kind: 'missing' };
    }
    if (!before.isFile()) return this.unreadable('not a regular file');
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? { kind: 'transient', why: 'changed while read' } : this.unreadable(code);
    }
    // Same inode, size and mtime before and after: the bytes are one version of the file.
    const after = await stat(path).catch(() => undefined);
    if (
      !after ||
      after.ino !== before.ino ||
      after.size !== before.size ||
      after.mtimeMs !== before.mtimeMs ||
      bytes.length !== after.size
    ) {
      return { kind: 'transient', why: 'changed while read' };
    }
    // An empty file is what a truncate-then-write looks like between the two steps.
    if (bytes.length === 0) return { kind: 'transient', why: 'empty' };
    return { file, bytes };
  }

  private unreadable(code: string | undefined): { kind: 'unreadable'; error: AgentforgeError } {
    return {
      kind: 'unreadable',
      error: new AgentforgeError(
        'FILE_UNREADABLE',
        `${this.name}: cannot be read (${code ?? 'unknown error'})`,
      ),
    };
  }
}
