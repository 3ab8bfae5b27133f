import { parseArgs } from 'node:util';
import { COMMANDS } from './commands.js';
import type { CliIO, Command, OptionSpec } from './context.js';
import { createLogger } from './logger.js';
import { cliVersion } from './version.js';

/** Exit codes of every command (DESIGN.md). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2 } as const;

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  dir: {
    type: 'string',
    description: 'Workspace folder (default: nearest folder with agentforge.yaml or environments/)',
    valueName: 'path',
  },
  debug: { type: 'boolean', description: 'Print stack traces and debug logs to stderr' },
  help: { type: 'boolean', short: 'h', description: 'Show help' },
};

function rootHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  return [
    'Usage: agentforge <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`),
    '',
    'Options:',
    '  --dir <path>   Workspace folder',
    '  --debug        Print stack traces and debug logs',
    '  --version      Print the version',
    '  -h, --help     Show help',
    '',
    'Exit codes: 0 success, 1 findings or drift at or above --fail-on, 2 usage error or bad input.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(options).map(([key, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ''}--${key}${spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : ''}`;
    return [flag, spec.description + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: agentforge ${command.usage}`,
    '',
    command.description,
    '',
    'Options:',
    ...rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`),
    '',
  ].join('\n');
}

/** Picks the command named by the first one or two words of `argv`. */
function findCommand(argv: readonly string[]): { name: string; rest: string[] } | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    if (COMMANDS[name]) {
      const rest = [...argv];
      for (const word of name.split(' ')) rest.splice(rest.indexOf(word), 1);
      return { name, rest };
    }
  }
  return undefined;
}

/**
 * Runs the CLI with `argv` (without `node agentforge`) and returns the exit code; nothing here
 * calls `process.exit`, so tests run it in-process.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  // Help and version answer before anything else is imported: they pay for neither zod nor chokidar.
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(rootHelp());
    return argv.length === 0 ? EXIT.USAGE : EXIT.OK;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write(`${cliVersion()}\n`);
    return EXIT.OK;
  }
  const debug = argv.includes('--debug');
  const { AgentforgeError, createColors, isAgentforgeError, shouldColor } = await import(
    '@agentforge/schema'
  );
  try {
    const found = findCommand(argv);
    if (!found) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `unknown command "${argv.filter((a) => !a.startsWith('-')).join(' ')}" (see agentforge --help)`,
      );
    }
    const { command } = await COMMANDS[found.name]!.load();
    const options = { ...command.options, ...GLOBAL_OPTIONS };
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: found.rest,
        options: Object.fromEntries(
          Object.entries(options).map(([key, spec]) => [
            key,
            {
              type: spec.type,
              ...(spec.multiple ? { multiple: true } : {}),
              ...(spec.short ? { short: spec.short } : {}),
            },
          ]),
        ),
        allowPositionals: true,
        allowNegative: true,
        strict: true,
      });
    } catch (error) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge ${found.name}: ${(error as Error).message.split('\n')[0]} (see --help)`,
      );
    }
    if (parsed.values.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.OK;
    }
    const [min, max] = command.positionals ?? [0, 0];
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge ${found.name}: expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length} (usage: agentforge ${command.usage})`,
      );
    }
    return await command.run({
      ...io,
      positionals: parsed.positionals,
      values: parsed.values,
      dir: parsed.values.dir as string | undefined,
      debug,
      colors: createColors(shouldColor(io.stdout, io.env)),
      errorColors: createColors(shouldColor(io.stderr, io.env)),
      logger: createLogger(io.stderr, debug),
    });
  } catch (error) {
    if (isAgentforgeError(error)) {
      io.stderr.write(`${error.format()}\n`);
      if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
      return EXIT.USAGE;
    }
    io.stderr.write(
      `agentforge: internal error: ${error instanceof Error ? error.message : String(error)}${debug ? '' : ' (run with --debug for the stack trace)'}\n`,
    );
    if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return EXIT.USAGE;
  }
}

/** The `agentforge` binary: runs the CLI on `process.argv` and sets the exit code. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(argv, {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
}
