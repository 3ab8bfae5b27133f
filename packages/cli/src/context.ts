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
  /** Every command of the CLI, for commands that describe the others (completion); passed in, not imported, so no command module imports the table that loads it. */
  commands: CommandTable;
}

/** The command table: each command by its words, with its summary and a lazy loader. */
export type CommandTable = Record<string, { summary: string; load: () => Promise<{ command: Command }> }>;

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
  /** A string option that names a file or folder: completion offers files. */
  file?: boolean;
  /** `-` reads standard input (a file option). */
  stdin?: boolean;
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
  /** Names a file or folder. */
  file?: boolean;
  /** `-` reads standard input. */
  stdin?: boolean;
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

/** The value type of one option: `string`, `string[]` for a repeatable one, `boolean` for a flag. */
export type OptionValue<S extends OptionSpec> = S['type'] extends 'boolean'
  ? boolean
  : S['multiple'] extends true
    ? string[]
    : S['choices'] extends readonly (infer C extends string)[]
      ? C
      : string;

/** Typed option values of a command: every option may be absent. */
export type TypedValues<O extends Record<string, OptionSpec>> = { [K in keyof O]?: OptionValue<O[K]> } & {
  dir?: string;
  quiet?: boolean;
  debug?: boolean;
};

/**
 * Defines a command whose `run` sees its options typed from their specs (`--format` with
 * `choices` is the union of its choices, a repeatable option a `string[]`), as citty's
 * `defineCommand` and commander's extra-typings do. The result is a plain {@link Command}.
 * @example
 * export const command = defineCommand({
 *   usage: 'schema [--format json-schema|markdown]', description: '…',
 *   options: { format: { type: 'string', description: '…', choices: ['json-schema', 'markdown'] } },
 *   async run({ values }) { values.format; // 'json-schema' | 'markdown' | undefined
 *     return 0; },
 * });
 */
export function defineCommand<const O extends Record<string, OptionSpec>>(
  definition: Omit<Command, 'options' | 'run'> & {
    options: O;
    run(context: Omit<CommandContext, 'values'> & { values: TypedValues<O> }): Promise<number>;
  },
): Command {
  return definition as unknown as Command;
}
