import { relative, resolve } from 'node:path';
import {
  assertEnvironmentName,
  GENERATORS,
  generate,
  generatorTypes,
  isGeneratorType,
  writeGeneratedFiles,
} from '@agentforge/env-templates';
import { AgentforgeError } from '@agentforge/schema';
import type { Command } from '../context.js';
import { envWorkspace, loadCheckedEnvironment } from './_env.js';
import { displayPath } from './_shared.js';

export const command: Command = {
  usage: `env generate <name> --type <${generatorTypes().join('|')}> [--out <dir>]`,
  description: [
    'Generate deployment files from environments/<name>.yaml. Secrets appear only as placeholders or references.',
    ...generatorTypes().map((type) => `  ${type}: ${GENERATORS[type].description}`),
  ].join('\n'),
  arguments: [{ name: 'name', description: 'the environment to generate files for' }],
  examples: [
    'agentforge env generate production --type helm',
    'agentforge env generate staging --type k8s --out build/',
  ],
  options: {
    type: {
      type: 'string',
      description: `What to generate: ${generatorTypes().join(', ')}`,
      valueName: 'type',
      choices: generatorTypes(),
    },
    out: {
      type: 'string',
      description: 'Folder the files are written under (default: the workspace)',
      valueName: 'dir',
      file: true,
    },
  },
  async run({ positionals, values, cwd, dir, stdout, logger, quiet }) {
    const name = positionals[0]!;
    assertEnvironmentName(name);
    const type = values.type;
    if (typeof type !== 'string' || !isGeneratorType(type)) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env generate: --type must be one of ${generatorTypes().join(', ')}`,
      );
    }
    const workspace = await envWorkspace(cwd, dir);
    const document = await loadCheckedEnvironment(workspace, name);
    const files = generate(type, document, { logger });
    const root = typeof values.out === 'string' ? resolve(cwd, values.out) : workspace.root;
    const written = await writeGeneratedFiles(root, files);
    if (quiet) return 0;
    stdout.write(`wrote ${written.length} file(s) under ${displayPath(cwd, root)}:\n`);
    for (const file of written) stdout.write(`  ${relative(root, file)}\n`);
    return 0;
  },
};
