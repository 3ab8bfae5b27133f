// @agentforge/validator's Kubernetes rules: validate a generated 1 MB multi-document manifest set
// (load with @agentforge/schema's loader + every k8s/* rule, document and set rules) against
// js-yaml's loadAll alone on the same bytes. Goal: at most 2×. Run after a build:
// node bench/manifests.bench.mjs
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { measure, report } from './_harness.mjs';

const { createKubernetesValidator, parseManifests } = await import('../packages/validator/dist/index.js');
// js-yaml is a root dev dependency, kept for the benchmarks' peers.
const yaml = createRequire(import.meta.url)('js-yaml');

const DIGEST = `sha256:${'c'.repeat(64)}`;

/** One application: the objects a chart renders for it, clean under the production rules. */
function app(i, broken) {
  const name = `app-${i}`;
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': 'prod',
    'app.kubernetes.io/part-of': 'shop',
  };
  const meta = (n = name) => ({ name: n, namespace: 'shop', labels });
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(),
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, annotations: { 'prometheus.io/scrape': 'true' } },
          spec: {
            serviceAccountName: name,
            automountServiceAccountToken: false,
            priorityClassName: 'service',
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              fsGroup: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels },
              },
            ],
            containers: [
              {
                name,
                image: broken ? `ghcr.io/acme/${name}:latest` : `ghcr.io/acme/${name}:2.${i}.0@${DIGEST}`,
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                env: [
                  { name: 'SERVICE_NAME', value: name },
                  { name: 'LOG_LEVEL', value: 'info' },
                  {
                    name: 'DB_PASSWORD',
                    valueFrom: { secretKeyRef: { name: `${name}-db`, key: 'password' } },
                  },
                ],
                envFrom: [{ configMapRef: { name: `${name}-config` } }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '500m', memory: '256Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(), automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(),
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(),
      spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta(),
      spec: {
        podSelector: { matchLabels: labels },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ ports: [{ port: 8080 }] }],
        egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: meta(`${name}-config`),
      data: { LOG_FORMAT: 'json', FEATURE_X: 'on', UPSTREAM_URL: `https://${name}.example.com` },
    },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta(`${name}-db`),
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        data: [{ secretKey: 'password', remoteRef: { key: `${name}/db` } }],
      },
    },
  ];
}

/** About `bytes` of YAML, `---`-separated; every `brokenEvery`-th app has a finding (0: none). */
function generate(bytes, brokenEvery = 0) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++)
    for (const object of app(i, brokenEvery > 0 && i % brokenEvery === 0)) {
      const text = `---\n${yaml.dump(object, { lineWidth: -1 })}`;
      parts.push(text);
      size += Buffer.byteLength(text);
    }
  return Buffer.from(parts.join(''));
}

const clean = generate(1024 * 1024);
const broken = generate(1024 * 1024, 50);
// Custom resources (the ExternalSecrets) are validated against their JSON schema, as a team that
// passes --schema-location does: the schema rules run on every object.
const validator = createKubernetesValidator({
  tier: 'production',
  failOn: 'medium',
  schemaLocations: [
    fileURLToPath(new URL('../packages/validator/test/fixtures/crd-schemas', import.meta.url)),
  ],
});
const documents = yaml.loadAll(clean.toString('utf8')).length;

const check = validator.validateDocuments(parseManifests(clean, { file: 'rendered.yaml' }));
if (check.findings.length !== 0) throw new Error(`the clean set has findings: ${check.findings[0].message}`);
const located = validator.validateDocuments(parseManifests(broken, { file: 'rendered.yaml' }));
if (!located.findings.every((f) => f.location?.line > 1)) throw new Error('a finding is not located');

// The machine is shared: each case is measured in turns over several rounds, so a burst of load
// from elsewhere falls on all of them alike, and the median of the rounds is reported.
const cases = [
  ['js-yaml loadAll', () => yaml.loadAll(clean.toString('utf8'))],
  ['@agentforge/schema loadDocuments', () => parseManifests(clean, { file: 'rendered.yaml' })],
  [
    'load + k8s rules (clean)',
    () => validator.validateDocuments(parseManifests(clean, { file: 'rendered.yaml' })),
  ],
  [
    `load + k8s rules (${located.findings.length} findings, located)`,
    () => validator.validateDocuments(parseManifests(broken, { file: 'rendered.yaml' })),
  ],
];
const rounds = cases.map(() => []);
for (let round = 0; round < 7; round++)
  for (const [i, [, fn]] of cases.entries()) rounds[i].push(measure(fn, { budgetMs: 500, minSamples: 5 }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = cases.map(([name], i) => [name, median(rounds[i])]);
report(
  `Kubernetes manifests: ${(clean.length / 1024 / 1024).toFixed(2)} MB, ${documents} documents, ${validator.rules.length} rules (goal ≤ 2× js-yaml)`,
  rows,
  'js-yaml loadAll',
);
