import {
  assertEnvironmentName,
  createEnvironment,
  renderEnvironmentFile,
  TEMPLATE_NAMES,
} from '@agentforge/env-templates';
import { AgentforgeError, assignmentToEdit, type Tier } from '@agentforge/schema';
import type { Command } from '../context.js';
import { reportEdit, runEdit, WRITE_OPTIONS } from './_edit.js';
import { envWorkspace } from './_env.js';
import { displayPath } from './_shared.js';

export const command: Command = {
  usage:
    'env create <name> --template <development|staging|production> [--set path=value]... [--force] [--fail-on <severity>] [--actor <id>]',
  description:
    'Create environments/<name>.yaml from a template. The name must be a DNS-1123 label; an existing file is kept unless --force is given. Each --set edits the rendered template as config set does (the value is YAML); the result must match the schema (exit 2) and pass the policies at --fail-on (exit 1). Needs the create grant when agentforge.yaml has an access: section; audited.',
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
    ...WRITE_OPTIONS,
  },
  async run(context) {
    const { positionals, values, cwd, dir } = context;
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
    if (!values.force && (await workspace.listEnvironments()).includes(name)) {
      const path = displayPath(workspace.root, workspace.environmentFile(name));
      throw new AgentforgeError('ALREADY_EXISTS', `${path} already exists (use --force to overwrite it)`);
    }
    // Every --set is read before anything is rendered: a malformed one or a forbidden key is exit 2.
    const edits = ((values.set as string[] | undefined) ?? []).map(assignmentToEdit);
    const text = renderEnvironmentFile(createEnvironment(name, { template: template as Tier }));
    const result = await runEdit(context, 'env create', edits, {
      environment: name,
      workspace,
      create: { text },
    });
    return reportEdit(context, result, (display) => `created ${display} from the ${template} template`);
  },
};
