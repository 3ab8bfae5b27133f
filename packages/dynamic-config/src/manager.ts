import { AsyncLocalStorage } from 'node:async_hooks';
import {
  AgentforgeError,
  type Change,
  checkSchema,
  type DeepPartial,
  deepMerge,
  EnvironmentDocumentSchema,
  type Finding,
  getAtPointer,
  isAgentforgeError,
  type Locator,
  parseWithSchema,
  toSegments,
} from '@agentforge/schema';
import type * as z from 'zod';
import { deepFreeze, diffLeaves, hashConfig } from './_data.js';
import { explainPath } from './_explain.js';
import { Listeners, listenerRequired } from './_listeners.js';
import { layeredLocator } from './_locator.js';
import { diffOnce, recallValidated, rememberValidated, sameLayers, type Validated } from './_memo.js';
import { type EnvSourceOptions, envSource, objectSource } from './env-source.js';
import { type FileSourceOptions, fileSource } from './file-source.js';
import type {
  ChangeListener,
  ConfigError,
  ConfigState,
  ConfigStatus,
  Explanation,
  OverrideHandle,
  SourceStatus,
  SubscribeOptions,
  Subscription,
} from './manager-types.js';
import { type ConfigMetrics, emptyMetrics, renderPrometheus } from './metrics.js';
import type { ConfigSource, FailureReason, SourceOutcome, SourceUpdate } from './source.js';
import type { ConfigPath, DeepReadonly, Logger, PathValue } from './types.js';

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
  /** Revision of `data`, and the last revision seen, for versioned sources. */
  revision: number | undefined;
  seenRevision: number | undefined;
}

/** A source's coming update, validated ahead of its report (SourceContext.prepare). */
interface Prepared<C> {
  /** The layers it was validated with; only exactly these (the same objects) may use it. */
  layers: unknown[];
  validated: Validated;
  /** The snapshot in force when it was prepared, and the changes against it. */
  previous: Snapshot<C>;
  changes: Change[];
}

