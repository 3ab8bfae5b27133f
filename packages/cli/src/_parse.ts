// The argument layer: which command a command line names, and its options and arguments.
//
// Why node:util parseArgs and not commander, citty or clipanion (bench/cli.bench.mjs, two runs
// of 15 and 21 interleaved rounds on a shared 2-core machine): each of the three adds its own
// import to every cold start — `--help` commander 1.21–1.26×, citty 1.02–1.09×, clipanion
// 1.38–1.48×; `config validate` commander 1.05–1.09×, citty 1.02–1.12×, clipanion 1.14–1.18×,
// against parseArgs at 1.00× — while this layer is what the three would still have needed around
// them here: commands load lazily (help imports no library), mistakes exit 2 with our one-line
// messages, and help, completion and docs/cli.md come from the same definitions. citty also has
// no repeatable options, no did-you-mean, accepts unknown options silently and refuses options
// before the command; clipanion suggests no option names. parseArgs is Node's own, maintained
// with Node; it does the tokenising (short groups, `--x=y`, `--no-x`, `--`), and
// `defineCommand` (context.ts) gives the typed values commander's extra-typings would.
import { parseArgs } from 'node:util';
import { AgentforgeError, closestWord } from '@agentforge/schema';
import { argumentLabel, argumentRange, GLOBAL_OPTIONS, optionLabel } from './_args.js';
import type { ArgumentSpec, Command, OptionValues } from './context.js';

/** The result of {@link parseCommandLine}. */
export interface Parsed {
  values: OptionValues;
  positionals: string[];
}

/**
 * Parses a command's tokens: its options and the global ones, anywhere. Every mistake is an
 * `INVALID_ARGUMENT` naming the option and the reason, with a suggestion where one is close.
 */
export function parseCommandLine(words: string, command: Command, tokens: readonly string[]): Parsed {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const fail = (message: string) =>
    new AgentforgeError(
      'INVALID_ARGUMENT',
      `agentforge ${words}: ${message} (see agentforge ${words} --help)`,
    );
  const config = Object.fromEntries(
    Object.entries(options).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.multiple ? { multiple: true } : {}),
        ...(spec.short ? { short: spec.short } : {}),
      },
    ]),
  );
  // Non-strict with tokens: the checks below word the errors, rather than Node's parser text.
  const {
    values,
    positionals,
    tokens: parsedTokens,
  } = parseArgs({
    args: [...tokens],
    options: config,
    allowPositionals: true,
    allowNegative: true,
    strict: false,
    tokens: true,
  });
  const names = Object.keys(options).flatMap((name) => [
    `--${name}`,
    ...(options[name]!.type === 'boolean' ? [`--no-${name}`] : []),
  ]);
  for (const token of parsedTokens) {
    if (token.kind !== 'option') continue;
    const spec = options[token.name];
    const negated = token.name.startsWith('no-') && options[token.name.slice(3)]?.type === 'boolean';
    if (!spec && !negated) {
      const suggestion = token.rawName.startsWith('--') ? closestWord(token.rawName, names) : undefined;
      throw fail(`unknown option ${token.rawName}${suggestion ? `; did you mean ${suggestion}?` : ''}`);
    }
    if (!spec) continue;
    if (spec.type === 'string' && token.value === undefined)
      throw fail(`option ${optionLabel(token.name, spec)} needs a value`);
    // parseArgs takes the next token as the value even when it is an option: `--out --quiet`.
    if (spec.type === 'string' && !token.inlineValue && token.value!.startsWith('-') && token.value !== '-')
      throw fail(
        `option ${optionLabel(token.name, spec)} needs a value, got the option "${token.value}" (write --${token.name}=${token.value} if you mean it)`,
      );
    if (spec.type === 'boolean' && token.inlineValue)
      throw fail(`option --${token.name} takes no value (got "${token.value}")`);
    if (spec.choices && token.value !== undefined && !spec.choices.includes(token.value)) {
      const suggestion = closestWord(token.value, spec.choices);
      throw fail(
        `--${token.name} must be one of ${spec.choices.join(', ')}, not "${token.value}"${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      );
    }
  }
  // Non-strict parsing keeps every occurrence of an option; the last one wins unless repeatable.
  const out: OptionValues = { ...values };
  for (const [name, spec] of Object.entries(options)) {
    const value = out[name];
    if (!spec.multiple && Array.isArray(value)) out[name] = value.at(-1);
    if (spec.multiple && value !== undefined && !Array.isArray(value)) out[name] = [value];
  }
  checkArguments(command, positionals, fail);
  return { values: out, positionals };
}

function checkArguments(
  command: Command,
  positionals: readonly string[],
  fail: (message: string) => Error,
): void {
  const [min, max] = argumentRange(command);
  const specs: readonly ArgumentSpec[] = command.arguments ?? [];
  if (positionals.length < min) {
    const missing = specs[positionals.length];
    throw fail(
      missing
        ? `missing ${argumentLabel(missing)}: ${missing.description}`
        : `expects ${min === max ? min : `at least ${min}`} argument(s), got ${positionals.length}`,
    );
  }
  if (positionals.length > max)
    throw fail(
      max === 0
        ? `takes no arguments, got "${positionals[0]}"`
        : `takes at most ${max} argument(s), got ${positionals.length}: unexpected "${positionals[max]}"`,
    );
}
