import { locate } from './_args.js';
import { commandHelp, groupHelp, groupNames, rootHelp } from './_help.js';
import { COMMANDS } from './commands.js';
import type { CliIO, Output } from './context.js';
import { type CreateLoggerOptions, createLogger, type LogFormat } from './logger.js';
import { cliVersion } from './version.js';

/** Exit codes of every command (DESIGN.md). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

const isPrefix = (words: readonly string[]): boolean => {
  const joined = words.join(' ');
  return Object.keys(COMMANDS).some((name) => name === joined || name.startsWith(`${joined} `));
};

/** An output that drops everything: stderr's informational lines under `--quiet`. */
const silent: Output = { write: () => true };

// Errors from the operating system that are the user's to fix (a path that does not exist, is not
// writable, is a folder…): exit 2 naming the path and the reason, never "internal error".
const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EEXIST: 'already exists',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
};

/**
 * Runs the CLI with `argv` (without `node agentforge`) and returns the exit code; nothing here
 * calls `process.exit`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const located = locate(argv, isPrefix);
  const { words } = located;
  const debug = argv.includes('--debug');
  const joined = words.join(' ');
  // Help, group help and the version answer before anything else is imported: they pay for
  // neither zod nor a library.
  if (words.length === 0) {
    if (located.version && !located.help) {
      io.stdout.write(`${cliVersion()}\n`);
      return EXIT.OK;
    }
    if (located.help || argv.length === 0) {
      io.stdout.write(rootHelp());
      return EXIT.OK;
    }
  }
  if (
    words.length === 1 &&
    located.stray === undefined &&
    groupNames().includes(words[0]!) &&
    !COMMANDS[joined]
  ) {
    io.stdout.write(groupHelp(words[0]!));
    return EXIT.OK;
  }
  const { AgentforgeError, closestWord, createColors, isAgentforgeError, shouldColor } = await import(
    '@agentforge/schema'
  );
  try {
    const entry = COMMANDS[joined];
    if (!entry) {
      if (words.length === 0)
        throw new AgentforgeError('INVALID_ARGUMENT', `agentforge: no command given (see agentforge --help)`);
      const { stray } = located;
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        unknownCommand(stray === undefined ? words : [...words, stray], closestWord),
      );
    }
    const { command } = await entry.load();
    if (located.help) {
      io.stdout.write(commandHelp(joined, command));
      return EXIT.OK;
    }
    const { parseCommandLine } = await import('./_parse.js');
    const parsed = parseCommandLine(joined, command, located.rest);
    const quiet = parsed.values.quiet === true;
    return await command.run({
      cwd: io.cwd,
      env: io.env,
      stdout: io.stdout,
      // Read only by a command given `-`: `process.stdin` is a getter that sets up a stream (and
      // loads net, tty and the stream machinery) on first access, which no other command pays for.
      get stdin() {
        return io.stdin;
      },
      stderr: quiet ? silent : io.stderr,
      positionals: parsed.positionals,
      values: parsed.values,
      dir: parsed.values.dir as string | undefined,
      debug,
      quiet,
      colors: createColors(shouldColor(io.stdout, io.env)),
      errorColors: createColors(shouldColor(io.stderr, io.env)),
      commands: COMMANDS,
      logger: createLogger(quiet ? silent : io.stderr, {
        debug,
        format: parsed.values['log-format'] as LogFormat | undefined,
        level: parsed.values['log-level'] as CreateLoggerOptions['level'],
      }),
    });
  } catch (error) {
    if (isAgentforgeError(error)) {
      io.stderr.write(`${error.format()}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return EXIT.USAGE;
    }
    const system = error as NodeJS.ErrnoException;
    const reason = system?.code ? SYSTEM_REASONS[system.code] : undefined;
    if (reason && typeof system.path === 'string') {
      const verb =
        system.syscall === 'open' || system.syscall === 'mkdir' || system.syscall === 'rename'
          ? 'cannot write or read'
          : 'cannot use';
      io.stderr.write(`agentforge ${joined}: ${verb} ${system.path}: ${reason}\n`);
      if (debug && system.stack) io.stderr.write(`${system.stack}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(
      `agentforge: internal error: ${error instanceof Error ? error.message : String(error)}${debug ? '' : ' (run with --debug for the stack trace)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.USAGE;
  }
}

/** `unknown command "confg validate"; did you mean "agentforge config validate"?` */
function unknownCommand(
  words: readonly string[],
  closest: (word: string, candidates: Iterable<string>) => string | undefined,
): string {
  const names = Object.keys(COMMANDS);
  const firsts = new Set(names.map((name) => name.split(' ')[0]!));
  const inGroup = (group: string) =>
    names.filter((n) => n.startsWith(`${group} `)).map((n) => n.split(' ')[1]!);
  const [first, second] = words as [string, string | undefined];
  const group = firsts.has(first) ? first : closest(first, firsts);
  let suggestion: string | undefined;
  if (group !== undefined) {
    if (COMMANDS[group]) suggestion = group === first ? undefined : group;
    else {
      const member =
        second === undefined
          ? undefined
          : inGroup(group).includes(second)
            ? second
            : closest(second, inGroup(group));
      suggestion = member ? `${group} ${member}` : group === first ? undefined : group;
    }
  }
  return `agentforge: unknown command "${words.join(' ')}"${suggestion ? `; did you mean "agentforge ${suggestion}"?` : ''} (see agentforge --help)`;
}

/** The `agentforge` binary: runs the CLI on `process.argv` and sets the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // A closed pipe (`agentforge schema | head -1`) is the reader saying it has enough: stop
  // quietly with exit 0, as cat and kubectl do, instead of dying with an EPIPE stack trace.
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT.OK);
    throw error;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    // Lazily: see runCli.
    get stdin() {
      return process.stdin;
    },
  });
}
