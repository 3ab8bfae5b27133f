import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AgentforgeError,
  type Change,
  checkSchema,
  compileGlob,
  EnvironmentDocumentSchema,
  type Finding,
  formatPointer,
  getAtPointer,
  isAgentforgeError,
  type Locator,
  type PathMatcher,
  parsePointer,
  redact,
  type SourceLocation,
  toSegments,
} from '@agentforge/schema';
import type { z } from 'zod';
import { deepFreeze, deepMerge, diffLeaves, hashConfig } from './_data.js';
import { layeredLocator } from './_locator.js';
import { type ConfigMetrics, emptyMetrics, renderPrometheus } from './_metrics.js';
import { type EnvSourceOptions, envSource, objectSource } from './env-source.js';
import { type FileSourceOptions, fileSource } from './file-source.js';
import type { ConfigSource, FailureReason, SourceKind, SourceUpdate } from './source.js';
import type { ConfigPath, DeepPartial, DeepReadonly, Logger, PathValue } from './types.js';

/** File watching settings shared by every file of a manager (a file's own options win). */
export type WatchOptions = Pick<
  FileSourceOptions,
  'watch' | 'debounceMs' | 'pollIntervalMs' | 'transientGraceMs'
>;

/** Options of {@link createConfigManager}. */
export interface ConfigManagerOptions<S extends z.ZodType = typeof EnvironmentDocumentSchema> {
  /** Validates every candidate before it is applied. @default EnvironmentDocumentSchema */
  schema?: S;
  /** The lowest layer. */
  defaults?: DeepPartial<z.input<S>>;
  /** YAML or JSON files, later files over earlier ones. */
  files?: ReadonlyArray<string | FileSourceOptions>;
  /** Settings from environment variables over the files (`true` reads `process.env`). @default false */
  env?: boolean | EnvSourceOptions;
  /** Programmatic settings over everything else. */
  overrides?: DeepPartial<z.input<S>>;
  /** Further sources, layered between the environment and the overrides. */
  sources?: readonly ConfigSource[];
  /** Watching defaults for `files`. */
  watch?: WatchOptions;
  /** Where reloads, rejections and audit records go; nothing is logged without one. */
  logger?: Logger;
  /** A listener still running after this long is reported and no longer waited for. @default 30000 */
  listenerTimeoutMs?: number;
  /** Prefix of the Prometheus metric names. @default 'agentforge_config' */
  metricsPrefix?: string;
}

/** Overall health: `stale` serves the last-known-good after a file vanished; `error` after a rejected reload. */
export type ConfigState = 'initializing' | 'valid' | 'stale' | 'error';

/** One source as {@link ConfigManager.status} reports it. */
export interface SourceStatus {
  kind: SourceKind;
  name: string;
  state: 'pending' | 'ok' | 'error' | 'missing' | 'absent';
  /** Hash of the content last read. */
  hash: string | undefined;
  /** When content from this source was last accepted. */
  loadedAt: Date | undefined;
  /** The last error, formatted `file:line:col: message`. */
  error: string | undefined;
}

/** A rejected reload, as kept in {@link ConfigStatus.lastError} and passed to error listeners. */
export interface ConfigError {
  reason: FailureReason;
  /** The source whose change was rejected. */
  source: string;
  error: AgentforgeError;
  /** Schema findings, located in the file, for `validation` failures. */
  findings: Finding[];
  at: Date;
}

/** What {@link ConfigManager.status} returns. */
export interface ConfigStatus {
  state: ConfigState;
  version: number;
  hash: string | undefined;
  lastSuccessAt: Date | undefined;
  lastError: ConfigError | undefined;
  sources: SourceStatus[];
}

/** What a listener receives when the configuration under its path changed. */
export interface ChangeEvent<C> {
  /** The changed settings under the subscribed path, leaf by leaf; secret values redacted. */
  changes: readonly Change[];
  previous: C;
  current: C;
  version: number;
  hash: string;
  /** The source whose change caused the reload (`override` for programmatic overrides). */
  source: string;
}

