// Live fixtures are made from the repository's production render (`kubectl kustomize`) and
// shaped as the API server returns them from `kubectl get -o yaml`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPlainObject, loadDocuments } from '@agentforge/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatHuman, formatJson } from './format.js';
import { compareLive } from './live.js';
import { parseDriftPolicy } from './rules.js';

type Obj = Record<string, any>;
const overlay = fileURLToPath(new URL('../../../deployment/k8s/overlays/production', import.meta.url));
const clone = <T>(value: T): T => structuredClone(value);

// The Secret the ExternalSecret materialises; the render itself holds no Secret data.
const SECRET: Obj = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'agentforge-llm', namespace: 'agentforge-prod' },
  stringData: { OPENAI_API_KEY: 'CANARY-key-one' },
};

let desired: Obj[];

/** What the API server adds to a pod template's spec. */
function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  for (const container of spec.containers ?? []) {
    container.imagePullPolicy ??= 'IfNotPresent';
    container.terminationMessagePath ??= '/dev/termination-log';
    container.terminationMessagePolicy ??= 'File';
    container.resources ??= {};
    for (const port of container.ports ?? []) port.protocol ??= 'TCP';
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      const p = container[probe];
      if (!p) continue;
      p.timeoutSeconds ??= 1;
      p.periodSeconds ??= 10;
      p.successThreshold ??= 1;
      p.failureThreshold ??= 3;
      if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
    }
    // The server prints quantities in its own spelling (`1Gi` → `1024Mi` is a different
    // spelling of the same value; `500m` stays, `1` → `1000m` is the same value).
    for (const section of ['requests', 'limits']) {
      const q = container.resources[section];
      if (q && typeof q.memory === 'string' && q.memory.endsWith('Gi'))
        q.memory = `${Number.parseInt(q.memory, 10) * 1024}Mi`;
    }
  }
}

/** One desired object as `kubectl get -o yaml` returns it after `kubectl apply`. */
function asServerReturns(object: Obj, i: number): Obj {
  const live = clone(object);
  const metadata = live.metadata;
  metadata.annotations = {
    ...metadata.annotations,
    'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(object)}\n`,
  };
  metadata.uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  metadata.resourceVersion = String(1000 + i);
  metadata.creationTimestamp = '2026-12-01T10:00:00Z';
  metadata.generation = 3;
  metadata.managedFields = [
    {
      apiVersion: live.apiVersion,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:metadata': { 'f:labels': {} } },
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      time: '2026-12-01T10:00:00Z',
    },
  ];
  if (live.kind === 'Deployment') {
    metadata.annotations['deployment.kubernetes.io/revision'] = '3';
    live.spec.replicas ??= 1;
    live.spec.revisionHistoryLimit ??= 10;
    live.spec.progressDeadlineSeconds ??= 600;
    live.spec.strategy ??= {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    };
    live.spec.template.metadata.creationTimestamp = null;
    defaultPodSpec(live.spec.template.spec);
    live.status = {
      availableReplicas: live.spec.replicas,
      observedGeneration: 3,
      replicas: live.spec.replicas,
    };
  }
  if (live.kind === 'Service') {
    live.spec.type ??= 'ClusterIP';
    live.spec.sessionAffinity ??= 'None';
    live.spec.clusterIP = `10.96.0.${i}`;
    live.spec.clusterIPs = [live.spec.clusterIP];
    live.spec.ipFamilies = ['IPv4'];
    live.spec.ipFamilyPolicy = 'SingleStack';
    live.spec.internalTrafficPolicy = 'Cluster';
    for (const port of live.spec.ports ?? []) port.protocol ??= 'TCP';
    live.status = { loadBalancer: {} };
  }
  if (live.kind === 'Secret') {
    live.data = Object.fromEntries(
      Object.entries(live.stringData as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v).toString('base64'),
      ]),
    );
    delete live.stringData;
    live.type = 'Opaque';
  }
  if (live.kind === 'HorizontalPodAutoscaler') live.status = { currentReplicas: 3, desiredReplicas: 3 };
  return live;
}

const liveList = (objects: readonly Obj[]): Obj => ({
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: objects.map(asServerReturns),
});

