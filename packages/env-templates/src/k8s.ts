import {
  AgentforgeError,
  deliveryMode,
  type EnvironmentDocument,
  PROCESS_CONTRACT,
  SERVICE_NAMES,
  type ServiceName,
} from '@agentforge/schema';
import {
  assertClusterReachable,
  processVariables,
  restartChecksum,
  secretMounts,
  secretVolume,
  secretVolumeMount,
  servesTls,
  tlsVariables,
} from './_contract.js';
import { bytes, formatCpu, formatMemory, millicores, roundUp } from './_quantities.js';
import { generatedBy, header, toYaml, toYamlDocuments } from './_yaml.js';
import type { PreparedDocument, SecretBinding } from './document.js';
import type { GeneratedFile } from './files.js';
import type { Generator } from './generator-types.js';
import {
  CONFIG_MAP,
  type ComponentName,
  ENV_CONFIG_MAP,
  everyDeployment,
  K8S_ROOT,
  kustomizeBaseFiles,
  LIMITS_NAME,
  labels,
  QUOTA_NAME,
} from './k8s-base.js';
import { DEFAULT_PORTS } from './templates.js';

/** The gateway's cert-manager Certificate and the Secret it writes. */
export const TLS_SECRET = `${PROCESS_CONTRACT.tlsService}-tls`;
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

/** Probes per the contract: the document's as `httpGet` (HTTPS where the service serves TLS), else the base's `tcpSocket`. */
function probesOf(document: EnvironmentDocument, service: ServiceName) {
  const probes = document.services[service].probes ?? {};
  const scheme = servesTls(document, service) ? 'HTTPS' : 'HTTP';
  const of = (probe: Probe) => ({ ...k8sProbe(probe), httpGet: { ...k8sProbe(probe).httpGet, scheme } });
  // `$patch: replace` swaps the base's tcpSocket probe instead of merging httpGet into it.
  const replace = (probe: Probe) => ({ $patch: 'replace', ...of(probe) });
  return {
    ...(probes.startup ? { startupProbe: of(probes.startup) } : {}),
    ...(probes.liveness ? { livenessProbe: replace(probes.liveness) } : {}),
    ...(probes.readiness ? { readinessProbe: replace(probes.readiness) } : {}),
  };
}

/**
 * The replicas a Deployment is rendered with: none where an HPA owns the count (a rendered count
 * would reset it on every apply; k8s/hpa-replicas).
 */
export function renderedReplicas(document: EnvironmentDocument, service: ServiceName): number | undefined {
  const spec = document.services[service];
  if (!spec.enabled) return 0;
  return autoscaled(document, service) ? undefined : spec.replicas;
}

/**
 * HPA bounds. `replicas` stays the floor while autoscaling (the schema's 1..1 defaults would
 * otherwise scale a running service down the moment autoscaling is turned on); lower `replicas`
 * to let the HPA go lower. The maximum is never below the minimum.
 */
function hpaBounds(document: EnvironmentDocument, service: ServiceName) {
  const spec = document.services[service];
  const scaling = spec.autoscaling!;
  const min = Math.max(scaling.minReplicas, spec.replicas);
  return { min, max: Math.max(min, scaling.maxReplicas) };
}

function deploymentPatch(
  prepared: PreparedDocument,
  service: ServiceName,
  shared: ReadonlySet<string>,
): unknown {
  const { document } = prepared;
  const spec = document.services[service];
  const plain = Object.entries(spec.env ?? {}).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string',
  );
  const reserved = new Set([
    'SERVICE_NAME',
    'POD_NAME',
    'POD_NAMESPACE',
    'PORT',
    PROCESS_CONTRACT.secretsDirVariable,
  ]);
  const tls = servesTls(document, service);
  const replicas = renderedReplicas(document, service);
  const env = [
    { name: 'PORT', value: String(spec.port) },
    ...plain.filter(([name]) => !reserved.has(name)).map(([name, value]) => ({ name, value })),
    ...(tls ? tlsVariables(document) : []),
  ];
  // Secrets only as files (docs/process-contract.md); the platform's come from one shared patch.
  const own = [...secretMounts(prepared.secrets, service).entries()].filter(([name]) => !shared.has(name));
  const volumes = [
    ...own.map(([name, keys]) => secretVolume(name, keys)),
    ...(tls ? [{ name: 'tls', secret: { secretName: TLS_SECRET, defaultMode: 0o440 } }] : []),
  ];
  const volumeMounts = [
    ...own.map(([name]) => secretVolumeMount(name)),
    ...(tls ? [{ name: 'tls', mountPath: PROCESS_CONTRACT.tlsDir, readOnly: true }] : []),
  ];
  const container = {
    name: service,
    env,
    resources: resourcesOf(document, service),
    ...probesOf(document, service),
    ...(volumeMounts.length > 0 ? { volumeMounts } : {}),
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
        metadata: {
          annotations: { [PROCESS_CONTRACT.restartChecksumAnnotation]: restartChecksum(document, service) },
        },
        spec: {
          ...(document.security.runAsNonRoot ? {} : { securityContext: { runAsNonRoot: false } }),
          containers: [container],
          ...(volumes.length > 0 ? { volumes } : {}),
        },
      },
    },
  };
}

