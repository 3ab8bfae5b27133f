// The validation every publish and rollback goes through: the same checks as config validate.
import type { PublishCheck } from '@agentforge/dynamic-config';
import { SEVERITIES, type Severity, type Workspace } from '@agentforge/schema';
import { createWorkspaceValidator, formatReport, type ValidationInput } from '@agentforge/validator';
import type { CommandContext, OptionSpec } from '../context.js';
import { choice, displayPath } from './_shared.js';

/** `--fail-on` of a publishing command: the lowest severity that refuses the publish (default high). */
export const FAIL_ON_OPTION: OptionSpec = {
  type: 'string',
  description: 'Refuse to publish on findings at or above this severity (default: high)',
  valueName: 'severity',
};

/**
 * The check a publish or rollback runs: the schema, the AgentForge policy and the workspace's
 * policies and suppressions, as `config validate` runs them. A failing report is printed to
 * stderr in the human format.
 */
export async function publishValidation(
  context: CommandContext,
  workspace: Workspace,
  environment: string,
  fail: (message: string) => Error,
): Promise<(input: ValidationInput) => PublishCheck> {
  const failOn = choice<Severity>(context.values['fail-on'], SEVERITIES, 'high', '--fail-on', fail);
  const validator = await createWorkspaceValidator(workspace, {
    displayPath: (file) => displayPath(context.cwd, file),
    failOn,
    logger: context.logger,
  });
  return (input) => {
    const report = validator.validate({ environment, ...input });
    if (report.passed) return { ok: true };
    context.stderr.write(formatReport(report, 'human', { color: false }));
    const failing = report.findings.filter(
      (f) => SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(failOn),
    ).length;
    return { ok: false, summary: `${failing} finding(s) at or above ${failOn}` };
  };
}
