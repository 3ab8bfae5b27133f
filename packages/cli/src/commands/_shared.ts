// Small helpers every command uses; nothing here imports a library beyond schema's errors.
import { isAbsolute, relative, resolve } from 'node:path';
import { AgentforgeError, readStreamBounded, resolveActor, writeFileAtomic } from '@agentforge/schema';
import type { CommandContext, OptionSpec } from '../context.js';

/** `-e, --environment <name>`, the same on every command that takes an environment. */
export function environmentOption(description: string, valueName = 'name'): OptionSpec {
  return { type: 'string', short: 'e', description, valueName };
}

/** What `-` names wherever a file is read: standard input. */
export const STDIN = '-';

/** Reads all of standard input (for a `-` argument); a second read of `-` is a usage error. */
export async function readStdin({ stdin }: Pick<CommandContext, 'stdin'>, words: string): Promise<Buffer> {
  if (!stdin) throw usageError(words)('no standard input to read "-" from');
  if ((stdin as { readableEnded?: boolean }).readableEnded)
    throw usageError(words)('standard input (-) can be read only once');
  // Read under the loader's size cap while streaming: endless input ends with exit 2 at the cap.
  return readStreamBounded(stdin, { file: '<stdin>' });
}

/**
 * Writes a command's output file; a path that cannot be written is the user's to fix, so it is
 * an `AgentforgeError` naming the path and the reason (exit 2), never an internal error.
 */
export async function writeOutput(cwd: string, path: string, text: string): Promise<string> {
  const file = resolve(cwd, path);
  try {
    // Atomic: on a full disk or a crash the old file stays whole, and no temp file is left.
    await writeFileAtomic(file, text);
  } catch (failure) {
    const error = (failure as { cause?: unknown }).cause ?? failure;
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EISDIR'
          ? 'it is a folder'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'ENOTDIR'
              ? 'a part of the path is not a folder'
              : (error as Error).message;
    throw new AgentforgeError('FILE_UNWRITABLE', `cannot write ${file}: ${reason}`, { cause: error });
  }
  return file;
}

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

/** `--actor <id>`: who makes a change, for access control and the audit trail. */
export const ACTOR_OPTION: OptionSpec = {
  type: 'string',
  description: 'Who makes the change (default: CI identity, git user.email, OS user)',
  valueName: 'id',
};

/** The actor of a writing command: `--actor`, else the CI identity, git user.email or OS user. */
export function commandActor(context: Pick<CommandContext, 'values' | 'env'>, root: string): string {
  const given = context.values.actor;
  return resolveActor({ actor: typeof given === 'string' ? given : undefined, env: context.env, cwd: root });
}

/** Prints an `access/denied` message and returns exit code 1. */
export function denied(context: Pick<CommandContext, 'stderr'>, gate: { message: string }): number {
  context.stderr.write(`${gate.message}\n`);
  return 1;
}
