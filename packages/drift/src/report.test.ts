import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDocument, loadDocuments, type Severity } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import {
  DRIFT_FORMATS,
  formatHuman,
  formatJson,
  formatMarkdown,
  formatPrometheus,
  formatReport,
} from './format.js';
import {
  compareEnvironments,
  compareManifests,
  compareSnapshots,
  compareToSnapshot,
  diffDocuments,
  failsOn,
} from './report.js';
import { parseDriftPolicy } from './rules.js';
import { FileSnapshotStore } from './store.js';

type Doc = any;

const production = loadDocument(
  readFileSync(
    fileURLToPath(new URL('../../../examples/platform/environments/production.yaml', import.meta.url)),
    'utf8',
  ),
).data as Doc;
const edit = (change: (doc: Doc) => void) => {
  const copy = structuredClone(production);
  change(copy);
  return copy;
};

const classified: Array<{
  name: string;
  change: (doc: Doc) => void;
  path: string;
  severity: Severity;
  kind?: string;
}> = [
  {
    name: 'security flag',
    change: (d) => (d.security.runAsNonRoot = false),
    path: '/security/runAsNonRoot',
    severity: 'critical',
  },
  {
    name: 'secret reference',
    change: (d) => (d.dependencies.postgres.password.secretRef = 'other'),
    path: '/dependencies/postgres/password/secretRef',
    severity: 'critical',
  },
  {
    name: 'TLS version',
    change: (d) => (d.security.tls.minVersion = '1.2'),
    path: '/security/tls/minVersion',
    severity: 'critical',
  },
  {
    name: 'dependency URL',
    change: (d) => (d.dependencies.redis.url = 'rediss://other:6380'),
    path: '/dependencies/redis/url',
    severity: 'high',
  },
  {
    name: 'LLM provider',
    change: (d) => (d.llm.provider = 'openai'),
    path: '/llm/provider',
    severity: 'high',
  },
  {
    name: 'image',
    change: (d) => (d.services.swarm.image = 'ghcr.io/agentforge/swarm:1.9.0'),
    path: '/services/swarm/image',
    severity: 'high',
  },
  {
    name: 'replicas',
    change: (d) => (d.services.swarm.replicas = 5),
    path: '/services/swarm/replicas',
    severity: 'medium',
  },
  {
    name: 'resources',
    change: (d) => (d.services.swarm.resources.limits.cpu = '3'),
    path: '/services/swarm/resources/limits/cpu',
    severity: 'medium',
  },
  {
    name: 'autoscaling',
    change: (d) => (d.services.swarm.autoscaling.maxReplicas = 20),
    path: '/services/swarm/autoscaling/maxReplicas',
    severity: 'medium',
  },
  { name: 'logging', change: (d) => (d.logging.level = 'debug'), path: '/logging/level', severity: 'low' },
  {
    name: 'feature flag',
    change: (d) => (d.features['semantic-cache'] = false),
    path: '/features/semantic-cache',
    severity: 'low',
  },
  {
    name: 'removed section is one step higher',
    change: (d) => delete d.logging,
    path: '/logging',
    severity: 'medium',
    kind: 'removed',
  },
  {
    name: 'a list item added in front is one change, not a reorder',
    change: (d) =>
      d.monitoring.alerting.rules.unshift({ name: 'Second', expr: 'up == 0', for: '5m', severity: 'high' }),
    path: '/monitoring/alerting/rules[name=Second]',
    severity: 'medium',
    kind: 'added',
  },
];

