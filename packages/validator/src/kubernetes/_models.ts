// Loading kubernetes-models' precompiled validators without Node's ES module loader.
//
// Each validator is an ES module of ajv standalone code that imports the validators of its
// sub-schemas (a Deployment's graph is ~120 modules) and `{ formats }` from
// `@kubernetes-models/validate`, whose index loads ajv-formats (full), ajv-formats-draft2019,
// is-cidr and ajv-i18n for the five formats these schemas name. Loaded with require(esm) that
// cost 11.6 MiB of RSS and ~270 ms for the seven kinds of a chart (process.memoryUsage before and
// after; bench/manifests.bench.mjs measures `manifests validate` at ≤ 1.3× js-yaml's peak RSS).
// The modules are machine-written in one shape: a prelude of `import{validate as validateN}from"…";`
// and `import{formats}from"@kubernetes-models/validate";`, then `export const validate=validateN;`
// and plain code. A module of exactly that shape is evaluated here as a function of its imports;
// any other shape, or a format not in FORMATS, is loaded by Node as before (`fallback`). The
// code is evaluated with its validators' options passed positionally (OPTIONS) and its imports
// loaded on first call (importOf). models.test.ts compares both loaders on every built-in kind.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** An error of a compiled validator (ajv's shape). */
export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled validator: true when valid, else its `errors`. */
export interface SchemaValidator {
  (data: unknown): boolean;
  errors?: SchemaError[] | null;
}

/** A format as ajv's standalone code calls it: `validate` is a function, or a RegExp it `test`s. */
export interface ModelFormat {
  type?: string;
  validate: ((value: never) => boolean) | RegExp;
}

// `@kubernetes-models/validate`'s own formats (src/formats.ts), written as it writes them:
// base64 for `byte`, the apimachinery quantity grammar for `quantity`.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SIGNED_NUMBER = /[+-]?(?:\d+|\d+\.\d+|\d+\.|\.\d+)/;
const QUANTITY_SUFFIX = new RegExp(
  `(?:${/[KMGTPE]i/.source}|${/(?:[YZEPTGMkhdcmunpfazy]|da)/.source}|${new RegExp(`[eE]${SIGNED_NUMBER.source}`).source})?`,
);
const QUANTITY = new RegExp(`^${SIGNED_NUMBER.source}${QUANTITY_SUFFIX.source}$`);

/** The formats named by the built-in schemas that ajv-formats defines (its `fullFormats`). */
const AJV_FORMATS = ['int32', 'int64', 'float', 'double', 'date-time'] as const;

let formats: Readonly<Record<string, ModelFormat>> | undefined;
/**
 * The formats of the built-in schemas, as `@kubernetes-models/validate` exports them (ajv-formats'
 * `fullFormats`, then its own `byte` and `quantity`), without the rest of that package. A module
 * naming any other format goes to the fallback.
 */
export function modelFormats(): Readonly<Record<string, ModelFormat>> {
  if (formats) return formats;
  const { fullFormats } = require('ajv-formats/dist/formats.js') as {
    fullFormats: Record<string, ModelFormat>;
  };
  formats = {
    ...Object.fromEntries(AJV_FORMATS.map((name) => [name, fullFormats[name]!])),
    byte: { type: 'string', validate: (value: string) => BASE64.test(value) },
    quantity: { type: 'string', validate: QUANTITY },
  };
  return formats;
}

const require = createRequire(import.meta.url);

// The module statements, wherever they are: ajv's standalone code writes each import before
// the first function that uses it. Each must stand where a statement starts (the text's start, or
// after `;` or `}`), so that none is read out of a string.
const STATEMENT =
  /(?<=^|[;}])(?:import\{(?:validate as (validate\d+)|(formats))\}from"([^"]+)";|export const validate=(validate\d+);)/g;