/** A change listener; it may be async. */
export type ChangeListener<C> = (event: ChangeEvent<C>) => unknown;

/** Options of {@link ConfigManager.subscribe}. */
export interface SubscribeOptions {
  /**
   * Hold the listener weakly: once nothing else references it, it is collected and never
   * called again. A backstop for listeners tied to an object's lifetime; call `unsubscribe`
   * where you can, since collection happens whenever the GC decides. @default false
   */
  weak?: boolean;
}

/** Ends a subscription; also disposable (`using sub = config.subscribe(…)`). */
export interface Subscription {
  unsubscribe(): void;
  readonly active: boolean;
  [Symbol.dispose](): void;
}

/** A process-wide temporary override; disposing it removes the override (`using`). */
export interface OverrideHandle {
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Where a setting's value came from, as {@link ConfigManager.explain} reports it. */
export interface ValueOrigin {
  kind: SourceKind | 'scope' | 'override' | 'schema-default';
  name: string;
  /** The environment variable, for `env`. */
  variable?: string;
  /** Where the setting is written, for files. */
  location?: SourceLocation;
}

/** What {@link ConfigManager.explain} returns. */
export interface Explanation {
  /** The JSON pointer explained. */
  path: string;
  /** The value in force, secrets redacted; `undefined` when the path does not exist. */
  value: unknown;
  /** The layer whose value won, or `undefined` when the path does not exist. */
  source: ValueOrigin | undefined;
  /** Every layer that sets the path, highest precedence first. */
  layers: ValueOrigin[];
}

interface Snapshot<C> {
  config: C;
  /** The merged, not yet parsed candidate: scoped overrides are layered onto it. */
  raw: unknown;
  hash: string;
  version: number;
}

interface Entry {
  source: ConfigSource;
  state: SourceStatus['state'];
  data: Record<string, unknown> | undefined;
  hash: string | undefined;
  locator: Locator | undefined;
  origins: ReadonlyMap<string, string> | undefined;
  loadedAt: Date | undefined;
  error: AgentforgeError | undefined;
}

interface Listener<C> {
  id: number;
  matcher: PathMatcher | undefined;
  call: () => ChangeListener<C> | undefined;
  queue: Promise<void>;
}

interface Scope<C> {
  overrides: unknown;
  base: Snapshot<C>;
  config: C;
}

let nextListenerId = 1;

/**
 * Creates a manager and waits until its configuration is loaded and valid; rejects with an
 * `AgentforgeError` (`CONFIG_INVALID` with the findings, `FILE_NOT_FOUND`, `ENV_VAR_INVALID`…)
 * when it is not.
 * @example
 * const config = await createConfigManager({ files: ['/etc/agentforge/config.yaml'], env: true, logger });
 * config.get('services.swarm.replicas'); // 3
 * config.subscribe('services.*.replicas', ({ changes }) => scale(changes));
 */
export async function createConfigManager<S extends z.ZodType = typeof EnvironmentDocumentSchema>(
  options: ConfigManagerOptions<S> = {},
): Promise<ConfigManager<S>> {
  return new ConfigManager(options).ready();
}

/**
 * Typed configuration layered from defaults < files < environment variables < overrides,
 * validated as a whole before anything is applied, served as deeply frozen snapshots that are
 * swapped by reference (a reader holds all of the old or all of the new configuration), and
 * reloaded when files change — keeping the last-known-good on any failure.
 */
export class ConfigManager<S extends z.ZodType = typeof EnvironmentDocumentSchema> {
  private readonly schema: z.ZodType;
  private readonly entries: Entry[];
  private readonly logger: Logger | undefined;
  private readonly listenerTimeoutMs: number;
  private readonly metricsPrefix: string;
  private current: Snapshot<DeepReadonly<z.output<S>>> | undefined;
  private readonly counters = emptyMetrics();
  private lastSuccessAt: Date | undefined;
  private lastError: ConfigError | undefined;
  private lastAttemptFailed = false;
  private initialError: AgentforgeError | undefined;
  private readonly listeners = new Map<number, Listener<DeepReadonly<z.output<S>>>>();
  private readonly errorListeners = new Set<(error: ConfigError) => void>();
  private readonly handles: Array<{ overrides: unknown }> = [];
  private readonly scopes = new AsyncLocalStorage<Scope<DeepReadonly<z.output<S>>>>();
  private scoped = false;
  private closed = false;
  private readonly readyPromise: Promise<this>;
  // Drops weakly held listeners once they are collected (see SubscribeOptions.weak).
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.listeners.delete(id));

