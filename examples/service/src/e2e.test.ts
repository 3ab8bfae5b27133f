// End to end without a cluster (issue 19): the production overlay rendered by the CLI and
// `kubectl kustomize`, its `hot` ConfigMap and its Secrets projected into folders exactly as the
// kubelet's atomic writer does, the example service started on them as its own process. A
// `config set` is re-rendered and re-projected: a live setting reaches the same process, a
// restart-only one changes the rollout checksum instead; a rotated Secret file reaches the
// resolver; no secret canary ever leaves the Secret folders.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSecretResolver } from '@agentforge/dynamic-config';
import { loadDocuments, PROCESS_CONTRACT } from '@agentforge/schema';
import { chartWithStubs, projectVolume, requireTool, testdir } from '@agentforge/test-utils';
import { describe, expect, it, onTestFinished } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '../../..');
const cli = join(repo, 'packages/cli/bin/agentforge.cjs');
const kubectl = requireTool('kubectl');
const helm = requireTool('helm');
// The workspace's access rules let the platform role set anything in production.
const ACTOR = 'platform-lead@example.com';
const WAIT_MS = 20_000;

type Manifest = {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    template: {
      metadata: { annotations?: Record<string, string> };
      spec: { volumes?: { name: string; secret?: { secretName: string; items?: { key: string }[] } }[] };
    };
  };
};

/** The CLI, as a user runs it. */
function agentforge(args: string[]): string {
  return execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
}

/** `env generate` + `kubectl kustomize` of production: the objects a cluster would receive. */
function render(workspace: string): Manifest[] {
  const out = join(workspace, 'out');
  agentforge(['env', 'generate', 'production', '--type', 'k8s', '--dir', workspace, '--out', out, '--quiet']);
  const yaml = execFileSync(kubectl!, ['kustomize', join(out, 'deployment/k8s/overlays/production')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return loadDocuments(yaml).map((doc) => doc.data as Manifest);
}

const find = (objects: Manifest[], kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the render`);
  return found;
};
const configMapOf = (objects: Manifest[]) => find(objects, 'ConfigMap', 'agentforge-config').data!;
const checksumOf = (objects: Manifest[], service: string) =>
  find(objects, 'Deployment', service).spec!.template.metadata.annotations?.[
    PROCESS_CONTRACT.restartChecksumAnnotation
  ];

/** The service as its own process on the process contract's two variables, with its log lines. */
async function startService(configFile: string, secretsDir: string) {
  const child: ChildProcess = spawn(process.execPath, [join(here, 'server.mjs')], {
    env: {
      PATH: process.env.PATH,
      // What the generated swarm Deployment sets (docs/process-contract.md).
      [PROCESS_CONTRACT.serviceNameVariable]: 'swarm',
      [PROCESS_CONTRACT.configFileVariable]: configFile,
      [PROCESS_CONTRACT.secretsDirVariable]: secretsDir,
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onTestFinished(() => {
    child.kill();
  });
  const lines: string[] = [];
  type Entry = Record<string, unknown>;
  const waiters = new Set<{ test: (entry: Entry) => boolean; resolve: (entry: Entry) => void }>();
  const onLine = (line: string) => {
    lines.push(line);
    let entry: Entry;
    try {
      entry = JSON.parse(line) as Entry;
    } catch {
      return;
    }
    for (const waiter of waiters)
      if (waiter.test(entry)) {
        waiters.delete(waiter);
        waiter.resolve(entry);
      }
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  /** Resolves with the first log line `test` accepts from now on; fails after WAIT_MS. */
  const logged = (what: string, test: (entry: Entry) => boolean) =>
    new Promise<Entry>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line: ${what}`)), WAIT_MS);
      waiters.add({
        test,
        resolve: (entry) => {
          clearTimeout(timer);
          resolve(entry);
        },
      });
    });
  const listening = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      // The service's own error line (it never holds a secret value; the test checks that too).
      const last = lines.map((l) => JSON.parse(l) as Entry).findLast((e) => e.level === 50);
      const err = last?.err as { message?: string } | undefined;
      reject(new Error(`service exited with ${code}: ${last?.msg ?? ''} ${err?.message ?? ''}`));
    });
    logged('listening', (e) => e.msg === 'listening').then((e) => resolve(e.url as string), reject);
  });
  return { child, lines, logged, url: await listening };
}

const LITERAL = 'sk-literalCanary0123456789abcdefXYZ';

/**
 * A copy of the example workspace rendered, its ConfigMap projected at …/etc/agentforge/config
 * and every Secret the swarm Deployment mounts at …/var/run/secrets/agentforge/<secret>/<key>
 * (each key a canary), and the service started on them as swarm.
 */