describe('default classification', () => {
  it.each(classified)('$name → $severity', ({ change, path, severity, kind }) => {
    const report = diffDocuments(production, edit(change));
    expect(report.changes).toEqual([expect.objectContaining({ path, severity, ...(kind ? { kind } : {}) })]);
    expect(report.changes[0]!.explanation).not.toBe('');
    expect(report.changes[0]!.recommendation).not.toBe('');
  });

  it('a reorder is low unless the path is order-sensitive', () => {
    const pod = (names: string[]) => ({
      spec: {
        initContainers: names.map((name) => ({ name, image: `${name}:1` })),
        containers: names.map((name) => ({ name, image: `${name}:1` })),
      },
    });
    const report = diffDocuments(pod(['a', 'b']), pod(['b', 'a']));
    expect(report.changes.map((c) => [c.path, c.kind, c.severity])).toEqual([
      ['/spec/initContainers', 'reordered', 'medium'],
      ['/spec/containers', 'reordered', 'low'],
    ]);
  });

  it('counts changes per severity and kind', () => {
    const report = diffDocuments(
      production,
      edit((d) => {
        d.logging.level = 'debug';
        d.services.swarm.replicas = 4;
        d.services.swarm.image = 'x:2';
        delete d.services.swarm.env;
        d.features.new = true;
      }),
    );
    expect(report.formatVersion).toBe(1);
    expect(report.counts).toEqual({
      total: 5,
      ignored: 0,
      // The removed `env` block is a section: medium, one step higher → high.
      bySeverity: { critical: 0, high: 2, medium: 1, low: 2, info: 0 },
      byKind: { added: 1, removed: 1, modified: 3, reordered: 0 },
      notComparable: 0,
    });
    expect(report.changes.map((c) => c.severity)).toEqual(['high', 'high', 'medium', 'low', 'low']);
  });
});

describe('policy files', () => {
  const policy = parseDriftPolicy(`
rules:
  - id: team/env
    paths: services.*.env.**
    severity: high
    explanation: Service environment changed.
    recommendation: Tell the service owner.
ignore:
  - paths: [services.*.replicas, services.*.autoscaling.**]
    environments: [staging]
    reason: staging scales on its own
listKeys:
  monitoring.alerting.rules: expr
`);

  it('overrides and extends the default rules', () => {
    const report = diffDocuments(
      production,
      edit((d) => (d.services.swarm.env.SWARM_MAX_AGENTS = '128')),
      { policy },
    );
    expect(report.changes).toMatchObject([{ ruleId: 'team/env', severity: 'high' }]);
  });

  it('ignores changes in the scoped environment only, in counts, exit decision and every format', () => {
    const changed = edit((d) => (d.services.swarm.replicas = 9));
    const staging = diffDocuments(production, changed, { policy, environments: ['staging'] });
    expect(staging.changes).toEqual([]);
    expect(staging.counts.ignored).toBe(1);
    expect(failsOn(staging, 'info')).toBe(false);
    for (const text of [formatHuman(staging), formatJson(staging), formatMarkdown(staging)])
      expect(text).not.toContain('/services/swarm/replicas');
    const prod = diffDocuments(production, changed, { policy, environments: ['production'] });
    expect(prod.changes).toHaveLength(1);
    expect(failsOn(prod)).toBe(true);
    expect(failsOn(prod, 'high')).toBe(false);
  });

  it('can replace the defaults entirely', () => {
    const own = parseDriftPolicy(
      'defaults: false\nrules:\n  - { id: team/logs, paths: logging.**, severity: info, explanation: e, recommendation: r }\n',
    );
    const report = diffDocuments(
      production,
      edit((d) => {
        d.logging.level = 'debug';
        d.security.runAsNonRoot = false;
      }),
      { policy: own },
    );
    expect(report.changes.map((c) => [c.path, c.ruleId, c.severity])).toEqual([
      ['/security/runAsNonRoot', 'drift/other', 'medium'],
      ['/logging/level', 'team/logs', 'info'],
    ]);
  });

  it('refuses a malformed policy with file, line and column', () => {
    expect(() =>
      parseDriftPolicy(
        'rules:\n  - id: x\n    paths: a.b\n    severity: urgent\n    explanation: e\n    recommendation: r\n',
        'drift.yaml',
      ),
    ).toThrow(
      expect.objectContaining({
        code: 'POLICY_INVALID',
        location: expect.objectContaining({ file: 'drift.yaml', line: 4 }),
      }),
    );
  });
});