interface Scope<C> {
  overrides: unknown;
  base: Snapshot<C>;
  config: C;
}

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
  private readonly metricsPrefix: string;
  private current: Snapshot<DeepReadonly<z.output<S>>> | undefined;
  private readonly counters = emptyMetrics();
  private lastSuccessAt: Date | undefined;
  private lastError: ConfigError | undefined;
  private lastAttemptFailed = false;
  private initialError: AgentforgeError | undefined;
  private readonly listeners: Listeners<DeepReadonly<z.output<S>>>;
  private readonly handles: Array<{ overrides: unknown }> = [];
  private readonly scopes = new AsyncLocalStorage<Scope<DeepReadonly<z.output<S>>>>();
  private scoped = false;
  private prepared: Prepared<DeepReadonly<z.output<S>>> | undefined;
  private closed = false;
  private readonly readyPromise: Promise<this>;

  constructor(options: ConfigManagerOptions<S> = {}) {
    this.schema = options.schema ?? EnvironmentDocumentSchema;
    this.logger = options.logger;
    this.metricsPrefix = options.metricsPrefix ?? 'agentforge_config';
    this.listeners = new Listeners({
      logger: this.logger,
      timeoutMs: options.listenerTimeoutMs ?? 30_000,
      onListenerError: () => {
        this.counters.listenerErrors++;
      },
    });
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
      revision: undefined,
      seenRevision: undefined,
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
            prepare: (update) => this.prepare(entry, update),
          });
          this.record(entry, initial);
        }),
      );
      const failed = this.rebuild('initial load');
      if (failed) throw failed;
      for (const entry of this.entries)
        if (entry.revision !== undefined) this.counters.sourceRevisions[entry.source.name] = entry.revision;
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
    const data = parseWithSchema(this.schema, candidate, { what, code: 'CONFIG_INVALID' });
    return deepFreeze(data) as DeepReadonly<z.output<S>>;
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
    if (!listener) return listenerRequired();
    return this.listeners.subscribe(glob, listener, options);
  }

  /** Calls `listener` once per rejected reload (parse, read or validation failure). */
  onError(listener: (error: ConfigError) => void): Subscription {
    return this.listeners.onError(listener);
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
        ...(entry.seenRevision === undefined
          ? {}
          : { revision: entry.revision, seenRevision: entry.seenRevision }),
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
    return {
      ...this.counters,
      reloadFailures: { ...this.counters.reloadFailures },
      sourceRevisions: { ...this.counters.sourceRevisions },
    };
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
    const scope = this.scoped ? this.scopes.getStore() : undefined;
    return explainPath(path, {
      config: this.config(),
      scopeOverrides: scope?.overrides,
      overrides: this.handles.map((handle) => handle.overrides),
      sources: this.entries.map((entry) => ({
        kind: entry.source.kind,
        name: entry.source.name,
        data: entry.data,
        origins: entry.origins,
        locator: entry.locator,
        revision: entry.revision,
      })),
    });
  }

  // --- reloading -------------------------------------------------------------------------

  /**
   * Validates a source's coming update with the other layers as they are, and diffs it against
   * the configuration in force, ahead of its report: the report then only swaps and notifies
   * (issue 16: the ConfigMap swap applied within 10 ms of its quiet time). Nothing is applied
   * or recorded here; a candidate that fails is dropped, and the report validates it again,
   * with locations, and records the rejection.
   */
  private prepare(entry: Entry, update: SourceUpdate): void {
    const previous = this.current;
    if (this.closed || !previous || update.state !== 'ok') return;
    const layers = this.layers();
    layers[this.entries.indexOf(entry)] = update.data;
    const merged = this.merge(layers);
    if ('findings' in merged) return;
    const { validated } = merged;
    const changes = previous.hash === validated.hash ? [] : diffLeaves(previous.config, validated.config);
    this.prepared = { layers, validated, previous, changes };
  }

  /** The prepared candidate of exactly these layers, taken (it is used once). */
  private takePrepared(layers: readonly unknown[]): Prepared<DeepReadonly<z.output<S>>> | undefined {
    const prepared = this.prepared;
    if (!prepared || !sameLayers(prepared.layers, layers)) return undefined;
    this.prepared = undefined;
    return prepared;
  }

  /** Records a source's update and reloads; tells the source whether its content is in force. */
  private onUpdate(entry: Entry, update: SourceUpdate): SourceOutcome | undefined {
    if (this.closed) return undefined;
    const appliedRevision = entry.revision;
    this.record(entry, update);
    if (!this.current) return undefined; // still starting: start() builds from the latest state
    // A versioned source's rejections name the revision, so an operator can find it.
    const label =
      update.revision === undefined ? entry.source.name : `${entry.source.name} revision ${update.revision}`;
    if (update.state === 'ok') {
      const error = this.rebuild(label, update.revision);
      if (error) {
        entry.revision = appliedRevision;
        return { applied: false, error: error.format() };
      }
      if (update.revision !== undefined) this.counters.sourceRevisions[entry.source.name] = update.revision;
      return { applied: true };
    }
    if (update.state === 'error') {
      this.fail(update.reason, label, update.error, update.findings ?? [], update.revision);
      return { applied: false, error: update.error.format() };
    }
    if (update.state === 'missing') {
      this.logger?.warn(
        { source: entry.source.name, version: this.current.version },
        entry.source.kind === 'nats'
          ? 'configuration key deleted or NATS unreachable; serving the last-known-good configuration'
          : 'configuration file is gone; serving the last-known-good configuration',
      );
    }
    return undefined;
  }

  private record(entry: Entry, update: SourceUpdate): void {
    entry.state = update.state;
    if (update.revision !== undefined) entry.seenRevision = update.revision;
    if (update.state === 'ok') {
      entry.data = update.data;
      entry.hash = update.hash;
      entry.locator = update.locator;
      entry.origins = update.origins;
      entry.loadedAt = new Date();
      entry.error = undefined;
      entry.revision = update.revision;
    } else if (update.state === 'error') {
      entry.error = update.error;
      entry.hash = update.hash ?? entry.hash;
    }
  }

  /** Every layer merged, lowest first; a source in error contributes its last good data. */
  private merged(): unknown {
    return deepMerge({}, ...this.layers());
  }

  private layers(): unknown[] {
    return [...this.entries.map((e) => e.data), ...this.handles.map((h) => h.overrides)];
  }

  /** Builds, validates and applies a candidate; returns the error when it was rejected. */
  private rebuild(source: string, revision?: number): AgentforgeError | undefined {
    this.counters.reloadAttempts++;
    const layers = this.layers();
    const prepared = this.takePrepared(layers);
    const validated =
      recallValidated(this.schema, layers) ?? prepared?.validated ?? this.validate(layers, source, revision);
    if (validated instanceof AgentforgeError) return validated;
    const { raw, hash } = validated;
    this.lastAttemptFailed = false;
    this.counters.lastReloadSuccessful = true;
    this.lastSuccessAt = new Date();
    this.counters.lastSuccessTimestamp = this.lastSuccessAt.getTime();
    const previous = this.current;
    if (previous && previous.hash === hash) return undefined;
    const next: Snapshot<DeepReadonly<z.output<S>>> = {
      config: validated.config as DeepReadonly<z.output<S>>,
      raw,
      hash,
      version: (previous?.version ?? 0) + 1,
    };
    // Changes diffed ahead still hold when the snapshot they were diffed against is in force.
    const changes =
      prepared && prepared.previous === previous && prepared.validated === validated
        ? prepared.changes
        : undefined;
    return this.apply(previous, next, source, changes);
  }

  /** Merges and validates `layers`; the rejection is recorded and returned. */
  private validate(layers: unknown[], source: string, revision: number | undefined) {
    // Findings are located in the highest file that writes the offending path.
    const locator = layeredLocator(
      'configuration',
      this.entries.flatMap((e) => (e.locator ? [e.locator] : [])),
    );
    const merged = this.merge(layers, locator);
    if ('findings' in merged) {
      const { findings } = merged;
      const first = findings[0];
      const error = new AgentforgeError(
        'CONFIG_INVALID',
        `configuration from ${source} rejected: ${first?.message ?? 'invalid'}${findings.length > 1 ? ` (and ${findings.length - 1} more)` : ''}`,
        { location: first?.location, details: findings },
      );
      this.fail('validation', source, error, findings, revision);
      return error;
    }
    rememberValidated(this.schema, layers, merged.validated);
    return merged.validated;
  }

  /** Merges `layers` and checks them against the schema: the frozen candidate, or the findings. */
  private merge(
    layers: readonly unknown[],
    locator?: Locator,
  ): { validated: Validated } | { findings: Finding[] } {
    const raw = deepMerge({}, ...layers);
    const check = checkSchema(this.schema, raw, { locator });
    if (!check.success) return { findings: check.findings };
    const config = deepFreeze(check.data);
    return { validated: { raw, config, hash: hashConfig(config) } };
  }

  private apply(
    previous: Snapshot<DeepReadonly<z.output<S>>> | undefined,
    next: Snapshot<DeepReadonly<z.output<S>>>,
    source: string,
    known?: Change[],
  ): undefined {
    // The swap: one reference assignment, so get() returns all-old or all-new.
    this.current = next;
    this.counters.version = next.version;
    this.counters.configHash = next.hash;
    const changes = previous ? (known ?? diffOnce(previous.config, next.config, diffLeaves)) : [];
    this.logger?.info(
      {
        audit: {
          source,
          previousHash: previous?.hash,
          hash: next.hash,
          version: next.version,
          changed: previous ? changes.map((c) => c.path) : ['(initial)'],
        },
      },
      previous ? 'configuration applied' : 'configuration loaded',
    );
    if (previous) this.listeners.notify(changes, previous, next, source);
    return undefined;
  }

  private fail(
    reason: FailureReason,
    source: string,
    error: AgentforgeError,
    findings: Finding[],
    revision?: number,
  ): void {
    this.counters.reloadFailures[reason]++;
    this.counters.lastReloadSuccessful = false;
    if (reason !== 'validation') this.counters.reloadAttempts++;
    this.lastAttemptFailed = true;
    const event: ConfigError = {
      reason,
      source,
      ...(revision === undefined ? {} : { revision }),
      error,
      findings,
      at: new Date(),
    };
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
    this.listeners.emitError(event);
  }
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
