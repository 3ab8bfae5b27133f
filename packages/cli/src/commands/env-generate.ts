import { relative, resolve } from 'node:path';
import {
  assertEnvironmentName,
  GENERATORS,
  GITOPS_TYPES,
  type GitOpsType,
  generate,
  generateWorkspaceGitOps,
  generatorTypes,
  isGeneratorType,
  writeGeneratedFiles,
} from '@agentforge/env-templates';
import { AgentforgeError } from '@agentforge/schema';
import type { Command } from '../context.js';
import { envWorkspace, loadCheckedEnvironment } from './_env.js';
import { displayPath } from './_shared.js';

export const command: Command = {
  usage: `env generate <name|--all> --type <${generatorTypes().join('|')}> [--out <dir>] [--repo-url <url>] [--revision <ref>]`,
  description: [
    'Generate deployment files from environments/<name>.yaml. Secrets appear only as placeholders or references.',
    ...generatorTypes().map((type) => `  ${type}: ${GENERATORS[type].description}`),
  ].join('\n'),
  arguments: [
    { name: 'name', description: 'the environment to generate files for (or --all)', required: false },
  ],
  examples: [
    'agentforge env generate production --type helm',
    'agentforge env generate staging --type k8s --out build/',
    'agentforge env generate production --type argocd --repo-url https://git.example.com/platform.git',
    'agentforge env generate --all --type argocd',
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
    all: {
      type: 'boolean',
      description: 'Every environment of the workspace (argocd: one ApplicationSet; flux: one file each)',
    },
    'repo-url': {
      type: 'string',
      description: 'Git repository Argo CD or Flux reads (default: agentforge.yaml gitops.repoUrl)',
      valueName: 'url',
    },
    revision: {
      type: 'string',
      description:
        'Branch, refs/tags/<tag> or commit it follows (default: agentforge.yaml gitops.revision, else main)',
      valueName: 'ref',
    },
  },
  async run({ positionals, values, cwd, dir, stdout, logger, quiet }) {
    const name = positionals[0];
    if (name !== undefined) assertEnvironmentName(name);
    const type = values.type;
    if (typeof type !== 'string' || !isGeneratorType(type)) {
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env generate: --type must be one of ${generatorTypes().join(', ')}`,
      );
    }
    const gitops = (GITOPS_TYPES as readonly string[]).includes(type);
    const all = values.all === true;
    if (all && !gitops)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env generate: --all works with --type ${GITOPS_TYPES.join(' or ')}`,
      );
    if (!gitops && (values['repo-url'] !== undefined || values.revision !== undefined))
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        `agentforge env generate: --repo-url and --revision work with --type ${GITOPS_TYPES.join(' or ')}`,
      );
    if (name === undefined && !all)
      throw new AgentforgeError(
        'INVALID_ARGUMENT',
        'agentforge env generate: name an environment (or --all)',
      );
    const workspace = await envWorkspace(cwd, dir);
    const files = gitops
      ? await generateWorkspaceGitOps(workspace, {
          type: type as GitOpsType,
          environment: name,
          all,
          repoUrl: typeof values['repo-url'] === 'string' ? values['repo-url'] : undefined,
          revision: typeof values.revision === 'string' ? values.revision : undefined,
          logger,
        })
      : generate(type, await loadCheckedEnvironment(workspace, name!), { logger });
    const root = typeof values.out === 'string' ? resolve(cwd, values.out) : workspace.root;
    const written = await writeGeneratedFiles(root, files);
    if (quiet) return 0;
    stdout.write(`wrote ${written.length} file(s) under ${displayPath(cwd, root)}:\n`);
    for (const file of written) stdout.write(`  ${relative(root, file)}\n`);
    return 0;
  },
};