async function deploy({ literalSecret = false } = {}) {
  const root = testdir();
  const workspace = join(root, 'workspace');
  cpSync(join(repo, 'examples/platform'), workspace, { recursive: true });
  if (literalSecret) {
    const file = join(workspace, 'environments/production.yaml');
    const text = readFileSync(file, 'utf8');
    const withLiteral = `SWARM_MAX_AGENTS: "64"\n      OPENAI_API_KEY: ${LITERAL}`;
    writeFileSync(file, text.replace('SWARM_MAX_AGENTS: "64"', withLiteral));
  }
  const objects = render(workspace);
  const configDir = join(root, 'etc/agentforge/config');
  const secretsDir = join(root, 'var/run/secrets/agentforge');
  projectVolume(configDir, configMapOf(objects));
  const canaries = new Map<string, string>();
  for (const volume of find(objects, 'Deployment', 'swarm').spec!.template.spec.volumes ?? []) {
    if (!volume.secret) continue;
    const files: Record<string, string> = {};
    for (const { key } of volume.secret.items ?? []) {
      files[key] = `canary-${volume.secret.secretName}-${key}-${Math.random().toString(36).slice(2)}`;
      canaries.set(`${volume.secret.secretName}/${key}`, files[key]);
    }
    projectVolume(join(secretsDir, volume.secret.secretName), files, { mode: 0o440 });
  }
  const service = await startService(join(configDir, PROCESS_CONTRACT.configKey), secretsDir);
  const json = async (path: string): Promise<any> => (await fetch(`${service.url}${path}`)).json();
  /** Every HTTP response of the service and every log line so far, joined. */
  const everythingShown = async () => {
    const bodies = await Promise.all(
      ['/config', '/secrets', '/healthz', '/metrics'].map(async (path) =>
        (await fetch(`${service.url}${path}`)).text(),
      ),
    );
    return [...bodies, ...service.lines].join('\n');
  };
  /** The names (never the values) of the canaries that `text` contains. */
  const leakedIn = (text: string) =>
    [...canaries.entries()].filter(([, value]) => text.includes(value)).map(([name]) => name);
  return { workspace, objects, configDir, secretsDir, canaries, service, json, everythingShown, leakedIn };
}

describe.skipIf(!kubectl)('production overlay, projected as the kubelet does', () => {
  it('hot-reloads a live setting in the same process, rolls on a restart-only one, follows a rotated Secret and never shows a secret', {
    timeout: 120_000,
  }, async () => {
    const deployed = await deploy();
    const { workspace, configDir, secretsDir, canaries, service, json } = deployed;
    let { objects } = deployed;
    const pid = service.child.pid;
    const first = await json('/config');
    expect(first.version).toBe(1);
    expect(first.config.llm.timeoutMs).toBe(60_000);
    const secretPaths = ((await json('/secrets')).secrets as { path: string }[]).map((s) => s.path);
    expect(secretPaths).toEqual(
      expect.arrayContaining(['llm.apiKey', 'dependencies.postgres.password', 'dependencies.redis.password']),
    );

    // 2. A live setting: config set, re-render, re-project → the same process applies it.
    const checksumBefore = checksumOf(objects, 'swarm');
    agentforge([
      'config',
      'set',
      '-e',
      'production',
      'llm.timeoutMs',
      '90000',
      '--dir',
      workspace,
      '--actor',
      ACTOR,
    ]);
    objects = render(workspace);
    expect(checksumOf(objects, 'swarm')).toBe(checksumBefore);
    const reloaded = service.logged(
      'the reload of llm.timeoutMs',
      (e) => (e.changed as string[] | undefined)?.includes('/llm/timeoutMs') === true,
    );
    projectVolume(configDir, configMapOf(objects));
    await reloaded;
    const second = await json('/config');
    expect(second.version).toBe(2);
    expect(second.config.llm.timeoutMs).toBe(90_000);
    expect(service.child.pid).toBe(pid);
    expect(service.child.exitCode).toBeNull();
    expect(service.lines.filter((l) => l.includes('"msg":"listening"'))).toHaveLength(1);

    // 3. A restart-only setting: the rollout checksum changes (Kubernetes would roll the pods).
    agentforge([
      'config',
      'set',
      '-e',
      'production',
      'dependencies.postgres.pool.max',
      '60',
      '--dir',
      workspace,
      '--actor',
      ACTOR,
    ]);
    const restartOnly = render(workspace);
    expect(checksumOf(restartOnly, 'swarm')).not.toBe(checksumBefore);
    expect(checksumOf(restartOnly, 'gateway')).not.toBe(checksumOf(objects, 'gateway'));

    // 4. A rotated Secret: re-projected with a new value (old payload folder removed). The
    // service says it rotated without the value; the library resolves the new value.
    const rotatedValue = `canary-postgres-password-rotated-${Math.random().toString(36).slice(2)}`;
    canaries.set('postgres-password/rotated', rotatedValue);
    const rotated = service.logged('the rotation', (e) => e.msg === 'secret rotated');
    projectVolume(join(secretsDir, 'postgres-password'), { password: rotatedValue }, { mode: 0o440 });
    await rotated;
    const status = (
      (await json('/secrets')).secrets as { path: string; rotations: number; lastChange?: string }[]
    ).find((s) => s.path === 'dependencies.postgres.password');
    expect(status).toMatchObject({ rotations: 1, lastChange: 'changed (value hidden)', state: 'ok' });
    const resolver = await createSecretResolver(second.config, {
      dir: secretsDir,
      service: 'swarm',
      watch: false,
      pollIntervalMs: 0,
    });
    try {
      // Compared as a boolean: a failing assertion must not print a secret.
      expect(resolver.get('dependencies.postgres.password') === rotatedValue).toBe(true);
    } finally {
      await resolver.close();
    }
    expect(service.child.pid).toBe(pid);

    // 5. No canary in any HTTP response, status, metric or log line.
    expect(deployed.leakedIn(await deployed.everythingShown())).toEqual([]);
  });

  it('turns a literal secret into a { secretRef } to the mounted key, which the service resolves at run time', {
    timeout: 120_000,
  }, async () => {
    const { objects, secretsDir, canaries, json, everythingShown, leakedIn } = await deploy({
      literalSecret: true,
    });
    const mounted = configMapOf(objects)[PROCESS_CONTRACT.configKey]!;
    expect(mounted).toContain('OPENAI_API_KEY:\n        secretRef: swarm-env\n        key: OPENAI_API_KEY');
    expect(mounted).not.toContain(LITERAL);
    const status = ((await json('/secrets')).secrets as { path: string; source: unknown }[]).find(
      (s) => s.path === 'services.swarm.env.OPENAI_API_KEY',
    );
    expect(status?.source).toEqual({ kind: 'file', file: join(secretsDir, 'swarm-env', 'OPENAI_API_KEY') });
    const resolver = await createSecretResolver((await json('/config')).config, {
      dir: secretsDir,
      service: 'swarm',
      watch: false,
      pollIntervalMs: 0,
    });
    try {
      const expected = canaries.get('swarm-env/OPENAI_API_KEY');
      expect(resolver.get('services.swarm.env.OPENAI_API_KEY') === expected).toBe(true);
    } finally {
      await resolver.close();
    }
    const shown = await everythingShown();
    expect(leakedIn(shown)).toEqual([]);
    expect(shown.includes(LITERAL)).toBe(false);
  });
});

