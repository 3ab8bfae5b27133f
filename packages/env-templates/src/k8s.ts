import {
  AgentforgeError,
  type EnvironmentDocument,
  SERVICE_NAMES,
  type ServiceName,
  toEnvironmentVariables,
} from '@agentforge/schema';
import { bytes, formatCpu, formatMemory, millicores, roundUp } from './_quantities.js';
import { header, toYaml, toYamlDocuments } from './_yaml.js';
import { connectionVariables, type PreparedDocument, type SecretBinding, secretsFor } from './document.js';
import type { GeneratedFile } from './files.js';
import type { Generator } from './generator-types.js';
import {
  BASE_NETWORK_POLICIES,
  CONFIG_MAP,
  K8S_ROOT,
  kustomizeBaseFiles,
  LIMITS_NAME,
  MONITORING_NETWORK_POLICY,
  QUOTA_NAME,
} from './k8s-base.js';
import { DEFAULT_PORTS } from './templates.js';

type Probe = NonNullable<NonNullable<EnvironmentDocument['services'][ServiceName]['probes']>['liveness']>;
type Amounts = { cpu?: string | undefined; memory?: string | undefined };

/** Per-container defaults by tier: the LimitRange's defaults, and what a service that states no resources gets. */
const TIER_DEFAULTS = {
  development: { request: { cpu: '50m', memory: '64Mi' }, limit: { cpu: '500m', memory: '512Mi' } },
  staging: { request: { cpu: '100m', memory: '128Mi' }, limit: { cpu: '500m', memory: '512Mi' } },
  production: { request: { cpu: '250m', memory: '256Mi' }, limit: { cpu: '1', memory: '1Gi' } },
} as const;

/** The requests and limits a service's container gets: the document's, completed by the tier defaults. */
function resourcesOf(document: EnvironmentDocument, service: ServiceName) {
  const defaults = TIER_DEFAULTS[document.tier];
  const stated = document.services[service].resources;
  const requests: { cpu: string; memory: string } = { ...defaults.request, ...amounts(stated?.requests) };
  const limits: { cpu: string; memory: string } = { ...defaults.limit, ...amounts(stated?.limits) };
  // A default limit never undercuts a stated request (Kubernetes refuses requests above limits).
  if (!stated?.limits?.cpu && millicores(requests.cpu) > millicores(limits.cpu)) limits.cpu = requests.cpu;
  if (!stated?.limits?.memory && bytes(requests.memory) > bytes(limits.memory))
    limits.memory = requests.memory;
  return { requests, limits };
}

const autoscaled = (document: EnvironmentDocument, service: ServiceName) =>
  document.services[service].enabled && document.services[service].autoscaling?.enabled === true;

const k8sProbe = (probe: Probe) => ({
  httpGet: { path: probe.path, port: 'http' },
  initialDelaySeconds: probe.initialDelaySeconds,
  periodSeconds: probe.periodSeconds,
  timeoutSeconds: probe.timeoutSeconds,
  failureThreshold: probe.failureThreshold,
});

const amounts = (side: Amounts | undefined) =>
  side && (side.cpu || side.memory)
    ? { ...(side.cpu ? { cpu: side.cpu } : {}), ...(side.memory ? { memory: side.memory } : {}) }
    : undefined;

function secretEnv(secret: SecretBinding) {
  return { name: secret.variable, valueFrom: { secretKeyRef: { name: secret.secretName, key: secret.key } } };
}

