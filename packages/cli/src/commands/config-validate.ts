import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AgentforgeError } from '@agentforge/schema';
import {
  createAgentforgeValidator,
  loadEnvironmentFile,
  loadPolicy,
  type Policy,
  type Report,
  type Suppression,
} from '@agentforge/validator';
import type { Command } from '../context.js';
import { findWorkspace, type Workspace } from '../workspace.js';
import { emitReports, REPORT_OPTIONS, reportOptions, workspaceSuppressions } from './_report.js';
import { displayPath, usageError } from './_shared.js';

const fail = usageError('config validate');

export const command: Command = {
  usage:
    'config validate --environment <name|all> [--config <file>] [--policy <file>...] [--format human|json|sarif|github|junit] [--fail-on <severity>] [--output <file>] [--baseline <file>] [--write-baseline <file>] [--no-suppressions]',
  description:
    'Validate environment documents against the schema, the AgentForge policy and the workspace policies (policies/*.yaml or agentforge.yaml `policies`). Suppressions are read from suppressions.yaml (or agentforge.yaml `suppressions`).',
  options: {
    environment: {
      type: 'string',
      description: 'Environment to validate, or "all" for every environment of the workspace',
      valueName: 'name|all',
    },
    config: {
      type: 'string',
      description: 'Validate this file (YAML, JSON or .env) instead of environments/<name>.yaml',
      valueName: 'file',
    },
    policy: { type: 'string', multiple: true, description: 'Extra policy file', valueName: 'file' },
    ...REPORT_OPTIONS,
    suppressions: {
      type: 'boolean',
      description: 'Apply the suppressions file (--no-suppressions ignores it)',
    },
  },
  async run(context) {
    const { values, cwd, dir } = context;
    const environment = values.environment;
    if (typeof environment !== 'string' || environment === '')
      throw fail('--environment <name|all> is required');
    const { format, failOn, baseline } = await reportOptions({ values, cwd }, fail);
    const config = values.config as string | undefined;
    if (config !== undefined && environment === 'all')
      throw fail('--config names one file; use it with one --environment, not "all"');

    // A lone --config file needs no workspace; everything else does.
    const workspace =
      config !== undefined && dir === undefined
        ? await findWorkspace(cwd).catch(() => undefined)
        : await findWorkspace(cwd, dir);
    const display = (path: string) => displayPath(cwd, path);

    const policyFiles = [
      ...(workspace ? await workspacePolicies(workspace) : []),
      ...((values.policy as string[] | undefined) ?? []).map((p) => resolve(cwd, p)),
    ];
    const policies: Policy[] = [];
    for (const file of policyFiles) policies.push(await loadPolicy(file));

    const suppressions: Suppression[] =
      values.suppressions === false ? [] : await workspaceSuppressions(workspace, cwd);
    const validator = createAgentforgeValidator({
      policies,
      suppressions,
      baseline,
      failOn,
      logger: context.logger,
    });

    const targets: Array<{ name: string; path: string }> = [];
    if (config !== undefined) targets.push({ name: environment, path: resolve(cwd, config) });
    else {
      const known = await workspace!.listEnvironments();
      const names = environment === 'all' ? known : [environment];
      if (names.length === 0)
        throw new AgentforgeError(
          'UNKNOWN_ENVIRONMENT',
          `no environments in ${display(workspace!.environmentsDir)}`,
        );
      for (const name of names) {
        if (!known.includes(name)) {
          throw new AgentforgeError(
            'UNKNOWN_ENVIRONMENT',
            `unknown environment "${name}" in ${display(workspace!.environmentsDir)} (known: ${known.join(', ') || 'none'})`,
          );
        }
        const yaml = workspace!.environmentFile(name);
        targets.push({ name, path: existsSync(yaml) ? yaml : yaml.replace(/\.yaml$/, '.yml') });
      }
    }
    const reports: Report[] = [];
    for (const target of targets) {
      const input = await loadEnvironmentFile(target.path, { file: display(target.path) });
      reports.push(validator.validate(input, { environment: target.name }));
    }

    return emitReports(reports, format, context);
  },
};

/** agentforge.yaml `policies`, else every policies/*.yaml of the workspace. */
export async function workspacePolicies(workspace: Workspace): Promise<string[]> {
  if (Array.isArray(workspace.settings.policies))
    return workspace.settings.policies.map((p) => resolve(workspace.root, String(p)));
  const folder = join(workspace.root, 'policies');
  if (!existsSync(folder)) return [];
  return (await readdir(folder))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(folder, f));
}
