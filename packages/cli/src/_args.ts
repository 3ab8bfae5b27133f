// Command-line words and options that help needs too: nothing here imports a library, so
// `agentforge --help` and group help stay free of zod and every @agentforge package.
import type { ArgumentSpec, Command, OptionSpec } from './context.js';

/** Options every command takes, anywhere on the line. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  dir: {
    type: 'string',
    description: 'Workspace folder (default: the nearest folder up with agentforge.yaml or environments/)',
    valueName: 'path',
  },
  quiet: { type: 'boolean', short: 'q', description: 'Print only errors and the requested output' },
  debug: { type: 'boolean', description: 'Print stack traces and debug logs to stderr' },
  'log-format': {
    type: 'string',
    description: 'Log lines on stderr as json or pretty (default: json when stderr is not a terminal)',
    valueName: 'json|pretty',
    choices: ['json', 'pretty'],
  },
  'log-level': {
    type: 'string',
    description: 'Lowest level logged (default: warn, debug with --debug)',
    valueName: 'level',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

/** Where the command words are, and the other tokens, before the command is loaded. */
export interface Located {
  /** The command words found (`['config', 'validate']`), possibly a group alone or nothing. */
  words: string[];
  /** Every other token, in order, for the command's own parse. */
  rest: string[];
  help: boolean;
  version: boolean;
  /** The first word after the command words that is not an option's value (an unknown command, or a positional). */
  stray?: string;
}

const globalValueOption = (token: string): boolean => {
  for (const [name, spec] of Object.entries(GLOBAL_OPTIONS))
    if (spec.type === 'string' && (token === `--${name}` || (spec.short && token === `-${spec.short}`)))
      return true;
  return false;
};

/**
 * Finds the command words: the first tokens that are not options (global options, such as
 * `--dir <path>`, may come before them), as long as they extend a known command or group.
 */
export function locate(argv: readonly string[], isPrefix: (words: readonly string[]) => boolean): Located {
  const words: string[] = [];
  const rest: string[] = [];
  let help = false;
  let version = false;
  let done = false;
  let stray: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (token === '--help' || token === '-h') help = true;
    if (token === '--version' && words.length === 0) {
      version = true;
      continue;
    }
    if (token.startsWith('-') && token !== '-') {
      rest.push(token);
      if (globalValueOption(token) && i + 1 < argv.length) rest.push(argv[++i]!);
      continue;
    }
    // The first word is always taken (an unknown one gets a suggestion); later ones only while
    // they extend a known command, so positionals stay positionals.
    if (!done && (words.length === 0 || isPrefix([...words, token]))) words.push(token);
    else {
      if (!done) stray = token;
      done = true;
      rest.push(token);
    }
  }
  return { words, rest, help, version, ...(stray === undefined ? {} : { stray }) };
}

/** `--name <value>` or `-s, --name <value>`, as help and errors show an option. */
export function optionLabel(name: string, spec: OptionSpec): string {
  const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : '';
  return `${spec.short ? `-${spec.short}, ` : ''}--${name}${value}`;
}

/** The positional arguments of a command as [min, max]. */
export function argumentRange(command: Pick<Command, 'arguments' | 'positionals'>): [number, number] {
  if (command.arguments) {
    const min = command.arguments.filter((a) => a.required !== false).length;
    const max = command.arguments.some((a) => a.variadic)
      ? Number.POSITIVE_INFINITY
      : command.arguments.length;
    return [min, max];
  }
  return command.positionals ?? [0, 0];
}

/** `<name>`, `[name]` or `<name>...`. */
export function argumentLabel(spec: ArgumentSpec): string {
  const inner = `${spec.name}${spec.variadic ? '...' : ''}`;
  return spec.required === false ? `[${inner}]` : `<${inner}>`;
}
