import type * as z from 'zod';
import { PROCESS_CONTRACT } from './delivery.js';
import { EnvironmentDocumentSchema } from './environment.js';
import { AgentforgeError, type SafeResult, toSafe } from './errors.js';
import { isPlainObject } from './objects.js';
import { formatPointer } from './paths.js';

/** How documents map to variables. */
export interface EnvMappingOptions {
  /** Prefix of every variable. @default 'AGENTFORGE' */
  prefix?: string;
  /** The schema that names and types the settings. @default EnvironmentDocumentSchema */
  schema?: z.ZodType;
}

/** Settings read from environment variables, and which variable set each JSON pointer. */
export interface EnvironmentVariablesResult {
  data: Record<string, unknown>;
  sources: Map<string, string>;
}

// zod v4 keeps each schema's definition on `_zod.def`; we only read the few fields below.
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schema with optional/default/nullable/pipe wrappers removed. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (
      def.innerType &&
      ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)
    ) {
      current = def.innerType;
    } else if (def.type === 'pipe' && def.in) current = def.in;
    else return current;
  }
}

/** The variable segment of a key: `readOnlyRootFilesystem` → `READ_ONLY_ROOT_FILESYSTEM`, `route-engine` → `ROUTE_ENGINE`. */
export function toEnvSegment(key: string): string {
  // Keys already in upper case (extra env variables) keep their spelling.
  if (!/[a-z]/.test(key)) return key.replace(/-/g, '_');
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toUpperCase();
}

/** The variable that sets `segments`: `['services', 'swarm', 'replicas']` → `AGENTFORGE_SERVICES__SWARM__REPLICAS`. */
export function envVarName(segments: readonly (string | number)[], options: EnvMappingOptions = {}): string {
  return [options.prefix ?? 'AGENTFORGE', ...segments.map((s) => toEnvSegment(String(s)))]
    .join('__')
    .replace('__', '_');
}

/**
 * Flattens a document into `AGENTFORGE_SECTION__SUB__KEY` variables, sorted by name. Lists
 * and empty maps become JSON; secret references stay references (`…__SECRET_REF=name`).
 * @example toEnvironmentVariables(doc).AGENTFORGE_SERVICES__SWARM__REPLICAS // '3'
 */
export function toEnvironmentVariables(
  document: unknown,
  options: EnvMappingOptions = {},
): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (value: unknown, segments: string[]) => {
    if (value === undefined) return;
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      // An empty map is still a value (`env: {}`); it is written as JSON so it reads back.
      if (entries.length === 0 && segments.length > 0) out[envVarName(segments, options)] = '{}';
      for (const [key, child] of entries) walk(child, [...segments, key]);
      return;
    }
    out[envVarName(segments, options)] = Array.isArray(value) ? JSON.stringify(value) : String(value);
  };
  walk(document, []);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// The process contract's own variables share the prefix but name files, not settings: the
// generated Deployments set them beside the mounted document (docs/process-contract.md).
const CONTRACT_VARIABLES: ReadonlySet<string> = new Set([
  PROCESS_CONTRACT.configFileVariable,
  PROCESS_CONTRACT.secretsDirVariable,
]);

/**
 * Reads the settings in `vars` (other variables, and the process contract's
 * `AGENTFORGE_CONFIG_FILE` and `AGENTFORGE_SECRETS_DIR`, are ignored) into a partial document, each
 * value coerced and checked by the schema's type at its path. A variable that names no
 * setting or cannot be coerced throws an `ENV_VAR_INVALID` error naming it.
 */
export function fromEnvironmentVariables(
  vars: Readonly<Record<string, string | undefined>>,
  options: EnvMappingOptions = {},
): EnvironmentVariablesResult {
  const prefix = `${options.prefix ?? 'AGENTFORGE'}_`;
  const root = options.schema ?? EnvironmentDocumentSchema;
  const data: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const name of Object.keys(vars).sort()) {
    const raw = vars[name];
    if (!name.startsWith(prefix) || raw === undefined || CONTRACT_VARIABLES.has(name)) continue;
    const path = resolvePath(root, name.slice(prefix.length).split('__'), name);
    setPath(data, path.keys, coerce(path.leaf, raw, name));
    sources.set(formatPointer(path.keys), name);
  }
  return { data, sources };
}

