import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Finding } from '@agentforge/schema';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatReport } from '../reporters/index.js';
import {
  annotationSuppressions,
  createKubernetesValidator,
  manifestEnvironment,
  parseManifests,
} from './input.js';
import { KUBERNETES_RULE_GROUPS, kubernetesPolicy } from './rules.js';

// Manifests are untyped YAML; the cases edit them by path.
type Json = any;

const labels = { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'prod' };
const meta = (name: string) => ({ name, namespace: 'shop', labels: { ...labels } });
const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A production-grade set: every rule passes on it. */
function goodSet(): Json[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('api'),
      spec: {
        selector: { matchLabels: { ...labels } },
        template: {
          metadata: { labels: { ...labels } },
          spec: {
            priorityClassName: 'service-critical',
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: { ...labels } },
              },
            ],
            containers: [
              {
                name: 'api',
                image: `ghcr.io/acme/api:1.2.3@${DIGEST}`,
                ports: [{ name: 'http', containerPort: 8080 }],
                env: [
                  { name: 'LOG_LEVEL', value: 'info' },
                  { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
                ],
                envFrom: [{ configMapRef: { name: 'api-config' } }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                readinessProbe: { httpGet: { path: '/readyz', port: 'http' } },
                resources: {
                  requests: { cpu: '100m', memory: '128Mi' },
                  limits: { cpu: '1', memory: '256Mi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('api'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
        minReplicas: 2,
        maxReplicas: 5,
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('api'),
      spec: { maxUnavailable: 1, selector: { matchLabels: { ...labels } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('api'),
      spec: { selector: { ...labels }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('default-deny'),
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('api'),
      spec: {
        tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
        rules: [
          {
            host: 'api.example.com',
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: 'api', port: { name: 'http' } } },
                },
              ],
            },
          },
        ],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('api-reader'),
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta('api-reader'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'api-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'api', namespace: 'shop' }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('api-config'), data: { LOG_FORMAT: 'json' } },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('db-secret'),
      spec: { target: { name: 'db' }, secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' } },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: meta('api'),
      spec: { selector: { matchLabels: { ...labels } }, endpoints: [{ port: 'http' }] },
    },
  ];
}

const byKind = (docs: Json[], kind: string) => docs.find((d) => d.kind === kind);
const role = (docs: Json[]) => byKind(docs, 'Role');
const binding = (docs: Json[]) => byKind(docs, 'RoleBinding');
const clusterRole = (rules: Json[]) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name: 'ops', labels: { ...labels } },
  rules,
});
const clusterBinding = (role: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name: 'ops', labels: { ...labels } },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects: [{ kind: 'Group', name: 'ops' }],
});
const deployment = (docs: Json[]) => byKind(docs, 'Deployment');
const pod = (docs: Json[]) => deployment(docs).spec.template.spec;
const container = (docs: Json[]) => pod(docs).containers[0];

/** Multi-document YAML text of `docs` (JSON is YAML; one key per line keeps locations checkable). */
const toText = (docs: Json[]) => docs.map((d) => JSON.stringify(d, null, 2)).join('\n---\n');

// The single-replica rules are off unless a policy selects them for a tier: here, production.
const SINGLE_REPLICA = { 'k8s/pdb-single-replica': 'medium', 'k8s/spread-single-replica': 'low' } as const;
// The custom resources of the good set are validated against their schemas (kubeconform's layout).
const CRD_SCHEMAS = fileURLToPath(new URL('../../test/fixtures/crd-schemas', import.meta.url));
const validator = createKubernetesValidator({
  environments: { production: SINGLE_REPLICA },
  schemaLocations: [CRD_SCHEMAS],
});
function validate(docs: Json[] | string, tier = 'production', file = 'rendered.yaml') {
  const inputs = parseManifests(typeof docs === 'string' ? docs : toText(docs), { file });
  return validator.validateDocuments(inputs, {
    environment: tier,
    tier,
    suppressions: annotationSuppressions(inputs),
  });
}
const ids = (findings: Finding[]) => [...new Set(findings.map((f) => f.ruleId))].sort();

interface Case {
  rule: string;
  fail: (docs: Json[]) => void;
  /** A variation that still passes (an allowed exception), besides the good set itself. */
  pass?: (docs: Json[]) => void;
}

