import { findWorkspace } from '@agentforge/schema';
import {
  agentforgePolicy,
  createValidator,
  formatReport,
  loadEnvironmentFile,
  loadPolicy,
  loadSuppressions,
  type Policy,
  type Report,
  type Suppression,
  type Validator,
} from '@agentforge/validator';
import { euResidency, memoryBudget } from './rules.ts';
import { AcmeEnvironmentSchema } from './schema.ts';

export { euResidency, memoryBudget } from './rules.ts';
export { AcmeEnvironmentSchema } from './schema.ts';

/**
 * Acme's validator: the Acme schema, the AgentForge policy, Acme's two rules, and one local
 * decision — nobody at Acme may switch off the plaintext-secret rule, and it is critical everywhere.
 */
export function createAcmeValidator(
  extra: { policies?: readonly Policy[]; suppressions?: readonly Suppression[] } = {},
): Validator {
  return createValidator({
    schema: AcmeEnvironmentSchema,
    policies: [agentforgePolicy(), ...(extra.policies ?? [])],
    suppressions: extra.suppressions ?? [],
    rules: [euResidency, memoryBudget],
    severity: { 'agentforge/no-plaintext-secrets': 'critical' },
    failOn: 'high',
  });
}

/**
 * What Acme's CI step runs: validates environment files and prints GitHub annotations (Acme's
 * reporter choice, so findings show inline on pull requests). Returns the exit code.
 */
export async function checkAcmeEnvironments(
  files: readonly string[],
  write: (text: string) => void,
): Promise<{ code: number; reports: Report[] }> {
  const validator = createAcmeValidator();
  const reports: Report[] = [];
  for (const file of files) reports.push(validator.validate(await loadEnvironmentFile(file)));
  write(formatReport(reports, 'github', { tool: { name: 'acme-config-check', version: '1.0.0' } }));
  return { code: reports.every((r) => r.passed) ? 0 : 1, reports };
}

/**
 * The same check over a whole workspace, found the way the `agentforge` CLI finds it (the
 * workspace model of `@agentforge/schema`): walk up from `cwd` (or take `dir`), then validate
 * one environment or all of them with the workspace's own policies and suppressions. An unknown
 * environment throws the toolkit's one `UNKNOWN_ENVIRONMENT` error.
 */
export async function checkAcmeWorkspace(
  cwd: string,
  write: (text: string) => void,
  options: { dir?: string; environment?: string } = {},
): Promise<{ code: number; reports: Report[] }> {
  const workspace = await findWorkspace(cwd, options.dir);
  const policies: Policy[] = [];
  for (const file of await workspace.policyFiles()) policies.push(await loadPolicy(file));
  const suppressionsFile = workspace.suppressionsFile();
  const validator = createAcmeValidator({
    policies,
    suppressions: suppressionsFile ? await loadSuppressions(suppressionsFile) : [],
  });
  const names =
    options.environment === undefined ? await workspace.listEnvironments() : [options.environment];
  const reports: Report[] = [];
  for (const name of names) {
    const input = await loadEnvironmentFile(await workspace.resolveEnvironment(name));
    reports.push(validator.validate(input, { environment: name }));
  }
  write(formatReport(reports, 'github', { tool: { name: 'acme-config-check', version: '1.0.0' } }));
  return { code: reports.every((r) => r.passed) ? 0 : 1, reports };
}