  constructor(options: ConfigManagerOptions<S> = {}) {
    this.schema = options.schema ?? EnvironmentDocumentSchema;
    this.logger = options.logger;
    this.listenerTimeoutMs = options.listenerTimeoutMs ?? 30_000;
    this.metricsPrefix = options.metricsPrefix ?? 'agentforge_config';
    const sources: ConfigSource[] = [];
    if (options.defaults) sources.push(objectSource('defaults', options.defaults as Record<string, unknown>));
    for (const file of options.files ?? []) {
      sources.push(fileSource({ ...options.watch, ...(typeof file === 'string' ? { path: file } : file) }));
    }
    if (options.env) sources.push(envSource(options.env === true ? {} : options.env));
    sources.push(...(options.sources ?? []));
    if (options.overrides)
      sources.push(objectSource('overrides', options.overrides as Record<string, unknown>));
    this.entries = sources.map((source) => ({
      source,
      state: 'pending',
      data: undefined,
      hash: undefined,
      locator: undefined,
      origins: undefined,
      loadedAt: undefined,
      error: undefined,
    }));
    this.readyPromise = this.start();
    // A caller who never awaits ready() must not get an unhandled rejection.
    this.readyPromise.catch(() => {});
  }

  /** Resolves with the manager once the first configuration is in force; rejects when it is invalid. */
  ready(): Promise<this> {
    return this.readyPromise;
  }

  private async start(): Promise<this> {
    try {
      await Promise.all(
        this.entries.map(async (entry) => {
          const initial = await entry.source.start((update) => this.onUpdate(entry, update), {
            schema: this.schema,
          });
          this.record(entry, initial);
        }),
      );
      const failed = this.rebuild('initial load');
      if (failed) throw failed;
      return this;
    } catch (error) {
      this.initialError = isAgentforgeError(error)
        ? error
        : new AgentforgeError('CONFIG_INVALID', `configuration could not be loaded: ${String(error)}`, {
            cause: error,
          });
      await this.close();
      throw this.initialError;
    }
  }

  /** Stops watching. Snapshots already handed out stay valid. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.entries.map((entry) => entry.source.close()));
  }

  /** {@link ConfigManager.close}, for `await using config = …`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * The configuration in force — in an override scope, with the scope's overrides — as a
   * deeply frozen snapshot; with a dotted path, the value there; with a selector, its result.
   * Keep the snapshot for a consistent view across several reads.
   */
  get(): DeepReadonly<z.output<S>>;
  get<P extends ConfigPath<DeepReadonly<z.output<S>>>>(path: P): PathValue<DeepReadonly<z.output<S>>, P>;
  get<R>(selector: (config: DeepReadonly<z.output<S>>) => R): R;
  get(pathOrSelector?: string | ((config: DeepReadonly<z.output<S>>) => unknown)): unknown {
    const config = this.config();
    if (pathOrSelector === undefined) return config;
    if (typeof pathOrSelector === 'function') return pathOrSelector(config);
    return getAtPointer(config, segmentsOf(pathOrSelector));
  }

  /** The value at a dotted path or JSON pointer, untyped (for paths computed at runtime). */
  at(pathOrPointer: string): unknown {
    return getAtPointer(this.config(), segmentsOf(pathOrPointer));
  }

  /** The version of the configuration in force: 1 after the first load, +1 per applied change. */
  get version(): number {
    return this.current?.version ?? 0;
  }

