import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deliveryMode, fromEnvironmentVariables } from '@agentforge/schema';
import { requireTool, testdir } from '@agentforge/test-utils';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NAMES, exampleDocument, REPO_ROOT } from '../test/examples.js';
import {
  type KubeObject,
  kustomize,
  restrictedViolations,
  type Untyped,
  validateObject,
} from '../test/kubernetes.js';
import { writeGeneratedFiles } from './files.js';
import { generate } from './generators.js';
import { K8S_ROOT } from './k8s-base.js';
import { createEnvironment, TEMPLATE_NAMES } from './templates.js';

// Outside CI a missing kubectl skips the `kubectl kustomize` tests with a warning; in CI it fails the file.
const kubectl = requireTool('kubectl');

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const builds = new Map<string, KubeObject[]>();

/** Builds the overlay of `document` in a fresh folder and returns the rendered objects (memoised per environment name). */
async function build(document: unknown, name: string): Promise<KubeObject[]> {
  const cached = builds.get(name);
  if (cached) return cached;
  const root = testdir();
  await writeGeneratedFiles(root, generate('k8s', document));
  const objects = yaml.loadAll(kustomize(kubectl!, join(root, K8S_ROOT, 'overlays', name))) as KubeObject[];
  builds.set(name, objects);
  return objects;
}

const cases = [
  ...EXAMPLE_NAMES.map((name) => ({
    name: `example ${name}`,
    env: name as string,
    document: () => exampleDocument(name),
  })),
  ...TEMPLATE_NAMES.map((tier) => ({
    name: `template ${tier}`,
    env: `t-${tier}`,
    document: () => createEnvironment(`t-${tier}`, { template: tier }),
  })),
];

describe('committed deployment/k8s', () => {
  it('is exactly what the generator produces from examples/platform (run `agentforge env generate <env> --type k8s --dir examples/platform --out .` after changing either)', () => {
    const expected = new Map<string, string>();
    for (const name of EXAMPLE_NAMES)
      for (const file of generate('k8s', exampleDocument(name))) expected.set(file.path, file.content);
    const committed = listFiles(join(REPO_ROOT, K8S_ROOT)).map((path) =>
      relative(REPO_ROOT, path).split('\\').join('/'),
    );
    expect(committed.sort()).toEqual([...expected.keys()].sort());
    for (const [path, content] of expected)
      expect(readFileSync(join(REPO_ROOT, path), 'utf8'), path).toBe(content);
  });

  it.skipIf(!kubectl).each(EXAMPLE_NAMES)('overlays/%s builds with kubectl kustomize', (name) => {
    const objects = yaml.loadAll(
      kustomize(kubectl!, join(REPO_ROOT, K8S_ROOT, 'overlays', name)),
    ) as KubeObject[];
    expect(objects.filter((o) => o.kind === 'Deployment')).toHaveLength(7);
  });
});

