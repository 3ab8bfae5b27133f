import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chartWithStubs, memoryStream, requireTool, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

async function cli(args: string[], cwd: string, stdin?: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(['manifests', 'validate', ...args], {
    cwd,
    env: { NO_COLOR: '1' },
    stdout,
    stderr,
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const SECURE = `
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          seccompProfile: {type: RuntimeDefault}
          capabilities: {drop: [ALL]}`;
/** A Deployment that passes every production rule except for the replacements. */
function deployment(name: string, container = SECURE): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/instance: prod}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: ${name}}}
  template:
    metadata: {labels: {app.kubernetes.io/name: ${name}}}
    spec:
      automountServiceAccountToken: false
      priorityClassName: service
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app.kubernetes.io/name: ${name}}}}]
      containers:
      - name: ${name}
        image: ghcr.io/acme/${name}:1.0.0@sha256:${'b'.repeat(64)}
        ports: [{name: http, containerPort: 8080}]
        livenessProbe: {httpGet: {path: /healthz, port: http}}
        readinessProbe: {httpGet: {path: /readyz, port: http}}
        resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}${container}
`;
}
const support = (name: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: ${name}, namespace: shop, labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/instance: prod}}
spec: {maxUnavailable: 1, selector: {matchLabels: {app.kubernetes.io/name: ${name}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-${name}, namespace: shop, labels: {app.kubernetes.io/name: ${name}, app.kubernetes.io/instance: prod}}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
`;
/** Privileged containers are accepted in namespace shop, at a low severity; priority classes are not required. */
const POLICY = `extends: kubernetes
severity: {k8s/priority-class: "off"}
scopes:
  - namespaces: [shop]
    severity: {k8s/privileged: low}
`;
const PRIVILEGED = SECURE.replace(
  'allowPrivilegeEscalation: false',
  'allowPrivilegeEscalation: false\n          privileged: true',
);

