export { EXIT, main, runCli } from './cli.js';
export type { CliIO, Command, CommandContext, OptionSpec, Output } from './context.js';
