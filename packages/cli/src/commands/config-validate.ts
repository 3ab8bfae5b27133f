import { resolve } from 'node:path';
import { AgentforgeError, findWorkspace, loadDocument } from '@agentforge/schema';
import {
  createWorkspaceValidator,
  loadEnvironmentFile,
  type Report,
  toEnvironmentInput,
} from '@agentforge/validator';
import type { Command } from '../context.js';
import { emitReports, REPORT_OPTIONS, reportOptions } from './_report.js';
import { displayPath, environmentOption, readStdin, STDIN, usageError } from './_shared.js';

const fail = usageError('config validate');

export const command: Command = {
  usage:
    'config validate -e <name|all> [--config <file>] [--policy <file>...] [--format human|json|sarif|github|junit|html] [--fail-on <severity>] [--output <file>] [--baseline <file>] [--write-baseline <file>] [--no-suppressions]',
  description:
    'Validate environment documents against the schema, the AgentForge policy and the workspace policies (policies/*.yaml or agentforge.yaml `policies`). Suppressions are read from suppressions.yaml (or agentforge.yaml `suppressions`).',
  options: {
    environment: environmentOption(
      'Environment to validate, or "all" for every environment of the workspace',
      'name|all',
    ),
    config: {
      type: 'string',
      description:
        'Validate this file (YAML, JSON or .env; - for standard input) instead of environments/<name>.yaml',
      valueName: 'file',
      file: true,
      stdin: true,
    },
    policy: {
      type: 'string',
      multiple: true,
      description: 'Extra policy file',
      valueName: 'file',
      file: true,
      stdin: true,
    },
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
    const { format, failOn, baseline } = await reportOptions(context, fail);
    const config = values.config as string | undefined;
    if (config !== undefined && environment === 'all')
      throw fail('--config names one file; use it with one --environment, not "all"');

    // A lone --config file needs no workspace; everything else does.
    const workspace =
      config !== undefined && dir === undefined
        ? await findWorkspace(cwd).catch(() => undefined)
        : await findWorkspace(cwd, dir);
    const display = (path: string) => displayPath(cwd, path);

    const validator = await createWorkspaceValidator(workspace, {
      policyFiles: ((values.policy as string[] | undefined) ?? []).map((p) => resolve(cwd, p)),
      suppressions: values.suppressions !== false,
      displayPath: display,
      baseline,
      failOn,
      logger: context.logger,
    });

    const targets: Array<{ name: string; path: string }> = [];
    if (config !== undefined)
      targets.push({ name: environment, path: config === STDIN ? STDIN : resolve(cwd, config) });
    else {
      const known = await workspace!.listEnvironments();
      const names = environment === 'all' ? known : [environment];
      if (names.length === 0)
        throw new AgentforgeError(
          'UNKNOWN_ENVIRONMENT',
          `no environments in ${display(workspace!.environmentsDir)}`,
        );
      for (const name of names) targets.push({ name, path: await workspace!.resolveEnvironment(name) });
    }
    const reports: Report[] = [];
    for (const target of targets) {
      const input =
        target.path === STDIN
          ? toEnvironmentInput(loadDocument(await readStdin(context, 'config validate'), { file: '<stdin>' }))
          : await loadEnvironmentFile(target.path, { file: display(target.path) });
      reports.push(validator.validate(input, { environment: target.name }));
    }

    return emitReports(reports, format, context, { workspace, command: 'config validate' });
  },
};