const find = (objects: Obj[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name)!;

beforeAll(() => {
  const render = execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const rendered = loadDocuments(render).map((d) => d.data as Obj);
  // Labelled as the overlay labels everything it renders.
  SECRET.metadata.labels = clone(find(rendered, 'ConfigMap', 'agentforge-config').metadata.labels);
  desired = [...rendered, SECRET];
});

describe('compareLive against the production render', () => {
  it('reports no drift when only server-set and defaulted fields differ', () => {
    const report = compareLive(desired, [liveList(desired)]);
    expect(report.changes).toEqual([]);
    expect(report.counts.total).toBe(0);
  });

  it('accepts several documents as well as a List', () => {
    const report = compareLive(desired, liveList(desired).items);
    expect(report.changes).toEqual([]);
  });

  it('reports exactly one critical change for an edited image', () => {
    const live = liveList(desired);
    const swarm = find(live.items, 'Deployment', 'swarm');
    swarm.spec.template.spec.containers[0].image = 'ghcr.io/evil/swarm:latest';
    const report = compareLive(desired, [live]);
    expect(report.changes).toHaveLength(1);
    const [change] = report.changes;
    expect(change).toMatchObject({
      kind: 'modified',
      after: 'ghcr.io/evil/swarm:latest',
      resource: { kind: 'Deployment', name: 'swarm', namespace: 'agentforge-prod' },
    });
    expect(change!.path).toMatch(/containers\[name=swarm\]\/image$/);
    expect(change!.severity).toBe('critical');
    expect(change!.ruleId).toBe('drift/live-image');
    expect(change!.recommendation).not.toBe('');
  });

  it('ignores replicas of a workload an HPA targets, but not of others', () => {
    const live = liveList(desired);
    const hpa = live.items.find((o: Obj) => o.kind === 'HorizontalPodAutoscaler');
    const target = find(live.items, 'Deployment', hpa.spec.scaleTargetRef.name);
    target.spec.replicas = 17;
    expect(compareLive(desired, [live]).changes).toEqual([]);
    const scaled = new Set(
      desired.filter((o) => o.kind === 'HorizontalPodAutoscaler').map((o) => o.spec.scaleTargetRef.name),
    );
    const unscaled = live.items.find((o: Obj) => o.kind === 'Deployment' && !scaled.has(o.metadata.name));
    expect(unscaled, 'the render has a Deployment without an HPA').toBeDefined();
    unscaled.spec.replicas = 9;
    expect(compareLive(desired, [live]).changes.map((c) => `${c.resource?.name} ${c.path}`)).toEqual([
      `${unscaled.metadata.name} /spec/replicas`,
    ]);
  });

  it('reports a deleted Deployment as missing in live', () => {
    const live = liveList(desired.filter((o) => !(o.kind === 'Deployment' && o.metadata.name === 'gateway')));
    const report = compareLive(desired, [live]);
    expect(report.changes.map((c) => [c.kind, c.resource?.kind, c.resource?.name])).toEqual([
      ['removed', 'Deployment', 'gateway'],
    ]);
  });

  it('shows a Secret change as changed with the value hidden', () => {
    const changed = desired.map((o) =>
      o.kind === 'Secret' ? { ...o, stringData: { OPENAI_API_KEY: 'CANARY-key-two' } } : o,
    );
    const report = compareLive(desired, [liveList(changed)]);
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      secret: true,
      path: '/data/OPENAI_API_KEY',
      severity: 'critical',
    });
    const text = formatHuman(report) + formatJson(report);
    expect(text).toContain('changed (value hidden)');
    expect(text).not.toMatch(/CANARY|Q0FOQVJZ/);
  });

  it.each([
    {
      name: 'a ConfigMap key added in the cluster',
      kind: 'ConfigMap',
      objectName: 'agentforge-config',
      edit: (o: Obj) => {
        o.data.INJECTED_FLAG = 'on';
      },
      expected: {
        path: '/data/INJECTED_FLAG',
        severity: 'medium',
        ruleId: 'drift/live-extra-config-key',
        secret: false,
        after: 'on',
      },
    },
    {
      name: 'a binaryData key added to a ConfigMap',
      kind: 'ConfigMap',
      objectName: 'agentforge-config',
      edit: (o: Obj) => {
        o.binaryData = { 'blob.bin': 'AAEC' };
      },
      expected: { path: '/binaryData/blob.bin', severity: 'medium', ruleId: 'drift/live-extra-config-key' },
    },
    {
      name: 'a Secret key added in the cluster (value hidden)',
      kind: 'Secret',
      objectName: 'agentforge-llm',
      edit: (o: Obj) => {
        o.data.STOLEN_TOKEN = Buffer.from('CANARY-extra-token').toString('base64');
      },
      expected: {
        path: '/data/STOLEN_TOKEN',
        severity: 'high',
        ruleId: 'drift/live-extra-secret-key',
        secret: true,
      },
    },
  ])('reports $name as an added key', ({ kind, objectName, edit, expected }) => {
    const live = liveList(desired);
    const target = find(live.items, kind, objectName);
    expect(target, `${kind} ${objectName} is rendered`).toBeDefined();
    edit(target);
    const report = compareLive(desired, [live]);
    expect(report.changes).toHaveLength(1);
    expect(report.changes[0]).toMatchObject({
      kind: 'added',
      resource: { kind, name: objectName },
      ...expected,
    });
    const text = formatHuman(report) + formatJson(report);
    expect(text).not.toMatch(/CANARY|Q0FOQVJZ/);
    // Dropping the key again is no drift: the check compares keys, it does not invent them.
    expect(compareLive(desired, [liveList(desired)]).changes).toEqual([]);
  });

  it('lets an ignore rule silence extra data keys', () => {
    const live = liveList(desired);
    find(live.items, 'ConfigMap', 'agentforge-config').data.INJECTED_FLAG = 'on';
    const policy = parseDriftPolicy(
      'ignore:\n  - paths: "data.*"\n    kinds: [added]\n    resourceKinds: [ConfigMap]\n',
    );
    const report = compareLive(desired, [live], { policy });
    expect(report.changes).toEqual([]);
    expect(report.counts.ignored).toBe(1);
  });

  it('reports extra live objects with the app labels only, and applies ignore rules', () => {
    const extra = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'hand-made',
        namespace: 'agentforge-prod',
        labels: clone(find(desired, 'Deployment', 'swarm').metadata.labels),
      },
      data: { a: '1' },
    };
    const foreign = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: 'agentforge-prod' },
      data: {},
    };
    const replicaSet = {
      ...clone(extra),
      kind: 'ReplicaSet',
      apiVersion: 'apps/v1',
      metadata: {
        ...clone(extra.metadata),
        name: 'swarm-5d9f',
        ownerReferences: [{ kind: 'Deployment', name: 'swarm' }],
      },
    };
    const live = liveList([...desired, extra, foreign, replicaSet]);
    expect(compareLive(desired, [live]).changes.map((c) => [c.kind, c.resource?.name])).toEqual([
      ['added', 'hand-made'],
    ]);
    const policy = parseDriftPolicy(
      'ignore:\n  - paths: "**"\n    resourceKinds: [ConfigMap]\n    resourceNames: [hand-made]\n',
    );
    const report = compareLive(desired, [live], { policy });
    expect(report.changes).toEqual([]);
    expect(report.counts.ignored).toBe(1);
  });

  it('matches by API group: the same kind and name in another group is another object', () => {
    const live = liveList(desired);
    const swarm = find(live.items, 'Deployment', 'swarm');
    swarm.apiVersion = 'example.com/v1';
    const kinds = compareLive(desired, [live]).changes.map((c) => [c.kind, c.resource?.apiVersion]);
    expect(kinds).toContainEqual(['removed', 'apps/v1']);
  });
});

describe('pruning', () => {
  it('compares only fields desired sets, except the keys of a ConfigMap', () => {
    const d = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { a: '1' } },
    ];
    const l = [{ ...d[0], data: { a: '1', b: '2' }, metadata: { ...d[0]!.metadata, labels: { x: 'y' } } }];
    // The label a controller added is not drift; the data key someone added is.
    expect(compareLive(d, l).changes.map((c) => `${c.kind} ${c.path}`)).toEqual(['added /data/b']);
    expect(isPlainObject(l[0])).toBe(true);
  });
});