  private config(): DeepReadonly<z.output<S>> {
    const current = this.current;
    if (!current) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'the configuration is not loaded yet; await ready() first',
        {
          cause: this.initialError,
        },
      );
    }
    if (this.scoped) {
      const scope = this.scopes.getStore();
      if (scope) return this.scopeConfig(scope, current);
    }
    return current.config;
  }

  /** The scope's view of `current`, rebuilt when a reload replaced the base under the scope. */
  private scopeConfig(scope: Scope<DeepReadonly<z.output<S>>>, current: Snapshot<DeepReadonly<z.output<S>>>) {
    if (scope.base !== current) {
      const check = checkSchema(this.schema, deepMerge(current.raw, scope.overrides));
      if (check.success) scope.config = deepFreeze(check.data) as DeepReadonly<z.output<S>>;
      else
        this.logger?.warn(
          { version: current.version },
          'scoped overrides do not fit the reloaded configuration; keeping the scope as it was',
        );
      scope.base = current;
    }
    return scope.config;
  }

  /**
   * Runs `fn` with `overrides` layered over the configuration for every `get()` in its async
   * context: nested calls compose, concurrent calls do not see each other, reloads inside
   * the scope keep the overrides on top, and nothing outlives the call (also when it throws).
   * Throws `CONFIG_INVALID` when the overrides break the schema.
   * @example await config.withOverrides({ llm: { provider: 'mock' } }, () => handler(req));
   */
  withOverrides<R>(overrides: DeepPartial<z.input<S>>, fn: () => R): R {
    const current = this.current;
    if (!current)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'the configuration is not loaded yet; await ready() first',
      );
    const parent = this.scopes.getStore();
    const combined = deepMerge(parent?.overrides ?? {}, overrides);
    const config = this.validateOrThrow(deepMerge(current.raw, combined), 'scoped overrides');
    this.scoped = true;
    return this.scopes.run({ overrides: combined, base: current, config }, fn);
  }

  /**
   * Layers `overrides` over the configuration for the whole process until the handle is
   * disposed; listeners see both changes. Throws `CONFIG_INVALID` when they break the schema.
   * @example { using _ = config.override({ debug: true }); await runDiagnostics(); }
   */
  override(overrides: DeepPartial<z.input<S>>): OverrideHandle {
    if (!this.current)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'the configuration is not loaded yet; await ready() first',
      );
    const handle = { overrides: overrides as unknown };
    this.validateOrThrow(deepMerge(this.merged(), overrides), 'override');
    this.handles.push(handle);
    this.rebuild('override');
    let disposed = false;
    const dispose = () => {
      if (disposed) return;
      disposed = true;
      this.handles.splice(this.handles.indexOf(handle), 1);
      this.rebuild('override');
    };
    return { dispose, [Symbol.dispose]: dispose };
  }

  private validateOrThrow(candidate: unknown, what: string): DeepReadonly<z.output<S>> {
    const check = checkSchema(this.schema, candidate);
    if (check.success) return deepFreeze(check.data) as DeepReadonly<z.output<S>>;
    const first = check.findings[0];
    throw new AgentforgeError('CONFIG_INVALID', `${what} rejected: ${first?.message ?? 'invalid'}`, {
      details: check.findings,
    });
  }

  /**
   * Calls `listener` after every applied change under `glob` (`services.*.replicas`,
   * `security.**`, a JSON pointer, or none for everything). It runs after the swap, never
   * for a reload that changed nothing it watches, and in order for each listener; a listener
   * that throws or is slow delays neither the reload nor the other listeners.
   */
  subscribe(listener: ChangeListener<DeepReadonly<z.output<S>>>): Subscription;
  subscribe(
    glob: string,
    listener: ChangeListener<DeepReadonly<z.output<S>>>,
    options?: SubscribeOptions,
  ): Subscription;
  subscribe(
    globOrListener: string | ChangeListener<DeepReadonly<z.output<S>>>,
    maybeListener?: ChangeListener<DeepReadonly<z.output<S>>>,
    options: SubscribeOptions = {},
  ): Subscription {
    const glob = typeof globOrListener === 'string' ? globOrListener : undefined;
    const listener = typeof globOrListener === 'function' ? globOrListener : maybeListener;
    if (!listener) throw new AgentforgeError('INVALID_ARGUMENT', 'subscribe needs a listener function');
    const id = nextListenerId++;
    if (options.weak) this.finalizer.register(listener, id);
    const call = options.weak ? weakly(listener) : strongly(listener);
    const matcher = glob === undefined || glob === '' || glob === '**' ? undefined : compileGlob(glob);
    this.listeners.set(id, { id, matcher, call, queue: Promise.resolve() });
    const listeners = this.listeners;
    const unsubscribe = () => {
      listeners.delete(id);
    };
    return {
      unsubscribe,
      [Symbol.dispose]: unsubscribe,
      get active() {
        return listeners.has(id);
      },
    };
  }

  /** Calls `listener` once per rejected reload (parse, read or validation failure). */
  onError(listener: (error: ConfigError) => void): Subscription {
    this.errorListeners.add(listener);
    const unsubscribe = () => {
      this.errorListeners.delete(listener);
    };
    const set = this.errorListeners;
    return {
      unsubscribe,
      [Symbol.dispose]: unsubscribe,
      get active() {
        return set.has(listener);
      },
    };
  }

  /** Health of the configuration and of each source. */
  status(): ConfigStatus {
    return {
      state: this.state(),
      version: this.current?.version ?? 0,
      hash: this.current?.hash,
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
      sources: this.entries.map((entry) => ({
        kind: entry.source.kind,
        name: entry.source.name,
        state: entry.state,
        hash: entry.hash,
        loadedAt: entry.loadedAt,
        error: entry.error?.format(),
      })),
    };
  }

  private state(): ConfigState {
    if (!this.current) return this.initialError ? 'error' : 'initializing';
    if (this.lastAttemptFailed || this.entries.some((e) => e.state === 'error')) return 'error';
    if (this.entries.some((e) => e.state === 'missing')) return 'stale';
    return 'valid';
  }

  /** The reload counters (a copy). */
  metrics(): ConfigMetrics {
    return { ...this.counters, reloadFailures: { ...this.counters.reloadFailures } };
  }

  /** The reload counters in the Prometheus text exposition format, for a `/metrics` endpoint. */
  prometheus(): string {
    return renderPrometheus(this.counters, this.metricsPrefix);
  }

  /**
   * Which layer set the value at `path` (dotted or a JSON pointer): the winner first, with
   * the environment variable or the file location, and every layer below that also sets it.
   * The value is redacted.
   */
  explain(path: string): Explanation {
    const segments = toSegments(path);
    const pointer = formatPointer(segments);
    const value = getAtPointer(this.config(), segments);
    const layers: ValueOrigin[] = [];
    const scope = this.scoped ? this.scopes.getStore() : undefined;
    if (scope && getAtPointer(scope.overrides, segments) !== undefined)
      layers.push({ kind: 'scope', name: 'scoped override' });
    for (const handle of [...this.handles].reverse()) {
      if (getAtPointer(handle.overrides, segments) !== undefined)
        layers.push({ kind: 'override', name: 'override()' });
    }
    for (const entry of [...this.entries].reverse()) {
      if (getAtPointer(entry.data, segments) === undefined) continue;
      const origin: ValueOrigin = { kind: entry.source.kind, name: entry.source.name };
      const variable = entry.origins && originVariable(entry.origins, segments);
      if (variable) origin.variable = variable;
      const location = entry.locator?.locate(pointer);
      if (location) origin.location = location;
      layers.push(origin);
    }
    if (layers.length === 0 && value !== undefined)
      layers.push({ kind: 'schema-default', name: 'schema default' });
    const key = segments.at(-1);
    return { path: pointer, value: redact(value, key), source: layers[0], layers };
  }

  // --- reloading -------------------------------------------------------------------------

  private onUpdate(entry: Entry, update: SourceUpdate): void {
    if (this.closed) return;
    this.record(entry, update);
    if (!this.current) return; // still starting: start() builds from the latest state
    if (update.state === 'ok') this.rebuild(entry.source.name);
    else if (update.state === 'error')
      this.fail(update.reason, entry.source.name, update.error, update.findings ?? []);
    else if (update.state === 'missing') {
      this.logger?.warn(
        { source: entry.source.name, version: this.current.version },
        'configuration file is gone; serving the last-known-good configuration',
      );
    }
  }

  private record(entry: Entry, update: SourceUpdate): void {
    entry.state = update.state;
    if (update.state === 'ok') {
      entry.data = update.data;
      entry.hash = update.hash;
      entry.locator = update.locator;
      entry.origins = update.origins;
      entry.loadedAt = new Date();
      entry.error = undefined;
    } else if (update.state === 'error') {
      entry.error = update.error;
      entry.hash = update.hash ?? entry.hash;
    }
  }

  /** Every layer merged, lowest first; a source in error contributes its last good data. */
  private merged(): unknown {
    return deepMerge({}, ...this.entries.map((e) => e.data), ...this.handles.map((h) => h.overrides));
  }

  /** Builds, validates and applies a candidate; returns the error when it was rejected. */
  private rebuild(source: string): AgentforgeError | undefined {
    this.counters.reloadAttempts++;
    const raw = this.merged();
    // Findings are located in the highest file that writes the offending path.
    const locator = layeredLocator(
      'configuration',
      this.entries.flatMap((e) => (e.locator ? [e.locator] : [])),
    );
    const check = checkSchema(this.schema, raw, { locator });
    if (!check.success) {
      const first = check.findings[0];
      const error = new AgentforgeError(
        'CONFIG_INVALID',
        `configuration from ${source} rejected: ${first?.message ?? 'invalid'}${check.findings.length > 1 ? ` (and ${check.findings.length - 1} more)` : ''}`,
        { location: first?.location, details: check.findings },
      );
      this.fail('validation', source, error, check.findings);
      return error;
    }
    this.lastAttemptFailed = false;
    this.counters.lastReloadSuccessful = true;
    this.lastSuccessAt = new Date();
    this.counters.lastSuccessTimestamp = this.lastSuccessAt.getTime();
    const hash = hashConfig(check.data);
    const previous = this.current;
    if (previous && previous.hash === hash) return undefined;
    const next: Snapshot<DeepReadonly<z.output<S>>> = {
      config: deepFreeze(check.data) as DeepReadonly<z.output<S>>,
      raw,
      hash,
      version: (previous?.version ?? 0) + 1,
    };
    // The swap: one reference assignment, so get() returns all-old or all-new.
    this.current = next;
    this.counters.version = next.version;
    this.counters.configHash = hash;
    const changes = previous ? diffLeaves(previous.config, next.config) : [];
    this.logger?.info(
      {
        audit: {
          source,
          previousHash: previous?.hash,
          hash,
          version: next.version,
          changed: previous ? changes.map((c) => c.path) : ['(initial)'],
        },
      },
      previous ? 'configuration applied' : 'configuration loaded',
    );
    if (previous) this.notify(changes, previous, next, source);
    return undefined;
  }

  private fail(reason: FailureReason, source: string, error: AgentforgeError, findings: Finding[]): void {
    this.counters.reloadFailures[reason]++;
    this.counters.lastReloadSuccessful = false;
    if (reason !== 'validation') this.counters.reloadAttempts++;
    this.lastAttemptFailed = true;
    const event: ConfigError = { reason, source, error, findings, at: new Date() };
    this.lastError = event;
    if (!this.current) return; // the initial failure rejects ready() instead
    this.logger?.error(
      {
        source,
        reason,
        err: { code: error.code, message: error.format() },
        findings: findings.map((f) => ({
          ruleId: f.ruleId,
          path: f.path,
          message: f.message,
          location: f.location,
        })),
        version: this.current.version,
      },
      'configuration rejected; keeping the last-known-good configuration',
    );
    for (const listener of this.errorListeners) {
      try {
        listener(event);
      } catch (err) {
        this.counters.listenerErrors++;
        this.logger?.error({ err }, 'configuration error listener threw');
      }
    }
  }

  private notify(
    changes: Change[],
    previous: Snapshot<DeepReadonly<z.output<S>>>,
    current: Snapshot<DeepReadonly<z.output<S>>>,
    source: string,
  ): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    const redacted = changes.map((change) => redactChange(change));
    const segments = redacted.map((change) => parsePointer(change.path));
    for (const listener of this.listeners.values()) {
      const matcher = listener.matcher;
      const relevant = matcher ? redacted.filter((_, i) => isUnder(matcher, segments[i]!)) : redacted;
      if (relevant.length === 0) continue;
      const event: ChangeEvent<DeepReadonly<z.output<S>>> = {
        changes: Object.freeze(relevant),
        previous: previous.config,
        current: current.config,
        version: current.version,
        hash: current.hash,
        source,
      };
      // Each listener has its own queue: it sees events in order, and its slowness or
      // failure stays its own.
      listener.queue = listener.queue.then(() => this.invoke(listener, event));
    }
  }

  private async invoke(
    listener: Listener<DeepReadonly<z.output<S>>>,
    event: ChangeEvent<DeepReadonly<z.output<S>>>,
  ) {
    if (!this.listeners.has(listener.id)) return;
    const fn = listener.call();
    if (!fn) {
      this.listeners.delete(listener.id);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = fn(event);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), this.listenerTimeoutMs);
          timer.unref();
        });
        if ((await Promise.race([result, timeout])) === 'timeout') {
          this.counters.listenerErrors++;
          this.logger?.warn(
            { listener: listener.id, version: event.version, timeoutMs: this.listenerTimeoutMs },
            'configuration listener is slow; no longer waiting for it',
          );
        }
      }
    } catch (err) {
      this.counters.listenerErrors++;
      this.logger?.error(
        { err, listener: listener.id, version: event.version },
        'configuration listener failed',
      );
    } finally {
      clearTimeout(timer);
    }
  }
}

