import { createFingerprintKey } from '@agentforge/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalize, formatQuantity } from './canonical.js';
import { applyChanges, type DiffOptions, diffCanonical } from './diff.js';
import { parseDriftPath } from './paths.js';
import { type DriftOptions, diffDocuments, diffDocumentsRaw } from './report.js';

const container = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: `ghcr.io/agentforge/${name}:1.8.2`,
  ...extra,
});
const deployment = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'swarm', namespace: 'agentforge-prod', ...metadata },
  spec,
});
const pod = (containers: unknown[], extra: Record<string, unknown> = {}) => ({
  replicas: 3,
  template: { spec: { containers, ...extra } },
});
const b64 = (text: string) => Buffer.from(text).toString('base64');

interface Case {
  name: string;
  before: unknown;
  after: unknown;
  options?: DriftOptions;
  /** `kind path` of every expected change. */
  expected: string[];
}

// The noise that drift tools are known for, each next to a real edit that must still be found.
const falsePositives: Case[] = [
  {
    name: 'reordered containers: one reordered, and the image edit beside it',
    before: deployment(pod([container('swarm'), container('sidecar')])),
    after: deployment(
      pod([container('sidecar'), container('swarm', { image: 'ghcr.io/agentforge/swarm:1.9.0' })]),
    ),
    expected: [
      'reordered /spec/template/spec/containers',
      'modified /spec/template/spec/containers[name=swarm]/image',
    ],
  },
  {
    name: 'defaulted protocol: nothing, but the replica edit',
    before: deployment(pod([container('swarm', { ports: [{ containerPort: 8080 }] })])),
    after: deployment({
      ...pod([container('swarm', { ports: [{ containerPort: 8080, protocol: 'TCP' }] })]),
      replicas: 4,
    }),
    expected: ['modified /spec/replicas'],
  },
  {
    name: 'cpu 100m vs 0.1 and 1Gi vs 1024Mi: nothing, but the limit edit',
    before: deployment(
      pod([
        container('swarm', { resources: { requests: { cpu: '100m', memory: '1Gi' }, limits: { cpu: '1' } } }),
      ]),
    ),
    after: deployment(
      pod([
        container('swarm', { resources: { requests: { cpu: 0.1, memory: '1024Mi' }, limits: { cpu: '2' } } }),
      ]),
    ),
    expected: ['modified /spec/template/spec/containers[name=swarm]/resources/limits/cpu'],
  },
  {
    name: '3 vs "3" where numeric strings are configured: nothing, but the other edit',
    before: { services: { swarm: { env: { WORKERS: '3', MODE: 'a' } } } },
    after: { services: { swarm: { env: { WORKERS: 3, MODE: 'b' } } } },
    options: { numericStrings: ['services.*.env.*'] },
    expected: ['modified /services/swarm/env/MODE'],
  },
  {
    name: '3 vs "3" where not configured: a real change',
    before: { services: { swarm: { env: { WORKERS: '3' } } } },
    after: { services: { swarm: { env: { WORKERS: 3 } } } },
    expected: ['modified /services/swarm/env/WORKERS'],
  },
  {
    name: 'undefined vs missing: nothing, but the added key',
    before: { logging: { level: 'info', format: undefined } },
    after: { logging: { level: 'info', file: '/var/log/a' } },
    expected: ['added /logging/file'],
  },
  {
    name: 'server-set metadata and status: nothing, but the label edit',
    before: deployment(pod([container('swarm')]), { labels: { app: 'swarm', tier: 'a' } }),
    after: {
      ...deployment(
        pod(
          [
            container('swarm', {
              imagePullPolicy: 'IfNotPresent',
              terminationMessagePath: '/dev/termination-log',
              terminationMessagePolicy: 'File',
            }),
          ],
          {
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            schedulerName: 'default-scheduler',
            securityContext: {},
            terminationGracePeriodSeconds: 30,
          },
        ),
        {
          labels: { app: 'swarm', tier: 'b' },
          uid: '9b1c',
          resourceVersion: '12345',
          generation: 7,
          creationTimestamp: '2026-01-01T00:00:00Z',
          selfLink: '/apis/apps/v1/namespaces/agentforge-prod/deployments/swarm',
          managedFields: [{ manager: 'kubectl', operation: 'Update' }],
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}',
            'deployment.kubernetes.io/revision': '3',
          },
        },
      ),
      status: { replicas: 3, readyReplicas: 3 },
    },
    expected: ['modified /metadata/labels/tier'],
  },
  {
    name: 'Secret stringData vs data: nothing, but the changed key',
    before: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      stringData: { user: 'agentforge', password: 'same' },
    },
    after: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db' },
      type: 'Opaque',
      data: { user: b64('agentforge'), password: b64('other') },
    },
    expected: ['modified /data/password'],
  },
  {
    name: 'Service defaults and server-set IPs: nothing, but the port edit',
    before: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'swarm' },
      spec: {
        selector: { app: 'swarm' },
        ports: [
          { name: 'http', port: 80 },
          { name: 'metrics', port: 9090 },
        ],
      },
    },
    after: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'swarm' },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.0.0.12',
        clusterIPs: ['10.0.0.12'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        sessionAffinity: 'None',
        internalTrafficPolicy: 'Cluster',
        selector: { app: 'swarm' },
        ports: [
          { name: 'http', port: 80, targetPort: 80, protocol: 'TCP' },
          { name: 'metrics', port: 9091, protocol: 'TCP' },
        ],
      },
    },
    expected: ['modified /spec/ports[name=metrics]/port'],
  },
  {
    name: 'probe defaults: nothing, but the probe path edit',
    before: deployment(
      pod([container('swarm', { livenessProbe: { httpGet: { path: '/healthz', port: 8080 } } })]),
    ),
    after: deployment(
      pod([
        container('swarm', {
          livenessProbe: {
            httpGet: { path: '/livez', port: 8080, scheme: 'HTTP' },
            timeoutSeconds: 1,
            periodSeconds: 10,
            successThreshold: 1,
            failureThreshold: 3,
          },
        }),
      ]),
    ),
    expected: ['modified /spec/template/spec/containers[name=swarm]/livenessProbe/httpGet/path'],
  },
  {
    name: 'removing the first of three env vars (Kubernetes list) is one change',
    before: deployment(
      pod([
        container('swarm', {
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
            { name: 'C', value: '3' },
          ],
        }),
      ]),
    ),
    after: deployment(
      pod([
        container('swarm', {
          env: [
            { name: 'B', value: '2' },
            { name: 'C', value: '3' },
          ],
        }),
      ]),
    ),
    expected: ['removed /spec/template/spec/containers[name=swarm]/env[name=A]'],
  },
  {
    name: 'removing the first of three env vars (environment document) is one change',
    before: { services: { swarm: { env: { A: '1', B: '2', C: '3' } } } },
    after: { services: { swarm: { env: { B: '2', C: '3' } } } },
    expected: ['removed /services/swarm/env/A'],
  },
  {
    name: 'one edited list item is one change',
    before: {
      monitoring: {
        alerting: {
          rules: [
            { name: 'a', for: '5m' },
            { name: 'b', for: '5m' },
            { name: 'c', for: '5m' },
          ],
        },
      },
    },
    after: {
      monitoring: {
        alerting: {
          rules: [
            { name: 'a', for: '5m' },
            { name: 'b', for: '10m' },
            { name: 'c', for: '5m' },
          ],
        },
      },
    },
    expected: ['modified /monitoring/alerting/rules[name=b]/for'],
  },
  {
    name: 'a key configured per path',
    before: {
      ingress: {
        rules: [
          { host: 'a.example.com', path: '/' },
          { host: 'b.example.com', path: '/' },
        ],
      },
    },
    after: {
      ingress: {
        rules: [
          { host: 'b.example.com', path: '/api' },
          { host: 'a.example.com', path: '/' },
        ],
      },
    },
    options: { listKeys: { 'ingress.rules': 'host' } },
    expected: ['reordered /ingress/rules', 'modified /ingress/rules[host=b.example.com]/path'],
  },
  {
    name: 'a list of scalars that grew is one change',
    before: { args: ['--a', '--b'] },
    after: { args: ['--x', '--a', '--b'] },
    expected: ['modified /args'],
  },
  {
    name: 'a list that shrank, holding a list that shrank, is one change',
    before: { matrix: [['a', 'b'], ['c']] },
    after: { matrix: [['a']] },
    expected: ['modified /matrix'],
  },
  {
    name: 'a list that grew under the empty key leaves the changes beside it',
    before: { '': [] },
    after: { '': [[]], name: {} },
    expected: ['modified /', 'added /name'],
  },
];

