// @agentforge/validator's Kubernetes rules on 1 MB of rendered manifests, what `manifests validate`
// does as a library: the bulk reader (parseManifests: js-yaml + guards + lazy locations), every
// k8s/* rule and JSON-schema validation of the custom resources, findings located at
// file:line:column. The peer is js-yaml's loadAll alone on the same bytes (decoding included on
// both sides). Inputs are shaped like real renders, without anchors or aliases (renderers never
// write them): `kubectl kustomize` output (keys sorted, `---` between objects, lists not
// indented) and `helm template` output (`# Source:` comments, template key order, lists
// indented); each clean and broken (every Deployment has findings). Timed interleaved (harness
// `compare`). Peak memory is measured in one child process per contender (maxRSS after one
// run). Goals: time ≤ 2× js-yaml, peak RSS ≤ 1.3× js-yaml's. Run after a build:
// node bench/manifests.bench.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goal, table } from './_harness.mjs';

// js-yaml is a root dev dependency, kept for the benchmarks' peers.
const yaml = createRequire(import.meta.url)('js-yaml');
// The manifests entry, as `manifests validate` imports it: no zod, `yaml` or environment schemas.
const validatorUrl = new URL('../packages/validator/dist/manifests.js', import.meta.url);
const crdSchemas = fileURLToPath(new URL('../packages/validator/test/fixtures/crd-schemas', import.meta.url));
const validatorOptions = { tier: 'production', failOn: 'medium', schemaLocations: [crdSchemas] };

// A child process measuring peak memory of one contender: node manifests.bench.mjs --rss <who> <file>
if (process.argv[2] === '--rss') {
  const [, , , who, file] = process.argv;
  const bytes = readFileSync(file);
  if (who === 'js-yaml') yaml.loadAll(bytes.toString('utf8'));
  else {
    const { createKubernetesValidator, parseManifests } = await import(validatorUrl.href);
    const validator = createKubernetesValidator(validatorOptions);
    const result = validator.validateDocuments(parseManifests(bytes, { file: 'rendered.yaml' }));
    // Findings are formatted as the CLI would print them, so their locations are computed.
    for (const f of result.findings) `${f.location?.file}:${f.location?.line}:${f.location?.column}`;
  }
  console.log(JSON.stringify({ maxRss: process.resourceUsage().maxRSS * 1024 }));
  process.exit(0);
}

const { createKubernetesValidator, parseManifests } = await import(validatorUrl.href);
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

const KUSTOMIZE = { noRefs: true, sortKeys: true, noArrayIndent: true, lineWidth: -1 };
const HELM = { noRefs: true, lineWidth: -1 };
const TEMPLATE = {
  Deployment: 'deployment',
  ServiceAccount: 'serviceaccount',
  Service: 'service',
  HorizontalPodAutoscaler: 'hpa',
  PodDisruptionBudget: 'pdb',
  NetworkPolicy: 'networkpolicy',
  ConfigMap: 'configmap',
  ExternalSecret: 'externalsecret',
};

/**
 * About `bytes` of one renderer's output: `kustomize` (keys sorted, lists not indented, `---`
 * between objects) or `helm` (`---` and a `# Source:` comment before each object). With
 * `broken`, every Deployment has findings (an unpinned `:latest` image).
 */
function generate(bytes, shape, broken) {
  const parts = [];
  let size = 0;
  for (let i = 0; size < bytes; i++)
    for (const object of app(i, broken)) {
      const text =
        shape === 'kustomize'
          ? `${parts.length ? '---\n' : ''}${yaml.dump(object, KUSTOMIZE)}`
          : `---\n# Source: shop/templates/${TEMPLATE[object.kind]}.yaml\n${yaml.dump(object, HELM)}`;
      parts.push(text);
      size += Buffer.byteLength(text);
    }
  return Buffer.from(parts.join(''));
}