/** {@link fromEnvironmentVariables} that returns `{ success, data | error }` instead of throwing. */
export function safeFromEnvironmentVariables(
  vars: Readonly<Record<string, string | undefined>>,
  options: EnvMappingOptions = {},
): SafeResult<EnvironmentVariablesResult> {
  return toSafe(() => fromEnvironmentVariables(vars, options));
}

function invalid(name: string, message: string): never {
  throw new AgentforgeError('ENV_VAR_INVALID', `${name}: ${message}`);
}

function resolvePath(root: z.ZodType, segments: string[], name: string): { keys: string[]; leaf: z.ZodType } {
  const keys: string[] = [];
  let schema = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    let current = unwrap(schema);
    let def = defOf(current);
    if (def.type === 'union') {
      // `string | { secretRef }`: a further segment selects the object member.
      const objectOption = def.options?.find((o) => defOf(unwrap(o)).type === 'object');
      if (!objectOption) invalid(name, `does not name a setting (${keys.join('.')} has no "${segment}")`);
      current = unwrap(objectOption);
      def = defOf(current);
    }
    if (def.type === 'object' && def.shape) {
      const key = Object.keys(def.shape).find((k) => toEnvSegment(k) === segment);
      if (key === undefined)
        invalid(
          name,
          `does not name a setting (no "${segment.toLowerCase()}" under ${keys.join('.') || 'the document'})`,
        );
      keys.push(key);
      schema = def.shape[key]!;
    } else if (def.type === 'record' && def.keyType && def.valueType) {
      const keyType = def.keyType;
      const key = [segment, segment.toLowerCase().replace(/_/g, '-'), segment.toLowerCase()].find(
        (k) => keyType.safeParse(k).success,
      );
      if (key === undefined) invalid(name, `"${segment}" is not a valid key under ${keys.join('.')}`);
      keys.push(key);
      schema = def.valueType;
    } else {
      invalid(name, `does not name a setting (${keys.join('.')} has no sub-settings)`);
    }
  }
  return { keys, leaf: schema };
}

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function coerce(schema: z.ZodType, raw: string, name: string): unknown {
  // The exact text first, so a quoted dotenv value such as ' x ' reads back as written; then
  // trimmed, so ' 3' or 'info ' still read as before.
  const exact = coerceTo(unwrap(schema), raw, name);
  if (raw === raw.trim() || schema.safeParse(exact).success) return checkedValue(schema, exact, name);
  return checkedValue(schema, coerceTo(unwrap(schema), raw.trim(), name), name);
}

function checkedValue(schema: z.ZodType, value: unknown, name: string): unknown {
  const checked = schema.safeParse(value);
  if (!checked.success) invalid(name, checked.error.issues.map((issue) => issue.message).join('; '));
  // The raw (input-side) value is kept: the document is parsed once more as a whole.
  return value;
}

function coerceTo(schema: z.ZodType, raw: string, name: string): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case 'number':
    case 'int': {
      const n = raw.trim() === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(n)) invalid(name, `expected a number, got "${raw}"`);
      return n;
    }
    case 'boolean': {
      const lower = raw.trim().toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return invalid(name, `expected true or false, got "${raw}"`);
    }
    case 'array': {
      if (raw.trimStart().startsWith('[')) {
        try {
          return JSON.parse(raw);
        } catch {
          return invalid(name, 'expected a JSON list or a comma-separated list');
        }
      }
      const element = unwrap(def.element!);
      return raw === '' ? [] : raw.split(',').map((item) => coerceTo(element, item.trim(), name));
    }
    case 'union': {
      // Numbers win only where the union has no string member (quantities stay strings).
      const kinds = (def.options ?? []).map((o) => defOf(unwrap(o)).type);
      if (kinds.includes('string') || kinds.includes('enum')) return raw;
      const numeric = (def.options ?? []).find((o) => ['number', 'int'].includes(defOf(unwrap(o)).type));
      return numeric ? coerceTo(unwrap(numeric), raw, name) : raw;
    }
    case 'object':
    case 'record':
      try {
        return JSON.parse(raw);
      } catch {
        return invalid(name, 'expected a JSON object');
      }
    default:
      return raw;
  }
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let current = target;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    if (next === null || typeof next !== 'object') current[key] = {};
    current = current[key] as Record<string, unknown>;
  }
  current[keys.at(-1)!] = value;
}
