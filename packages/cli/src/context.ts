import type { Colors, Logger } from '@agentforge/schema';

/** A writable text stream (process.stdout, or a buffer in tests). */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything a command needs from the process, so tests can run commands in-process. */
export interface CliIO {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: Output;
  stderr: Output;
  /** Standard input, for commands that read `-`. */
  stdin?: NodeJS.ReadableStream;
}

/** Parsed options of a command, as node:util parseArgs gives them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command's `run` receives. */
export interface CommandContext extends CliIO {
  positionals: string[];
  values: OptionValues;
  /** `--dir`, when given. */
  dir: string | undefined;
  debug: boolean;
  /**
   * `--quiet`: print only errors and the document asked for. Informational lines written to
   * `stderr` are dropped already; a command checks this before printing a confirmation on stdout.
   */
  quiet: boolean;
  /** Colours for stdout (off for NO_COLOR or a non-TTY). */
  colors: Colors;
  /** Colours for stderr. */
  errorColors: Colors;
  /** The process's logger, to hand to the libraries (debug lines only with `--debug`). */
  logger: Logger;
}

/** One option of a command, in node:util parseArgs form plus help text. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  description: string;
  /** Shown as `--name <valueName>`. */
  valueName?: string;
  /** The only values a string option takes; anything else is a usage error with a suggestion. */
  choices?: readonly string[];
  /** A string option that names a file: `-` reads standard input, and completion offers files. */
  file?: boolean;
}

/** One positional argument, for help, `docs/cli.md`, completion and the "missing argument" message. */
export interface ArgumentSpec {
  name: string;
  description: string;
  /** @default true */
  required?: boolean;
  /** Takes one or more values (only the last argument). */
  variadic?: boolean;
  /** The values the argument takes, for completion. */
  choices?: readonly string[];
  /** Names a file or folder (`-` for standard input where the command says so). */
  file?: boolean;
}

/** A command module: its usage, options and what it does. `run` returns the exit code. */
export interface Command {
  usage: string;
  description: string;
  options: Record<string, OptionSpec>;
  /**
   * Positional arguments allowed, as [min, max]. When `arguments` is given this is derived from it.
   * @default [0, 0]
   */
  positionals?: [number, number];
  /** The positional arguments by name; preferred over `positionals`. */
  arguments?: readonly ArgumentSpec[];
  /** Command lines shown under "Examples" in help and docs. */
  examples?: readonly string[];
  run(context: CommandContext): Promise<number>;
}
