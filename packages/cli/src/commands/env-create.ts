import { existsSync } from 'node:fs';
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
  assertSafeKey,
  type DeepPartial,
  type EnvironmentDocumentInput,
  type Tier,
} from '@agentforge/schema';
import type { Command } from '../context.js';
import { envWorkspace } from './_env.js';
import { displayPath } from './_shared.js';

/** `--set a.b.c=value` pairs as a nested override object; values are JSON where they parse, else strings. */
function parseSets(sets: readonly string[]): DeepPartial<EnvironmentDocumentInput> {
  const out: Record<string, unknown> = {};
  for (const set of sets) {
    const match = /^([A-Za-z0-9_.-]+)=(.*)$/s.exec(set);
    if (!match)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env create: --set "${set}" is not path=value (e.g. --set services.swarm.replicas=3)`,
      );
    const keys = match[1]!.split('.');
    let value: unknown = match[2]!;
    try {
      value = JSON.parse(match[2]!);
    } catch {
      // a plain string
    }
    for (const key of keys) assertSafeKey(key, `--set ${match[1]}`);
    let node = out;
    for (const key of keys.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  }
  return out as DeepPartial<EnvironmentDocumentInput>;
}

export const command: Command = {
  usage: 'env create <name> --template <development|staging|production> [--set path=value]... [--force]',
  description:
    'Create environments/<name>.yaml from a template. The name must be a DNS-1123 label; an existing file is kept unless --force is given.',
  positionals: [1, 1],
  options: {
    template: {
      type: 'string',
      description: `Template: ${TEMPLATE_NAMES.join(', ')}`,
      valueName: 'template',
    },
    set: {
      type: 'string',
      multiple: true,
      description: 'Override one setting, e.g. services.swarm.replicas=3',
      valueName: 'path=value',
    },
    force: { type: 'boolean', description: 'Overwrite an existing environment file' },
  },
  async run({ positionals, values, cwd, dir, stdout }) {
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
    if (!values.force && (existsSync(file) || existsSync(file.replace(/\.yaml$/, '.yml')))) {
      throw new AgentforgeError('ALREADY_EXISTS', `${path} already exists (use --force to overwrite it)`);
    }
    const document = createEnvironment(name, {
      template: template as Tier,
      overrides: parseSets((values.set as string[] | undefined) ?? []),
    });
    await writeGeneratedFiles(workspace.root, [
      { path, content: renderEnvironmentFile(document), mode: 0o644 },
    ]);
    stdout.write(`created ${displayPath(cwd, file)} from the ${template} template\n`);
    return 0;
  },
};