function deploymentPatch(prepared: PreparedDocument, service: ServiceName): unknown {
  const { document } = prepared;
  const spec = document.services[service];
  // An autoscaled Deployment leaves `replicas` to its HorizontalPodAutoscaler.
  const replicas = !spec.enabled ? 0 : autoscaled(document, service) ? undefined : spec.replicas;
  const plain = Object.entries(spec.env ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const seen = new Set(['SERVICE_NAME', 'PORT']);
  const env = [
    { name: 'PORT', value: String(spec.port) },
    ...plain.filter(([name]) => !seen.has(name) && seen.add(name)).map(([name, value]) => ({ name, value })),
    ...secretsFor(prepared.secrets, service)
      .filter((secret) => !seen.has(secret.variable) && seen.add(secret.variable))
      .map(secretEnv),
  ];
  const probes = spec.probes ?? {};
  const container = {
    name: service,
    image: spec.image,
    env,
    resources: resourcesOf(document, service),
    ...(probes.startup ? { startupProbe: k8sProbe(probes.startup) } : {}),
    ...(probes.liveness ? { livenessProbe: k8sProbe(probes.liveness) } : {}),
    ...(probes.readiness ? { readinessProbe: k8sProbe(probes.readiness) } : {}),
    ...(document.security.readOnlyRootFilesystem && document.security.runAsNonRoot
      ? {}
      : {
          securityContext: {
            readOnlyRootFilesystem: document.security.readOnlyRootFilesystem,
            runAsNonRoot: document.security.runAsNonRoot,
          },
        }),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: service,
      ...(spec.enabled ? {} : { annotations: { 'agentforge.io/enabled': 'false' } }),
    },
    spec: {
      ...(replicas === undefined ? {} : { replicas }),
      template: {
        spec: {
          ...(document.security.runAsNonRoot ? {} : { securityContext: { runAsNonRoot: false } }),
          containers: [container],
        },
      },
    },
  };
}

/** HPA bounds for the services that autoscale; the component's other HPAs are deleted (see {@link deletePatch}). */
function hpaPatches(document: EnvironmentDocument): unknown[] {
  return SERVICE_NAMES.flatMap((service) => {
    const scaling = document.services[service].autoscaling;
    if (!autoscaled(document, service) || !scaling) return [];
    return [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: service },
        spec: {
          minReplicas: scaling.minReplicas,
          maxReplicas: Math.max(scaling.minReplicas, scaling.maxReplicas),
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: scaling.targetCPUUtilization },
              },
            },
          ],
        },
      },
    ];
  });
}

/**
 * An inline patch deleting one object. Each deletion is its own patch: kustomize 5.5 (kubectl
 * 1.32) panics on a patch file holding several `$patch: delete` documents.
 */
function deletePatch(apiVersion: string, kind: string, name: string): Record<string, unknown> {
  return { patch: toYaml({ $patch: 'delete', apiVersion, kind, metadata: { name } }) };
}

/**
 * The ResourceQuota and LimitRange for the environment: the quota covers every enabled
 * service at its most replicas plus the rolling update's 25 % surge, with 20 % headroom.
 */
function namespacePolicyPatches(document: EnvironmentDocument): unknown[] {
  const defaults = TIER_DEFAULTS[document.tier];
  const totals = {
    requestsCpu: 0,
    requestsMemory: 0,
    limitsCpu: 0,
    limitsMemory: 0,
    pods: 0,
    maxCpu: 0,
    maxMemory: 0,
  };
  for (const service of SERVICE_NAMES) {
    const spec = document.services[service];
    if (!spec.enabled) continue;
    const most = spec.autoscaling?.enabled
      ? Math.max(spec.autoscaling.minReplicas, spec.autoscaling.maxReplicas)
      : spec.replicas;
    const pods = most + Math.ceil(most * 0.25);
    const { requests: request, limits: limit } = resourcesOf(document, service);
    totals.pods += pods;
    totals.requestsCpu += pods * millicores(request.cpu);
    totals.requestsMemory += pods * bytes(request.memory);
    totals.limitsCpu += pods * millicores(limit.cpu);
    totals.limitsMemory += pods * bytes(limit.memory);
    totals.maxCpu = Math.max(totals.maxCpu, millicores(limit.cpu));
    totals.maxMemory = Math.max(totals.maxMemory, bytes(limit.memory));
  }
  const GI = 2 ** 30;
  const cpu = (milli: number) => formatCpu(roundUp(milli * 1.2, 500));
  const memory = (value: number) => formatMemory(roundUp(value * 1.2, GI / 2));
  return [
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: QUOTA_NAME },
      spec: {
        hard: {
          'requests.cpu': cpu(totals.requestsCpu),
          'requests.memory': memory(totals.requestsMemory),
          'limits.cpu': cpu(totals.limitsCpu),
          'limits.memory': memory(totals.limitsMemory),
          pods: String(Math.max(1, Math.ceil(totals.pods * 1.2))),
          services: String(SERVICE_NAMES.length + 3),
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: LIMITS_NAME },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { ...defaults.limit },
            defaultRequest: { ...defaults.request },
            max: {
              cpu: formatCpu(Math.max(totals.maxCpu, millicores(defaults.limit.cpu))),
              memory: formatMemory(Math.max(totals.maxMemory, bytes(defaults.limit.memory))),
            },
          },
        ],
      },
    },
    ...(document.security.runAsNonRoot
      ? []
      : [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            // runAsNonRoot: false cannot pass the restricted profile; say so in the namespace instead of failing admission.
            metadata: { name: 'agentforge', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
          },
        ]),
  ];
}

