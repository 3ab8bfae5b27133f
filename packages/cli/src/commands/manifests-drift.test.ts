import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const DESIRED = `apiVersion: apps/v1
kind: Deployment
metadata: {name: swarm, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
spec:
  replicas: 2
  template:
    spec:
      containers: [{name: swarm, image: "ghcr.io/shop/swarm:1.0.0", resources: {requests: {memory: 1Gi}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
data: {LOG_LEVEL: info}
`;

/** DESIRED as `kubectl get -o yaml` prints it, with `image` in place of the desired one. */
const live = (image = 'ghcr.io/shop/swarm:1.0.0') => `apiVersion: v1
kind: List
metadata: {resourceVersion: ""}
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: swarm
    namespace: shop
    labels: {app.kubernetes.io/part-of: shop}
    uid: 0f6c
    resourceVersion: "812"
    generation: 2
    creationTimestamp: "2026-12-01T10:00:00Z"
    annotations: {deployment.kubernetes.io/revision: "2"}
    managedFields: [{manager: kubectl, operation: Update}]
  spec:
    replicas: 2
    revisionHistoryLimit: 10
    progressDeadlineSeconds: 600
    template:
      metadata: {creationTimestamp: null}
      spec:
        dnsPolicy: ClusterFirst
        restartPolicy: Always
        schedulerName: default-scheduler
        securityContext: {}
        containers:
        - name: swarm
          image: "${image}"
          imagePullPolicy: IfNotPresent
          terminationMessagePath: /dev/termination-log
          terminationMessagePolicy: File
          resources: {requests: {memory: 1024Mi}}
  status: {replicas: 2}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: settings, namespace: shop, labels: {app.kubernetes.io/part-of: shop}, uid: a1, resourceVersion: "9"}
  data: {LOG_LEVEL: info}
`;

async function cli(args: string[], cwd: string, env: Record<string, string> = {}, stdin?: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(['manifests', 'drift', ...args], {
    cwd,
    env: { NO_COLOR: '1', ...env },
    stdout,
    stderr,
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('agentforge manifests drift', () => {
  it.each([
    { name: 'no drift', image: undefined, code: 0, count: 0 },
    { name: 'an edited image', image: 'ghcr.io/shop/swarm:6.6.6', code: 1, count: 1 },
  ])('compares a file with a kubectl get dump: $name', async ({ image, code, count }) => {
    const dir = { path: testdir() };
    writeFileSync(join(dir.path, 'desired.yaml'), DESIRED);
    writeFileSync(join(dir.path, 'live.yaml'), live(image));
    const result = await cli(['desired.yaml', '--live', 'live.yaml', '--format', 'json'], dir.path);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(code);
    const report = JSON.parse(result.stdout);
    expect(report.changes).toHaveLength(count);
    if (count) expect(report.changes[0].path).toMatch(/image$/);
  });

  it('reads desired from stdin and honours --fail-on', async () => {
    const dir = { path: testdir() };
    writeFileSync(join(dir.path, 'live.yaml'), live('ghcr.io/shop/swarm:6.6.6'));
    const result = await cli(['-', '--live', 'live.yaml', '--fail-on', 'critical'], dir.path, {}, DESIRED);
    expect(result.stdout).toContain('image');
    // An image changed in a running workload is critical.
    expect(result.code).toBe(1);
  });

  it('runs only kubectl get, with the given context, namespace and selector', async () => {
    const dir = { path: testdir() };
    const record = join(dir.path, 'args.log');
    const bin = join(dir.path, 'bin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin);
    writeFileSync(join(dir.path, 'live.yaml'), live());
    // A stand-in kubectl: records its arguments (one per line) and prints the live dump.
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> "${record}"; done\necho --- >> "${record}"\ncat "${join(dir.path, 'live.yaml')}"\n`,
    );
    chmodSync(join(bin, 'kubectl'), 0o755);
    writeFileSync(join(dir.path, 'desired.yaml'), DESIRED);
    const result = await cli(
      [
        'desired.yaml',
        '--live',
        'kubectl',
        '--context',
        'prod-eu',
        '--namespace',
        'shop',
        '-l',
        'app.kubernetes.io/part-of=shop',
      ],
      dir.path,
      { PATH: `${bin}:/usr/bin:/bin` },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const calls = readFileSync(record, 'utf8')
      .trim()
      .split('\n---')
      .filter((c) => c.trim() !== '');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.trim().split('\n')).toEqual([
      'get',
      'ConfigMap,Deployment.v1.apps',
      '--output=yaml',
      '--context=prod-eu',
      '--namespace=shop',
      '--selector=app.kubernetes.io/part-of=shop',
    ]);
  });

  it.each([
    { args: ['desired.yaml'], message: '--live' },
    { args: ['desired.yaml', '--live', 'live.yaml', '--context', 'x'], message: 'kubectl only' },
    { args: ['missing.yaml', '--live', 'live.yaml'], message: 'does not exist' },
  ])('exits 2 on bad input: $message', async ({ args, message }) => {
    const dir = { path: testdir() };
    writeFileSync(join(dir.path, 'desired.yaml'), DESIRED);
    writeFileSync(join(dir.path, 'live.yaml'), live());
    const result = await cli(args, dir.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
