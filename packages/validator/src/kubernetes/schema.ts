// Schema validity, kubeconform's job: every object against the Kubernetes OpenAPI schema of its
// apiVersion and kind, unknown apiVersions and kinds located, custom resources validated against
// a schema location or noted as skipped.
import { statSync } from 'node:fs';
import { AgentforgeError } from '@agentforge/schema/kernel';
import type { Violation } from '../types.js';
import { family, objectRule, type RuleFamily, setRule } from './_define.js';
import type { Located } from './_index.js';
import { type K8sObject, show } from './_objects.js';
import {
  builtInValidator,
  isBuiltInGroup,
  locatedValidator,
  type SchemaError,
  type SchemaValidator,
  splitApiVersion,
} from './_openapi.js';
import { DEPRECATED_APIS } from './hygiene.js';

/**
 * The Kubernetes version manifests are checked for when none is given: the floor of the Helm
 * chart's `kubeVersion` (deployment/helm/agentforge/Chart.yaml; a test keeps them equal).
 */
export const DEFAULT_KUBERNETES_VERSION = '1.25';

/**
 * Built-in kinds that appeared after the oldest version worth checking for: `apiVersion kind`
 * (or `apiVersion *` for a whole group version) → the Kubernetes version that first served it
 * by default. Older kinds need no entry; removed ones are in DEPRECATED_APIS.
 */
export const INTRODUCED_APIS: Readonly<Record<string, string>> = {
  'flowcontrol.apiserver.k8s.io/v1beta3 *': '1.26',
  'flowcontrol.apiserver.k8s.io/v1 *': '1.29',
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy': '1.30',
  'admissionregistration.k8s.io/v1 ValidatingAdmissionPolicyBinding': '1.30',
  'networking.k8s.io/v1 IPAddress': '1.33',
  'networking.k8s.io/v1 ServiceCIDR': '1.33',
  'resource.k8s.io/v1 *': '1.34',
  'storage.k8s.io/v1 VolumeAttributesClass': '1.34',
};

/** Options of the schema rules. */
export interface SchemaOptions {
  /** Kubernetes version the manifests are for (`1.29`, `v1.29.3`). @default DEFAULT_KUBERNETES_VERSION */
  kubernetesVersion?: string;
  /** Folders of JSON schemas for custom resources, laid out as `<group>/<kind>_<version>.json` (kubeconform's layout). */
  schemaLocations?: readonly string[];
}