describe('comparisons', () => {
  it('compares an environment with its latest snapshot and two snapshots', async () => {
    const store = new FileSnapshotStore(testdir());
    const first = await store.save('production', production);
    expect((await compareToSnapshot(store, 'production', production)).changes).toEqual([]);
    const changed = edit((d) => (d.services.memory.replicas = 4));
    const second = await store.save('production', changed);
    const report = await compareToSnapshot(store, 'production', changed, { against: first.id });
    expect(report.comparison).toMatchObject({ type: 'snapshot', before: { snapshot: { id: first.id } } });
    expect(report.changes).toMatchObject([{ path: '/services/memory/replicas', before: 2, after: 4 }]);
    const between = await compareSnapshots(store, 'production', first.id, second.id);
    expect(between.changes).toMatchObject([{ path: '/services/memory/replicas' }]);
  });

  it('compares two environments with ignore rules for the expected differences', () => {
    const staging = edit((d) => {
      d.name = 'staging';
      d.platform.namespace = 'agentforge-staging';
      d.services.swarm.replicas = 1;
      d.logging.level = 'debug';
    });
    const policy = parseDriftPolicy(
      'ignore:\n  - paths: [name, platform.**, services.*.replicas]\n    environments: [staging]\n',
    );
    const report = compareEnvironments(
      { name: 'staging', document: staging },
      { name: 'production', document: production },
      { policy },
    );
    expect(report.changes.map((c) => c.path)).toEqual(['/logging/level']);
    expect(report.counts.ignored).toBe(3);
  });

  it('compares desired manifests with a kubectl get dump', () => {
    const desired = loadDocuments(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: swarm, namespace: prod }
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: swarm
          image: ghcr.io/agentforge/swarm:1.8.2
          ports: [{ containerPort: 8080 }]
          resources: { requests: { cpu: 500m, memory: 1Gi } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: gone, namespace: prod }
data: { a: "1" }
`).map((d) => d.data);
    const live = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {
            name: 'swarm',
            namespace: 'prod',
            uid: 'u',
            resourceVersion: '9',
            generation: 4,
            annotations: { 'deployment.kubernetes.io/revision': '4' },
          },
          spec: {
            replicas: 5,
            revisionHistoryLimit: 10,
            progressDeadlineSeconds: 600,
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
            template: {
              metadata: { creationTimestamp: null },
              spec: {
                dnsPolicy: 'ClusterFirst',
                containers: [
                  {
                    name: 'swarm',
                    image: 'ghcr.io/agentforge/swarm:1.8.2',
                    imagePullPolicy: 'IfNotPresent',
                    ports: [{ containerPort: 8080, protocol: 'TCP' }],
                    resources: { requests: { cpu: '0.5', memory: '1024Mi' } },
                  },
                ],
              },
            },
          },
          status: { availableReplicas: 5 },
        },
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'extra', namespace: 'prod' },
          data: { b: '2' },
        },
      ],
    };
    const report = compareManifests(desired, [live]);
    expect(report.changes.map((c) => [c.resource?.kind, c.resource?.name, c.kind, c.path])).toEqual([
      ['ConfigMap', 'gone', 'removed', ''],
      ['ConfigMap', 'extra', 'added', ''],
      ['Deployment', 'swarm', 'modified', '/spec/replicas'],
    ]);
    const policy = parseDriftPolicy(
      'ignore:\n  - paths: "**"\n    resourceKinds: [ConfigMap]\n    resourceNames: [extra]\n',
    );
    expect(
      compareManifests(desired, [live], { policy }).changes.map((c) => `${c.resource?.name} ${c.path}`),
    ).toEqual(['gone ', 'swarm /spec/replicas']);
  });
});

describe('secrets in outputs', () => {
  const withSecrets = (suffix: string) =>
    edit((d) => {
      d.dependencies.postgres.url = `postgres://agentforge:CANARY-url-${suffix}@db:5432/agentforge`;
      d.services.swarm.env.SWARM_API_TOKEN = `CANARY-token-${suffix}`;
      d.llm.apiKey = `sk-ant-CANARY${suffix}0123456789abcdef`;
    });

  it('shows that a secret changed and never its value, in every format', () => {
    const report = diffDocuments(withSecrets('old'), withSecrets('new'));
    expect(report.changes.map((c) => [c.path, c.secret, c.severity])).toEqual([
      ['/dependencies/postgres/url', true, 'critical'],
      ['/llm/apiKey', true, 'critical'],
      ['/services/swarm/env/SWARM_API_TOKEN', true, 'critical'],
    ]);
    expect(report.changes[0]!.after).toBe('postgres://agentforge:«hidden»@db:5432/agentforge');
    expect(formatHuman(report)).toContain('secret value changed (value hidden)');
    for (const format of DRIFT_FORMATS) expect(formatReport(report, format)).not.toMatch(/CANARY|«redacted/);
    for (const text of [formatHuman(report), formatJson(report), formatMarkdown(report)]) {
      expect(text).toContain('SWARM_API_TOKEN');
    }
  });

  it('hides a secret-looking list key in the path', () => {
    const env = (token: string) => ({
      spec: {
        env: [
          { name: 'A', value: '1' },
          { name: token, value: 'x' },
        ],
      },
    });
    const report = diffDocuments(
      env('ghp_CANARY0123456789abcdefghijklmnopqrstuv'),
      env('ghp_CANARY0123456789abcdefghijklmnopqrstuw'),
    );
    expect(report.changes.map((c) => [c.kind, c.path])).toEqual([
      ['removed', '/spec/env[name=«hidden»]'],
      ['added', '/spec/env[name=«hidden»]'],
    ]);
    for (const text of [formatHuman(report), formatJson(report), formatMarkdown(report)])
      expect(text).not.toMatch(/CANARY|«redacted/);
  });

  it('hides an unchanged secret inside a changed subtree', () => {
    const token = 'ghp_CANARY0123456789abcdefghijklmnopqrstuv';
    const before = {
      args: ['--verbose', `--token=${token}`],
      env: [{ name: 'API_TOKEN', value: 'CANARY-value' }],
      auth: { password: 'CANARY-password', mode: 'basic' },
      section: { url: 'postgres://u:CANARY-pw@db/x', size: 1 },
    };
    const after = {
      args: [`--token=${token}`], // a list that shrank is shown whole, both sides
      env: [{ name: 'API_TOKEN', value: 'CANARY-value', optional: true }],
      auth: 'none', // an object became a scalar
      // `section` removed whole
    };
    const report = diffDocuments(before, after);
    expect(report.changes.map((c) => [c.kind, c.path]).sort()).toEqual([
      ['added', '/env[name=API_TOKEN]/optional'],
      ['modified', '/args'],
      ['modified', '/auth'],
      ['removed', '/section'],
    ]);
    for (const text of [formatHuman(report), formatJson(report), formatMarkdown(report)])
      expect(text).not.toMatch(/CANARY|«redacted/);
  });

  it('masks a secret written beside a marker, and keeps the marker itself', () => {
    const marker = '«redacted:0123456789ab»';
    const report = diffDocuments(
      { note: 'x', password: marker },
      { note: `${marker} sk-ant-CANARYabcdefghijklmnopqrstu`, password: marker },
    );
    expect(report.changes.map((c) => [c.path, c.secret])).toEqual([['/note', true]]);
    for (const text of [formatHuman(report), formatJson(report), formatMarkdown(report)])
      expect(text).not.toMatch(/CANARY|«redacted/);
  });

  it('keeps secrets out of a report when a secret is added or removed', () => {
    const report = diffDocuments(production, withSecrets('added'));
    expect(report.changes.length).toBeGreaterThan(0);
    for (const text of [formatHuman(report), formatJson(report), formatMarkdown(report)])
      expect(text).not.toMatch(/CANARY/);
  });
});

describe('formatPrometheus', () => {
  it('exposes the changes per severity as gauges, the metric the Helm chart alerts on', () => {
    const edited = structuredClone(production) as Doc;
    edited.security.tls.minVersion = '1.2';
    edited.logging.level = 'debug';
    const report = compareEnvironments(
      { name: 'staging', document: production },
      { name: 'production', document: edited },
    );
    const text = formatPrometheus(report);
    expect(text).toMatch(/^# HELP agentforge_config_drift_changes /);
    expect(text).toContain('# TYPE agentforge_config_drift_changes gauge\n');
    for (const [severity, count] of Object.entries(report.counts.bySeverity)) {
      expect(text).toContain(
        `agentforge_config_drift_changes{environment="production",severity="${severity}"} ${count}\n`,
      );
    }
    expect(report.counts.bySeverity.critical).toBeGreaterThan(0);
    expect(
      readFileSync(
        fileURLToPath(
          new URL('../../../deployment/helm/agentforge/templates/prometheusrule.yaml', import.meta.url),
        ),
        'utf8',
      ),
    ).toContain('agentforge_config_drift_changes{');
  });
});
