/** What each group of commands is for, shown by `agentforge <group>`. */
export const GROUPS: Record<string, string> = {
  env: 'Create, list and generate environments (environments/<name>.yaml).',
  config: 'Validate environment configuration, take snapshots, find drift and publish to NATS.',
  manifests: 'Check rendered Kubernetes manifests.',
  audit: 'Show and verify the audit trail of changes (.agentforge/audit.log).',
  access: 'Check changes against the access: rules of agentforge.yaml.',
};

/** The summary of a group; a group added without one still gets a line. */
export function groupSummary(group: string): string {
  return GROUPS[group] ?? `The ${group} commands.`;
}
