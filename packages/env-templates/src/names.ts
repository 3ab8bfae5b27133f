import { AgentforgeError, DnsLabelSchema } from '@agentforge/schema';

/**
 * Checks a user-supplied environment name: a DNS-1123 label (`a-z`, `0-9`, `-`, at most 63,
 * starting and ending with a letter or digit). Anything else — `../../etc`, `Prod_1`, an
 * empty string — is refused with a message that says why, before any path is built from it.
 */
export function assertEnvironmentName(name: string): void {
  if (DnsLabelSchema.safeParse(name).success) return;
  const reasons: string[] = [];
  if (name.length === 0) reasons.push('it is empty');
  if (name.length > 63) reasons.push(`it has ${name.length} characters (at most 63)`);
  if (/[/\\]|\.\./.test(name)) reasons.push('it contains a path separator or ".."');
  if (/[A-Z]/.test(name)) reasons.push('it has upper-case letters');
  const bad = [...new Set(name.replace(/[a-zA-Z0-9-]/g, ''))].filter((c) => c !== '/' && c !== '\\');
  if (bad.length > 0) reasons.push(`it contains ${bad.map((c) => JSON.stringify(c)).join(', ')}`);
  if (/^-|-$/.test(name)) reasons.push('it starts or ends with "-"');
  throw new AgentforgeError(
    'INVALID_ARGUMENT',
    `invalid environment name ${JSON.stringify(name)}: ${reasons.join('; ') || 'not a DNS-1123 label'}; use lower-case letters, digits and "-" (e.g. prod-eu)`,
  );
}
