// Contender: citty 0.2 (no repeatable options: --policy takes one value).
import { defineCommand, runMain } from 'citty';
import { GROUPS, runValidate, TOP } from './_tree.mjs';

const subCommands = {};
for (const [group, commands] of Object.entries(GROUPS)) {
  const children = {};
  for (const [name, summary] of Object.entries(commands)) {
    children[name] =
      group === 'config' && name === 'validate'
        ? defineCommand({
            meta: { name, description: summary },
            args: {
              environment: { type: 'string', alias: 'e', required: true },
              config: { type: 'string' },
              policy: { type: 'string' },
              format: { type: 'enum', options: ['human', 'json', 'sarif', 'github', 'junit'] },
              'fail-on': { type: 'string' },
              suppressions: { type: 'boolean', default: true },
              dir: { type: 'string' },
            },
            run: ({ args }) => runValidate({ ...args, policy: args.policy ? [args.policy] : [] }),
          })
        : defineCommand({ meta: { name, description: summary } });
  }
  subCommands[group] = defineCommand({ meta: { name: group }, subCommands: children });
}
for (const [name, summary] of Object.entries(TOP))
  subCommands[name] = defineCommand({ meta: { name, description: summary } });
await runMain(defineCommand({ meta: { name: 'agentforge' }, subCommands }));
