export { EXIT, main, runCli } from './cli.js';
export type { ArgumentSpec, CliIO, Command, CommandContext, OptionSpec, Output } from './context.js';
export { renderCliReference } from './docs.js';
