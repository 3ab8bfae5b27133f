// Issue 20, rendered the way users render the chart (production values, `--set`, long release
// names, bundled subcharts, an upgrade after a one-line change), with a real Helm 3 and a real
// `kubectl kustomize` for the Helm/Kustomize contract test.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROCESS_CONTRACT } from '@agentforge/schema';
import { chartWithStubs, requireTool, testdir } from '@agentforge/test-utils';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { dump, load, loadAll } from 'js-yaml';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exampleDocument, REPO_ROOT } from '../test/examples.js';
import { kustomize, type Untyped } from '../test/kubernetes.js';
import { writeGeneratedFiles } from './files.js';
import { generate } from './generators.js';
import { K8S_ROOT } from './k8s-base.js';

const helmBin = requireTool('helm');
const kubectl = requireTool('kubectl');
const chartSource = join(REPO_ROOT, 'deployment/helm/agentforge');

let work = '';
let chart = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agentforge-helm-deploy-'));
  chart = chartWithStubs(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function helm(args: string[]) {
  const result = spawnSync(helmBin!, args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config') },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
let n = 0;
const values = (data: unknown) => {
  const file = join(work, `values-${n++}.yaml`);
  writeFileSync(file, dump(data));
  return file;
};
const ci = (name: string) => join(chart, 'ci', `${name}-values.yaml`);
function render(args: string[], release = 'rel'): Untyped[] {
  const result = helm(['template', release, chart, '--namespace', 'agentforge', ...args]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return (loadAll(result.stdout) as Untyped[]).filter(Boolean);
}
const kind = (objects: Untyped[], k: string) => objects.filter((o) => o.kind === k);
const deployment = (objects: Untyped[], service: string) =>
  kind(objects, 'Deployment').find((d) => d.spec.template.spec.containers[0].name === service);
const PRODUCTION = ['-f', '', '--api-versions', 'monitoring.coreos.com/v1'];
const production = (...more: string[]) => {
  PRODUCTION[1] = ci('production');
  return [...PRODUCTION, ...more];
};

// Outside CI a missing tool skips these with a warning (requireTool); in CI it fails the file.
describe.skipIf(!kubectl || !helmBin)('issue 20 with helm', { timeout: 180_000 }, () => {
  it('2: the Grafana admin ExternalSecret carries admin-user, and the values name it as userKey', () => {
    const objects = render(production());
    const grafana = kind(objects, 'ExternalSecret').find((e) => e.metadata.name === 'grafana-admin');
    expect(grafana.spec.data.map((d: Untyped) => d.secretKey).sort()).toEqual([
      'admin-user',
      'adminPassword',
    ]);
    const ciValues = load(readFileSync(ci('production'), 'utf8')) as Untyped;
    expect(ciValues.grafana.admin.userKey).toBe('admin-user');
  });

  it('3: the backup verifies the server with the mounted CA; verify-full without a CA fails the render', () => {
    const backup = kind(render(production()), 'CronJob')[0].spec.jobTemplate.spec.template.spec;
    const container = backup.containers[0];
    const root = container.env.find((e: Untyped) => e.name === 'PGSSLROOTCERT').value;
    expect(root).toBe('/var/run/secrets/agentforge/postgres-ca/ca.crt');
    expect(container.volumeMounts.map((m: Untyped) => m.mountPath)).toContain(
      '/var/run/secrets/agentforge/postgres-ca',
    );
    expect(backup.volumes.find((v: Untyped) => v.secret?.secretName === 'postgres-ca')).toBeDefined();
    // development has no caCert: asking it to verify the server must fail the render, naming the fix.
    const result = helm([
      'template',
      'rel',
      chart,
      '-f',
      ci('development'),
      '--set',
      'dependencies.postgres.sslmode=verify-full,backup.enabled=true',
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('needs dependencies.postgres.caCert');
  });

  it('6: bundled Redis/PostgreSQL without a password reference make the services mount the subcharts’ Secrets', () => {
    const development = load(readFileSync(ci('development'), 'utf8')) as Untyped;
    delete development.dependencies.postgres.password;
    const objects = render([
      '-f',
      values(development),
      '--set',
      'redis.enabled=true,postgresql.enabled=true',
    ]);
    const mounts = deployment(objects, 'swarm').spec.template.spec.containers[0].volumeMounts.map(
      (m: Untyped) => m.mountPath,
    );
    expect(mounts).toContain('/var/run/secrets/agentforge/agentforge-redis');
    // The subchart's existingSecret, as the generated values name it.
    expect(mounts).toContain('/var/run/secrets/agentforge/postgres-password');
    const config = kind(objects, 'ConfigMap').find((c) => c.metadata.name === 'rel-agentforge-config');
    const document = load(config.data['environment.yaml']) as Untyped;
    expect(document.dependencies.redis.password).toEqual({ secretRef: 'agentforge-redis', key: 'password' });
  });

  it('7 + upgrade: one service’s change rolls only that service; no selector changes', () => {
    const before = render(production());
    const after = render(
      production('--set', 'services.swarm.replicas=5', '--set-string', 'services.memory.env.CACHE=on'),
    );
    const templates = (objects: Untyped[]) =>
      new Map(kind(objects, 'Deployment').map((d) => [d.metadata.name, JSON.stringify(d.spec.template)]));
    const [a, b] = [templates(before), templates(after)];
    for (const [name, template] of a) {
      if (name.endsWith('-memory')) expect(b.get(name)).not.toBe(template);
      else expect(b.get(name), name).toBe(template);
    }
    for (const d of kind(after, 'Deployment'))
      expect(d.spec.selector).toEqual(
        kind(before, 'Deployment').find((x) => x.metadata.name === d.metadata.name).spec.selector,
      );
    for (const s of kind(after, 'Service'))
      expect(s.spec.selector).toEqual(
        kind(before, 'Service').find((x) => x.metadata.name === s.metadata.name).spec.selector,
      );
  });

  it('8 + upgrade: enabling autoscaling never lowers the running replica count', () => {
    const running = deployment(render(production()), 'memory').spec.replicas;
    const objects = render(production('--set', 'services.memory.autoscaling.enabled=true'));
    const hpa = kind(objects, 'HorizontalPodAutoscaler').find(
      (h) => h.metadata.name === 'rel-agentforge-memory',
    );
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(running);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(running);
    // Rendered without a cluster there is no live count to keep: the HPA alone owns it.
    expect(deployment(objects, 'memory').spec.replicas).toBeUndefined();
  });

  it('9: ServiceMonitors and the PrometheusRule carry the release label; dependencies are pinned to a major', () => {
    const objects = render(production());
    for (const o of [...kind(objects, 'ServiceMonitor'), ...kind(objects, 'PrometheusRule')])
      expect(o.metadata.labels.release).toBe('rel');
    const chartYaml = load(readFileSync(join(chartSource, 'Chart.yaml'), 'utf8')) as Untyped;
    for (const dependency of chartYaml.dependencies) expect(dependency.version).toMatch(/^\d+\.x\.x$/);
  });

  it('11: Bitnami-style pod values and global.* are accepted and rendered; the gateway Ingress validates', () => {
    const objects = render(
      production(
        '-f',
        values({
          nodeSelector: { pool: 'agents' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'agents', effect: 'NoSchedule' }],
          affinity: { nodeAffinity: {} },
          podAnnotations: { 'example.com/team': 'ai' },
          podLabels: { team: 'ai' },
          priorityClassName: 'high',
          imagePullSecrets: [{ name: 'local-pull' }],
          global: {
            imageRegistry: 'mirror.example.com',
            imagePullSecrets: ['global-pull'],
            storageClass: 'fast',
          },
          ingress: { enabled: true, className: 'nginx' },
        }),
      ),
    );
    const pod = deployment(objects, 'swarm').spec.template;
    expect(pod.spec.nodeSelector).toEqual({ pool: 'agents' });
    expect(pod.spec.tolerations).toHaveLength(1);
    expect(pod.spec.priorityClassName).toBe('high');
    expect(pod.metadata.annotations['example.com/team']).toBe('ai');
    expect(pod.metadata.labels.team).toBe('ai');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'global-pull' }, { name: 'local-pull' }]);
    expect(pod.spec.containers[0].image).toMatch(/^mirror\.example\.com\/agentforge\/swarm:/);
    expect(kind(objects, 'PersistentVolumeClaim')[0].spec.storageClassName).toBe('fast');
    const [ingress] = kind(objects, 'Ingress');
    new Ingress(ingress).validate();
    expect(ingress.spec.tls[0].secretName).toBe('rel-agentforge-gateway-tls');
  });

  it('12: no localhost reaches a pod from the development values', () => {
    expect(JSON.stringify(render(['-f', ci('development')]))).not.toMatch(/localhost|127\.0\.0\.1/);
  });

  it('14: `--set services.swarm.env.X=1` is accepted and rendered as "1"; an invalid fullnameOverride is refused', () => {
    const env = deployment(
      render(production('--set', 'services.swarm.env.MAX_AGENTS=1,services.swarm.env.DEBUG_X=true')),
      'swarm',
    ).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'MAX_AGENTS', value: '1' });
    expect(env).toContainEqual({ name: 'DEBUG_X', value: 'true' });
    const refused = helm([
      'template',
      'rel',
      chart,
      '-f',
      ci('production'),
      '--set',
      'fullnameOverride=AgentForge_Prod',
    ]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/fullnameOverride/);
  });

  it('5: TLS on renders a validated cert-manager Certificate whose Secret the gateway mounts', () => {
    const objects = render(production());
    const [certificate] = kind(objects, 'Certificate');
    new Certificate(certificate).validate();
    expect(certificate.spec.issuerRef).toMatchObject({ name: 'letsencrypt-prod', kind: 'ClusterIssuer' });
    const gateway = deployment(objects, 'gateway').spec.template.spec;
    expect(gateway.volumes.find((v: Untyped) => v.name === 'tls').secret.secretName).toBe(
      certificate.spec.secretName,
    );
  });
});