/** Anything left that would need the module loader: another import or export, `import.meta`, require. */
const MODULE_SYNTAX = /\bimport\b|\bexport\b|\brequire\s*\(/;
const FORMAT_USE = /\bformats(?:\.([\w$]+)|\["([^"]+)"\])/g;
const FORMAT_NAMES: ReadonlySet<string> = new Set([...AJV_FORMATS, 'byte', 'quantity']);
const VALIDATE_PACKAGE = '@kubernetes-models/validate';

/** The validators loaded here (positional options, see OPTIONS) and by the fallback, by file. */
const modules = new Map<string, SchemaValidator>();
/** The validators of modules evaluated here, which take their options positionally. */
const positional = new WeakSet<SchemaValidator>();

/** How a validator evaluated here is called: ajv's four options, positionally. */
type PositionalValidator = SchemaValidator &
  ((
    data: unknown,
    instancePath?: string,
    parentData?: unknown,
    key?: unknown,
    rootData?: unknown,
  ) => boolean);

/**
 * The `validate` export of the kubernetes-models schema module at `file` (an absolute path).
 * `fallback` loads a module the way Node would (require(esm)), for shapes not handled here.
 * A module's imports are loaded when first called, not with the module: a Deployment's graph
 * names ~120 modules (every volume source, the status), of which a rendered Deployment calls
 * about a third. Loading all of them made 4.8 MB of garbage while 1 MB of manifests was
 * validated, now 2.0 MB, and kept 0.6 MB more (sampled allocation profile, heap after a full GC;
 * bench/manifests.bench.mjs). With nothing loaded while a module loads, cycles need no care.
 *
 * The validator returned checks without building instance paths, and again with them only when
 * the data is invalid (see PATHS): the same answer and the same `errors`.
 */
export function loadModelValidator(
  file: string,
  fallback: (file: string) => SchemaValidator,
): SchemaValidator {
  const known = checked.get(file);
  if (known) return known;
  const real = load(file, fallback);
  const validate: SchemaValidator = Object.assign(
    (data: unknown) => {
      if (real(data)) {
        validate.errors = real.errors;
        return true;
      }
      // Invalid: checked again with the paths its errors give (validators are pure).
      paths.on = true;
      try {
        const valid = real(data);
        validate.errors = real.errors;
        return valid;
      } finally {
        paths.on = false;
      }
    },
    { errors: null },
  );
  checked.set(file, validate);
  return validate;
}

/** The validators {@link loadModelValidator} returned, by file. */
const checked = new Map<string, SchemaValidator>();

/** Loads a module (cached in `modules`): the validator its imports call. */
function load(file: string, fallback: (file: string) => SchemaValidator): SchemaValidator {
  const known = modules.get(file);
  if (known) return known;
  const parsed = parseModule(readFileSync(file, 'utf8'), file);
  if (!parsed) {
    const loaded = fallback(file);
    modules.set(file, loaded);
    return loaded;
  }
  const imports = parsed.imports.map((target) =>
    target === undefined ? modelFormats() : importOf(target, fallback),
  );
  // The module's own code, run once, as Node would run it (strict, its imports bound).
  const factory = new Function(...parsed.names, PATHS, parsed.body) as (
    ...args: unknown[]
  ) => SchemaValidator;
  const real = factory(...imports, paths);
  positional.add(real);
  modules.set(file, real);
  return real;
}

/**
 * What a module gets for an import: the validator when it is loaded already, else a function
 * that loads it on its first call and passes its `errors` on, as ajv's code reads them from
 * the function it called. A module left to the fallback takes its options as an object.
 */
function importOf(target: string, fallback: (file: string) => SchemaValidator): SchemaValidator {
  const known = modules.get(target);
  if (known && positional.has(known)) return known;
  let real: PositionalValidator | undefined;
  let named = false;
  const lazy: PositionalValidator = Object.assign(
    (data: unknown, instancePath?: string, parentData?: unknown, key?: unknown, rootData?: unknown) => {
      if (real === undefined) {
        real = load(target, fallback) as PositionalValidator;
        named = !positional.has(real);
      }
      const valid = named
        ? (real as (d: unknown, o: object) => boolean)(data, {
            instancePath,
            parentData,
            parentDataProperty: key,
            rootData,
          })
        : real(data, instancePath, parentData, key, rootData);
      lazy.errors = real.errors;
      return valid;
    },
    { errors: null },
  );
  return lazy;
}

// ajv's standalone code passes each validator it calls a new options object
// (`{instancePath:…,parentData:…,parentDataProperty:…,rootData}`), and each validator takes it
// apart: an object per call and per nested field, ~4 MB of the ~8 MB of garbage the schema
// checks made on 1 MB of manifests (sampled allocation profile). The modules evaluated here take
// the four options as parameters instead, with the same defaults; the values passed, and so
// every error, are the same. Every signature and call site is in one of the three written
// forms; a module with any other is left to the fallback.
const OPTIONS =
  /\(data,\{instancePath="",parentData,parentDataProperty,rootData=data\}=\{\}\)|,\{instancePath,parentData,parentDataProperty,rootData\}\)|,\{instancePath:((?:(?!,parentData:)[^{}])*),parentData:((?:(?!,parentDataProperty:)[^{}])*),parentDataProperty:((?:(?!,rootData\})[^{}])*),rootData\}\)/g;
/** An option written in an object still (`parentData:`, `rootData}`…): such a module is not rewritten. */
const OPTIONS_LEFT = /\bparentData(?:Property)?[:=}]|\brootData(?:[:}]|=data\})/;