describe('known false positives', () => {
  it.each(falsePositives)('$name', ({ before, after, options, expected }) => {
    const changes = diffDocumentsRaw(before, after, options).map((c) => `${c.kind} ${c.path}`);
    expect(changes.sort()).toEqual([...expected].sort());
  });

  it('reports the secret change of a Secret without its value', () => {
    const [before, after] = [falsePositives[7]!.before, falsePositives[7]!.after];
    const report = diffDocuments(before, after);
    expect(report.changes).toMatchObject([
      { path: '/data/password', secret: true, severity: 'critical', before: '«hidden»', after: '«hidden»' },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/same|other|b3RoZXI/);
  });
});

describe('formatQuantity', () => {
  it.each([
    [0.1, '100m'],
    [2 ** 30, '1Gi'],
    [1024 * 2 ** 20, '1Gi'],
    [1.5, '1500m'],
    [2, '2'],
    [2000, '2k'],
    [0, '0'],
    [-0.25, '-250m'],
  ])('%s → %s', (value, text) => expect(formatQuantity(value)).toBe(text));
});

describe('paths', () => {
  it('round-trips keyed paths', () => {
    const path = '/spec/template/spec/containers[name=swarm]/env[name=A~1B]/value';
    expect(parseDriftPath(path)).toEqual([
      'spec',
      'template',
      'spec',
      'containers',
      { field: 'name', value: 'swarm' },
      'env',
      { field: 'name', value: 'A/B' },
      'value',
    ]);
  });
});

// Documents shaped like configuration: nested maps, keyed lists (with reorders), scalar lists.
const scalar = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.constantFrom('a', 'b', '100m', '0.1', '3', 'sk-ant-abcdefghijklmnopqrst'),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.constantFrom('name', 'image', 'replicas', 'env', 'cpu', 'password', 'x', 'y', '__proto__');
const doc = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    scalar,
    tie('object'),
    tie('keyed'),
    tie('named'),
    fc.array(scalar, { maxLength: 4 }),
  ),
  // An object whose `value` is a secret only when its `name` says so.
  named: fc.record({ name: fc.constantFrom('DB_PASSWORD', 'DB_HOST'), value: scalar }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  keyed: fc.uniqueArray(
    fc.record({ name: fc.constantFrom('swarm', 'memory', 'DB_PASSWORD', 'API_TOKEN'), value: tie('value') }),
    { selector: (item) => item.name, maxLength: 4 },
  ),
})).object;
const options: DiffOptions = {};

