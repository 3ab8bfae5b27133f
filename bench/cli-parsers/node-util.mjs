// Contender: node:util parseArgs (what the CLI used before), with hand-written dispatch and help.
import { parseArgs } from 'node:util';
import { GROUPS, runValidate, TOP } from './_tree.mjs';

const argv = process.argv.slice(2);
if (argv[0] === '--help') {
  const lines = ['Usage: agentforge <command> [options]', '', 'Commands:'];
  for (const [group, commands] of Object.entries(GROUPS))
    for (const [name, summary] of Object.entries(commands)) lines.push(`  ${group} ${name}  ${summary}`);
  for (const [name, summary] of Object.entries(TOP)) lines.push(`  ${name}  ${summary}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} else if (argv[0] === 'config' && argv[1] === 'validate') {
  const { values } = parseArgs({
    args: argv.slice(2),
    options: {
      environment: { type: 'string', short: 'e' },
      config: { type: 'string' },
      policy: { type: 'string', multiple: true },
      format: { type: 'string' },
      'fail-on': { type: 'string' },
      suppressions: { type: 'boolean' },
      dir: { type: 'string' },
    },
    allowNegative: true,
  });
  await runValidate(values);
}
