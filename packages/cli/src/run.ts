// A command's run, past the help the core answers (cli.ts): loads the libraries and the
// command's module, parses its options, runs it and maps what it throws to an exit code.
import {
  AgentforgeError,
  closestWord,
  createColors,
  isAgentforgeError,
  shouldColor,
} from '@agentforge/schema';
import type { Located } from './_args.js';
import { commandHelp } from './_help.js';
import { parseCommandLine } from './_parse.js';
import { COMMANDS } from './commands.js';
import type { CliIO, Output } from './context.js';
import { EXIT } from './exit.js';
import { type CreateLoggerOptions, createLogger, type LogFormat } from './logger.js';

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

/** Runs the command `located` names (its words are known or reported as unknown). */
export async function runCommand(located: Located, argv: readonly string[], io: CliIO): Promise<number> {
  const { words } = located;
  const debug = argv.includes('--debug');
  const joined = words.join(' ');
  try {
    const entry = COMMANDS[joined];
    if (!entry) {
      if (words.length === 0)
        throw new AgentforgeError('INVALID_ARGUMENT', `agentforge: no command given (see agentforge --help)`);
      const { stray } = located;
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        unknownCommand(stray === undefined ? words : [...words, stray]),
      );
    }
    const { command } = await entry.load();
    if (located.help) {
      io.stdout.write(commandHelp(joined, command));
      return EXIT.OK;
    }
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
function unknownCommand(words: readonly string[]): string {
  const names = Object.keys(COMMANDS);
  const firsts = new Set(names.map((name) => name.split(' ')[0]!));
  const inGroup = (group: string) =>
    names.filter((n) => n.startsWith(`${group} `)).map((n) => n.split(' ')[1]!);
  const [first, second] = words as [string, string | undefined];
  const group = firsts.has(first) ? first : closestWord(first, firsts);
  let suggestion: string | undefined;
  if (group !== undefined) {
    if (COMMANDS[group]) suggestion = group === first ? undefined : group;
    else {
      const member =
        second === undefined
          ? undefined
          : inGroup(group).includes(second)
            ? second
            : closestWord(second, inGroup(group));
      suggestion = member ? `${group} ${member}` : group === first ? undefined : group;
    }
  }
  return `agentforge: unknown command "${words.join(' ')}"${suggestion ? `; did you mean "agentforge ${suggestion}"?` : ''} (see agentforge --help)`;
}