describe.skipIf(!kubectl)('rendered overlays', () => {
  it.each(cases)(
    '$name: every object validates against the Kubernetes schemas',
    async ({ document, env }) => {
      const objects = await build(document(), env);
      expect(objects.length).toBeGreaterThan(30);
      for (const object of objects)
        await expect(
          validateObject(object),
          `${object.kind}/${object.metadata.name}`,
        ).resolves.toBeUndefined();
    },
  );

  it.each(cases)(
    '$name: every Deployment meets the restricted Pod Security Standard, with probes and resources',
    async ({ document, env }) => {
      const objects = await build(document(), env);
      const namespace = objects.find((o) => o.kind === 'Namespace')!;
      expect(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
      const deployments = objects.filter((o) => o.kind === 'Deployment');
      expect(deployments).toHaveLength(7);
      for (const deployment of deployments) {
        const pod = (deployment.spec as Untyped).template.spec;
        expect(restrictedViolations(pod), deployment.metadata.name).toEqual([]);
        for (const container of pod.containers) {
          expect(container.livenessProbe && container.readinessProbe, deployment.metadata.name).toBeTruthy();
          expect(container.resources.requests.cpu && container.resources.requests.memory).toBeTruthy();
          expect(container.resources.limits.cpu && container.resources.limits.memory).toBeTruthy();
        }
      }
    },
  );

  it.each(cases)(
    '$name: namespace, labels, config and secrets follow the document',
    async ({ document, env }) => {
      const doc = document() as Untyped;
      const objects = await build(doc, env);
      for (const object of objects) {
        if (object.kind !== 'Namespace')
          expect(object.metadata.namespace, `${object.kind}/${object.metadata.name}`).toBe(
            doc.platform.namespace,
          );
        expect(object.metadata.labels?.['agentforge.io/environment']).toBe(env);
      }
      const deployments = objects.filter((o) => o.kind === 'Deployment') as Untyped[];
      // labels with includeSelectors: false leave the selectors alone.
      for (const d of deployments)
        expect(d.spec.selector.matchLabels['agentforge.io/environment']).toBeUndefined();
      const processEnv = objects.find(
        (o) => o.kind === 'ConfigMap' && o.metadata.name === 'agentforge-env',
      ) as Untyped;
      expect(processEnv.data.TZ).toBe('UTC');
      const mode = deliveryMode(doc);
      if (mode === 'rollout') {
        expect(processEnv.data.AGENTFORGE_NAME).toBe(env);
        // The services read their settings back with the schema's mapping: every AGENTFORGE_* variable must name one.
        expect(() => fromEnvironmentVariables(processEnv.data)).not.toThrow();
      } else {
        // hot: no AGENTFORGE_* variable (it would mask the watched file); the document is the mounted file.
        expect(Object.keys(processEnv.data).filter((k) => k.startsWith('AGENTFORGE_'))).toEqual([]);
        const config = objects.find(
          (o) => o.kind === 'ConfigMap' && o.metadata.name === 'agentforge-config',
        ) as Untyped;
        expect((yaml.load(config.data['environment.yaml']) as Untyped).name).toBe(env);
      }
      for (const d of deployments) {
        const container = d.spec.template.spec.containers[0];
        expect(container.envFrom[0].configMapRef.name).toBe('agentforge-env');
        const service = doc.services[d.metadata.name];
        expect(container.image).toBe(service.image);
        expect(container.ports[0].containerPort).toBe(service.port);
        const hpa = objects.find(
          (o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === d.metadata.name,
        ) as Untyped;
        if (service.autoscaling?.enabled) {
          // replicas is the floor; the HPA owns the count, so the Deployment renders none (k8s/hpa-replicas).
          expect(hpa.spec.minReplicas).toBe(
            Math.max(service.autoscaling.minReplicas ?? 1, service.replicas ?? 1),
          );
          expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
          expect(d.spec.replicas).toBeUndefined();
        } else {
          expect(hpa).toBeUndefined();
          expect(d.spec.replicas).toBe(service.replicas ?? 1);
        }
      }
      const external = objects.filter((o) => o.kind === 'ExternalSecret');
      const secrets = objects.filter((o) => o.kind === 'Secret');
      if (doc.secrets?.backend === 'external-secrets') {
        expect(external.length).toBeGreaterThan(0);
        expect(secrets).toEqual([]);
      } else {
        for (const secret of secrets)
          for (const value of Object.values((secret as Untyped).data))
            expect(Buffer.from(String(value), 'base64').toString()).toBe('change-me');
      }
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
      if (doc.security.networkPolicies === false) expect(policies).toEqual([]);
      else expect(policies.map((p) => p.metadata.name)).toContain('default-deny');
    },
  );
});

describe('k8s generator', () => {
  it('is deterministic: the same document gives byte-identical files', () => {
    for (const name of EXAMPLE_NAMES)
      expect(generate('k8s', exampleDocument(name))).toEqual(generate('k8s', exampleDocument(name)));
  });

  it('patches the container port when a service moves off its conventional port', async () => {
    builds.delete('ports');
    const document = createEnvironment('ports', {
      template: 'staging',
      overrides: { services: { gateway: { port: 9443 } } },
    });
    const files = generate('k8s', document);
    const kustomization = files.find((f) => f.path.endsWith('overlays/ports/kustomization.yaml'))!.content;
    expect(kustomization).toContain('value: 9443');
    if (kubectl) {
      const objects = await build(document, 'ports');
      const gateway = objects.find(
        (o) => o.kind === 'Deployment' && o.metadata.name === 'gateway',
      ) as Untyped;
      expect(gateway.spec.template.spec.containers[0].ports[0].containerPort).toBe(9443);
    }
  });

  it('scales a disabled service to zero and drops its HPA', async () => {
    const document = createEnvironment('off', {
      template: 'production',
      overrides: { services: { gateway: { enabled: false } } },
    });
    const patch = generate('k8s', document).find((f) =>
      f.path.endsWith('overlays/off/patches/gateway.yaml'),
    )!.content;
    expect(patch).toContain('replicas: 0');
    if (kubectl) {
      const objects = await build(document, 'off');
      expect(
        objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'gateway'),
      ).toBeUndefined();
      expect(
        objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'swarm'),
      ).toBeDefined();
    }
  });

  it('completes missing resources with the tier defaults, never below a stated request', () => {
    const document = createEnvironment('res', {
      template: 'staging',
      overrides: { services: { memory: { resources: { requests: { cpu: '2', memory: '3Gi' } } } } },
    });
    const input = structuredClone(document) as Untyped;
    delete input.services.tools.resources;
    delete input.services.memory.resources.limits;
    const files = generate('k8s', input);
    const patch = (service: string) =>
      (
        yaml.loadAll(
          files.find((f) => f.path.endsWith(`overlays/res/patches/${service}.yaml`))!.content,
        ) as Untyped[]
      )[0];
    expect(patch('tools').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '128Mi' },
      limits: { cpu: '500m', memory: '512Mi' },
    });
    expect(patch('memory').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '2', memory: '3Gi' },
      limits: { cpu: '2', memory: '3Gi' },
    });
  });

  it('sizes the ResourceQuota from the services: more replicas, a bigger quota', () => {
    const quota = (document: unknown) =>
      generate('k8s', document).find((f) => f.path.endsWith('patches/namespace-policy.yaml'))!.content;
    const small = yaml.loadAll(quota(createEnvironment('q', { template: 'development' }))) as Untyped[];
    const big = yaml.loadAll(
      quota(
        createEnvironment('q', {
          template: 'development',
          overrides: { services: { swarm: { replicas: 40 } } },
        }),
      ),
    ) as Untyped[];
    expect(Number(big[0].spec.hard.pods)).toBeGreaterThan(Number(small[0].spec.hard.pods) + 40);
  });
});

