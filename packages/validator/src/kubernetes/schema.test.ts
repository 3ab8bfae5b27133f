import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAgentforgeError } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { createKubernetesValidator, parseManifests } from './input.js';
import { DEFAULT_KUBERNETES_VERSION, parseKubernetesVersion } from './schema.js';

const RULES = ['k8s/schema', 'k8s/unknown-kind', 'k8s/schema-skipped'];

function run(text: string, options: Parameters<typeof createKubernetesValidator>[0] = {}) {
  return createKubernetesValidator(options)
    .validateDocuments(parseManifests(text, { file: 'm.yaml' }), {
      environment: 'production',
      tier: 'production',
    })
    .findings.filter((f) => RULES.includes(f.ruleId))
    .map((f) => `${f.ruleId} ${f.location?.line}:${f.location?.column} ${f.message}`);
}

const CLAIM = `apiVersion: resource.k8s.io/v1
kind: ResourceClaim
metadata: {name: gpu, namespace: ml}
spec:
  devices:
    requests:
      - name: gpu
        exactly: {deviceClassName: gpu.example.com}
`;

interface Case {
  name: string;
  text: string;
  options?: Parameters<typeof createKubernetesValidator>[0];
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'a Deployment under apiVersion v1 (the issue) is an unknown kind, at its apiVersion',
    text: 'apiVersion: v1\nkind: Deployment\nmetadata: {name: api}\n',
    expected: ['k8s/unknown-kind 1:1 Kubernetes has no kind Deployment in v1'],
  },
  {
    name: 'wrong types and enum values, at their fields',
    text: `apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: Internal
  ports:
    - port: "80"
`,
    expected: [
      'k8s/schema 5:3 Service/api: spec.type must be one of "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      'k8s/schema 7:7 Service/api: spec.ports.0.port must be integer',
    ],
  },
  {
    name: 'a missing required field, at its parent',
    text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template: {}\n',
    expected: ['k8s/schema 4:1 Deployment/api: spec.selector is required'],
  },
  {
    name: 'an int-or-string field takes either',
    text: `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  maxUnavailable: 25%
  selector: {matchLabels: {app: api}}
`,
    expected: [],
  },
  {
    name: 'a kind newer than the default Kubernetes version (the chart floor)',
    text: CLAIM,
    expected: [
      'k8s/unknown-kind 1:1 Kubernetes 1.25 does not serve resource.k8s.io/v1 ResourceClaim (added in 1.34)',
    ],
  },
  {
    name: 'the same kind for Kubernetes 1.34',
    text: CLAIM,
    options: { kubernetesVersion: 'v1.34.1' },
    expected: [],
  },
  {
    name: 'a custom resource without a schema is noted once per kind',
    text: `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: a}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: b}
`,
    expected: [
      'k8s/schema-skipped 2:1 cert-manager.io/v1 Certificate is a custom resource without a schema: not checked for schema validity',
    ],
  },
];

describe('schema validity', () => {
  it.each(cases)('$name', ({ text, options, expected }) => {
    expect(run(text, options)).toEqual(expected);
  });

  it('validates a custom resource against the schema of a --schema-location folder', () => {
    const dir = testdir({
      'cert-manager.io/certificate_v1.json': JSON.stringify({
        type: 'object',
        required: ['spec'],
        properties: {
          spec: { type: 'object', required: ['secretName'], properties: { secretName: { type: 'string' } } },
        },
      }),
    });
    const text =
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\nspec:\n  secretName: 42\n';
    expect(run(text, { schemaLocations: [dir] })).toEqual([
      'k8s/schema 5:3 Certificate/a: spec.secretName must be string',
    ]);
  });

  it('reports a schema that is not JSON as a rule error naming the file, and refuses a missing folder', () => {
    const dir = testdir({ 'cert-manager.io/certificate_v1.json': '{ not json' });
    const text = 'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: a}\n';
    const errors = createKubernetesValidator({ schemaLocations: [dir] })
      .validateDocuments(parseManifests(text), { tier: 'production' })
      .findings.filter((f) => f.ruleId === 'engine/rule-error');
    expect(errors.map((f) => f.message)).toContainEqual(
      expect.stringContaining(`${join(dir, 'cert-manager.io/certificate_v1.json')}: not a JSON schema`),
    );
    let error: unknown;
    try {
      createKubernetesValidator({ schemaLocations: [join(dir, 'missing')] });
    } catch (e) {
      error = e;
    }
    expect(isAgentforgeError(error) && error.code).toBe('FILE_NOT_FOUND');
  });

  it('never puts the offending value in a message (it may be a secret)', () => {
    const secret = 'sk-proj-abcdefghijklmnopqrstuvwxyz012345';
    const text = `apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec:\n  type: ${secret}\n  ports: [{port: ${JSON.stringify(secret)}}]\n`;
    const found = run(text);
    expect(found.length).toBe(2);
    for (const f of found) expect(f).not.toContain(secret);
  });

  it("defaults to the floor of the Helm chart's kubeVersion", () => {
    const chart = readFileSync(
      new URL('../../../../deployment/helm/agentforge/Chart.yaml', import.meta.url),
      'utf8',
    );
    const floor = /^kubeVersion:\s*["']?>=\s*v?(\d+\.\d+)/m.exec(chart)?.[1];
    expect(floor).toBe(DEFAULT_KUBERNETES_VERSION);
  });

  it.each([
    ['1.29', [1, 29]],
    ['v1.29.3', [1, 29]],
    ['1.30.0-rc.1', [1, 30]],
    ['latest', undefined],
  ] as const)('reads the Kubernetes version %s', (text, expected) => {
    expect(parseKubernetesVersion(text)).toEqual(expected);
  });

  it('refuses a Kubernetes version it cannot read', () => {
    expect(() => createKubernetesValidator({ kubernetesVersion: 'latest' })).toThrow(
      /not a Kubernetes version/,
    );
  });
});
