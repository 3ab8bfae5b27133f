import type { SourceLocation } from './vocabulary.js';

/** Every error code the toolkit throws, as data so callers can switch on it. */
export const ERROR_CODES = {
  PARSE_ERROR: 'PARSE_ERROR',
  INPUT_TOO_LARGE: 'INPUT_TOO_LARGE',
  BINARY_INPUT: 'BINARY_INPUT',
  INVALID_ENCODING: 'INVALID_ENCODING',
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  FORBIDDEN_KEY: 'FORBIDDEN_KEY',
  TOO_DEEP: 'TOO_DEEP',
  ALIAS_EXPANSION: 'ALIAS_EXPANSION',
  FILE_NOT_FOUND: 'FILE_NOT_FOUND',
  FILE_UNREADABLE: 'FILE_UNREADABLE',
  FILE_UNWRITABLE: 'FILE_UNWRITABLE',
  SCHEMA_VIOLATION: 'SCHEMA_VIOLATION',
  ENV_VAR_INVALID: 'ENV_VAR_INVALID',
  UNKNOWN_ENVIRONMENT: 'UNKNOWN_ENVIRONMENT',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  POLICY_INVALID: 'POLICY_INVALID',
  SNAPSHOT_NOT_FOUND: 'SNAPSHOT_NOT_FOUND',
  SNAPSHOT_CORRUPT: 'SNAPSHOT_CORRUPT',
  ALREADY_EXISTS: 'ALREADY_EXISTS',
  CONFIG_INVALID: 'CONFIG_INVALID',
  DEPENDENCY_MISSING: 'DEPENDENCY_MISSING',
  NATS_UNAVAILABLE: 'NATS_UNAVAILABLE',
  NATS_KEY_NOT_FOUND: 'NATS_KEY_NOT_FOUND',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  REVISION_CONFLICT: 'REVISION_CONFLICT',
  SECRET_LITERAL: 'SECRET_LITERAL',
} as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Options of {@link AgentforgeError}. */
export interface AgentforgeErrorOptions {
  cause?: unknown;
  /** Where in which file the problem is, when there is a place to point at. */
  location?: SourceLocation | undefined;
  /** Extra structured data (never secret values), such as the findings that made a config invalid. */
  details?: unknown;
}

/**
 * The one error class of the toolkit: a stable `code`, a message that names the thing, and
 * where known the file, line and column.
 */
export class AgentforgeError extends Error {
  override readonly name: string = 'AgentforgeError';
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, options: AgentforgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
    this.details = options.details;
  }

  /** `file:line:col: message`, the one line the CLI prints. */
  format(): string {
    const where = this.location;
    if (!where) return this.message;
    return `${where.file}:${where.line}:${where.column}: ${this.message}`;
  }
}

/** True for an {@link AgentforgeError}, also one from another copy of this package. */
export function isAgentforgeError(value: unknown): value is AgentforgeError {
  return (
    value instanceof AgentforgeError ||
    (value instanceof Error &&
      value.name === 'AgentforgeError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}

/** The result of a `safeX()` function: the data, or the error the throwing twin would have thrown. */
export type SafeResult<T, E = AgentforgeError> = { success: true; data: T } | { success: false; error: E };

/** Runs `fn`, turning a thrown {@link AgentforgeError} into a failed {@link SafeResult}; anything else rethrows. */
export function toSafe<T>(fn: () => T): SafeResult<T> {
  try {
    return { success: true, data: fn() };
  } catch (error) {
    if (isAgentforgeError(error)) return { success: false, error };
    throw error;
  }
}