const MB = 1024 * 1024;
// node bench/manifests.bench.mjs --write <dir>: writes the four inputs (for profiling) and stops.
if (process.argv[2] === '--write') {
  for (const shape of ['kustomize', 'helm'])
    for (const broken of [false, true])
      writeFileSync(
        join(process.argv[3], `${shape}-${broken ? 'broken' : 'clean'}.yaml`),
        generate(MB, shape, broken),
      );
  process.exit(0);
}
const validator = createKubernetesValidator(validatorOptions);
const validate = (bytes) => validator.validateDocuments(parseManifests(bytes, { file: 'rendered.yaml' }));
const quick = process.argv.includes('--quick');
const scratch = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
console.log(
  `Kubernetes manifests: 1 MB renders, ${validator.rules.length} rules; js-yaml loadAll is the baseline`,
);
try {
  for (const shape of ['kustomize', 'helm']) {
    const clean = generate(MB, shape, false);
    const broken = generate(MB, shape, true);
    const text = clean.toString('utf8');
    if (/(?:^|[:-] )[&*][\w-]+(?:\s|$)/m.test(text)) throw new Error('the render has an anchor or alias');
    const documents = yaml.loadAll(text).length;
    const cleanResult = validate(clean);
    if (cleanResult.findings.length !== 0)
      throw new Error(`the clean ${shape} render has findings: ${cleanResult.findings[0].message}`);
    const located = validate(broken).findings;
    if (!located.every((f) => f.location?.line > 1)) throw new Error('a finding is not located');
    const options = quick ? { rounds: 3, blockMs: 100 } : undefined;
    const size = `${(clean.length / MB).toFixed(2)} MB, ${documents} documents`;
    const cleanRows = table(
      `${shape}-shaped render, clean (${size})`,
      [
        ['js-yaml loadAll', () => yaml.loadAll(clean.toString('utf8'))],
        ['parseManifests (bulk reader)', () => parseManifests(clean, { file: 'rendered.yaml' })],
        ['parse + k8s rules', () => validate(clean)],
      ],
      options,
    );
    goal(`manifests (${shape}, clean): validate vs js-yaml loadAll`, cleanRows[2].ratio, 2);
    const brokenRows = table(
      `${shape}-shaped render, every Deployment broken (${located.length} located findings)`,
      [
        ['js-yaml loadAll', () => yaml.loadAll(broken.toString('utf8'))],
        [
          'parse + k8s rules, findings located',
          () => {
            // Each finding's location is read, as every reporter does.
            for (const f of validate(broken).findings) f.location?.line;
          },
        ],
      ],
      options,
    );
    goal(
      `manifests (${shape}, ${located.length} findings): validate located vs js-yaml loadAll`,
      brokenRows[1].ratio,
      2,
    );

    // Peak memory: one child per contender and input, the median of three runs each.
    const rss = (who, bytes) => {
      const file = join(scratch, `${shape}-${who}.yaml`);
      writeFileSync(file, bytes);
      const runs = [];
      for (let run = 0; run < 3; run++) {
        const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--rss', who, file], {
          encoding: 'utf8',
        });
        if (child.status !== 0) throw new Error(child.stderr);
        runs.push(JSON.parse(child.stdout).maxRss / MB);
      }
      return runs.sort((a, b) => a - b)[1];
    };
    const peer = rss('js-yaml', clean);
    const ours = rss('validator', clean);
    const oursBroken = rss('validator', broken);
    console.log(
      `  peak RSS: js-yaml loadAll ${peer.toFixed(1)} MiB, validate clean ${ours.toFixed(1)} MiB (${(ours / peer).toFixed(2)}×), broken ${oursBroken.toFixed(1)} MiB (${(oursBroken / peer).toFixed(2)}×)`,
    );
    goal(`manifests (${shape}, clean): peak RSS vs js-yaml`, ours / peer, 1.3);
    goal(`manifests (${shape}, broken): peak RSS vs js-yaml`, oursBroken / peer, 1.3);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
