// Contender: commander 14 (Node 20 compatible; 15 needs Node 22.12).
import { Command, Option } from 'commander';
import { GROUPS, runValidate, TOP } from './_tree.mjs';

const program = new Command('agentforge').option('--dir <path>', 'Workspace folder');
for (const [group, commands] of Object.entries(GROUPS)) {
  const parent = program.command(group).description(`${group} commands`);
  for (const [name, summary] of Object.entries(commands)) {
    const command = parent.command(name).description(summary);
    if (group === 'config' && name === 'validate')
      command
        .requiredOption('-e, --environment <name>', 'Environment, or all')
        .option('--config <file>', 'Validate this file')
        .option('--policy <file...>', 'Extra policy file')
        .addOption(new Option('--format <format>').choices(['human', 'json', 'sarif', 'github', 'junit']))
        .option('--fail-on <severity>')
        .option('--no-suppressions')
        .action(async (options) => runValidate({ ...program.opts(), ...options }));
  }
}
for (const [name, summary] of Object.entries(TOP)) program.command(name).description(summary);
await program.parseAsync();