describe('the checks themselves', () => {
  const compliant = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      { name: 'app', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } },
    ],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
  const broken: { name: string; pod: Record<string, Untyped>; problem: RegExp }[] = [
    {
      name: 'privilege escalation',
      pod: {
        ...compliant,
        containers: [{ name: 'app', securityContext: { capabilities: { drop: ['ALL'] } } }],
      },
      problem: /allowPrivilegeEscalation/,
    },
    {
      name: 'root',
      pod: { ...compliant, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } },
      problem: /runAsNonRoot/,
    },
    {
      name: 'no seccomp',
      pod: { ...compliant, securityContext: { runAsNonRoot: true } },
      problem: /seccompProfile/,
    },
    {
      name: 'capabilities kept',
      pod: {
        ...compliant,
        containers: [{ name: 'app', securityContext: { allowPrivilegeEscalation: false } }],
      },
      problem: /drop ALL/,
    },
    {
      name: 'hostPath',
      pod: { ...compliant, volumes: [{ name: 'h', hostPath: { path: '/' } }] },
      problem: /hostPath/,
    },
    { name: 'host network', pod: { ...compliant, hostNetwork: true }, problem: /host namespaces/ },
  ];
  it('accepts a compliant pod', () => expect(restrictedViolations(compliant)).toEqual([]));
  it.each(broken)('flags $name', ({ pod, problem }) =>
    expect(restrictedViolations(pod).join('\n')).toMatch(problem),
  );
  it('rejects an object that breaks its Kubernetes schema', async () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'three', selector: {}, template: {} },
    };
    await expect(validateObject(bad as unknown as KubeObject)).rejects.toThrow(/replicas/);
  });
});
