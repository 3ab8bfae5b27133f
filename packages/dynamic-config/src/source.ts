import type { AgentforgeError, Finding, Locator } from '@agentforge/schema';
import type * as z from 'zod';

/** Why a reload attempt failed: the file could not be read, parsed, or the result broke the schema. */
export type FailureReason = 'read' | 'parse' | 'validation';

/** The kinds of layer, lowest precedence first. */
export type SourceKind = 'defaults' | 'file' | 'env' | 'nats' | 'overrides';

/**
 * What a source reports. `ok` carries data; `error` keeps the last good data in place;
 * `missing` means a file that was loaded is gone (the manager turns `stale`); `absent` is an
 * optional file that has never existed.
 */
export type SourceUpdate =
  | {
      state: 'ok';
      data: Record<string, unknown>;
      hash: string;
      locator?: Locator | undefined;
      /** Which environment variable set each JSON pointer. */
      origins?: ReadonlyMap<string, string> | undefined;
      /** The revision of a versioned store (a NATS KV revision) this content came from. */
      revision?: number | undefined;
    }
  | {
      state: 'error';
      reason: FailureReason;
      error: AgentforgeError;
      findings?: Finding[];
      hash?: string | undefined;
      /** The rejected revision, for a versioned store. */
      revision?: number | undefined;
    }
  | { state: 'missing' | 'absent'; revision?: number | undefined };

/**
 * What the manager did with an update, returned by `emit` so a source can report it (the NATS
 * source tells the fleet which revision each replica runs). Sources that do not care ignore it.
 */
export interface SourceOutcome {
  /** The update's content is in force (or changed nothing). */
  applied: boolean;
  /** Why it was rejected, formatted `file:line:col: message`. */
  error?: string | undefined;
}

/** What a source is given when it starts. */
export interface SourceContext {
  /** The manager's schema (the environment source resolves variable names with it). */
  schema: z.ZodType;
  /**
   * Hands over the update the source expects to report next, before it reports it (a file
   * source during its quiet time): the manager validates it and diffs it against the
   * configuration in force ahead of time, so reporting the same update later costs almost
   * nothing. Nothing is applied or recorded until the update is reported through `emit`.
   */
  prepare?: ((update: SourceUpdate) => void) | undefined;
}

/**
 * A layer of configuration. `start` reports the initial content and afterwards calls `emit`
 * whenever the content changes; `close` stops watching.
 */
export interface ConfigSource {
  readonly kind: SourceKind;
  /** Shown in status, `explain` and audit records: the file path, `env`, `defaults`… */
  readonly name: string;
  start(
    emit: (update: SourceUpdate) => SourceOutcome | undefined,
    context: SourceContext,
  ): Promise<SourceUpdate>;
  close(): Promise<void>;
}
