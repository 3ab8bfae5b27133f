import { locate } from './_args.js';
import { groupHelp, groupNames, rootHelp } from './_help.js';
import type { CliIO } from './context.js';
import { EXIT } from './exit.js';
import { SUMMARIES } from './summaries.js';
import { cliVersion } from './version.js';

export { EXIT };

const isPrefix = (words: readonly string[]): boolean => {
  const joined = words.join(' ');
  return Object.keys(SUMMARIES).some((name) => name === joined || name.startsWith(`${joined} `));
};

/**
 * Runs the CLI with `argv` (without `node agentforge`) and returns the exit code; nothing here
 * calls `process.exit`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const located = locate(argv, isPrefix);
  const { words } = located;
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
    !(joined in SUMMARIES)
  ) {
    io.stdout.write(groupHelp(words[0]!));
    return EXIT.OK;
  }
  // Everything past help loads the libraries: one module (and, in the binary, one file) away.
  const { runCommand } = await import('./run.js');
  return runCommand(located, argv, io);
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
