// The Kubernetes policy, assembled from its rule families (one file each). The groups RULES.md
// shows are built from the families, so a rule is listed where it is defined and nowhere else.
import type { Policy, Rule } from '../types.js';
import type { RuleFamily } from './_define.js';
import { availabilityFamily } from './availability.js';
import { hygieneFamily } from './hygiene.js';
import { podSecurityFamily } from './pod-security.js';
import { rbacFamily } from './rbac.js';
import { reliabilityFamily } from './reliability.js';
import { type SchemaOptions, schemaFamily } from './schema.js';
import { secretsFamily } from './secrets.js';
import { wiringFamily } from './wiring.js';

/** The families, in the order RULES.md lists them. */
const families = (options: SchemaOptions = {}): readonly RuleFamily[] => [
  schemaFamily(options),
  podSecurityFamily,
  rbacFamily,
  reliabilityFamily,
  availabilityFamily,
  wiringFamily,
  secretsFamily,
  hygieneFamily,
];

/** Rule groups for documentation: family title → rule ids, in the order of the policy. */
export const KUBERNETES_RULE_GROUPS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  families().map((f) => [f.title, f.rules.map((r) => r.id)]),
);

/**
 * The Kubernetes workload policy: schema validity for the Kubernetes version, the restricted Pod
 * Security Standard with a read-only root filesystem, RBAC, reliability (probes, resources,
 * images), availability (replicas, PDBs, HPAs, spreading), wiring between objects (selectors,
 * network policies, Ingresses, ServiceMonitors, ConfigMap, Secret and ServiceAccount references),
 * plaintext secrets and hygiene. Production is the strictest tier. See RULES.md.
 * @example createValidator({ policies: [kubernetesPolicy({ kubernetesVersion: '1.29' })] }).validateDocuments(loadDocuments(text))
 */
export function kubernetesPolicy(options: SchemaOptions = {}): Policy {
  // Built as definePolicy would, without importing policy.ts (zod, for declarative rules): the
  // rules here are code.
  const rules: Rule[] = families(options).flatMap((f) => f.rules);
  return { name: 'kubernetes', rules };
}
