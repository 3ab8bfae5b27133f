// The Kubernetes OpenAPI schemas, one compiled validator per apiVersion and kind, loaded the
// first time an object of that kind is seen: `kubernetes-models` ships them precompiled (ajv
// standalone code), so nothing is compiled at run time, and a run that meets five kinds loads
// five validators, not the ~900 of the package (loading them all costs seconds).
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AgentforgeError } from '@agentforge/schema/kernel';
import { loadModelValidator, type SchemaValidator } from './_models.js';

export type { SchemaError, SchemaValidator } from './_models.js';

// kubernetes-models is ESM-only; require(esm) (Node ≥ 20.19) loads a validator synchronously,
// as the rules run synchronously.
const require = createRequire(import.meta.url);

/** Built-in API groups: the core group, the historical unqualified ones and `*.k8s.io`. */
const UNQUALIFIED = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'extensions']);

/** Splits `apps/v1` into group and version (`v1` is the core group). */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** True for the groups Kubernetes itself serves (everything else is a custom resource). */
export const isBuiltInGroup = (group: string) =>
  UNQUALIFIED.has(group) || group === 'k8s.io' || group.endsWith('.k8s.io');

const builtIn = new Map<string, SchemaValidator | null>();

let packageRoot: string | undefined;
/**
 * The folder of `kubernetes-models`. Its `exports` offer only the `import` condition, which
 * `require.resolve` does not match, so the folder is found the way Node searches for it.
 */
export function modelsRoot(): string {
  if (packageRoot) return packageRoot;
  for (const dir of require.resolve.paths('kubernetes-models') ?? []) {
    const candidate = join(dir, 'kubernetes-models');
    if (existsSync(join(candidate, 'package.json'))) {
      packageRoot = candidate;
      return candidate;
    }
  }
  throw new AgentforgeError(
    'FILE_NOT_FOUND',
    'the kubernetes-models package is not installed (a dependency of @agentforge/validator)',
  );
}

/**
 * The validator of a built-in apiVersion and kind, or undefined when Kubernetes has no such kind
 * in that version. The model module names its schema (`…/_schemas/IoK8sApiAppsV1Deployment.js`);
 * reading that import keeps the mapping the package's own, with no table to maintain here.
 */
export function builtInValidator(apiVersion: string, kind: string): SchemaValidator | undefined {
  const key = `${apiVersion} ${kind}`;
  const cached = builtIn.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let found: SchemaValidator | null = null;
  const { group, version } = splitApiVersion(apiVersion);
  // Model files are PascalCase kinds; sub-types (DeploymentSpec) declare no kind and are refused below.
  if (
    /^[A-Z][A-Za-z0-9]*$/.test(kind) &&
    /^v\d+((alpha|beta)\d+)?$/.test(version) &&
    /^[a-z0-9.-]*$/.test(group)
  ) {
    const root = modelsRoot();
    const model = join(root, group, version, `${kind}.js`);
    if (existsSync(model)) {
      const source = readFileSync(model, 'utf8');
      const schema = /_schemas\/(\w+)\.js/.exec(source)?.[1];
      const declares = source.includes(`apiVersion="${apiVersion}"`) && source.includes(`kind="${kind}"`);
      if (schema && declares)
        found = loadModelValidator(
          realpathSync(join(root, '_schemas', `${schema}.js`)),
          (file) => (require(file) as { validate: SchemaValidator }).validate,
        );
    }
  }
  builtIn.set(key, found);
  return found ?? undefined;
}

const located = new Map<string, SchemaValidator | null>();

/**
 * The validator of a custom resource from a schema location, laid out as kubeconform's and the
 * CRDs-catalog's: `<location>/<group>/<kind in lower case>_<version>.json` (JSON Schema, as
 * `openapi2jsonschema` writes from a CRD). Undefined when no location has it.
 */
export function locatedValidator(
  locations: readonly string[],
  apiVersion: string,
  kind: string,
): SchemaValidator | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  const key = `${locations.join('\u0000')}\u0000${apiVersion} ${kind}`;
  const cached = located.get(key);
  if (cached !== undefined) return cached ?? undefined;
  let found: SchemaValidator | null = null;
  for (const location of locations) {
    const file = join(location, group, `${kind.toLowerCase()}_${version}.json`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (error) {
      throw new AgentforgeError('PARSE_ERROR', `${file}: not a JSON schema (${(error as Error).message})`, {
        cause: error,
      });
    }
    found = compile(schema, file);
    break;
  }
  located.set(key, found);
  return found ?? undefined;
}

function compile(schema: unknown, file: string): SchemaValidator {
  // ajv is loaded only when a schema location is used: built-in kinds need no compiler.
  const { Ajv } = require('ajv') as typeof import('ajv');
  // Without ajv's optimisation pass over the generated code (it only drops unused names and
  // folds constants: the same checks, the same errors): ~1 MB less garbage compiling a schema
  // and the draft-07 meta-schema it is checked against (sampled allocation profile).
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, code: { optimize: false } });
  try {
    return ajv.compile(schema as object) as SchemaValidator;
  } catch (error) {
    throw new AgentforgeError(
      'PARSE_ERROR',
      `${file}: not a valid JSON schema (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}