// Outside CI a missing tool skips these with a warning (requireTool); in CI it fails the file.
describe.skipIf(!kubectl || !helmBin)(
  '10: names for release names of 1..53 characters',
  { timeout: 300_000 },
  () => {
    const LIMITS: Record<string, number> = { CronJob: 52 };
    const releaseName = (length: number, withChart: boolean) =>
      withChart
        ? `agentforge${'x'.repeat(Math.max(0, length - 10))}`.slice(0, length)
        : `r${'q'.repeat(length - 1)}`;
    const lengths = [1, 2, 9, 10, 11, 20, 31, 32, 33, 41, 42, 43, 44, 45, 46, 52, 53];
    it.each(
      lengths.flatMap((length) => [
        { length, withChart: false },
        ...(length >= 10 ? [{ length, withChart: true }] : []),
      ]),
    )(
      'length $length (with "agentforge": $withChart): unique names within every kind’s limit',
      ({ length, withChart }) => {
        const name = releaseName(length, withChart);
        expect(name).toHaveLength(length);
        const objects = render(production('-f', values({ ingress: { enabled: true } })), name);
        const byKind = new Map<string, string[]>();
        for (const o of objects) byKind.set(o.kind, [...(byKind.get(o.kind) ?? []), o.metadata.name]);
        for (const [k, names] of byKind) {
          expect(new Set(names).size, `${k}: ${names.join(', ')}`).toBe(names.length);
          for (const n of names) {
            expect(n.length, `${k}/${n}`).toBeLessThanOrEqual(LIMITS[k] ?? 63);
            expect(n, `${k}/${n}`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
          }
        }
        expect(byKind.get('Deployment')).toHaveLength(7);
      },
    );
  },
);

// Outside CI a missing tool skips these with a warning (requireTool); in CI it fails the file.
describe.skipIf(!kubectl || !helmBin)('the Helm/Kustomize process contract', { timeout: 180_000 }, () => {
  /** Per container: variable names (env and envFrom ConfigMap keys), mounted paths, ports, probe schemes. */
  function contract(objects: Untyped[]) {
    const configMaps = new Map(kind(objects, 'ConfigMap').map((c) => [c.metadata.name, c]));
    const out: Record<string, unknown> = {};
    for (const d of kind(objects, 'Deployment')) {
      const c = d.spec.template.spec.containers[0];
      const fromConfig = (c.envFrom ?? []).flatMap((e: Untyped) =>
        Object.keys(configMaps.get(e.configMapRef.name)?.data ?? {}),
      );
      out[c.name] = {
        variables: [...new Set([...c.env.map((e: Untyped) => e.name), ...fromConfig])].sort(),
        mounts: c.volumeMounts.map((m: Untyped) => m.mountPath).sort(),
        ports: c.ports.map((p: Untyped) => [p.name, p.containerPort]),
        probes: ['startupProbe', 'livenessProbe', 'readinessProbe'].map(
          (p) => c[p]?.httpGet?.scheme ?? (c[p] ? 'tcp' : 'none'),
        ),
      };
    }
    return out;
  }
  async function kustomizeRender(document: unknown): Promise<Untyped[]> {
    const root = testdir();
    await writeGeneratedFiles(root, generate('k8s', document));
    return loadAll(
      kustomize(kubectl!, join(root, K8S_ROOT, 'overlays', (document as Untyped).name)),
    ) as Untyped[];
  }

  it.each(['hot', 'rollout'])(
    'production (%s): every container gets the same variables, mounts, ports and probe schemes',
    async (mode) => {
      const document = structuredClone(exampleDocument('production')) as Untyped;
      document.platform.configDelivery = mode;
      const helmObjects = render(production('--set', `platform.configDelivery=${mode}`));
      const kustomizeObjects = await kustomizeRender(document);
      const fromHelm = contract(helmObjects);
      expect(Object.keys(fromHelm)).toHaveLength(7);
      expect(fromHelm).toEqual(contract(kustomizeObjects));
      const gateway = fromHelm.gateway as Untyped;
      expect(gateway.mounts).toContain(PROCESS_CONTRACT.tlsDir);
    },
  );

  it('Helm and Kustomize sync the same Secrets from the same remote keys and properties', async () => {
    const layout = (objects: Untyped[]) =>
      kind(objects, 'ExternalSecret')
        .map((e) => [
          e.apiVersion,
          e.metadata.name,
          e.spec.data.map((d: Untyped) => [d.secretKey, d.remoteRef]),
        ])
        .sort();
    expect(layout(render(production()))).toEqual(
      layout(await kustomizeRender(exampleDocument('production'))),
    );
  });
});