describe('properties', () => {
  it('drift(a, a) is empty, also with keys in another order', () => {
    fc.assert(
      fc.property(fc.oneof(doc, fc.jsonValue()), (a) => {
        const shuffled = JSON.parse(
          JSON.stringify(a, (_k, v) =>
            v && typeof v === 'object' && !Array.isArray(v)
              ? Object.fromEntries(Object.entries(v).reverse())
              : v,
          ),
        );
        expect(diffDocumentsRaw(a, a)).toEqual([]);
        expect(diffDocumentsRaw(a, shuffled)).toEqual([]);
      }),
    );
  });

  it('applying the reported changes to canonical(a) gives canonical(b)', () => {
    fc.assert(
      fc.property(fc.oneof(doc, fc.jsonValue()), fc.oneof(doc, fc.jsonValue()), (a, b) => {
        const ca = canonicalize(a);
        const cb = canonicalize(b);
        expect(jsonEqual(applyChanges(ca, diffCanonical(ca, cb, options)), cb)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('applies changes between related documents (small edits of one another)', () => {
    const edited = doc.chain((a) =>
      fc.tuple(
        fc.constant(a),
        doc.map((patch) => ({ ...a, ...patch })),
      ),
    );
    fc.assert(
      fc.property(edited, ([a, b]) => {
        const ca = canonicalize(a);
        const cb = canonicalize(b);
        expect(jsonEqual(applyChanges(ca, diffCanonical(ca, cb)), cb)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('diffs the changed parts only, with the same changes as the whole canonical forms', () => {
    // b is a to which a patch was applied: most of the two documents is equal and left out.
    const related = doc.chain((a) =>
      fc.tuple(
        fc.constant(a),
        doc.map((patch) => ({ ...a, ...patch })),
      ),
    );
    const sorted = (changes: unknown[]) => changes.map((c) => JSON.stringify(c)).sort();
    fc.assert(
      fc.property(fc.oneof(related, fc.tuple(doc, doc)), fc.boolean(), ([a, b], numericStrings) => {
        // One key for all three, so that the secret markers they produce compare.
        const fingerprintKey = createFingerprintKey();
        const ca = canonicalize(a, { numericStrings, fingerprintKey });
        const cb = canonicalize(b, { numericStrings, fingerprintKey });
        const changes = diffDocumentsRaw(a, b, { numericStrings, fingerprintKey });
        expect(sorted(changes)).toEqual(sorted(diffCanonical(ca, cb)));
        expect(jsonEqual(applyChanges(ca, changes), cb)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('diffs lists edited deep inside (equal items shared) with the same changes as the whole canonical forms', () => {
    // b is a with one value somewhere inside replaced (an item of a keyed list edited, a list
    // grown or shrunk, a name that makes its value a secret), so most list items are equal on
    // both sides and the canonicaliser shares them.
    const paths = (value: unknown, at: Array<string | number> = []): Array<Array<string | number>> => {
      const out = [at];
      if (Array.isArray(value)) for (const [i, item] of value.entries()) out.push(...paths(item, [...at, i]));
      else if (value !== null && typeof value === 'object')
        for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
      return out;
    };
    const edit = (a: unknown, at: Array<string | number>, value: unknown): unknown => {
      if (at.length === 0) return value;
      const copy = structuredClone(a) as Record<string | number, unknown>;
      let parent = copy;
      for (const segment of at.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
      Object.defineProperty(parent, at[at.length - 1]!, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return copy;
    };
    const edited = doc.chain((a) =>
      fc
        .tuple(fc.constant(a), fc.constantFrom(...paths(a)), fc.oneof(scalar, doc))
        .map(([a, at, value]) => [a, edit(a, at, value)]),
    );
    const sorted = (changes: unknown[]) => changes.map((c) => JSON.stringify(c)).sort();
    fc.assert(
      fc.property(edited, fc.boolean(), ([a, b], numericStrings) => {
        const fingerprintKey = createFingerprintKey();
        const ca = canonicalize(a, { numericStrings, fingerprintKey });
        const cb = canonicalize(b, { numericStrings, fingerprintKey });
        const changes = diffDocumentsRaw(a, b, { numericStrings, fingerprintKey });
        expect(sorted(changes)).toEqual(sorted(diffCanonical(ca, cb)));
        expect(jsonEqual(applyChanges(ca, changes), cb)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('sees the same value change when its name makes it a secret', () => {
    const variable = (name: string) => ({ db: { name, value: 'x' } });
    for (const [a, b] of [
      [variable('DB_PASSWORD'), variable('DB_HOST')],
      [variable('DB_HOST'), variable('DB_PASSWORD')],
    ]) {
      const fingerprintKey = createFingerprintKey();
      const changes = diffDocumentsRaw(a, b, { fingerprintKey });
      expect(changes.map((c) => `${c.kind} ${c.path}`).sort()).toEqual([
        'modified /db/name',
        'modified /db/value',
      ]);
      expect(
        jsonEqual(
          applyChanges(canonicalize(a, { fingerprintKey }), changes),
          canonicalize(b, { fingerprintKey }),
        ),
      ).toBe(true);
    }
  });

  it('classification is deterministic', () => {
    fc.assert(
      fc.property(doc, doc, (a, b) => {
        expect(diffDocuments(a, b)).toEqual(diffDocuments(structuredClone(a), structuredClone(b)));
      }),
      { numRuns: 100 },
    );
  });
});

/** Structural equality of JSON data (key order ignored). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every(
    (k) =>
      Object.hasOwn(b as object, k) &&
      jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
  );
}