function positionalOptions(body: string): string | undefined {
  const rewritten = body
    .replace(OPTIONS, (match, instancePath: string | undefined, parentData: string, key: string) =>
      match.startsWith('(')
        ? '(data,instancePath="",parentData,parentDataProperty,rootData=data)'
        : instancePath === undefined
          ? ',instancePath,parentData,parentDataProperty,rootData)'
          : `,${pathOr(instancePath)},${parentData},${key},rootData)`,
    )
    .replace(ERROR_PATH, (_, instancePath: string) => `{instancePath:${pathOr(instancePath)},schemaPath:`);
  return OPTIONS_LEFT.test(rewritten) ? undefined : rewritten;
}

// ajv's code builds the instance path of every field it checks, `instancePath+"/spec"`, and
// `instancePath+"/"+key0.replace(/~/g,"~0").replace(/\//g,"~1")` for every label and annotation
// key (most hold a `/`), whether or not the field is valid: ~3 MB of the ~26 MB of garbage
// validating 1 MB of manifests made (sampled allocation profile, bench/manifests.bench.mjs). The
// paths are read only by errors, and manifests are nearly always valid, so each path expression
// is evaluated only while `PATHS.on`, else the caller's path is passed on unchanged;
// loadModelValidator checks invalid data a second time with the paths on.
/** The name a module's code reads the switch by (no ajv code names anything with a `$`). */
const PATHS = '$paths';
/** Whether instance paths are built; on only while loadModelValidator checks invalid data again. */
const paths = { on: false };
const pathOr = (instancePath: string) => `(${PATHS}.on?${instancePath}:instancePath)`;
/** The path of an error ajv's code makes (`{instancePath:instancePath+"/x",schemaPath:…}`). */
const ERROR_PATH = /\{instancePath:((?:(?!,schemaPath:)[^{}])*),schemaPath:/g;

/** The imports (a file, or undefined for the formats), their local names and the body as a function's. */
export function parseModule(
  source: string,
  file: string,
): { imports: Array<string | undefined>; names: string[]; body: string } | undefined {
  const imports: Array<string | undefined> = [];
  const names: string[] = [];
  let exported: string | undefined;
  let unresolved = false;
  const body = source
    .replace(STATEMENT, (_, name: string, formats: string, specifier: string, exports: string) => {
      if (exports) {
        if (exported !== undefined) unresolved = true;
        exported = exports;
      } else if (formats) {
        if (specifier !== VALIDATE_PACKAGE) unresolved = true;
        imports.push(undefined);
        names.push('formats');
      } else {
        const target = resolveSchema(specifier, file);
        if (!target) unresolved = true;
        imports.push(target);
        names.push(name);
      }
      return '';
    })
    .replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '');
  if (unresolved || exported === undefined || MODULE_SYNTAX.test(body)) return undefined;
  // Every use of `formats` must name one of FORMAT_NAMES (`formats.x` or `formats["x"]`).
  const uses = body.match(/\bformats\b/g)?.length ?? 0;
  const named = [...body.matchAll(FORMAT_USE)].map((m) => m[1] ?? m[2]!);
  if (named.length !== uses || !named.every((name) => FORMAT_NAMES.has(name))) return undefined;
  const code = positionalOptions(body);
  if (code === undefined) return undefined;
  // The source URL names the file in stack traces and profiles, as Node's loader would.
  const url = `//# sourceURL=${pathToFileURL(file).href}`;
  return { imports, names, body: `"use strict";${code}\nreturn ${exported};\n${url}` };
}

const packageFolders = new Map<string, string | undefined>();

/**
 * The file a schema module's specifier names: relative (`./X.js`) or another kubernetes-models
 * package's `_schemas` (`@kubernetes-models/apimachinery/_schemas/X`, which its `exports` map
 * to `./_schemas/X.js`). Undefined for anything else, or when the file is not there.
 */
function resolveSchema(specifier: string, from: string): string | undefined {
  let file: string | undefined;
  if (specifier.startsWith('./')) file = join(dirname(from), specifier);
  else {
    const match = /^(@kubernetes-models\/[a-z0-9-]+)\/_schemas\/(\w+)$/.exec(specifier);
    if (!match) return undefined;
    const folder = packageFolder(match[1]!, from);
    if (folder) file = join(folder, '_schemas', `${match[2]}.js`);
  }
  return file?.endsWith('.js') && existsSync(file) ? file : undefined;
}

/** Where `name` is installed as seen from `from`, found the way Node searches node_modules. */
function packageFolder(name: string, from: string): string | undefined {
  const base = dirname(from);
  const key = `${base}\u0000${name}`;
  if (packageFolders.has(key)) return packageFolders.get(key);
  let found: string | undefined;
  // From the real path, as Node resolves a module's imports (pnpm installs through symlinks).
  for (const dir of createRequire(realpathSync(from)).resolve.paths(name) ?? []) {
    if (existsSync(join(dir, name, 'package.json'))) {
      found = join(dir, name);
      break;
    }
  }
  packageFolders.set(key, found);
  return found;
}