// Built outside subscribe(): V8 shares one context between the closures of a function, so a
// closure there would keep a weakly held listener alive.
function weakly<T extends object>(target: T): () => T | undefined {
  const ref = new WeakRef(target);
  return () => ref.deref();
}

function strongly<T>(target: T): () => T {
  return () => target;
}

// Services read the same few paths over and over; parsing each once keeps get(path) cheap.
const parsedPaths = new Map<string, readonly string[]>();
function segmentsOf(path: string): readonly string[] {
  let segments = parsedPaths.get(path);
  if (!segments) {
    segments = toSegments(path);
    if (parsedPaths.size >= 1024) parsedPaths.clear();
    parsedPaths.set(path, segments);
  }
  return segments;
}

/** True when a change at `segments` is at or under a path the glob matches. */
function isUnder(matcher: PathMatcher, segments: readonly string[]): boolean {
  for (let length = segments.length; length >= 1; length--)
    if (matcher(segments.slice(0, length))) return true;
  return false;
}

function redactChange(change: Change): Change {
  const key = parsePointer(change.path).at(-1);
  const out: Change = { path: change.path, kind: change.kind };
  if ('before' in change) out.before = redact(change.before, key);
  if ('after' in change) out.after = redact(change.after, key);
  return out;
}

/** The variable that set `segments` or the object containing them. */
function originVariable(
  origins: ReadonlyMap<string, string>,
  segments: readonly string[],
): string | undefined {
  for (let length = segments.length; length >= 1; length--) {
    const variable = origins.get(formatPointer(segments.slice(0, length)));
    if (variable) return variable;
  }
  return undefined;
}
