import { argumentLabel, GLOBAL_OPTIONS, optionLabel } from './_args.js';
import { COMMANDS, groupSummary } from './commands.js';
import type { Command, OptionSpec } from './context.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function optionTable(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const notes = [
      spec.multiple ? 'repeatable' : '',
      spec.choices ? `one of ${spec.choices.map((c) => `\`${c}\``).join(', ')}` : '',
      spec.stdin ? '`-` reads standard input' : '',
    ].filter(Boolean);
    const flag = `\`${optionLabel(name, spec)}\``;
    return `| ${cell(flag)} | ${cell(spec.description)}${notes.length && !spec.choices?.every((c) => spec.description.includes(c)) ? ` (${cell(notes.join('; '))})` : ''} |`;
  });
  return rows.length ? ['| Option | Meaning |', '| --- | --- |', ...rows] : ['No options of its own.'];
}

function commandSection(name: string, command: Command): string[] {
  const args = command.arguments ?? [];
  return [
    `### \`agentforge ${name}\``,
    '',
    COMMANDS[name]!.summary.replace(/\.?$/, '.'),
    '',
    '```',
    `agentforge ${command.usage}`,
    '```',
    '',
    command.description,
    '',
    ...(args.length
      ? [
          '| Argument | Meaning |',
          '| --- | --- |',
          ...args.map((a) => `| ${cell(`\`${argumentLabel(a)}\``)} | ${cell(a.description)} |`),
          '',
        ]
      : []),
    ...optionTable(command.options),
    '',
    ...(command.examples?.length ? ['Examples:', '', '```sh', ...command.examples, '```', ''] : []),
  ];
}

/**
 * The CLI reference (`docs/cli.md`), rendered from the command definitions that also drive
 * `--help` and the completion scripts, so the three cannot disagree.
 */
export async function renderCliReference(): Promise<string> {
  const loaded = await Promise.all(
    Object.entries(COMMANDS).map(async ([name, { load }]) => [name, (await load()).command] as const),
  );
  const groups = new Map<string, Array<readonly [string, Command]>>();
  for (const entry of loaded) {
    const group = entry[0].includes(' ') ? entry[0].split(' ')[0]! : '';
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const lines = [
    '<!-- Generated from packages/cli/src/commands by `pnpm generate`; do not edit. -->',
    '# The `agentforge` command line',
    '',
    'Every command takes the global options anywhere on the line, `--help` (`agentforge <group>`',
    'alone shows a group), and respects `NO_COLOR`. `-` reads standard input wherever a file is',
    'read. Machine formats write only the document to stdout; diagnostics go to stderr.',
    'A mistyped command, option or value gets a suggestion (`agentforge confg validate` →',
    '`did you mean "agentforge config validate"?`).',
    '',
    '## Global options',
    '',
    ...optionTable({ ...GLOBAL_OPTIONS, version: { type: 'boolean', description: 'Print the version' } }),
    '',
    '## Exit codes',
    '',
    '| Code | Meaning |',
    '| --- | --- |',
    '| 0 | Success; no finding or change at or above `--fail-on`. Also when the reader of stdout closes the pipe (`agentforge schema \\| head -1`). |',
    '| 1 | Findings or drift at or above `--fail-on`. |',
    '| 2 | Usage error or bad input (unknown command, option, value or environment; an unreadable, unwritable or malformed file): one line naming the file, line and column where there is one. |',
    '',
    '## Shell completion',
    '',
    '```sh',
    'source <(agentforge completion bash)          # bash; zsh: source <(agentforge completion zsh)',
    'agentforge completion fish | source           # fish',
    '```',
    '',
  ];
  for (const [group, commands] of groups) {
    lines.push(group ? `## ${group}` : '## Other commands', '');
    if (group) lines.push(groupSummary(group), '');
    for (const [name, command] of commands) lines.push(...commandSection(name, command));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