function externalSecrets(document: EnvironmentDocument, secrets: readonly SecretBinding[]): unknown[] {
  const byName = new Map<string, Set<string>>();
  for (const secret of secrets)
    byName.set(secret.secretName, (byName.get(secret.secretName) ?? new Set()).add(secret.key));
  return [...byName.keys()].sort().map((name) => ({
    apiVersion: 'external-secrets.io/v1beta1',
    kind: 'ExternalSecret',
    metadata: { name },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: document.secrets.store ?? 'agentforge' },
      target: { name, creationPolicy: 'Owner' },
      data: [...byName.get(name)!]
        .sort()
        .map((key) => ({ secretKey: key, remoteRef: { key: `${document.name}/${name}`, property: key } })),
    },
  }));
}

function secretGenerators(secrets: readonly SecretBinding[]): unknown[] {
  const byName = new Map<string, Set<string>>();
  for (const secret of secrets)
    byName.set(secret.secretName, (byName.get(secret.secretName) ?? new Set()).add(secret.key));
  return [...byName.keys()].sort().map((name) => ({
    name,
    literals: [...byName.get(name)!].sort().map((key) => `${key}=change-me`),
    options: { annotations: { 'agentforge.io/placeholder': 'true' } },
  }));
}

function configEnv(prepared: PreparedDocument): string {
  const variables = {
    ...toEnvironmentVariables(prepared.document),
    ...connectionVariables(prepared.document),
  };
  const lines = Object.entries(variables)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => {
      // kustomize reads env files line by line, value verbatim: a newline cannot be represented.
      if (/[\r\n]/.test(value))
        throw new AgentforgeError(
          'INVALID_ARGUMENT',
          `${key}: a value with a line break cannot go into a Kustomize env file`,
        );
      return `${key}=${value}`;
    });
  return `${lines.join('\n')}\n`;
}

function alertRules(document: EnvironmentDocument): string | undefined {
  const { alerting } = document.monitoring;
  if (!alerting.enabled || alerting.rules.length === 0) return undefined;
  return toYaml({
    groups: [
      {
        name: `agentforge-${document.name}`,
        rules: alerting.rules.map((rule) => ({
          alert: rule.name,
          expr: rule.expr,
          for: rule.for,
          labels: { severity: rule.severity, environment: document.name },
        })),
      },
    ],
  });
}

