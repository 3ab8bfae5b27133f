// Small helpers every command uses; nothing here imports a library beyond schema's errors.
import { isAbsolute, relative } from 'node:path';
import { AgentforgeError } from '@agentforge/schema';

/** A usage error of `agentforge <words>` (exit 2). */
export const usageError = (words: string) => (message: string) =>
  new AgentforgeError('INVALID_ARGUMENT', `agentforge ${words}: ${message}`);

/** The value of an option that takes one of `allowed` words, `fallback` when absent; anything else is a usage error. */
export function choice<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fallback: T,
  flag: string,
  fail: (message: string) => Error,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw fail(`unknown ${flag} "${String(value)}" (${allowed.join(', ')})`);
}

/** `path` relative to `cwd` when it lies below it, else absolute: what a user can paste back. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
