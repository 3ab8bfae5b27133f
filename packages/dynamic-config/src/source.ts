import type { AgentforgeError, Finding, Locator } from '@agentforge/schema';
import type { z } from 'zod';

/** Why a reload attempt failed: the file could not be read, parsed, or the result broke the schema. */
export type FailureReason = 'read' | 'parse' | 'validation';

/** The kinds of layer, lowest precedence first. */
export type SourceKind = 'defaults' | 'file' | 'env' | 'overrides';

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
    }
  | {
      state: 'error';
      reason: FailureReason;
      error: AgentforgeError;
      findings?: Finding[];
      hash?: string | undefined;
    }
  | { state: 'missing' | 'absent' };

/** What a source is given when it starts. */
export interface SourceContext {
  /** The manager's schema (the environment source resolves variable names with it). */
  schema: z.ZodType;
}

/**
 * A layer of configuration. `start` reports the initial content and afterwards calls `emit`
 * whenever the content changes; `close` stops watching.
 */
export interface ConfigSource {
  readonly kind: SourceKind;
  /** Shown in status, `explain` and audit records: the file path, `env`, `defaults`… */
  readonly name: string;
  start(emit: (update: SourceUpdate) => void, context: SourceContext): Promise<SourceUpdate>;
  close(): Promise<void>;
}
