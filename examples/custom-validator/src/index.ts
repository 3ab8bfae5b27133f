import {
  agentforgePolicy,
  createValidator,
  formatReport,
  loadEnvironmentFile,
  type Report,
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
export function createAcmeValidator(): Validator {
  return createValidator({
    schema: AcmeEnvironmentSchema,
    policies: [agentforgePolicy()],
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