/** The Service follows the document's port. */
function servicePatch(document: EnvironmentDocument, service: ServiceName): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: service },
    spec: {
      ports: [{ name: 'http', port: document.services[service].port, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/**
 * The platform Secrets every service mounts, as one JSON patch over all seven Deployments. A
 * Secret name also referenced by a service gets that service's keys too, in the one volume.
 */
function platformSecretsPatch(secrets: readonly SecretBinding[]): { names: Set<string>; ops: unknown[] } {
  const platform = secretMounts(secrets, 'platform');
  const keys = new Map<string, Set<string>>();
  for (const secret of secrets)
    if (platform.has(secret.secretName))
      keys.set(secret.secretName, (keys.get(secret.secretName) ?? new Set()).add(secret.key));
  const ops = [...platform.keys()].flatMap((name) => [
    {
      op: 'add',
      path: '/spec/template/spec/volumes/-',
      value: secretVolume(name, [...keys.get(name)!].sort()),
    },
    { op: 'add', path: '/spec/template/spec/containers/0/volumeMounts/-', value: secretVolumeMount(name) },
  ]);
  return { names: new Set(platform.keys()), ops };
}

/** The autoscaled services' HPAs (only those: nothing to delete). */
function hpas(document: EnvironmentDocument): unknown[] {
  return SERVICE_NAMES.flatMap((service) => {
    const scaling = document.services[service].autoscaling;
    if (!autoscaled(document, service) || !scaling) return [];
    const { min, max } = hpaBounds(document, service);
    return [
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: service, labels: labels(service) },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: service },
          minReplicas: min,
          maxReplicas: max,
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

/** The gateway's cert-manager Certificate, when TLS is on. */
function certificate(document: EnvironmentDocument): unknown {
  const service = PROCESS_CONTRACT.tlsService;
  const ns = document.platform.namespace;
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'Certificate',
    metadata: { name: TLS_SECRET, labels: labels(service) },
    spec: {
      secretName: TLS_SECRET,
      issuerRef: { name: document.security.tls.issuer, kind: 'ClusterIssuer', group: 'cert-manager.io' },
      dnsNames: [
        document.platform.domain,
        service,
        `${service}.${ns}.svc`,
        `${service}.${ns}.svc.cluster.local`,
      ],
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    },
  };
}

/** The image transformer entries: each base image `ghcr.io/agentforge/<service>` becomes the document's. */
function images(document: EnvironmentDocument): unknown[] {
  return SERVICE_NAMES.map((service) => {
    const image = document.services[service].image;
    const at = image.indexOf('@');
    const digest = at === -1 ? undefined : image.slice(at + 1);
    const rest = at === -1 ? image : image.slice(0, at);
    const colon = rest.lastIndexOf(':');
    const tagged = colon > rest.lastIndexOf('/');
    const newName = tagged ? rest.slice(0, colon) : rest;
    const tag = tagged ? rest.slice(colon + 1) : undefined;
    // kustomize drops the tag when `digest` is set; a pinned `tag@digest` keeps both in newTag.
    return {
      name: `ghcr.io/agentforge/${service}`,
      newName,
      ...(tag && digest ? { newTag: `${tag}@${digest}` } : tag ? { newTag: tag } : {}),
      ...(digest && !tag ? { digest } : {}),
    };
  });
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

/** The Grafana chart reads the admin user from the same Secret as the password (`admin.userKey`). */
export const GRAFANA_USER_KEY = 'admin-user';

/** Secret name → keys, over every binding (each Secret synced or generated once). */
function secretKeys(document: EnvironmentDocument, secrets: readonly SecretBinding[]): Map<string, string[]> {
  const byName = new Map<string, Set<string>>();
  for (const secret of secrets)
    byName.set(secret.secretName, (byName.get(secret.secretName) ?? new Set()).add(secret.key));
  const grafana = document.monitoring.grafana.adminPassword?.secretRef;
  if (grafana) byName.get(grafana)?.add(GRAFANA_USER_KEY);
  return new Map(
    [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([n, k]) => [n, [...k].sort()]),
  );
}

/**
 * One ExternalSecret (`external-secrets.io/v1`, the only version ESO 0.17+ serves) per Secret.
 * The remote key is the Secret's name and each key a property — the Helm chart's layout with
 * its default `externalSecrets.remoteKeyPrefix: ""`, so one vault serves both.
 */
function externalSecrets(document: EnvironmentDocument, secrets: readonly SecretBinding[]): unknown[] {
  return [...secretKeys(document, secrets).entries()].map(([name, keys]) => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: document.secrets.store ?? 'agentforge' },
      target: { name, creationPolicy: 'Owner' },
      data: keys.map((key) => ({ secretKey: key, remoteRef: { key: name, property: key } })),
    },
  }));
}

function secretGenerators(document: EnvironmentDocument, secrets: readonly SecretBinding[]): unknown[] {
  return [...secretKeys(document, secrets).entries()].map(([name, keys]) => ({
    name,
    literals: keys.map((key) => `${key}=change-me`),
    options: { annotations: { 'agentforge.io/placeholder': 'true' }, disableNameSuffixHash: true },
  }));
}

function envFile(variables: Record<string, string>): string {
  const lines = Object.entries(variables).map(([key, value]) => {
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
    generatedBy(name, 'k8s'),
  ]);
  assertClusterReachable(document);
  const mode = deliveryMode(document);
  const monitoring = document.monitoring.enabled && document.monitoring.prometheus.enabled;
  const policies = document.security.networkPolicies;
  const scaled = hpas(document);
  const tls = document.security.tls.enabled;
  const rules = alertRules(document);
  const external = document.secrets.backend === 'external-secrets';
  const files: { path: string; content: string }[] = [];
  const patches: Record<string, unknown>[] = [];
  const resources = ['../../base'];

  const platform = platformSecretsPatch(secrets);
  for (const service of SERVICE_NAMES) {
    files.push({
      path: `patches/${service}.yaml`,
      content:
        generated +
        toYamlDocuments([
          deploymentPatch(prepared, service, platform.names),
          servicePatch(document, service),
        ]),
    });
    patches.push({ path: `patches/${service}.yaml` });
    if (document.services[service].port !== DEFAULT_PORTS[service]) {
      patches.push({
        target: { kind: 'Deployment', name: service },
        patch: toYaml([
          {
            op: 'replace',
            path: '/spec/template/spec/containers/0/ports/0/containerPort',
            value: document.services[service].port,
          },
        ]),
      });
    }
  }
  if (platform.ops.length > 0) patches.push({ target: everyDeployment, patch: toYaml(platform.ops) });
  files.push({
    path: 'patches/namespace-policy.yaml',
    content: generated + toYamlDocuments(namespacePolicyPatches(document)),
  });
  patches.push({ path: 'patches/namespace-policy.yaml' });
  if (scaled.length > 0) {
    const migrate = header([
      'The Deployments these scale carry no `replicas`. Turning autoscaling on for a running service: remove',
      '`replicas` from its last-applied configuration first (`kubectl apply edit-last-applied deployment/<name>`),',
      'or the next apply resets it to 1 until the HPA (minReplicas >= the former replicas) scales it back.',
    ]);
    files.push({ path: 'hpa.yaml', content: generated + migrate + toYamlDocuments(scaled) });
    resources.push('hpa.yaml');
  }
  if (tls) {
    if (!document.security.tls.issuer)
      throw new AgentforgeError(
        'SCHEMA_VIOLATION',
        '/security/tls/issuer: TLS is on but no cert-manager issuer is named; set security.tls.issuer',
      );
    files.push({ path: 'certificate.yaml', content: generated + toYaml(certificate(document)) });
    resources.push('certificate.yaml');
  }
  files.push({ path: 'config.env', content: envFile(processVariables(document, mode)) });
  if (mode === 'hot') {
    files.push({
      path: PROCESS_CONTRACT.configKey,
      content:
        header([
          `The environment "${name}" as every service's dynamic-config reads it (mounted at ${PROCESS_CONTRACT.configDir}).`,
          generatedBy(name, 'k8s'),
          'Secrets appear only as { secretRef }; their values are mounted from Secrets.',
        ]) + toYaml(document),
    });
  }
  if (rules) files.push({ path: 'alert-rules.yaml', content: generated + rules });
  if (external && secrets.length > 0) {
    files.push({
      path: 'external-secrets.yaml',
      content: generated + toYamlDocuments(externalSecrets(document, secrets)),
    });
    resources.push('external-secrets.yaml');
  }
  const components: ComponentName[] = [
    ...(policies ? (['network-policies'] as const) : []),
    ...(monitoring ? (['monitoring'] as const) : []),
    ...(monitoring && policies ? (['monitoring-network-policy'] as const) : []),
    ...(mode === 'hot' ? (['hot-config'] as const) : []),
  ];

  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: document.platform.namespace,
    resources,
    ...(components.length > 0 ? { components: components.map((c) => `../../components/${c}`) } : {}),
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
    images: images(document),
    configMapGenerator: [
      { name: ENV_CONFIG_MAP, behavior: 'merge', envs: ['config.env'] },
      ...(mode === 'hot'
        ? [
            {
              name: CONFIG_MAP,
              files: [PROCESS_CONTRACT.configKey],
              // Unhashed: the kubelet updates the mounted file in place and dynamic-config reloads it.
              options: { disableNameSuffixHash: true },
            },
          ]
        : []),
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
    ...(!external && secrets.length > 0 ? { secretGenerator: secretGenerators(document, secrets) } : {}),
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
