export { EXIT, main, runCli } from './cli.js';
export {
  type ArgumentSpec,
  type CliIO,
  type Command,
  type CommandContext,
  defineCommand,
  type OptionSpec,
  type OptionValue,
  type Output,
  type TypedValues,
} from './context.js';
export { renderCliReference } from './docs.js';
