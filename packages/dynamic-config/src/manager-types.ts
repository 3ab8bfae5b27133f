import type { AgentforgeError, Change, Finding, SourceLocation } from '@agentforge/schema';
import type { FailureReason, SourceKind } from './source.js';

// The shapes a manager hands out (status, events, subscriptions, explanations), apart from
// the class so listeners, explain and the class share them without importing one another.

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
  /** For a versioned store (NATS KV): the revision of the content this source contributes. */
  revision?: number | undefined;
  /** For a versioned store: the last revision seen, also when it was rejected or deleted. */
  seenRevision?: number | undefined;
}

/** A rejected reload, as kept in {@link ConfigStatus.lastError} and passed to error listeners. */
export interface ConfigError {
  reason: FailureReason;
  /** The source whose change was rejected. */
  source: string;
  /** The rejected revision, for a versioned store (NATS KV). */
  revision?: number | undefined;
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
  /** The store revision the value came from, for NATS KV layers. */
  revision?: number;
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
