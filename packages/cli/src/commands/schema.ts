import { renderReferenceDocs, toJsonSchema } from '@agentforge/schema';
import { defineCommand } from '../context.js';
import { displayPath, writeOutput } from './_shared.js';

export const command = defineCommand({
  usage: 'schema [--format json-schema|markdown] [--out <file>]',
  description:
    'Print the JSON Schema (for editors and CI) or the Markdown reference of the environment document.',
  options: {
    format: {
      type: 'string',
      description: 'json-schema (default) or markdown',
      valueName: 'format',
      choices: ['json-schema', 'markdown'],
    },
    out: {
      type: 'string',
      description: 'Write to this file instead of stdout',
      valueName: 'file',
      file: true,
    },
  },
  async run({ values, cwd, stdout, stderr }) {
    // The parser has checked --format against its choices; the type says so too.
    const format = values.format ?? 'json-schema';
    const text =
      format === 'markdown' ? renderReferenceDocs() : `${JSON.stringify(toJsonSchema(), null, 2)}\n`;
    if (typeof values.out === 'string') {
      const file = await writeOutput(cwd, values.out, text);
      stderr.write(`wrote ${displayPath(cwd, file)}\n`);
    } else stdout.write(text);
    return 0;
  },
});
