// `@agentforge/schema/kernel`: the shared kernel without zod and without `yaml`. Errors,
// severities and tiers, paths and pointers, safe objects, quantities, the secret detector,
// schema checks (zod is only a type here: the caller brings the schema) and the bulk reader.
// `manifests validate` runs on it alone: importing the root entry costs ~20 MiB of zod, the
// environment schemas and `yaml` that 1 MB of manifests never use (bench/manifests.bench.mjs).
// Every export here is also exported by the root entry, from the same modules.
export {
  type BulkLoadOptions,
  type DocumentFormat,
  type LoadedDocument,
  type LoadOptions,
  type Locator,
  loadBulkDocuments,
  loadBulkFileDocuments,
} from './bulk-load.js';
export {
  type CheckSchemaOptions,
  checkSchema,
  type ParseWithSchemaOptions,
  parseWithSchema,
  type SchemaCheck,
} from './check.js';
export {
  AgentforgeError,
  type AgentforgeErrorOptions,
  ERROR_CODES,
  type ErrorCode,
  isAgentforgeError,
  type SafeResult,
  toSafe,
} from './errors.js';
export {
  compareSeverity,
  isAtLeast,
  SEVERITIES,
  type Severity,
  shiftSeverity,
  TIERS,
  type Tier,
} from './levels.js';
export {
  asPlainObject,
  assertSafeKey,
  type DeepPartial,
  deepMerge,
  FORBIDDEN_KEYS,
  isForbiddenKey,
  isPlainObject,
  setOwnProperty,
} from './objects.js';
export {
  type CompiledPath,
  compileGlob,
  compileNameGlob,
  compilePath,
  expandPath,
  findMatches,
  formatPointer,
  getAtPointer,
  matchPath,
  type PathMatch,
  type PathMatcher,
  parsePath,
  parsePointer,
  pathToPointer,
  pointerToPath,
  toSegments,
} from './paths.js';
export {
  DURATION_PATTERN,
  isQuantity,
  parseDuration,
  parseQuantity,
  QUANTITY_PATTERN,
} from './quantities.js';
export {
  createFingerprintKey,
  type DetectSecretOptions,
  detectSecret,
  type FingerprintKey,
  fingerprint,
  isHighEntropySecret,
  isRedacted,
  isSecretKey,
  isSecretRef,
  looksLikeSecret,
  markerKeyId,
  markersComparable,
  type RedactOptions,
  redact,
  redactedMarker,
  redactString,
  SECRET_KEY_LOOKALIKES,
  secretValueKind,
  shannonEntropy,
} from './secrets.js';
export type { Change, ChangeKind, Finding, Logger, SourceLocation } from './vocabulary.js';