/** `v1.29.3` → [1, 29]; undefined when it is not a version. */
export function parseKubernetesVersion(version: string): [number, number] | undefined {
  const match = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

const introducedIn = (apiVersion: string, kind: string) =>
  INTRODUCED_APIS[`${apiVersion} ${kind}`] ?? INTRODUCED_APIS[`${apiVersion} *`];

/** What an error says, without the value (which may be a secret). */
function describe(e: SchemaError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'type':
      return `must be ${String(p.type).replace(',', ' or ')}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return 'is required';
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'pattern':
      return `must match ${String(p.pattern)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'minLength':
    case 'maxLength':
      return `must have ${e.keyword === 'minLength' ? 'at least' : 'at most'} ${String(p.limit)} characters`;
    case 'minItems':
    case 'maxItems':
      return `must have ${e.keyword === 'minItems' ? 'at least' : 'at most'} ${String(p.limit)} items`;
    case 'additionalProperties':
      return `has an unknown field ${JSON.stringify(p.additionalProperty)}`;
    case 'oneOf':
    case 'anyOf':
      return 'matches none of the allowed forms';
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/** One violation per offending field: the errors of a field are joined; `oneOf` noise is folded. */
function violationsOf(o: K8sObject, errors: readonly SchemaError[]): Violation[] {
  const byPath = new Map<string, { segments: string[]; messages: string[] }>();
  for (const e of errors) {
    const segments =
      e.instancePath === ''
        ? []
        : e.instancePath
            .slice(1)
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (e.keyword === 'required') segments.push(String(e.params.missingProperty));
    const key = segments.join('/');
    const entry = byPath.get(key) ?? { segments, messages: [] };
    const message = describe(e);
    if (!entry.messages.includes(message)) entry.messages.push(message);
    byPath.set(key, entry);
  }
  return [...byPath.values()].map(({ segments, messages }) => {
    // "must be string or must be integer; matches none…" reads better as its alternatives.
    const types = messages.filter((m) => m.startsWith('must be ') && !m.includes('one of'));
    const text =
      types.length > 1
        ? `must be ${types.map((m) => m.slice(8)).join(' or ')}`
        : messages
            .filter((m) => m !== 'matches none of the allowed forms' || messages.length === 1)
            .join('; ');
    const field = segments.length === 0 ? 'the object' : segments.join('.');
    return {
      path: [...o.path, ...segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s))],
      message: `${show(o)}: ${field} ${text}`,
    };
  });
}

/** The schema rules for one Kubernetes version and set of schema locations. */
export function schemaFamily(options: SchemaOptions = {}): RuleFamily {
  const versionText = options.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
  const target = parseKubernetesVersion(versionText);
  if (!target)
    throw new TypeError(`kubernetesVersion "${versionText}" is not a Kubernetes version (1.29, v1.29.3)`);
  const shown = `${target[0]}.${target[1]}`;
  const locations = options.schemaLocations ?? [];
  for (const location of locations)
    if (!statSync(location, { throwIfNoEntry: false })?.isDirectory())
      throw new AgentforgeError('FILE_NOT_FOUND', `${location}: no such schema folder (--schema-location)`);

  // Per apiVersion, then kind: two lookups of strings that already carry their hash, instead of
  // building a key for each of thousands of objects (measured: the key cost more than the lookup).
  // `compute` is given once, not per object: a closure per object and rule was garbage.
  const memo = <T>(compute: (o: K8sObject) => T) => {
    const byVersion = new Map<string, Map<string, T>>();
    return (o: K8sObject): T => {
      let byKind = byVersion.get(o.apiVersion);
      if (!byKind) {
        byKind = new Map();
        byVersion.set(o.apiVersion, byKind);
      }
      if (byKind.has(o.kind)) return byKind.get(o.kind) as T;
      const value = compute(o);
      byKind.set(o.kind, value);
      return value;
    };
  };
  const validatorOf = memo<SchemaValidator | undefined>((o) =>
    isBuiltInGroup(splitApiVersion(o.apiVersion).group)
      ? builtInValidator(o.apiVersion, o.kind)
      : locatedValidator(locations, o.apiVersion, o.kind),
  );
  /** Why the target version does not serve the kind, or undefined when it does (or it is not built in). */
  const unknownBecause = memo<string | undefined>((o) => {
    // Removed API versions are k8s/deprecated-api's finding, with the replacement to use.
    if (!isBuiltInGroup(splitApiVersion(o.apiVersion).group) || DEPRECATED_APIS[`${o.apiVersion} ${o.kind}`])
      return undefined;
    if (!builtInValidator(o.apiVersion, o.kind)) return `Kubernetes has no kind ${o.kind} in ${o.apiVersion}`;
    const since = introducedIn(o.apiVersion, o.kind);
    const sinceVersion = since ? parseKubernetesVersion(since) : undefined;
    return sinceVersion && before(target, sinceVersion)
      ? `Kubernetes ${shown} does not serve ${o.apiVersion} ${o.kind} (added in ${since})`
      : undefined;
  });

  const schema = objectRule(
    {
      id: 'k8s/schema',
      severity: 'high',
      description:
        'An object that does not match the OpenAPI schema of its apiVersion and kind (a wrong type, a value outside an enum, a missing required field) is refused by the API server.',
      recommendation:
        'Fix the field as the message says (`kubectl explain <kind>.<field>` shows its schema).',
      tags: ['correctness', 'schema'],
    },
    (o, out) => {
      const validate = validatorOf(o);
      if (validate && !validate(o.object)) out.push(...violationsOf(o, validate.errors ?? []));
    },
  );

  const unknownKind = objectRule(
    {
      id: 'k8s/unknown-kind',
      severity: 'high',
      description: `An apiVersion and kind the target Kubernetes version does not serve (a typo, a kind of another group, a kind newer than the cluster) is refused by \`kubectl apply\`.`,
      recommendation:
        'Use the apiVersion that serves the kind (`kubectl api-resources` lists them), or raise --kubernetes-version to the version of the cluster.',
      tags: ['correctness', 'schema'],
    },
    (o, out) => {
      const because = unknownBecause(o);
      if (because) out.push({ path: [...o.path, 'apiVersion'], message: because });
    },
  );

  const skipped = setRule(
    {
      id: 'k8s/schema-skipped',
      severity: 'info',
      description:
        'A custom resource without a schema is not checked for schema validity: a typo in it reaches the cluster. A note, once per kind.',
      recommendation:
        "Pass --schema-location <folder> with its JSON schema as `<group>/<kind>_<version>.json` (kubeconform's layout; `openapi2jsonschema` writes it from the CRD).",
      tags: ['schema'],
    },
    (index, out) => {
      const seen = new Set<string>();
      // Built-in or not, per apiVersion: no key string per object of the set, only per custom resource.
      const builtIn = new Map<string, boolean>();
      for (const o of index.all) {
        let isBuiltIn = builtIn.get(o.apiVersion);
        if (isBuiltIn === undefined) {
          isBuiltIn = isBuiltInGroup(splitApiVersion(o.apiVersion).group);
          builtIn.set(o.apiVersion, isBuiltIn);
        }
        if (isBuiltIn) continue;
        const key = `${o.apiVersion} ${o.kind}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (!locatedValidator(locations, o.apiVersion, o.kind))
          out.push(
            noteAt(
              o,
              `${o.apiVersion} ${o.kind} is a custom resource without a schema: not checked for schema validity`,
            ),
          );
      }
    },
  );

  return family('Schema validity', [schema, unknownKind, skipped]);
}

const noteAt = (o: Located, message: string): Violation => ({
  path: [...o.path, 'kind'],
  message,
  document: o.document,
});