describe('agentforge manifests validate', () => {
  it('reads files and folders recursively (YAML, JSON, List) and exits 0 on clean manifests', async () => {
    const dir = testdir({
      'rendered/api.yaml': `${deployment('api')}---\n${support('api')}`,
      'rendered/nested/worker.json': JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'policy/v1',
            kind: 'PodDisruptionBudget',
            metadata: {
              name: 'worker',
              namespace: 'shop',
              labels: { 'app.kubernetes.io/name': 'worker', 'app.kubernetes.io/instance': 'prod' },
            },
            spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'worker' } } },
          },
        ],
      }),
      'rendered/nested/worker.yml': deployment('worker'),
      'rendered/README.md': 'not a manifest',
    });
    const { code, stdout, stderr } = await cli(
      ['rendered', '--environment', 'production', '--format', 'json'],
      dir,
    );
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toMatchObject({ passed: true, summary: { findings: 0 } });
    expect(code).toBe(0);
  });

  it('exits 1 naming file, document, line and column of the offending field', async () => {
    const dir = testdir({ 'all.yaml': `${support('api')}---\n${deployment('api', PRIVILEGED)}` });
    const { code, stdout } = await cli(['all.yaml', '--environment', 'production', '--format', 'json'], dir);
    expect(code).toBe(1);
    const finding = JSON.parse(stdout).reports[0].findings[0];
    expect(finding).toMatchObject({
      ruleId: 'k8s/privileged',
      severity: 'critical',
      path: '/spec/template/spec/containers/0/securityContext/privileged',
      location: { file: 'all.yaml', document: 2, line: 35, column: 11 },
    });
  });

  it.each([
    ['--policy', { 'p.yaml': POLICY }, ['--policy', 'p.yaml']],
    [
      'agentforge.yaml manifests.policy',
      { 'p.yaml': POLICY, 'agentforge.yaml': 'manifests: {policy: p.yaml}\n' },
      [],
    ],
  ])('takes a policy from %s: severity overrides and scopes by namespace', async (_from, files, args) => {
    const dir = testdir({ ...files, 'all.yaml': `${support('api')}---\n${deployment('api', PRIVILEGED)}` });
    const run = await cli(['all.yaml', '--environment', 'production', '--format', 'json', ...args], dir);
    expect(run.stderr).toBe('');
    const findings = JSON.parse(run.stdout).reports[0].findings;
    expect(findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId} ${f.severity}`)).toEqual([
      'k8s/privileged low',
    ]);
    expect(run.code).toBe(0);
  });

  it('refuses a malformed policy, naming its file and line (exit 2)', async () => {
    const dir = testdir({ 'p.yaml': 'scopes:\n  - kind: [Pod]\n', 'all.yaml': deployment('api') });
    const run = await cli(['all.yaml', '--policy', 'p.yaml'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/p\.yaml:2:/);
  });

  it('reads - from standard input, with its own file name in findings', async () => {
    const { code, stdout } = await cli(
      ['-', '--format', 'github', '--environment', 'staging'],
      testdir(),
      deployment('api', PRIVILEGED),
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/^::error file=<stdin>,line=25,col=11,title=k8s\/privileged/m);
  });

  it('takes the environment from the agentforge.io labels, and says when it assumes production', async () => {
    const dev = deployment(
      'api',
      PRIVILEGED.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'),
    ).replace(
      'labels: {app.kubernetes.io/name: api, app.kubernetes.io/instance: prod}',
      'labels: {app.kubernetes.io/name: api, app.kubernetes.io/instance: prod, agentforge.io/environment: dev-1, agentforge.io/tier: development}',
    );
    const labelled = await cli(['-', '--format', 'json'], testdir(), dev);
    expect(JSON.parse(labelled.stdout).reports[0]).toMatchObject({
      environment: 'dev-1',
      tier: 'development',
    });
    expect(labelled.stderr).toBe('');
    const unlabelled = await cli(['-', '--format', 'json'], testdir(), deployment('api'));
    expect(JSON.parse(unlabelled.stdout).reports[0].tier).toBe('production');
    expect(unlabelled.stderr).toMatch(/the production rules apply/);
  });

  it('takes the tier of a workspace environment', async () => {
    const dir = testdir({
      'environments/qa-eu.yaml': 'name: qa-eu\ntier: staging\n',
      'm.yaml': deployment(
        'api',
        SECURE.replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'),
      ),
    });
    const { code, stdout } = await cli(['m.yaml', '--environment', 'qa-eu', '--format', 'json'], dir);
    const report = JSON.parse(stdout).reports[0];
    expect(report).toMatchObject({ environment: 'qa-eu', tier: 'staging' });
    expect(
      report.findings.find((f: { ruleId: string }) => f.ruleId === 'k8s/privilege-escalation').severity,
    ).toBe('medium');
    expect(code).toBe(0);
  });

  it('honours suppression annotations, and ignores them with --no-suppressions', async () => {
    const annotated = deployment('api', PRIVILEGED).replace(
      '  namespace: shop\n',
      '  namespace: shop\n  annotations:\n    agentforge.dev/suppress: "k8s/privileged: eBPF agent, reviewed in SEC-1234"\n',
    );
    const dir = testdir({ 'm.yaml': `${annotated}---\n${support('api')}` });
    const kept = await cli(['m.yaml', '--environment', 'production', '--format', 'json'], dir);
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout).reports[0].suppressed).toMatchObject([
      { ruleId: 'k8s/privileged', suppression: { reason: 'eBPF agent, reviewed in SEC-1234' } },
    ]);
    const ignored = await cli(['m.yaml', '--environment', 'production', '--no-suppressions'], dir);
    expect(ignored.code).toBe(1);
    expect(ignored.stdout).toMatch(
      /critical +container api of Deployment\/api is privileged +k8s\/privileged/,
    );
  });

  it('fails only on new findings against a baseline', async () => {
    const dir = testdir({ 'm.yaml': deployment('api', PRIVILEGED) });
    const write = await cli(
      ['m.yaml', '--environment', 'production', '--write-baseline', 'baseline.json'],
      dir,
    );
    expect(write.code).toBe(0);
    expect(
      (await cli(['m.yaml', '--environment', 'production', '--baseline', 'baseline.json'], dir)).code,
    ).toBe(0);
    writeFileSync(
      join(dir, 'm.yaml'),
      deployment('api', PRIVILEGED.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false')),
    );
    const after = await cli(
      ['m.yaml', '--environment', 'production', '--baseline', 'baseline.json', '--format', 'github'],
      dir,
    );
    expect(after.code).toBe(1);
    expect(after.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(/title=k8s\/read-only-root-filesystem/),
    ]);
  });

  it.each([
    { name: 'a missing file', args: ['nope.yaml'], message: /nope\.yaml: no such file or folder/ },
    {
      name: 'malformed YAML',
      args: ['bad.yaml'],
      message: /^bad\.yaml:5:1: invalid YAML: unexpected end of the stream/,
    },
    {
      name: 'an unknown environment',
      args: ['ok.yaml', '--environment', 'qa'],
      message: /unknown environment "qa"/,
    },
    {
      name: 'an unknown format',
      args: ['x.yaml', '--format', 'xml'],
      message: /--format must be one of .*, not "xml"/,
    },
    {
      name: 'no input',
      args: [],
      message:
        /^agentforge manifests validate: missing <file\|dir\|-\.\.\.>: the manifests to check: files, folders/,
    },
    { name: 'a folder without manifests', args: ['empty'], message: /no Kubernetes documents in empty/ },
  ])('exits 2 on $name', async ({ args, message }) => {
    const dir = testdir({
      'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\n---\n  data: [\n',
      'ok.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      'empty/notes.txt': 'not a manifest',
    });
    const { code, stderr, stdout } = await cli(args, dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });
});

// ---- The repository's own renders -----------------------------------------------------------

// Outside CI a missing tool skips its test with a warning; in CI it fails the file.
const kubectl = requireTool('kubectl');
const helm = requireTool('helm');

function run(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const result = spawnSync(bin, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** The chart ready to render offline, with helm's cache and config kept in the test's folder. */
function renderableChart(): { chart: string; env: NodeJS.ProcessEnv } {
  const work = testdir();
  return {
    chart: chartWithStubs(work),
    env: { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config') },
  };
}

const ENVIRONMENTS = ['development', 'staging', 'production'];

describe("the repository's renders of every environment", () => {
  it.skipIf(!kubectl).each(ENVIRONMENTS)(
    'kubectl kustomize deployment/k8s/overlays/%s passes at --fail-on medium',
    async (environment) => {
      const rendered = run(kubectl!, ['kustomize', join(repo, `deployment/k8s/overlays/${environment}`)]);
      const { code, stdout } = await cli(['-', '--fail-on', 'medium', '--format', 'json'], repo, rendered);
      const report = JSON.parse(stdout).reports[0];
      expect(
        report.findings.filter((f: { severity: string }) => f.severity !== 'low' && f.severity !== 'info'),
      ).toEqual([]);
      expect(report).toMatchObject({ environment, tier: environment, passed: true });
      expect(code).toBe(0);
    },
  );

  it.skipIf(!helm).each(ENVIRONMENTS)(
    'helm template deployment/helm/agentforge -f ci/%s-values.yaml passes at --fail-on medium',
    async (environment) => {
      const { chart, env } = renderableChart();
      const rendered = run(
        helm!,
        [
          'template',
          'rel',
          chart,
          '--namespace',
          'agentforge',
          '-f',
          join(repo, `deployment/helm/agentforge/ci/${environment}-values.yaml`),
        ],
        env,
      );
      expect(rendered).toContain('kind: Deployment');
      const { code, stdout } = await cli(
        ['-', '--fail-on', 'medium', '--format', 'json', '--environment', environment],
        repo,
        rendered,
      );
      const report = JSON.parse(stdout).reports[0];
      expect(
        report.findings.filter((f: { severity: string }) => f.severity !== 'low' && f.severity !== 'info'),
      ).toEqual([]);
      expect(code).toBe(0);
    },
  );
});