const cases: Case[] = [
  {
    rule: 'k8s/schema',
    fail: (d) => (deployment(d).spec.template.spec.containers[0].ports[0].containerPort = '8080'),
    pass: (d) => (deployment(d).spec.template.spec.containers[0].ports[0].containerPort = 8081),
  },
  { rule: 'k8s/schema', fail: (d) => (container(d).imagePullPolicy = 'Sometimes') },
  { rule: 'k8s/schema', fail: (d) => delete deployment(d).spec.selector },
  // A custom resource against its schema from the schema location.
  { rule: 'k8s/schema', fail: (d) => (byKind(d, 'ExternalSecret').spec.secretStoreRef.kind = 'Vault') },
  {
    rule: 'k8s/unknown-kind',
    fail: (d) => (deployment(d).apiVersion = 'v1'),
    pass: (d) => (deployment(d).apiVersion = 'apps/v1'),
  },
  { rule: 'k8s/unknown-kind', fail: (d) => (byKind(d, 'Service').kind = 'Servce') },
  {
    rule: 'k8s/schema-skipped',
    fail: (d) =>
      d.push({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: meta('api-tls'),
        spec: { secretName: 'api-tls', issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } },
      }),
  },
  { rule: 'k8s/privileged', fail: (d) => (container(d).securityContext.privileged = true) },
  {
    rule: 'k8s/host-pid',
    fail: (d) => (pod(d).hostPID = true),
    pass: (d) => (pod(d).hostPID = false),
  },
  { rule: 'k8s/host-network', fail: (d) => (pod(d).hostNetwork = true) },
  { rule: 'k8s/host-ipc', fail: (d) => (pod(d).hostIPC = true) },
  {
    rule: 'k8s/host-process',
    fail: (d) => (container(d).securityContext.windowsOptions = { hostProcess: true }),
    pass: (d) => (container(d).securityContext.windowsOptions = { hostProcess: false }),
  },
  { rule: 'k8s/host-process', fail: (d) => (pod(d).securityContext.windowsOptions = { hostProcess: true }) },
  {
    rule: 'k8s/proc-mount',
    fail: (d) => (container(d).securityContext.procMount = 'Unmasked'),
    pass: (d) => (container(d).securityContext.procMount = 'Default'),
  },
  {
    rule: 'k8s/unsafe-sysctls',
    fail: (d) => (pod(d).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    pass: (d) => (pod(d).securityContext.sysctls = [{ name: 'net.ipv4.tcp_syncookies', value: '1' }]),
  },
  {
    rule: 'k8s/automount-service-account-token',
    fail: (d) => delete pod(d).automountServiceAccountToken,
    // The ServiceAccount of the input switches it off for its pods.
    pass: (d) => {
      delete pod(d).automountServiceAccountToken;
      pod(d).serviceAccountName = 'api';
      d.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: meta('api'),
        automountServiceAccountToken: false,
      });
    },
  },
  { rule: 'k8s/host-ports', fail: (d) => (container(d).ports[0].hostPort = 8080) },
  {
    rule: 'k8s/host-path',
    fail: (d) => pod(d).volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }),
  },
  {
    rule: 'k8s/volume-types',
    fail: (d) => pod(d).volumes.push({ name: 'nfs', nfs: { server: 'nas', path: '/x' } }),
    pass: (d) => pod(d).volumes.push({ name: 'certs', csi: { driver: 'secrets-store.csi.k8s.io' } }),
  },
  {
    rule: 'k8s/run-as-non-root',
    fail: (d) => delete pod(d).securityContext.runAsNonRoot,
    pass: (d) => {
      delete pod(d).securityContext.runAsNonRoot;
      container(d).securityContext.runAsNonRoot = true;
    },
  },
  { rule: 'k8s/run-as-non-root', fail: (d) => (container(d).securityContext.runAsUser = 0) },
  {
    rule: 'k8s/privilege-escalation',
    fail: (d) => delete container(d).securityContext.allowPrivilegeEscalation,
  },
  {
    rule: 'k8s/dangerous-capabilities',
    fail: (d) => (container(d).securityContext.capabilities.add = ['SYS_ADMIN']),
    pass: (d) => (container(d).securityContext.capabilities.add = ['NET_BIND_SERVICE']),
  },
  {
    rule: 'k8s/capabilities-drop-all',
    fail: (d) => (container(d).securityContext.capabilities.drop = ['NET_RAW']),
  },
  {
    rule: 'k8s/seccomp',
    fail: (d) => (pod(d).securityContext.seccompProfile.type = 'Unconfined'),
    pass: (d) => {
      delete pod(d).securityContext.seccompProfile;
      container(d).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'api.json' };
    },
  },
  {
    rule: 'k8s/read-only-root-filesystem',
    fail: (d) => (container(d).securityContext.readOnlyRootFilesystem = false),
  },
  {
    rule: 'k8s/liveness-probe',
    fail: (d) => delete container(d).livenessProbe,
    // An init container runs to completion: no probes.
    pass: (d) =>
      (pod(d).initContainers = [
        {
          ...structuredClone(container(d)),
          name: 'migrate',
          livenessProbe: undefined,
          readinessProbe: undefined,
        },
      ]),
  },
  { rule: 'k8s/readiness-probe', fail: (d) => delete container(d).readinessProbe },
  {
    rule: 'k8s/probes-identical',
    fail: (d) => (container(d).livenessProbe = structuredClone(container(d).readinessProbe)),
    pass: (d) => (container(d).livenessProbe = { ...container(d).readinessProbe, failureThreshold: 6 }),
  },
  {
    rule: 'k8s/startup-probe',
    fail: (d) => (container(d).livenessProbe.initialDelaySeconds = 90),
    pass: (d) => {
      container(d).livenessProbe.initialDelaySeconds = 90;
      container(d).startupProbe = { httpGet: { path: '/healthz', port: 'http' }, failureThreshold: 30 };
    },
  },
  {
    rule: 'k8s/probe-port',
    fail: (d) => (container(d).readinessProbe.httpGet.port = 'metrics'),
    pass: (d) => (container(d).readinessProbe.httpGet.port = 8080),
  },
  { rule: 'k8s/probe-port', fail: (d) => (container(d).livenessProbe = { tcpSocket: { port: 9090 } }) },
  {
    rule: 'k8s/probe-port',
    fail: (d) => (container(d).startupProbe = { grpc: { port: 9090 }, failureThreshold: 30 }),
    // A container that declares no ports: a probe by number is not checked against them.
    pass: (d) => {
      delete container(d).ports;
      container(d).livenessProbe = { tcpSocket: { port: 9090 } };
      container(d).readinessProbe = { httpGet: { path: '/readyz', port: 8080 } };
    },
  },
  { rule: 'k8s/cpu-limit', fail: (d) => delete container(d).resources.limits.cpu },
  { rule: 'k8s/cpu-request', fail: (d) => delete container(d).resources.requests.cpu },
  { rule: 'k8s/memory-limit', fail: (d) => delete container(d).resources.limits.memory },
  { rule: 'k8s/memory-request', fail: (d) => delete container(d).resources.requests },
  {
    rule: 'k8s/pull-policy',
    fail: (d) => {
      container(d).image = 'ghcr.io/acme/api:1.2.3';
      container(d).imagePullPolicy = 'IfNotPresent';
    },
    pass: (d) => {
      container(d).image = 'ghcr.io/acme/api:1.2.3';
      container(d).imagePullPolicy = 'Always';
    },
  },
  { rule: 'k8s/pull-policy', fail: (d) => (container(d).image = 'ghcr.io/acme/api:1.2.3') },
  {
    rule: 'k8s/priority-class',
    fail: (d) => delete pod(d).priorityClassName,
  },
  {
    rule: 'k8s/duplicate-env',
    fail: (d) => container(d).env.push({ name: 'LOG_LEVEL', value: 'debug' }),
  },
  {
    rule: 'k8s/image-pinned',
    fail: (d) => (container(d).image = 'ghcr.io/acme/api:latest'),
    pass: (d) => (container(d).image = `ghcr.io/acme/api@${DIGEST}`),
  },
  { rule: 'k8s/image-pinned', fail: (d) => (container(d).image = 'ghcr.io/acme/api') },
  { rule: 'k8s/image-digest', fail: (d) => (container(d).image = 'ghcr.io/acme/api:1.2.3') },
  {
    rule: 'k8s/min-replicas',
    fail: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      deployment(d).spec.replicas = 1;
    },
    pass: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      deployment(d).spec.replicas = 3;
    },
  },
  {
    rule: 'k8s/pdb-single-replica',
    fail: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      d.splice(d.indexOf(byKind(d, 'PodDisruptionBudget')), 1);
      deployment(d).spec.replicas = 1;
    },
    pass: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      deployment(d).spec.replicas = 1;
    },
  },
  {
    rule: 'k8s/spread-single-replica',
    fail: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      deployment(d).spec.replicas = 1;
      delete pod(d).topologySpreadConstraints;
    },
  },
  {
    rule: 'k8s/hpa-min-replicas',
    fail: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.minReplicas = 1),
    pass: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.minReplicas = 3),
  },
  {
    rule: 'k8s/hpa-headroom',
    fail: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.maxReplicas = 2),
    pass: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.maxReplicas = 3),
  },
  { rule: 'k8s/pdb', fail: (d) => d.splice(d.indexOf(byKind(d, 'PodDisruptionBudget')), 1) },
  {
    // minAvailable 2 = the HPA's minReplicas: no eviction once scaled down.
    rule: 'k8s/pdb-min-available',
    fail: (d) =>
      (byKind(d, 'PodDisruptionBudget').spec = { minAvailable: 2, selector: { matchLabels: { ...labels } } }),
    pass: (d) =>
      (byKind(d, 'PodDisruptionBudget').spec = {
        minAvailable: '50%',
        selector: { matchLabels: { ...labels } },
      }),
  },
  {
    // A PDB alone, its workload elsewhere: 100% blocks every eviction anyway.
    rule: 'k8s/pdb-min-available',
    fail: (d) => {
      d.splice(0, d.length, byKind(d, 'PodDisruptionBudget'));
      d[0].spec = { minAvailable: '100%', selector: { matchLabels: { ...labels } } };
    },
  },
  {
    rule: 'k8s/pdb-max-unavailable',
    fail: (d) => {
      d.splice(0, d.length, byKind(d, 'PodDisruptionBudget'));
      d[0].spec.maxUnavailable = 0;
    },
    pass: (d) => d.splice(0, d.length, byKind(d, 'PodDisruptionBudget')),
  },
  {
    rule: 'k8s/pdb-policy',
    fail: (d) => delete byKind(d, 'PodDisruptionBudget').spec.maxUnavailable,
  },
  {
    rule: 'k8s/pdb-selector',
    fail: (d) => (byKind(d, 'PodDisruptionBudget').spec.selector.matchLabels = { app: 'other' }),
  },
  {
    rule: 'k8s/hpa-bounds',
    fail: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.minReplicas = 6),
    pass: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.minReplicas = 5),
  },
  {
    rule: 'k8s/hpa-replicas',
    fail: (d) => (deployment(d).spec.replicas = 2),
    pass: (d) => {
      d.splice(d.indexOf(byKind(d, 'HorizontalPodAutoscaler')), 1);
      deployment(d).spec.replicas = 2;
    },
  },
  {
    rule: 'k8s/spread',
    fail: (d) => delete pod(d).topologySpreadConstraints,
    pass: (d) => {
      delete pod(d).topologySpreadConstraints;
      pod(d).affinity = {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: 'kubernetes.io/hostname',
                labelSelector: { matchLabels: { ...labels } },
              },
            },
          ],
        },
      };
    },
  },
  {
    rule: 'k8s/workload-selector',
    fail: (d) => (deployment(d).spec.selector = { matchLabels: { 'app.kubernetes.io/name': 'web' } }),
    pass: (d) =>
      (deployment(d).spec.selector = {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['api', 'web'] }],
      }),
  },
  { rule: 'k8s/service-selector', fail: (d) => (byKind(d, 'Service').spec.selector = { app: 'web' }) },
  {
    rule: 'k8s/network-policy-egress',
    fail: (d) => (byKind(d, 'NetworkPolicy').spec.policyTypes = ['Ingress']),
    // Without policyTypes, egress rules make it an egress policy.
    pass: (d) => {
      delete byKind(d, 'NetworkPolicy').spec.policyTypes;
      byKind(d, 'NetworkPolicy').spec.egress = [];
    },
  },
  {
    rule: 'k8s/network-policy-target',
    fail: (d) => (byKind(d, 'NetworkPolicy').spec.podSelector = { matchLabels: { app: 'web' } }),
  },
  {
    rule: 'k8s/service-account-exists',
    fail: (d) => (pod(d).serviceAccountName = 'api'),
    pass: (d) => {
      pod(d).serviceAccountName = 'api';
      d.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('api') });
    },
  },
  {
    rule: 'k8s/ingress-target',
    fail: (d) => (byKind(d, 'Ingress').spec.rules[0].http.paths[0].backend.service.name = 'web'),
  },
  {
    rule: 'k8s/ingress-tls',
    fail: (d) => delete byKind(d, 'Ingress').spec.tls,
  },
  { rule: 'k8s/ingress-tls', fail: (d) => (byKind(d, 'Ingress').spec.tls[0].hosts = ['www.example.com']) },
  {
    rule: 'k8s/rbac-cluster-admin',
    fail: (d) =>
      (binding(d).roleRef = {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      }),
    pass: (d) =>
      (binding(d).roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }),
  },
  {
    rule: 'k8s/rbac-cluster-admin',
    fail: (d) => (role(d).rules = [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]),
  },
  {
    rule: 'k8s/rbac-pod-exec-attach',
    fail: (d) => role(d).rules.push({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }),
    pass: (d) => role(d).rules.push({ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }),
  },
  {
    rule: 'k8s/rbac-binding-pod-exec-attach',
    fail: (d) => role(d).rules.push({ apiGroups: [''], resources: ['pods/attach'], verbs: ['create'] }),
  },
  {
    rule: 'k8s/rbac-wildcard',
    fail: (d) => (role(d).rules[0].verbs = ['*']),
  },
  {
    rule: 'k8s/rbac-cluster-secret-read',
    fail: (d) =>
      d.push(
        clusterRole([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
        clusterBinding('ops'),
      ),
    // Named Secrets only: not a cluster-wide read.
    pass: (d) =>
      d.push(
        clusterRole([{ apiGroups: [''], resources: ['secrets'], resourceNames: ['ca'], verbs: ['get'] }]),
        clusterBinding('ops'),
      ),
  },
  {
    rule: 'k8s/network-policy-coverage',
    fail: (d) => (byKind(d, 'NetworkPolicy').spec.podSelector = { matchLabels: { app: 'web' } }),
    pass: (d) =>
      (byKind(d, 'NetworkPolicy').spec.podSelector = { matchLabels: { 'app.kubernetes.io/name': 'api' } }),
  },
  {
    rule: 'k8s/service-monitor-target',
    fail: (d) => (byKind(d, 'ServiceMonitor').spec.namespaceSelector = { matchNames: ['other'] }),
    pass: (d) => (byKind(d, 'ServiceMonitor').spec.namespaceSelector = { any: true }),
  },
  {
    rule: 'k8s/hpa-target',
    fail: (d) => (byKind(d, 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'web'),
  },
  {
    rule: 'k8s/dangling-reference',
    fail: (d) => container(d).envFrom.push({ secretRef: { name: 'api-extra' } }),
    pass: (d) => container(d).envFrom.push({ secretRef: { name: 'api-extra', optional: true } }),
  },
  {
    rule: 'k8s/dangling-reference',
    fail: (d) => (byKind(d, 'ExternalSecret').spec.target.name = 'database'),
  },
  {
    rule: 'k8s/dangling-reference',
    fail: (d) => pod(d).volumes.push({ name: 'cfg', configMap: { name: 'missing' } }),
  },
  {
    rule: 'k8s/dangling-reference',
    // A cert-manager Certificate provides the Secret named by its spec.secretName.
    fail: (d) => pod(d).volumes.push({ name: 'tls', secret: { secretName: 'api-tls' } }),
    pass: (d) => {
      pod(d).volumes.push({ name: 'tls', secret: { secretName: 'api-tls' } });
      d.push({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'api-tls', namespace: 'shop' },
        spec: { secretName: 'api-tls', issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' } },
      });
    },
  },
  {
    rule: 'k8s/secret-in-env',
    fail: (d) => container(d).env.push({ name: 'API_TOKEN', value: 'not-a-reference' }),
    pass: (d) => container(d).env.push({ name: 'TOKEN_TTL_SECONDS', value: '300' }),
  },
  {
    rule: 'k8s/secret-in-env',
    fail: (d) => container(d).env.push({ name: 'UPSTREAM', value: 'postgres://app:s3cr3t-pw@db:5432/app' }),
  },
  {
    rule: 'k8s/secret-in-configmap',
    fail: (d) => (byKind(d, 'ConfigMap').data['redis.password'] = 'hunter2hunter2'),
    pass: (d) => (byKind(d, 'ConfigMap').data['redis.url'] = 'rediss://redis:6380'),
  },
  { rule: 'k8s/recommended-labels', fail: (d) => delete byKind(d, 'Service').metadata.labels },
  {
    rule: 'k8s/label-consistency',
    fail: (d) => {
      deployment(d).spec.template.metadata.labels['app.kubernetes.io/instance'] = 'staging';
      deployment(d).spec.selector.matchLabels['app.kubernetes.io/instance'] = 'staging';
    },
  },
  {
    rule: 'k8s/label-values',
    fail: (d) => (byKind(d, 'Service').metadata.labels.team = 'platform team'),
    pass: (d) => (byKind(d, 'Service').metadata.labels.team = 'platform_team-1.a'),
  },
  {
    rule: 'k8s/service-type',
    fail: (d) => (byKind(d, 'Service').spec.type = 'NodePort'),
    pass: (d) => (byKind(d, 'Service').spec.type = 'ClusterIP'),
  },
  {
    rule: 'k8s/namespace',
    fail: (d) => delete byKind(d, 'Service').metadata.namespace,
    pass: (d) =>
      d.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { ...labels } } }),
  },
  {
    rule: 'k8s/deprecated-api',
    fail: (d) => (byKind(d, 'PodDisruptionBudget').apiVersion = 'policy/v1beta1'),
    pass: (d) => (byKind(d, 'HorizontalPodAutoscaler').apiVersion = 'autoscaling/v2'),
  },
  { rule: 'k8s/manifest', fail: (d) => d.push({ metadata: { name: 'stray' }, data: {} }) },
  {
    rule: 'k8s/suppress-annotation',
    fail: (d) =>
      (byKind(d, 'Service').metadata.annotations = { 'agentforge.dev/suppress': 'k8s/service-selector' }),
    pass: (d) =>
      (byKind(d, 'Service').metadata.annotations = {
        'agentforge.dev/suppress': 'k8s/service-selector: fronted by an external endpoint',
      }),
  },
];

