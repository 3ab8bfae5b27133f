import { join } from 'node:path';
import { isAgentforgeError } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { createKubernetesValidator, loadManifestPolicies, parseManifests } from './input.js';

/** A host-network DaemonSet in kube-system and a Deployment without priority class in shop. */
const MANIFESTS = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: node-agent}}
  template:
    metadata: {labels: {app: node-agent}}
    spec:
      hostNetwork: true
      containers: [{name: agent, image: "ghcr.io/acme/agent:1.0.0"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      hostNetwork: true
      containers: [{name: api, image: "ghcr.io/acme/api:1.0.0"}]
`;

interface Case {
  name: string;
  policy: string;
  tier: string;
  /** `ruleId object → severity` of the findings of these rules, sorted. */
  expected: string[];
}

const RULES = ['k8s/host-network', 'k8s/priority-class', 'k8s/min-replicas'];

const cases: Case[] = [
  {
    name: 'no policy: the Kubernetes policy as documented',
    policy: 'extends: kubernetes\n',
    tier: 'production',
    expected: [
      'k8s/host-network DaemonSet → critical',
      'k8s/host-network Deployment → critical',
      'k8s/min-replicas Deployment → high',
      'k8s/priority-class DaemonSet → low',
      'k8s/priority-class Deployment → low',
    ],
  },
  {
    name: 'a severity override and a rule switched off, in every environment',
    policy: 'severity: {k8s/priority-class: high, k8s/min-replicas: "off"}\n',
    tier: 'production',
    expected: [
      'k8s/host-network DaemonSet → critical',
      'k8s/host-network Deployment → critical',
      'k8s/priority-class DaemonSet → high',
      'k8s/priority-class Deployment → high',
    ],
  },
  {
    name: 'per tier: min-replicas switched on for staging only',
    policy: 'environments: {staging: {k8s/min-replicas: medium}}\n',
    tier: 'staging',
    expected: [
      'k8s/host-network DaemonSet → high',
      'k8s/host-network Deployment → high',
      'k8s/min-replicas Deployment → medium',
    ],
  },
  {
    name: 'scoped by namespace: host networking accepted in kube-system only',
    policy:
      'extends: kubernetes\nscopes:\n  - namespaces: [kube-system]\n    severity: {k8s/host-network: "off"}\n',
    tier: 'production',
    expected: [
      'k8s/host-network Deployment → critical',
      'k8s/min-replicas Deployment → high',
      'k8s/priority-class DaemonSet → low',
      'k8s/priority-class Deployment → low',
    ],
  },
  {
    name: 'scoped by kind, per tier, with a glob: DaemonSets lowered to info in production',
    policy: 'scopes:\n  - kinds: [DaemonSet]\n    environments: {production: {"k8s/*": info}}\n',
    tier: 'production',
    expected: [
      'k8s/host-network DaemonSet → info',
      'k8s/host-network Deployment → critical',
      'k8s/min-replicas Deployment → high',
      'k8s/priority-class DaemonSet → info',
      'k8s/priority-class Deployment → low',
    ],
  },
  {
    name: 'scopes select by namespace and kind together',
    policy:
      'scopes:\n  - namespaces: [shop]\n    kinds: [DaemonSet]\n    severity: {k8s/host-network: "off"}\n',
    tier: 'production',
    expected: [
      'k8s/host-network DaemonSet → critical',
      'k8s/host-network Deployment → critical',
      'k8s/min-replicas Deployment → high',
      'k8s/priority-class DaemonSet → low',
      'k8s/priority-class Deployment → low',
    ],
  },
];

describe('manifests policies', () => {
  it.each(cases)('$name', async ({ policy, tier, expected }) => {
    const dir = testdir({ 'policy.yaml': policy });
    const policies = await loadManifestPolicies([join(dir, 'policy.yaml')]);
    const report = createKubernetesValidator({ policies }).validateDocuments(parseManifests(MANIFESTS), {
      environment: tier,
      tier,
    });
    const kind = (f: { location?: { document?: number } }) =>
      f.location?.document === 0 ? 'DaemonSet' : 'Deployment';
    expect(
      report.findings
        .filter((f) => RULES.includes(f.ruleId))
        .map((f) => `${f.ruleId} ${kind(f)} → ${f.severity}`)
        .sort(),
    ).toEqual(expected);
  });

  it.each([
    ['an unknown key of a scope', 'scopes:\n  - namespace: [kube-system]\n', 2],
    ['an unknown severity', 'scopes:\n  - kinds: [Pod]\n    severity: {k8s/privileged: loud}\n', 3],
  ])('refuses %s, located in the policy file', async (_name, policy, line) => {
    const dir = testdir({ 'policy.yaml': policy });
    const error = await loadManifestPolicies([join(dir, 'policy.yaml')]).catch((e: unknown) => e);
    expect(isAgentforgeError(error) && error.code).toBe('POLICY_INVALID');
    expect((error as { location?: { line: number } }).location?.line).toBe(line);
  });
});
