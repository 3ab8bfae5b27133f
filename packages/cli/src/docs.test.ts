import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import { renderCliReference } from './docs.js';

describe('docs/cli.md', () => {
  it('matches the command definitions (run `pnpm generate` to update)', async () => {
    const committed = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    expect(committed).toBe(await renderCliReference());
  });

  it('documents every command with its usage and every option', async () => {
    const text = await renderCliReference();
    for (const [name, { load }] of Object.entries(COMMANDS)) {
      const { command } = await load();
      expect(text).toContain(`### \`agentforge ${name}\``);
      expect(text).toContain(`agentforge ${command.usage}`);
      for (const option of Object.keys(command.options)) expect(text).toContain(`--${option}`);
    }
  });
});
