// Contender: clipanion 3 (typed options through typanion).
import { Builtins, Cli, Command, Option } from 'clipanion';
import { GROUPS, runValidate, TOP } from './_tree.mjs';

const cli = new Cli({ binaryName: 'agentforge' });
cli.register(Builtins.HelpCommand);
for (const [group, commands] of Object.entries(GROUPS))
  for (const [name, summary] of Object.entries(commands)) {
    if (group === 'config' && name === 'validate') {
      cli.register(
        class extends Command {
          static paths = [[group, name]];
          static usage = Command.Usage({ description: summary });
          environment = Option.String('-e,--environment', { required: true });
          config = Option.String('--config');
          policy = Option.Array('--policy');
          format = Option.String('--format');
          failOn = Option.String('--fail-on');
          suppressions = Option.Boolean('--suppressions', true);
          dir = Option.String('--dir');
          async execute() {
            await runValidate(this);
          }
        },
      );
    } else
      cli.register(
        class extends Command {
          static paths = [[group, name]];
          static usage = Command.Usage({ description: summary });
          async execute() {}
        },
      );
  }
for (const [name, summary] of Object.entries(TOP))
  cli.register(
    class extends Command {
      static paths = [[name]];
      static usage = Command.Usage({ description: summary });
      async execute() {}
    },
  );
await cli.runExit(process.argv.slice(2));
