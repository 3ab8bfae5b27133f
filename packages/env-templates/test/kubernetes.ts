// Test helpers: Kubernetes schema validation with kubernetes-models, the restricted Pod
// Security Standard, and running `kubectl kustomize` (find kubectl with requireTool).
import { spawnSync } from 'node:child_process';

/** Parsed YAML or JSON whose shape the test asserts itself. */
// biome-ignore lint/suspicious/noExplicitAny: rendered documents are untyped; the assertions check their shape
export type Untyped = any;

/** A Kubernetes object as rendered by `kubectl kustomize`. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

type Model = new (data: unknown) => { validate(): void };

/** The module that holds the model of `apiVersion` (core `v1` → `kubernetes-models/v1`). */
function modelModule(apiVersion: string): string {
  if (apiVersion.startsWith('external-secrets.io/'))
    return `@kubernetes-models/external-secrets/${apiVersion}`;
  if (apiVersion.startsWith('cert-manager.io/')) return `@kubernetes-models/cert-manager/${apiVersion}`;
  return `kubernetes-models/${apiVersion}`;
}

/** Validates one object against its Kubernetes (or External Secrets) schema; throws when it does not validate or has no model. */
export async function validateObject(object: KubeObject): Promise<void> {
  const module = (await import(modelModule(object.apiVersion))) as Record<string, Model | undefined>;
  const Model = module[object.kind];
  if (!Model) throw new Error(`no kubernetes-models schema for ${object.apiVersion} ${object.kind}`);
  new Model(object).validate();
}

const ALLOWED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
  'name',
]);

/**
 * Violations of the restricted Pod Security Standard (Kubernetes docs, "Pod Security
 * Standards", restricted profile) in a pod template, as messages; empty when it complies.
 */
export function restrictedViolations(podSpec: Record<string, Untyped>): string[] {
  const problems: string[] = [];
  const pod = podSpec.securityContext ?? {};
  if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC) problems.push('host namespaces');
  for (const volume of podSpec.volumes ?? []) {
    for (const key of Object.keys(volume))
      if (!ALLOWED_VOLUMES.has(key)) problems.push(`volume ${volume.name} of type ${key}`);
  }
  if (pod.runAsUser === 0) problems.push('pod runAsUser 0');
  const containers = [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
  for (const container of containers) {
    const sc = container.securityContext ?? {};
    const name = container.name;
    if (sc.privileged) problems.push(`${name}: privileged`);
    if (sc.allowPrivilegeEscalation !== false)
      problems.push(`${name}: allowPrivilegeEscalation is not false`);
    if (!(sc.runAsNonRoot ?? pod.runAsNonRoot)) problems.push(`${name}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) problems.push(`${name}: runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      problems.push(`${name}: seccompProfile is ${seccomp}`);
    const caps = sc.capabilities ?? {};
    if (!(caps.drop ?? []).includes('ALL')) problems.push(`${name}: capabilities do not drop ALL`);
    for (const cap of caps.add ?? [])
      if (cap !== 'NET_BIND_SERVICE') problems.push(`${name}: adds capability ${cap}`);
    for (const port of container.ports ?? [])
      if (port.hostPort) problems.push(`${name}: hostPort ${port.hostPort}`);
  }
  return problems;
}

/** `kubectl kustomize dir` as text; throws with kubectl's stderr when it fails. */
export function kustomize(kubectl: string, dir: string): string {
  const result = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr.slice(0, 2000)}`);
  return result.stdout;
}