describe('Kubernetes rules', () => {
  it('pass the good set in every tier', () => {
    for (const tier of ['development', 'staging', 'production'])
      expect(validate(goodSet(), tier).findings).toEqual([]);
  });

  it('have a failing case for every rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect(
      kubernetesPolicy()
        .rules.map((r) => r.id)
        .filter((id) => !covered.has(id)),
    ).toEqual([]);
    expect(Object.values(KUBERNETES_RULE_GROUPS).flat().sort()).toEqual(
      kubernetesPolicy()
        .rules.map((r) => r.id)
        .sort(),
    );
  });

  it.each(cases.map((c, i) => ({ ...c, name: `${c.rule} #${i}` })))(
    '$name fails, located at the offending field',
    ({ rule, fail }) => {
      const docs = goodSet();
      fail(docs);
      const text = toText(docs);
      const report = validate(text);
      const found = report.findings.filter((f) => f.ruleId === rule);
      expect(found.length, `${rule} in ${ids(report.findings).join(', ')}`).toBeGreaterThan(0);
      for (const finding of found) {
        expect(finding.location).toMatchObject({ file: 'rendered.yaml', document: expect.any(Number) });
        expect(finding.message).not.toMatch(/hunter2|s3cr3t/);
        // The finding is in the document that holds the offending object, on the line of the
        // offending key when it is written (else of its nearest written parent).
        const { document, line } = finding.location!;
        const key = finding.path.split('/').at(-1)!;
        const written = parseManifests(text)[document!]!.locator!.locate(finding.path);
        const lineText = text.split('\n')[line - 1]!;
        if (written && key !== '' && !/^\d+$/.test(key))
          expect(lineText).toContain(`"${key.replace(/~1/g, '/')}"`);
        expect(
          text
            .split('\n')
            .slice(0, line)
            .filter((l) => l === '---'),
        ).toHaveLength(document!);
      }
    },
  );

  it.each(cases.filter((c) => c.pass).map((c) => ({ ...c, name: c.rule })))(
    '$name passes on its allowed variation',
    ({ rule, pass }) => {
      const docs = goodSet();
      pass!(docs);
      expect(ids(validate(docs).findings)).not.toContain(rule);
    },
  );

  it('are documented in RULES.md, with the coverage table against Polaris, kube-score and kube-linter', async () => {
    const doc = readFileSync(new URL('../../RULES.md', import.meta.url), 'utf8');
    // @ts-expect-error: a plain .mjs script without types
    const { renderKubernetesRules } = await import('../../scripts/rules-doc.mjs');
    const squash = (text: string) => text.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---');
    expect(squash(doc), 'RULES.md is current (run node scripts/rules-doc.mjs)').toContain(
      squash(renderKubernetesRules()),
    );
    for (const rule of kubernetesPolicy().rules) expect(doc, rule.id).toContain(`### \`${rule.id}\``);
  });

  it('map every check of the peers to a rule or a reason, and every rule to a check or a reason', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { PEER_CHECKS, OURS_ONLY, coverageRules } = await import('../../scripts/rules-doc.mjs');
    const known = new Set(kubernetesPolicy().rules.map((r) => r.id));
    const answered = new Set<string>();
    const rows = Object.entries(PEER_CHECKS as Record<string, Record<string, unknown>>).flatMap(
      ([tool, checks]) => Object.entries(checks).map(([check, entry]) => ({ tool, check, entry })),
    );
    // The lists as the tools document them: Polaris' default configuration, `kube-score list`, kube-linter's checks.md.
    expect(rows.filter((r) => r.tool === 'Polaris')).toHaveLength(45);
    expect(rows.filter((r) => r.tool === 'kube-score')).toHaveLength(39);
    expect(rows.filter((r) => r.tool === 'kube-linter')).toHaveLength(57);
    for (const { tool, check, entry } of rows) {
      const ids: string[] = coverageRules(entry);
      const reason = (entry as { not?: string }).not;
      expect(ids.length > 0 || (typeof reason === 'string' && reason.length > 10), `${tool} ${check}`).toBe(
        true,
      );
      for (const id of ids) {
        expect(known.has(id), `${tool} ${check} → ${id}`).toBe(true);
        answered.add(id);
      }
    }
    const oursOnly = Object.keys(OURS_ONLY);
    expect(oursOnly.filter((id) => answered.has(id) || !known.has(id))).toEqual([]);
    expect([...known].filter((id) => !answered.has(id) && !oursOnly.includes(id))).toEqual([]);
  });

  it('checks single-replica workloads for a PDB and spreading only where a policy selects it', () => {
    const docs = goodSet();
    docs.splice(docs.indexOf(byKind(docs, 'HorizontalPodAutoscaler')), 1);
    docs.splice(docs.indexOf(byKind(docs, 'PodDisruptionBudget')), 1);
    deployment(docs).spec.replicas = 1;
    delete pod(docs).topologySpreadConstraints;
    const inputs = parseManifests(toText(docs));
    const single = (v: ReturnType<typeof createKubernetesValidator>, tier: string) =>
      ids(v.validateDocuments(inputs, { environment: tier, tier }).findings).filter((id) =>
        id.endsWith('single-replica'),
      );
    expect(single(createKubernetesValidator(), 'production')).toEqual([]);
    expect(single(validator, 'production')).toEqual(['k8s/pdb-single-replica', 'k8s/spread-single-replica']);
    expect(single(validator, 'staging')).toEqual([]);
  });

  it('names each missing resource with its own rule: a container with only a CPU limit', () => {
    const docs = goodSet();
    container(docs).resources = { limits: { cpu: '1' } };
    const found = validate(docs).findings.filter((f) => /^k8s\/(cpu|memory)-/.test(f.ruleId));
    expect(found.map((f) => [f.ruleId, f.path.split('/').slice(-2).join('.')]).sort()).toEqual([
      ['k8s/cpu-request', 'requests.cpu'],
      ['k8s/memory-limit', 'limits.memory'],
      ['k8s/memory-request', 'requests.memory'],
    ]);
  });

  it('is stricter in production than in development', () => {
    const docs = goodSet();
    delete container(docs).securityContext.allowPrivilegeEscalation;
    delete pod(docs).topologySpreadConstraints;
    const severities = (tier: string) =>
      Object.fromEntries(validate(docs, tier).findings.map((f) => [f.ruleId, f.severity]));
    expect(severities('production')).toEqual({ 'k8s/privilege-escalation': 'high', 'k8s/spread': 'medium' });
    expect(severities('development')).toEqual({ 'k8s/privilege-escalation': 'low' });
  });

  it('locates findings inside List items at the item field', () => {
    const docs = goodSet();
    container(docs).securityContext.privileged = true;
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }, null, 2);
    const report = validate(text);
    const finding = report.findings.find((f) => f.ruleId === 'k8s/privileged')!;
    expect(finding.path).toBe('/items/0/spec/template/spec/containers/0/securityContext/privileged');
    const line = text.split('\n').findIndex((l) => l.includes('"privileged": true')) + 1;
    expect(finding.location).toMatchObject({ line, column: expect.any(Number), document: 0 });
    expect(report.findings.map((f) => f.ruleId)).toEqual(['k8s/privileged']);
  });

  it('reads the real line of multi-document YAML into SARIF that the official schema accepts', () => {
    const yamlText = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: api, namespace: shop, labels: {app.kubernetes.io/name: api, app.kubernetes.io/instance: prod}}',
      'spec: {selector: {app.kubernetes.io/name: api}}',
      '---',
      '# the workload',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      '  namespace: shop',
      '  labels: {app.kubernetes.io/name: api, app.kubernetes.io/instance: prod}',
      'spec:',
      '  replicas: 1',
      '  selector: {matchLabels: {app.kubernetes.io/name: api}}',
      '  template:',
      '    metadata: {labels: {app.kubernetes.io/name: api}}',
      '    spec:',
      '      containers:',
      '        - name: api',
      '          image: ghcr.io/acme/api:latest',
      '          securityContext:',
      '            privileged: true',
      '',
    ].join('\n');
    const report = validate(yamlText, 'production', 'manifests/all.yaml');
    const schema = JSON.parse(
      readFileSync(new URL('../../test/fixtures/sarif-2.1.0.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    const check = ajv.compile(schema);
    const sarif = JSON.parse(
      formatReport([report], 'sarif', { tool: { name: 'agentforge', version: '1.0.0' } }),
    );
    expect(check(sarif), ajv.errorsText(check.errors)).toBe(true);
    const region = (rule: string) =>
      sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === rule).locations[0].physicalLocation;
    expect(region('k8s/privileged')).toEqual({
      artifactLocation: { uri: 'manifests/all.yaml' },
      region: { startLine: 23, startColumn: 13 },
    });
    expect(region('k8s/image-pinned').region).toEqual({ startLine: 21, startColumn: 11 });
    expect(region('k8s/min-replicas').region).toEqual({ startLine: 14, startColumn: 3 });
  });

  it('suppresses by annotation, on that object only, unless suppressions are not passed', () => {
    const docs = goodSet();
    const second = structuredClone(deployment(docs));
    second.metadata.name = 'worker';
    docs.push(second);
    for (const d of [deployment(docs), second])
      d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false;
    deployment(docs).metadata.annotations = {
      'agentforge.dev/suppress':
        'k8s/read-only-root-filesystem: the legacy PDF renderer writes to /opt\nk8s/seccomp: unused',
    };
    const report = validate(docs);
    expect(report.suppressed.map((f) => [f.ruleId, f.suppression.reason])).toEqual([
      ['k8s/read-only-root-filesystem', 'the legacy PDF renderer writes to /opt'],
    ]);
    const left = report.findings.filter((f) => f.ruleId === 'k8s/read-only-root-filesystem');
    expect(left.map((f) => f.message)).toEqual([expect.stringContaining('Deployment/worker')]);
    // Without the annotation suppressions (what --no-suppressions does), both count.
    const inputs = parseManifests(toText(docs), { file: 'rendered.yaml' });
    const plain = validator.validateDocuments(inputs, { environment: 'production', tier: 'production' });
    expect(plain.findings.filter((f) => f.ruleId === 'k8s/read-only-root-filesystem')).toHaveLength(2);
  });

  it('suppresses by annotation within one List item only', () => {
    const a = goodSet();
    const b = structuredClone(deployment(a));
    b.metadata.name = 'worker';
    container(a).securityContext.privileged = true;
    b.spec.template.spec.containers[0].securityContext.privileged = true;
    deployment(a).metadata.annotations = {
      'agentforge.dev/suppress': 'k8s/privileged: eBPF agent, reviewed by security',
    };
    const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...a, b] }, null, 2);
    const report = validate(text);
    expect(report.suppressed.map((f) => f.path)).toEqual([
      '/items/0/spec/template/spec/containers/0/securityContext/privileged',
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'k8s/privileged').map((f) => f.path)).toEqual([
      `/items/${a.length}/spec/template/spec/containers/0/securityContext/privileged`,
    ]);
  });

  it('never shows a secret value, in any format', () => {
    const docs = goodSet();
    container(docs).env.push({ name: 'OPENAI_KEY', value: 'sk-proj-abcdefghijklmnopqrstuvwxyz012345' });
    byKind(docs, 'ConfigMap').data.db_password = 'correct-horse-battery';
    const report = validate(docs);
    expect(ids(report.findings)).toEqual(['k8s/secret-in-configmap', 'k8s/secret-in-env']);
    for (const format of ['human', 'json', 'sarif', 'github', 'junit'] as const) {
      const out = formatReport([report], format);
      expect(out).not.toContain('sk-proj-abcdefghijklmnopqrstuvwxyz012345');
      expect(out).not.toContain('correct-horse-battery');
    }
  });

  it('reads the environment from the agentforge.io labels', () => {
    const docs = goodSet();
    deployment(docs).metadata.labels['agentforge.io/environment'] = 'prod-eu';
    deployment(docs).metadata.labels['agentforge.io/tier'] = 'production';
    const inputs = parseManifests(toText(docs));
    expect(manifestEnvironment(inputs)).toEqual({ name: 'prod-eu', tier: 'production' });
    expect(validator.validateDocuments(inputs)).toMatchObject({ environment: 'prod-eu', tier: 'production' });
  });

  it('never throws nor fails inside a rule on arbitrary objects', () => {
    const kinds = [
      'Deployment',
      'Pod',
      'CronJob',
      'Job',
      'Service',
      'HorizontalPodAutoscaler',
      'PodDisruptionBudget',
      'NetworkPolicy',
      'ServiceMonitor',
      'ConfigMap',
      'List',
    ];
    const field = fc.oneof(fc.jsonValue(), fc.constant(undefined));
    const containerArb = fc.dictionary(
      fc.constantFrom(
        'name',
        'image',
        'ports',
        'env',
        'envFrom',
        'securityContext',
        'resources',
        'livenessProbe',
        'readinessProbe',
      ),
      fc.jsonValue(),
    );
    const object = fc.record({
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'policy/v1beta1'),
      kind: fc.constantFrom(...kinds),
      metadata: field,
      data: field,
      items: field,
      spec: fc.oneof(
        fc.jsonValue(),
        fc.record({
          selector: field,
          podSelector: field,
          scaleTargetRef: field,
          template: fc.record({
            metadata: field,
            spec: fc.record({ containers: fc.array(containerArb), volumes: field, securityContext: field }),
          }),
        }),
      ),
    });
    fc.assert(
      fc.property(fc.array(object, { maxLength: 5 }), (docs) => {
        const report = createKubernetesValidator().validateDocuments(
          docs.map((data) => ({ data: JSON.parse(JSON.stringify(data)) })),
          { tier: 'production' },
        );
        expect(report.findings.filter((f) => f.ruleId.startsWith('engine/'))).toEqual([]);
      }),
      { numRuns: 300 },
    );
    // 300 runs of 70 rules: generous on a shared, loaded CI machine (not a speed assertion).
  }, 60_000);
});