/** The overlay's files, relative to its folder. */
function overlayFiles(prepared: PreparedDocument): { path: string; content: string }[] {
  const { document, secrets } = prepared;
  const { name } = document;
  const generated = header([
    `AgentForge environment "${name}" (${document.tier}) on top of ../../base.`,
    `Generated by \`agentforge env generate ${name} --type k8s\` from environments/${name}.yaml; do not edit.`,
  ]);
  const monitoring = document.monitoring.enabled && document.monitoring.prometheus.enabled;
  const hpa = SERVICE_NAMES.some((service) => autoscaled(document, service));
  const rules = alertRules(document);
  const files: { path: string; content: string }[] = [];
  const patches: Record<string, unknown>[] = [];

  for (const service of SERVICE_NAMES) {
    files.push({
      path: `patches/${service}.yaml`,
      content: generated + toYaml(deploymentPatch(prepared, service)),
    });
    patches.push({ path: `patches/${service}.yaml` });
    const port = document.services[service].port;
    if (port !== DEFAULT_PORTS[service]) {
      patches.push({
        target: { kind: 'Deployment', name: service },
        patch: toYaml([
          { op: 'replace', path: '/spec/template/spec/containers/0/ports/0/containerPort', value: port },
        ]),
      });
    }
  }
  files.push({
    path: 'patches/namespace-policy.yaml',
    content: generated + toYamlDocuments(namespacePolicyPatches(document)),
  });
  patches.push({ path: 'patches/namespace-policy.yaml' });
  if (hpa) {
    files.push({ path: 'patches/hpa.yaml', content: generated + toYamlDocuments(hpaPatches(document)) });
    patches.push({ path: 'patches/hpa.yaml' });
    for (const service of SERVICE_NAMES) {
      if (!autoscaled(document, service))
        patches.push(deletePatch('autoscaling/v2', 'HorizontalPodAutoscaler', service));
    }
  }
  if (!document.security.networkPolicies) {
    const names = [
      ...BASE_NETWORK_POLICIES.map((policy) => policy.name),
      ...(monitoring ? [MONITORING_NETWORK_POLICY] : []),
    ];
    for (const policy of names) patches.push(deletePatch('networking.k8s.io/v1', 'NetworkPolicy', policy));
  }
  files.push({ path: 'config.env', content: configEnv(prepared) });
  if (rules) files.push({ path: 'alert-rules.yaml', content: generated + rules });
  const external = document.secrets.backend === 'external-secrets';
  if (external && secrets.length > 0) {
    files.push({
      path: 'external-secrets.yaml',
      content: generated + toYamlDocuments(externalSecrets(document, secrets)),
    });
  }

  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: document.platform.namespace,
    resources: ['../../base', ...(external && secrets.length > 0 ? ['external-secrets.yaml'] : [])],
    ...(hpa || monitoring
      ? {
          components: [
            ...(hpa ? ['../../components/hpa'] : []),
            ...(monitoring ? ['../../components/monitoring'] : []),
          ],
        }
      : {}),
    labels: [
      {
        pairs: {
          'app.kubernetes.io/instance': name,
          'agentforge.io/environment': name,
          'agentforge.io/tier': document.tier,
        },
        includeSelectors: false,
      },
    ],
    configMapGenerator: [
      { name: CONFIG_MAP, behavior: 'merge', envs: ['config.env'] },
      ...(rules
        ? [
            {
              name: 'agentforge-alert-rules',
              files: ['alert-rules.yaml'],
              options: { labels: { prometheus_rule: '1' } },
            },
          ]
        : []),
    ],
    ...(!external && secrets.length > 0 ? { secretGenerator: secretGenerators(secrets) } : {}),
    patches,
  };
  const note =
    !external && secrets.length > 0
      ? header([
          'Secrets are placeholders ("change-me"): create the real Secrets out of band or use the external-secrets backend.',
        ])
      : '';
  files.unshift({ path: 'kustomization.yaml', content: generated + note + toYaml(kustomization) });
  return files;
}

/** Options of {@link kustomizeFiles}. */
export interface KustomizeOptions {
  /** Only the overlay, not the environment-neutral base and components. @default false */
  overlayOnly?: boolean;
}

/** The overlay `deployment/k8s/overlays/<name>/` plus the base and components it builds on. */
export function kustomizeFiles(prepared: PreparedDocument, options: KustomizeOptions = {}): GeneratedFile[] {
  const dir = `${K8S_ROOT}/overlays/${prepared.document.name}`;
  const overlay = overlayFiles(prepared).map((file) => ({
    path: `${dir}/${file.path}`,
    content: file.content,
    mode: 0o644,
  }));
  return options.overlayOnly ? overlay : [...kustomizeBaseFiles(), ...overlay];
}

/** Kustomize: `deployment/k8s/overlays/<name>/` on top of `deployment/k8s/base` (also written, so the tree builds on its own). */
export const k8sGenerator: Generator = {
  description:
    'deployment/k8s/overlays/<name>/: a Kustomize overlay on ../../base (base and components included)',
  generate: (prepared) => kustomizeFiles(prepared),
};
