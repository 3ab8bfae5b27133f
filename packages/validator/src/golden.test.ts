// Golden reports: every finding of a broken document — rule, severity, path, message,
// recommendation and location — byte for byte, so that work on the validator's speed cannot
// change what a user reads. Regenerate with `vitest -u` only for an intended change of output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { input, mutate, PRODUCTION } from '../test/helpers.js';
import { createAgentforgeValidator } from './agentforge.js';

const BROKEN = readFileSync(
  new URL('../../../examples/broken/environments/production.yaml', import.meta.url),
  'utf8',
);

// Schema issues of every kind the environment schema reports (wrong type, out of range, not in
// an enum, unknown keys near and far from a known one, a missing required key), beside rules.
const SCHEMA_BROKEN = mutate(PRODUCTION, [
  ['level: info', 'level: loud'],
  ['provider: anthropic', 'provider: 42'],
  ['sslmode: verify-full', 'sslmode: verify-full\n    sslmod: require\n    zzzzzzzzzz: 1'],
  ['replicas: 3\n    port: 8080', 'replicas: -1\n    port: "8080"\n    replica: 2'],
  ['port: 8081', 'port: 70000'],
]);

const cases = [
  {
    name: 'the broken production example',
    text: BROKEN,
    file: 'examples/broken/environments/production.yaml',
  },
  { name: 'schema issues of every kind', text: SCHEMA_BROKEN, file: 'environments/production.yaml' },
];

describe('golden reports', () => {
  it.each(cases)('$name', async ({ text, file }) => {
    const report = createAgentforgeValidator().validate(input(text, file));
    const { lineText: _, ...rest } = report;
    await expect(`${JSON.stringify(rest, null, 2)}\n`).toMatchFileSnapshot(
      `__snapshots__/golden-${file.replaceAll('/', '_')}.json`,
    );
  });
});