describe.skipIf(!helm || !kubectl)('production through Helm', () => {
  it('mounts the same document as Kustomize, and rolls only on a restart-only setting', {
    timeout: 120_000,
  }, () => {
    const root = testdir();
    const workspace = join(root, 'workspace');
    cpSync(join(repo, 'examples/platform'), workspace, { recursive: true });
    const chart = chartWithStubs(root);
    const helmRender = () => {
      const out = join(workspace, 'out');
      agentforge([
        'env',
        'generate',
        'production',
        '--type',
        'helm',
        '--dir',
        workspace,
        '--out',
        out,
        '--quiet',
      ]);
      const yaml = execFileSync(
        helm!,
        [
          'template',
          'rel',
          chart,
          '--namespace',
          'agentforge-prod',
          '-f',
          join(out, 'deployment/helm/values-production.yaml'),
        ],
        {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
          env: {
            ...process.env,
            HELM_CACHE_HOME: join(root, 'cache'),
            HELM_CONFIG_HOME: join(root, 'config'),
          },
        },
      );
      return loadDocuments(yaml).map((doc) => doc.data as Manifest);
    };
    const mountedDocument = (objects: Manifest[], name: string) =>
      loadDocuments(find(objects, 'ConfigMap', name).data![PROCESS_CONTRACT.configKey]!)[0]!.data;

    const before = helmRender();
    expect(mountedDocument(before, 'rel-agentforge-config')).toEqual(
      mountedDocument(render(workspace), 'agentforge-config'),
    );
    const checksum = checksumOf(before, 'rel-agentforge-swarm');
    const set = (path: string, value: string) =>
      agentforge(['config', 'set', '-e', 'production', path, value, '--dir', workspace, '--actor', ACTOR]);
    set('llm.timeoutMs', '90000');
    const live = helmRender();
    expect(mountedDocument(live, 'rel-agentforge-config')).toMatchObject({ llm: { timeoutMs: 90_000 } });
    expect(checksumOf(live, 'rel-agentforge-swarm')).toBe(checksum);
    set('dependencies.postgres.pool.max', '60');
    expect(checksumOf(helmRender(), 'rel-agentforge-swarm')).not.toBe(checksum);
  });
});
