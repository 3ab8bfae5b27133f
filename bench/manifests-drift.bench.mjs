// @agentforge/drift's compareLive: about 1 MB of desired manifests (the production render,
// repeated over namespaces) against about 1 MB of live objects (the same objects shaped as
// `kubectl get -o yaml` returns them: server metadata, managedFields, status, defaults, the
// managedFields), loading both with @agentforge/schema (the `bulk` reader, as the CLI does) and comparing, against
// js-yaml's loadAll of both texts alone. Interleaved rounds (harness `compare`), medians.
// Goal: at most 3×. Run after a build: node bench/manifests-drift.bench.mjs
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { compare, goal, report } from './_harness.mjs';

const { compareLive } = await import('../packages/drift/dist/index.js');
const { loadDocuments } = await import('../packages/schema/dist/index.js');
// js-yaml is a root dev dependency, kept for the benchmarks' peers.
const yaml = createRequire(import.meta.url)('js-yaml');

const overlay = fileURLToPath(new URL('../deployment/k8s/overlays/production', import.meta.url));
const render = yaml
  .loadAll(execFileSync('kubectl', ['kustomize', overlay], { encoding: 'utf8', maxBuffer: 64 << 20 }))
  .filter(Boolean);

/** One object as the API server returns it after `kubectl apply`. */
function asLive(object, i) {
  const live = structuredClone(object);
  const metadata = live.metadata;
  // Applied server-side (`kubectl apply --server-side`): no last-applied annotation, which would
  // double the live text; the unit tests cover the annotation.
  Object.assign(metadata, {
    uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: String(1000 + i),
    creationTimestamp: '2026-12-01T10:00:00Z',
    generation: 2,
    managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update', fieldsType: 'FieldsV1' }],
  });
  if (live.kind === 'Deployment') {
    live.spec.revisionHistoryLimit ??= 10;
    live.spec.progressDeadlineSeconds ??= 600;
    const pod = live.spec.template.spec;
    Object.assign(pod, {
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
    });
    for (const c of pod.containers) {
      c.imagePullPolicy ??= 'IfNotPresent';
      c.terminationMessagePath = '/dev/termination-log';
      c.terminationMessagePolicy = 'File';
      for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    }
    live.status = { replicas: live.spec.replicas ?? 1, observedGeneration: 2 };
  }
  return live;
}

const desired = [];
const live = [];
for (let copy = 0; yaml.dump(desired).length < 1 << 20; copy++)
  for (const object of render) {
    const o = structuredClone(object);
    if (o.metadata.namespace) o.metadata.namespace = `${o.metadata.namespace}-${copy}`;
    else o.metadata.name = `${o.metadata.name}-${copy}`;
    desired.push(o);
    live.push(asLive(o, live.length));
  }
const desiredText = desired.map((d) => yaml.dump(d)).join('---\n');
const liveText = yaml.dump({ apiVersion: 'v1', kind: 'List', items: live });

const run = () =>
  compareLive(
    loadDocuments(desiredText, { file: 'desired.yaml', reader: 'bulk' }).map((d) => d.data),
    loadDocuments(liveText, { file: 'live.yaml', reader: 'bulk' }).map((d) => d.data),
  );
const check = run();
if (check.changes.length !== 0) throw new Error(`unexpected drift: ${check.changes[0].path}`);

const cases = [
  ['js-yaml loadAll (desired + live)', () => [yaml.loadAll(desiredText), yaml.loadAll(liveText)]],
  ['load both + compareLive', run],
];
const results = compare(
  cases.map(([, fn]) => fn),
  { rounds: 7, blockMs: 400 },
);
report(
  `Drift against live: desired ${(desiredText.length / 1048576).toFixed(2)} MB (${desired.length} objects), live ${(liveText.length / 1048576).toFixed(2)} MB (goal ≤ 3× js-yaml)`,
  cases.map(([name], i) => [name, results[i].ms]),
  'js-yaml loadAll (desired + live)',
);
goal('manifests drift (load both + compareLive) vs js-yaml loadAll', results[1].ratio, 3);
