import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { AgentforgeError, SEVERITIES, type Severity, shouldColor } from '@agentforge/schema';
import {
  createAgentforgeValidator,
  createBaseline,
  formatReports,
  loadEnvironmentFile,
  loadPolicy,
  loadSuppressions,
  type Policy,
  REPORT_FORMATS,
  type Report,
  type ReportFormat,
  readBaseline,
  type Suppression,
  writeBaseline,
} from '@agentforge/validator';
import type { Command } from '../context.js';
import { findWorkspace, type Workspace } from '../workspace.js';

const fail = (message: string) =>
  new AgentforgeError('INVALID_ARGUMENT', `agentforge config validate: ${message}`);

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
    format: {
      type: 'string',
      description: 'human (default), json, sarif, github or junit',
      valueName: 'format',
    },
    'fail-on': {
      type: 'string',
      description: 'Exit 1 on findings at or above this severity (default: high)',
      valueName: 'severity',
    },
    output: {
      type: 'string',
      description: 'Write the report to this file instead of stdout',
      valueName: 'file',
    },
    baseline: {
      type: 'string',
      description: 'Fail only on findings not recorded in this baseline',
      valueName: 'file',
    },
    'write-baseline': {
      type: 'string',
      description: 'Record the current findings as the baseline, then exit 0',
      valueName: 'file',
    },
    suppressions: {
      type: 'boolean',
      description: 'Apply the suppressions file (--no-suppressions ignores it)',
    },
  },
  async run({ values, cwd, dir, env, stdout, stderr }) {
    const environment = values.environment;
    if (typeof environment !== 'string' || environment === '')
      throw fail('--environment <name|all> is required');
    const format = (values.format ?? 'human') as ReportFormat;
    if (!REPORT_FORMATS.includes(format))
      throw fail(`unknown --format "${format}" (${REPORT_FORMATS.join(', ')})`);
    const failOn = (values['fail-on'] ?? 'high') as Severity;
    if (!SEVERITIES.includes(failOn)) throw fail(`unknown --fail-on "${failOn}" (${SEVERITIES.join(', ')})`);
    const config = values.config as string | undefined;
    if (config !== undefined && environment === 'all')
      throw fail('--config names one file; use it with one --environment, not "all"');

    // A lone --config file needs no workspace; everything else does.
    const workspace =
      config !== undefined && dir === undefined
        ? await findWorkspace(cwd).catch(() => undefined)
        : await findWorkspace(cwd, dir);
    const display = (path: string) => relative(cwd, path) || path;

    const policyFiles = [
      ...(workspace ? await workspacePolicies(workspace) : []),
      ...((values.policy as string[] | undefined) ?? []).map((p) => resolve(cwd, p)),
    ];
    const policies: Policy[] = [];
    for (const file of policyFiles) policies.push(await loadPolicy(file));

    let suppressions: Suppression[] = [];
    if (values.suppressions !== false && workspace) {
      const file = resolve(
        workspace.root,
        typeof workspace.settings.suppressions === 'string'
          ? workspace.settings.suppressions
          : 'suppressions.yaml',
      );
      if (existsSync(file)) suppressions = relocate(await loadSuppressions(file), file, display(file));
    }
    const baselineFile = values.baseline as string | undefined;
    const baseline = baselineFile === undefined ? undefined : await readBaseline(resolve(cwd, baselineFile));
    const validator = createAgentforgeValidator({ policies, suppressions, baseline, failOn });

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

    const writeBaselineTo = values['write-baseline'] as string | undefined;
    if (writeBaselineTo !== undefined) {
      const file = resolve(cwd, writeBaselineTo);
      const written = createBaseline(reports);
      await writeBaseline(file, written);
      stderr.write(`wrote ${display(file)}: ${written.entries.length} finding(s) accepted as the baseline\n`);
    }
    const text = formatReports(reports, {
      format,
      color: format === 'human' && values.output === undefined && shouldColor(stdout, env),
      tool: {
        name: 'agentforge',
        version: version(),
        informationUri: 'https://github.com/agentforge/config-toolkit',
      },
    });
    if (typeof values.output === 'string') {
      const file = resolve(cwd, values.output);
      await writeFile(file, text);
      stderr.write(`wrote ${display(file)}\n`);
    } else stdout.write(text);
    if (writeBaselineTo !== undefined) return 0;
    return reports.every((r) => r.passed) ? 0 : 1;
  },
};

/** agentforge.yaml `policies`, else every policies/*.yaml of the workspace. */
async function workspacePolicies(workspace: Workspace): Promise<string[]> {
  if (Array.isArray(workspace.settings.policies))
    return workspace.settings.policies.map((p) => resolve(workspace.root, String(p)));
  const folder = join(workspace.root, 'policies');
  if (!existsSync(folder)) return [];
  return (await readdir(folder))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(folder, f));
}

/** Suppression locations name the file as the user sees it (relative to the working directory). */
function relocate(suppressions: Suppression[], absolute: string, shown: string): Suppression[] {
  return suppressions.map((s) =>
    s.location?.file === absolute ? { ...s, location: { ...s.location, file: shown } } : s,
  );
}

function version(): string {
  // Self-reference by package name resolves from src/ (tests) and dist/ alike.
  return (createRequire(import.meta.url)('@agentforge/cli/package.json') as { version: string }).version;
}
