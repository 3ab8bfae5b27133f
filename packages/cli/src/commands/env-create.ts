import { relative } from 'node:path';
import {
  assertEnvironmentName,
  createEnvironment,
  renderEnvironmentFile,
  TEMPLATE_NAMES,
  writeGeneratedFiles,
} from '@agentforge/env-templates';
import {
  AgentforgeError,
  assignmentsToObject,
  type DeepPartial,
  type EnvironmentDocumentInput,
  type Tier,
} from '@agentforge/schema';
import type { Command } from '../context.js';
import { envWorkspace } from './_env.js';
import { displayPath } from './_shared.js';

export const command: Command = {
  usage: 'env create <name> --template <development|staging|production> [--set path=value]... [--force]',
  description:
    'Create environments/<name>.yaml from a template. The name must be a DNS-1123 label; an existing file is kept unless --force is given.',
  arguments: [{ name: 'name', description: 'the new environment, a DNS-1123 label such as prod-eu' }],
  examples: ['agentforge env create prod-eu --template production --set platform.domain=eu.example.com'],
  options: {
    template: {
      type: 'string',
      description: `Template: ${TEMPLATE_NAMES.join(', ')}`,
      valueName: 'template',
      choices: TEMPLATE_NAMES,
    },
    set: {
      type: 'string',
      multiple: true,
      description: 'Override one setting, e.g. services.swarm.replicas=3 (\\. for a dot inside a key)',
      valueName: 'path=value',
    },
    force: { type: 'boolean', description: 'Overwrite an existing environment file' },
  },
  async run({ positionals, values, cwd, dir, stdout, quiet }) {
    const name = positionals[0]!;
    assertEnvironmentName(name);
    const template = values.template;
    if (typeof template !== 'string' || !(TEMPLATE_NAMES as readonly string[]).includes(template)) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env create: --template must be one of ${TEMPLATE_NAMES.join(', ')}`,
      );
    }
    const workspace = await envWorkspace(cwd, dir, true);
    const file = workspace.environmentFile(name);
    const path = relative(workspace.root, file);
    if (!values.force && (await workspace.listEnvironments()).includes(name)) {
      throw new AgentforgeError('ALREADY_EXISTS', `${path} already exists (use --force to overwrite it)`);
    }
    const document = createEnvironment(name, {
      template: template as Tier,
      overrides: assignmentsToObject(
        (values.set as string[] | undefined) ?? [],
      ) as DeepPartial<EnvironmentDocumentInput>,
    });
    await writeGeneratedFiles(workspace.root, [
      { path, content: renderEnvironmentFile(document), mode: 0o644 },
    ]);
    if (!quiet) stdout.write(`created ${displayPath(cwd, file)} from the ${template} template\n`);
    return 0;
  },
};
