import { relative } from 'node:path';
import { AgentforgeError, EnvironmentDocumentSchema } from '@agentforge/schema';
import type { Command } from '../context.js';
import { envWorkspace } from './_env.js';

interface Row {
  name: string;
  tier: string;
  namespace: string;
  file: string;
  valid: boolean;
  problem?: string;
}

export const command: Command = {
  usage: 'env list [--format human|json]',
  description:
    'List the environments of the workspace with their tier, namespace and whether they pass the schema.',
  options: {
    format: {
      type: 'string',
      description: 'human (default) or json',
      valueName: 'format',
      choices: ['human', 'json'],
    },
  },
  async run({ values, cwd, dir, stdout, colors }) {
    const format = (values.format as string | undefined) ?? 'human';
    if (format !== 'human' && format !== 'json')
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env list: unknown --format "${format}" (human or json)`,
      );
    const workspace = await envWorkspace(cwd, dir);
    const rows: Row[] = [];
    for (const name of await workspace.listEnvironments()) {
      const file = relative(cwd, workspace.environmentFile(name)) || workspace.environmentFile(name);
      try {
        const loaded = await workspace.loadEnvironment(name);
        const parsed = EnvironmentDocumentSchema.safeParse(loaded.data);
        const data = (loaded.data ?? {}) as { tier?: unknown; platform?: { namespace?: unknown } };
        rows.push({
          name,
          tier: String(data.tier ?? '?'),
          namespace: String(data.platform?.namespace ?? '?'),
          file,
          valid: parsed.success,
          ...(parsed.success ? {} : { problem: `${parsed.error.issues.length} schema problem(s)` }),
        });
      } catch (error) {
        rows.push({ name, tier: '?', namespace: '?', file, valid: false, problem: (error as Error).message });
      }
    }
    if (format === 'json') {
      stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return 0;
    }
    if (rows.length === 0) {
      stdout.write(
        `no environments in ${workspace.environmentsDir} (create one with agentforge env create <name> --template <t>)\n`,
      );
      return 0;
    }
    const header = ['NAME', 'TIER', 'NAMESPACE', 'FILE'];
    const table = rows.map((row) => [row.name, row.tier, row.namespace, row.file]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((cells) => cells[i]!.length)));
    const pad = (cells: string[]) =>
      cells
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd();
    stdout.write(`${pad(header)}\n`);
    rows.forEach((row, i) => {
      stdout.write(
        `${pad(table[i]!)}${row.valid ? '' : `  ${colors.severity('high', `invalid: ${row.problem}`)}`}\n`,
      );
    });
    return 0;
  },
};
