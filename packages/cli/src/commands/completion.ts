import { AgentforgeError } from '@agentforge/schema';
import { GLOBAL_OPTIONS } from '../_args.js';
import type { Command, CommandTable, OptionSpec } from '../context.js';
import { groupSummary } from '../groups.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

interface Entry {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Values the first positional takes, when they are a closed list. */
  argumentChoices: readonly string[];
  argumentIsFile: boolean;
}

/** Every command with its options, loaded once: the scripts are static, so a shell never waits on node. */
async function entries(commands: CommandTable): Promise<Entry[]> {
  return Promise.all(
    Object.entries(commands).map(async ([name, { summary, load }]) => {
      const { command } = await load();
      const first = command.arguments?.[0];
      return {
        name,
        summary,
        options: { ...command.options, ...GLOBAL_OPTIONS },
        argumentChoices: first?.choices ?? [],
        argumentIsFile: first?.file === true,
      };
    }),
  );
}

const flags = (options: Record<string, OptionSpec>): string[] =>
  Object.entries(options).flatMap(([name, spec]) => [
    `--${name}`,
    ...(spec.short ? [`-${spec.short}`] : []),
    ...(spec.type === 'boolean' && name !== 'help' && name !== 'quiet' && name !== 'debug'
      ? [`--no-${name}`]
      : []),
  ]);

// Shell words here are command and option names from our own table: [a-z0-9-] only, so they
// need no quoting; descriptions are quoted for fish with ' escaped.
const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function bash(list: Entry[], commands: CommandTable): string {
  const tops = [...new Set(list.map((e) => e.name.split(' ')[0]!))];
  const valueFlags = new Set<string>();
  for (const e of list)
    for (const [name, spec] of Object.entries(e.options))
      if (spec.type === 'string') {
        valueFlags.add(`--${name}`);
        if (spec.short) valueFlags.add(`-${spec.short}`);
      }
  const groups = tops.filter((t) => !commands[t]);
  const cases: string[] = [];
  for (const group of groups)
    cases.push(
      `    ${group}) words="${list
        .filter((e) => e.name.startsWith(`${group} `))
        .map((e) => e.name.split(' ')[1])
        .join(' ')} ${flags(GLOBAL_OPTIONS).join(' ')}" ;;`,
    );
  for (const e of list) {
    const positional = e.argumentChoices.length ? ` ${e.argumentChoices.join(' ')}` : '';
    cases.push(`    "${e.name}") words="${flags(e.options).join(' ')}${positional}" ;;`);
  }
  const valueCases: string[] = [];
  const choiceFlags = new Map<string, string>();
  const environmentFlags = new Set<string>();
  const fileFlags = new Set<string>(['--dir']);
  for (const e of list)
    for (const [name, spec] of Object.entries(e.options)) {
      if (spec.choices) choiceFlags.set(`${e.name}|--${name}`, spec.choices.join(' '));
      if (name === 'environment' || name === 'against-environment') {
        environmentFlags.add(`--${name}`);
        if (spec.short) environmentFlags.add(`-${spec.short}`);
      } else if (spec.type === 'string' && !spec.choices) fileFlags.add(`--${name}`);
    }
  for (const [key, values] of choiceFlags) {
    const [command, flag] = key.split('|');
    valueCases.push(`    "${command}|${flag}") COMPREPLY=($(compgen -W "${values}" -- "$cur")); return ;;`);
  }
  return `# bash completion for agentforge. Load it with:
#   source <(agentforge completion bash)
# or write it to a file under ~/.local/share/bash-completion/completions/agentforge
_agentforge_environments() {
  local dir=environments
  command ls "$dir" 2>/dev/null | sed -n 's/\\.ya\\{0,1\\}ml$//p'
}
_agentforge() {
  local cur prev command="" word i words=""
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case " ${[...valueFlags].sort().join(' ')} " in
      *" $word "*) i=$((i + 1)); continue ;;
    esac
    case "$word" in -*) continue ;; esac
    case " ${[...tops, ...list.filter((e) => e.name.includes(' ')).map((e) => e.name.split(' ')[1]!)].join(' ')} " in
      *" $word "*) command="\${command:+$command }$word" ;;
    esac
  done
  case "$command|$prev" in
${valueCases.join('\n')}
  esac
  case " ${[...environmentFlags].sort().join(' ')} " in
    *" $prev "*) COMPREPLY=($(compgen -W "$(_agentforge_environments)" -- "$cur")); return ;;
  esac
  case " ${[...fileFlags].sort().join(' ')} " in
    *" $prev "*) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "$command" in
    "") words="${tops.join(' ')} ${flags(GLOBAL_OPTIONS).join(' ')} --version" ;;
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _agentforge agentforge
`;
}

function zsh(list: Entry[], commands: CommandTable): string {
  // zsh runs the bash function through bashcompinit, zsh's own bridge for bash completions: one
  // script to keep right instead of two.
  return `#compdef agentforge
# zsh completion for agentforge. Load it with:
#   source <(agentforge completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(list, commands)}`;
}

function fish(list: Entry[], commands: CommandTable): string {
  const tops = [...new Set(list.map((e) => e.name.split(' ')[0]!))];
  const lines = [
    '# fish completion for agentforge. Load it with:',
    '#   agentforge completion fish | source',
    'complete -c agentforge -f',
  ];
  for (const top of tops) {
    const summary = commands[top]?.summary ?? groupSummary(top);
    lines.push(`complete -c agentforge -n __fish_use_subcommand -a ${top} -d ${fishQuote(summary)}`);
  }
  for (const e of list) {
    const [first, second] = e.name.split(' ') as [string, string | undefined];
    let condition = `__fish_seen_subcommand_from ${first}`;
    if (second) {
      const siblings = list.filter((x) => x.name.startsWith(`${first} `)).map((x) => x.name.split(' ')[1]);
      lines.push(
        `complete -c agentforge -n '${condition}; and not __fish_seen_subcommand_from ${siblings.join(' ')}' -a ${second} -d ${fishQuote(e.summary)}`,
      );
      condition = `${condition}; and __fish_seen_subcommand_from ${second}`;
    }
    for (const value of e.argumentChoices) lines.push(`complete -c agentforge -n '${condition}' -a ${value}`);
    if (e.argumentIsFile) lines.push(`complete -c agentforge -n '${condition}' -F`);
    for (const [name, spec] of Object.entries(e.options)) {
      const parts = [`complete -c agentforge -n '${condition}' -l ${name}`];
      if (spec.short) parts.push(`-s ${spec.short}`);
      if (spec.type === 'string')
        parts.push(spec.choices ? `-x -a ${fishQuote(spec.choices.join(' '))}` : '-r -F');
      parts.push(`-d ${fishQuote(spec.description)}`);
      lines.push(parts.join(' '));
    }
  }
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  usage: 'completion <bash|zsh|fish>',
  description:
    'Print a completion script for bash, zsh or fish: commands, options, option values and environment names.',
  arguments: [{ name: 'shell', description: `The shell: ${SHELLS.join(', ')}`, choices: SHELLS }],
  examples: [
    'source <(agentforge completion bash)',
    'agentforge completion zsh > ~/.zfunc/_agentforge',
    'agentforge completion fish > ~/.config/fish/completions/agentforge.fish',
  ],
  options: {},
  async run({ positionals, stdout, commands }) {
    const shell = positionals[0]!;
    if (!(SHELLS as readonly string[]).includes(shell))
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge completion: unknown shell "${shell}" (${SHELLS.join(', ')})`,
      );
    const list = await entries(commands);
    stdout.write({ bash, zsh, fish }[shell as Shell](list, commands));
    return 0;
  },
};
