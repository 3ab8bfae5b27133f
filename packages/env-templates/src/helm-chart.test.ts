// The Helm chart deployment/helm/agentforge, checked with a real Helm 3: lint, render with and
// without the Prometheus operator API, every object validated by kubernetes-models, the
// restricted Pod Security Standard, the schema's refusals, and use as a subchart.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type EnvironmentDocument,
  EnvironmentDocumentSchema,
  loadFile,
  toEnvironmentVariables,
} from '@agentforge/schema';
import { chartWithStubs, requireTool } from '@agentforge/test-utils';
import { Certificate } from '@kubernetes-models/cert-manager/cert-manager.io/v1';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1';
import { ExternalSecret as ExternalSecretV1beta1 } from '@kubernetes-models/external-secrets/external-secrets.io/v1beta1';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { dump, load, loadAll } from 'js-yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restrictedViolations } from '../test/kubernetes.js';
import { generateHelmValues, toHelmValuesSchema } from './helm.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const chartSource = join(repo, 'deployment/helm/agentforge');
const MONITORING_API = ['--api-versions', 'monitoring.coreos.com/v1'];

// Outside CI a missing helm skips the real-helm tests with a warning; in CI it fails the file.
const helmBin = requireTool('helm');

const environmentsDir = join(repo, 'examples/platform/environments');
const examples: Record<string, EnvironmentDocument> = {};
for (const file of readdirSync(environmentsDir).filter((f) => f.endsWith('.yaml'))) {
  examples[file.replace(/\.yaml$/, '')] = EnvironmentDocumentSchema.parse(
    (await loadFile(join(environmentsDir, file))).data,
  );
}
const ENVIRONMENTS = Object.keys(examples).sort();

// Rendered objects are untyped YAML; the tests read them by path and kubernetes-models checks their shape.
type Json = any;
type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: Json;
};

// A temporary copy of the chart with stub subcharts: dependencies cannot be downloaded here.
let work = '';
let chart = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'agentforge-helm-'));
  chart = chartWithStubs(work);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function helm(args: string[]): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(helmBin!, args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config') },
  });
  return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

let valuesCounter = 0;
function valuesFile(values: unknown): string {
  const file = join(work, `values-${valuesCounter++}.yaml`);
  writeFileSync(file, typeof values === 'string' ? values : dump(values));
  return file;
}

function render(valueFiles: string[], extra: string[] = [], target = chart): K8sObject[] {
  const result = helm([
    'template',
    'rel',
    target,
    '--namespace',
    'agentforge',
    ...valueFiles.flatMap((f) => ['-f', f]),
    ...extra,
  ]);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return (loadAll(result.stdout) as (K8sObject | null)[]).filter((o): o is K8sObject => o !== null);
}
const ci = (name: string) => join(chart, 'ci', `${name}-values.yaml`);
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

const MODELS: Record<string, new (data: Json) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Pod': Pod,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/CronJob': CronJob,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'networking.k8s.io/v1/Ingress': Ingress,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
  'external-secrets.io/v1beta1/ExternalSecret': ExternalSecretV1beta1,
  'cert-manager.io/v1/Certificate': Certificate,
};

function validateObject(object: K8sObject): void {
  const data = object;
  const Model = MODELS[`${data.apiVersion}/${data.kind}`];
  if (!Model) throw new Error(`no kubernetes-models model for ${object.apiVersion} ${object.kind}`);
  new Model(data).validate();
}

/** Restricted Pod Security Standard violations of a workload's pod template, each prefixed with the object. */
function workloadViolations(object: K8sObject): string[] {
  const spec =
    object.kind === 'Pod'
      ? object.spec
      : object.kind === 'CronJob'
        ? object.spec.jobTemplate.spec.template.spec
        : object.spec?.template?.spec;
  if (!spec) return [];
  return restrictedViolations(spec).map((problem) => `${object.kind}/${object.metadata.name}: ${problem}`);
}

describe('generated chart files', () => {
  it('values.schema.json is the one toHelmValuesSchema() generates', () => {
    const committed = readFileSync(join(chartSource, 'values.schema.json'), 'utf8');
    expect(committed, 'values.schema.json is stale: run `node deployment/helm/scripts/generate.mjs`').toBe(
      `${JSON.stringify(toHelmValuesSchema(), null, 2)}\n`,
    );
  });

  it.each(ENVIRONMENTS)('ci/%s-values.yaml is the generated values of the example environment', (name) => {
    const committed = readFileSync(join(chartSource, 'ci', `${name}-values.yaml`), 'utf8');
    expect(
      committed,
      `ci/${name}-values.yaml is stale: run \`node deployment/helm/scripts/generate.mjs\``,
    ).toBe(generateHelmValues(examples[name]!).content);
  });
});

