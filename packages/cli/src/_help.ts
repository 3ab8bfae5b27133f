// Help text, rendered from the command table and the command definitions (the same sources as
// docs/cli.md and the completion scripts).
import { argumentLabel, GLOBAL_OPTIONS, optionLabel } from './_args.js';
import type { Command, OptionSpec } from './context.js';
import { groupSummary, SUMMARIES } from './summaries.js';

const EXIT_LINE =
  'Exit codes: 0 success, 1 findings or drift at or above --fail-on, 2 usage error or bad input.';

function table(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}

function optionRows(options: Record<string, OptionSpec>): Array<[string, string]> {
  return Object.entries(options).map(([name, spec]) => [
    optionLabel(name, spec),
    `${spec.description}${spec.multiple ? ' (repeatable)' : ''}`,
  ]);
}

/** The first word of every command that has two, in table order. */
export function groupNames(): string[] {
  return [
    ...new Set(
      Object.keys(SUMMARIES)
        .filter((n) => n.includes(' '))
        .map((n) => n.split(' ')[0]!),
    ),
  ];
}

/** `agentforge --help`. */
export function rootHelp(): string {
  return [
    'Usage: agentforge <command> [options]',
    '',
    'Commands:',
    ...table(Object.entries(SUMMARIES)),
    '',
    'Global options (anywhere on the line):',
    ...table([...optionRows(GLOBAL_OPTIONS), ['--version', 'Print the version']]),
    '',
    'Run agentforge <command> --help for a command, agentforge <group> for a group.',
    'NO_COLOR=1 turns colours off; - reads standard input wherever a file is read.',
    EXIT_LINE,
    '',
  ].join('\n');
}

/** `agentforge env --help` (or `agentforge env`). */
export function groupHelp(group: string): string {
  const members = Object.entries(SUMMARIES).filter(([name]) => name.startsWith(`${group} `));
  return [
    `Usage: agentforge ${group} <command> [options]`,
    '',
    groupSummary(group),
    '',
    'Commands:',
    ...table(members),
    '',
    'Global options:',
    ...table(optionRows(GLOBAL_OPTIONS)),
    '',
    `Run agentforge ${group} <command> --help for a command's options.`,
    '',
  ].join('\n');
}

/** `agentforge <command> --help`. */
export function commandHelp(words: string, command: Command): string {
  const args = command.arguments ?? [];
  return [
    `Usage: agentforge ${command.usage}`,
    '',
    command.description,
    ...(args.length
      ? ['', 'Arguments:', ...table(args.map((a) => [argumentLabel(a), a.description] as const))]
      : []),
    '',
    'Options:',
    ...table(optionRows(command.options)),
    '',
    'Global options:',
    ...table(optionRows(GLOBAL_OPTIONS)),
    ...(command.examples?.length ? ['', 'Examples:', ...command.examples.map((e) => `  ${e}`)] : []),
    '',
    EXIT_LINE,
    `See also: agentforge ${words.split(' ')[0]} --help`,
    '',
  ].join('\n');
}