describe.skipIf(!helmBin)('helm chart (real helm)', () => {
  it('passes helm lint --strict with the defaults and every ci values file', () => {
    for (const files of [[], ...ENVIRONMENTS.map((name) => [ci(name)])]) {
      const result = helm(['lint', '--strict', chart, ...files.flatMap((f) => ['-f', f])]);
      expect(result.status, `${files.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
    }
    // Four real helm processes: about 1.5 s each on a busy 2-core CI machine, past vitest's 5 s default.
  }, 60_000);

  it('renders valid objects from the chart defaults, with and without the monitoring API', () => {
    for (const extra of [[], MONITORING_API]) {
      const objects = render([], extra);
      for (const object of objects) validateObject(object);
      expect(ofKind(objects, 'Deployment')).toHaveLength(7);
      expect(ofKind(objects, 'PrometheusRule')).toHaveLength(extra.length ? 1 : 0);
    }
  });

  describe.each(ENVIRONMENTS)('%s', (name) => {
    const doc = () => examples[name]!;
    const enabled = () =>
      Object.entries(doc().services)
        .filter(([, s]) => s.enabled)
        .map(([n]) => n);

    it('renders valid objects without the monitoring API, and then no ServiceMonitor or PrometheusRule', () => {
      const objects = render([ci(name)]);
      for (const object of objects) validateObject(object);
      expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
      expect(ofKind(objects, 'PrometheusRule')).toEqual([]);
      expect(
        ofKind(objects, 'Deployment')
          .map((d) => d.metadata.labels!['app.kubernetes.io/name'])
          .sort(),
      ).toEqual(enabled().sort());
    });

    it('renders valid objects with the monitoring API, with ServiceMonitors and the configured rules', () => {
      const objects = render([ci(name)], MONITORING_API);
      for (const object of objects) validateObject(object);
      const monitoringOn = doc().monitoring.enabled;
      expect(ofKind(objects, 'ServiceMonitor')).toHaveLength(
        monitoringOn && doc().monitoring.prometheus.enabled ? enabled().length : 0,
      );
      const rules = ofKind(objects, 'PrometheusRule');
      expect(rules).toHaveLength(monitoringOn && doc().monitoring.alerting.enabled ? 1 : 0);
      if (rules.length) {
        const alerts = rules[0]!.spec.groups.flatMap((g: Json) => g.rules.map((r: Json) => r.alert));
        expect(alerts).toEqual(
          expect.arrayContaining([
            'AgentforgeConfigReloadFailing',
            'AgentforgeConfigReloadStuck',
            'AgentforgeConfigDrift',
            ...doc().monitoring.alerting.rules.map((r) => r.name),
          ]),
        );
      }
    });

    it('hot: mounts the document itself as environment.yaml, with no AGENTFORGE_* variable', () => {
      const objects = render([ci(name)]);
      const config = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'rel-agentforge-config')!;
      expect(EnvironmentDocumentSchema.parse(load(config.data['environment.yaml']))).toEqual(doc());
      const env = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === 'rel-agentforge-env')!;
      expect(Object.keys(env.data).filter((k) => k.startsWith('AGENTFORGE_'))).toEqual([]);
    });

    it('rollout: puts exactly the AGENTFORGE_* variables of toEnvironmentVariables() in the process ConfigMap', () => {
      const rollout = valuesFile({ platform: { configDelivery: 'rollout' } });
      const configMap = ofKind(render([ci(name), rollout]), 'ConfigMap').find(
        (c) => c.metadata.name === 'rel-agentforge-env',
      );
      const data = Object.fromEntries(
        Object.entries(configMap!.data as Record<string, string>).filter(([k]) =>
          k.startsWith('AGENTFORGE_'),
        ),
      );
      const expected = toEnvironmentVariables({
        ...doc(),
        platform: { ...doc().platform, configDelivery: 'rollout' },
      });
      // Lists are JSON; Go orders object keys and escapes <, > and &, so compare them parsed.
      const normal = (vars: Record<string, string>) =>
        Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.startsWith('[') ? JSON.parse(v) : v]));
      expect(normal(data)).toEqual(normal(expected));
    });

    it('selects pods by name and instance only, one Deployment per Service', () => {
      const objects = render([ci(name)]);
      const deployments = ofKind(objects, 'Deployment');
      for (const deployment of deployments) {
        const selector = deployment.spec.selector.matchLabels;
        expect(Object.keys(selector).sort()).toEqual([
          'app.kubernetes.io/instance',
          'app.kubernetes.io/name',
        ]);
        expect(deployment.spec.template.metadata.labels).toMatchObject({
          ...selector,
          'app.kubernetes.io/part-of': 'agentforge',
          'app.kubernetes.io/managed-by': 'Helm',
        });
        expect(deployment.spec.template.metadata.annotations['agentforge.io/restart-checksum']).toMatch(
          /^[0-9a-f]{64}$/,
        );
      }
      for (const service of ofKind(objects, 'Service')) {
        const matching = deployments.filter((d) =>
          Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
        );
        expect(matching.map((d) => d.metadata.name)).toEqual([service.metadata.name]);
      }
    });

    it('autoscales exactly the services with autoscaling on, and leaves their replicas to the HPA', () => {
      const objects = render([ci(name)]);
      const autoscaled = Object.entries(doc().services)
        .filter(([, s]) => s.enabled && s.autoscaling?.enabled)
        .map(([n]) => `rel-agentforge-${n}`);
      expect(
        ofKind(objects, 'HorizontalPodAutoscaler')
          .map((h) => h.spec.scaleTargetRef.name)
          .sort(),
      ).toEqual(autoscaled.sort());
      for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
        const d = ofKind(objects, 'Deployment').find(
          (x) => x.metadata.name === hpa.spec.scaleTargetRef.name,
        )!;
        // No live Deployment to keep the count of (helm template): the HPA owns it.
        expect('replicas' in d.spec).toBe(false);
        expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
      }
    });

    it('renders the values generated for the environment cleanly', () => {
      const generated = generateHelmValues(doc());
      const objects = render([valuesFile(generated.content)], MONITORING_API);
      for (const object of objects) validateObject(object);
      expect(JSON.stringify(objects)).not.toMatch(/sk-|BEGIN [A-Z ]*PRIVATE KEY/);
    });
  });

  it('production has no restricted Pod Security Standard violation', () => {
    const objects = render([ci('production')], MONITORING_API);
    const pods = objects.filter((o) => ['Deployment', 'CronJob', 'Pod'].includes(o.kind));
    expect(pods.map((o) => o.kind)).toEqual(expect.arrayContaining(['Deployment', 'CronJob', 'Pod']));
    expect(pods.flatMap(workloadViolations)).toEqual([]);
  });

  it('the restricted check catches a root container (it can fail)', () => {
    const objects = render([ci('production'), valuesFile({ security: { runAsNonRoot: false } })]);
    expect(objects.flatMap(workloadViolations)).toContain(
      'Deployment/rel-agentforge-swarm: swarm: runAsNonRoot is not true',
    );
  });

  it('hot: rolls pods only for restart-only settings; rollout: for any setting the service reads', () => {
    const checksum = (objects: K8sObject[]) =>
      ofKind(objects, 'Deployment')[0]!.spec.template.metadata.annotations['agentforge.io/restart-checksum'];
    const before = checksum(render([ci('staging')]));
    expect(checksum(render([ci('staging')]))).toBe(before);
    expect(checksum(render([ci('staging'), valuesFile({ logging: { level: 'debug' } })]))).toBe(before);
    expect(
      checksum(
        render([ci('staging'), valuesFile({ dependencies: { redis: { url: 'rediss://other:6380' } } })]),
      ),
    ).not.toBe(before);
    const rollout = valuesFile({ platform: { configDelivery: 'rollout' } });
    const rolled = checksum(render([ci('staging'), rollout]));
    expect(checksum(render([ci('staging'), rollout, valuesFile({ logging: { level: 'debug' } })]))).not.toBe(
      rolled,
    );
  });

  it('syncs every referenced Secret with an ExternalSecret and mounts the platform ones', () => {
    const objects = render([ci('production')]);
    const externalSecrets = ofKind(objects, 'ExternalSecret');
    expect(externalSecrets.map((e) => e.metadata.name).sort()).toEqual([
      'grafana-admin',
      'llm-api-key',
      'nats-creds',
      'postgres-ca',
      'postgres-password',
      'redis-auth',
    ]);
    for (const e of externalSecrets) {
      expect(e.apiVersion).toBe('external-secrets.io/v1');
      expect(e.spec.secretStoreRef).toEqual({ name: 'vault-prod', kind: 'ClusterSecretStore' });
    }
    const swarm = ofKind(objects, 'Deployment').find((d) => d.metadata.name === 'rel-agentforge-swarm')!;
    expect(
      swarm.spec.template.spec.volumes
        .map((v: Json) => v.secret?.secretName)
        .filter(Boolean)
        .sort(),
    ).toEqual(['llm-api-key', 'nats-creds', 'postgres-ca', 'postgres-password', 'redis-auth']);
    const backup = ofKind(objects, 'CronJob')[0]!.spec.jobTemplate.spec.template.spec.containers[0];
    expect(backup.env).toContainEqual({
      name: 'PGPASSWORD',
      valueFrom: { secretKeyRef: { name: 'postgres-password', key: 'password' } },
    });
    expect(backup.args[0]).toContain('pg_dump');
  });

  it('uses ExternalSecret v1beta1 where only that version is served, and none with the kubernetes backend', () => {
    const old = render([ci('production')], ['--api-versions', 'external-secrets.io/v1beta1']);
    expect(new Set(ofKind(old, 'ExternalSecret').map((e) => e.apiVersion))).toEqual(
      new Set(['external-secrets.io/v1beta1']),
    );
    expect(ofKind(render([ci('development')]), 'ExternalSecret')).toEqual([]);
  });

  it('fails with a clear message when external-secrets has no store', () => {
    const result = helm([
      'template',
      'rel',
      chart,
      '-f',
      ci('development'),
      '-f',
      valuesFile({ secrets: { backend: 'external-secrets' } }),
    ]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('secrets.store must name the secret store');
  });

  it('denies by default and opens only what the platform needs when network policies are on', () => {
    const policies = ofKind(render([ci('production')]), 'NetworkPolicy');
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    expect(byName['rel-agentforge-default-deny']).toMatchObject({ policyTypes: ['Ingress', 'Egress'] });
    expect(byName['rel-agentforge-default-deny'].ingress).toBeUndefined();
    // Ports of the dependency URLs (6380, 4222, 5432) and the LLM endpoint (443).
    expect(byName['rel-agentforge-allow-egress'].egress[0].ports.map((p: Json) => p.port)).toEqual([
      6380, 4222, 5432, 443,
    ]);
    expect(byName['rel-agentforge-gateway-ingress'].ingress[0].from).toBeUndefined();
    expect(ofKind(render([ci('development')]), 'NetworkPolicy')).toEqual([]);
  });

  const refusals = [
    {
      name: 'a wrong type',
      values: { services: { swarm: { replicas: 'three' } } },
      message: /services\.swarm\.replicas: Invalid type\. Expected: integer, given: string/,
    },
    {
      name: 'an unknown key in a service',
      values: { services: { swarm: { replicaz: 3 } } },
      message: /services\.swarm: Additional property replicaz is not allowed/,
    },
    {
      name: 'an unknown top-level key',
      values: { bogusSetting: true },
      message: /Additional property bogusSetting is not allowed/,
    },
    {
      name: 'a bad enum value',
      values: { tier: 'prod' },
      message: /tier: tier must be one of the following/,
    },
    {
      name: 'a literal secret where a reference belongs',
      values: { llm: { apiKey: 'sk-not-a-reference' } },
      message: /llm\.apiKey: Invalid type\. Expected: object, given: string/,
    },
  ];
  it.each(refusals)('the schema refuses $name, naming the key', ({ values, message }) => {
    const result = helm(['template', 'rel', chart, '-f', valuesFile(values)]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('works as a subchart: global values and the enabled condition are accepted', () => {
    const parent = join(work, 'parent');
    mkdirSync(join(parent, 'charts'), { recursive: true });
    writeFileSync(
      join(parent, 'Chart.yaml'),
      'apiVersion: v2\nname: platform\nversion: 1.0.0\ndependencies:\n  - name: agentforge\n    version: 0.1.0\n    condition: agentforge.enabled\n',
    );
    cpSync(chart, join(parent, 'charts', 'agentforge'), { recursive: true });
    const on = render(
      [
        valuesFile({
          global: { imageRegistry: 'registry.example.com' },
          agentforge: { enabled: true, name: 'sub' },
        }),
      ],
      [],
      parent,
    );
    expect(ofKind(on, 'Deployment')).toHaveLength(7);
    const config = ofKind(on, 'ConfigMap').find((c) => c.metadata.name.endsWith('-config'))!;
    expect((load(config.data['environment.yaml']) as Json).name).toBe('sub');
    for (const d of ofKind(on, 'Deployment'))
      expect(d.spec.template.spec.containers[0].image).toMatch(/^registry\.example\.com\/agentforge\//);
    expect(render([valuesFile({ agentforge: { enabled: false } })], [], parent)).toEqual([]);
  });

  it('renders NOTES that list the Secrets to create', () => {
    // helm template does not render NOTES.txt; render it through tpl from a copy.
    const copy = join(work, 'notes');
    cpSync(chart, copy, { recursive: true });
    cpSync(join(chart, 'templates/NOTES.txt'), join(copy, 'notes.txt'));
    writeFileSync(
      join(copy, 'templates/notes.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | quote }}\n',
    );
    const notes = ofKind(render([ci('development')], [], copy), 'ConfigMap').find(
      (c) => c.metadata.name === 'notes',
    )!.data.notes;
    expect(notes).toContain('Create these Secrets before the pods can start');
    expect(notes).toContain('postgres-password  (keys: password)');
    expect(notes).toContain('monitoring.coreos.com/v1 API (Prometheus operator) is not served');
  });
});
