export {
  ACCESS_ACTIONS,
  type AccessAction,
  type AccessCheckOptions,
  type AccessDecision,
  type AccessPolicy,
  type AccessRequest,
  AccessSchema,
  type AccessViolation,
  accessDeniedMessage,
  auditedChange,
  authorizeChange,
  type ChangeAuthorization,
  type ChangeMade,
  type ChangeRequest,
  changedPaths,
  checkAccess,
  checkAccessAgainstBase,
  renderCodeowners,
  workspaceAccess,
} from './access.js';
export { type Colors, createColors, shouldColor } from './ansi.js';
export {
  type Assignment,
  assignmentsToObject,
  assignmentToEdit,
  parseAssignment,
} from './assignments.js';
export {
  recoverFileSet,
  type SetFile,
  type WriteFileAtomicOptions,
  writeFileAtomic,
  writeFileSetAtomic,
} from './atomic-write.js';
export {
  type AppendAuditOptions,
  AUDIT_LOG,
  type AuditChange,
  type AuditEntry,
  type AuditProblem,
  type AuditResult,
  type AuditVerification,
  appendAudit,
  formatAuditEntry,
  parseSince,
  type ReadAuditOptions,
  readAudit,
  resolveActor,
  verifyAudit,
} from './audit.js';
export {
  type BulkLoadOptions,
  loadBulkDocuments,
  loadBulkFileDocuments,
} from './bulk-load.js';
export { canonicalJson } from './canonical-json.js';
export {
  type DeliveryMode,
  deliveryMode,
  isRestartOnly,
  PROCESS_CONTRACT,
  RESTART_ONLY_SETTINGS,
  restartOnlyValues,
  secretScope,
  TIER_DELIVERY_DEFAULTS,
} from './delivery.js';
export { renderReferenceDocs } from './docs.js';
export { computeLineStarts, type DotenvEntry, offsetToLineColumn, parseDotenv } from './dotenv.js';
export {
  type ClassificationRule,
  ClassificationRuleSchema,
  type DriftPolicyFile,
  DriftPolicyFileSchema,
  driftGlobSegments,
  type IgnoreRule,
  IgnoreRuleSchema,
  loadDriftPolicyFile,
  parseDriftPolicyFile,
} from './drift-policy.js';
export {
  contentHash,
  type DocumentEdit,
  type EditedText,
  type EditFileOptions,
  type EditFileResult,
  editFile,
  editYamlText,
  parseYamlValue,
  unifiedDiff,
} from './edit.js';
export {
  type EnvironmentVariablesResult,
  type EnvMappingOptions,
  envVarName,
  fromEnvironmentVariables,
  safeFromEnvironmentVariables,
  toEnvironmentVariables,
  toEnvSegment,
} from './env-vars.js';
export {
  DnsLabelSchema,
  type EnvironmentDocument,
  type EnvironmentDocumentInput,
  EnvironmentDocumentSchema,
  LLM_PROVIDERS,
  SERVICE_NAMES,
  type SecretRef,
  SecretRefSchema,
  type Service,
  type ServiceName,
  ServiceSchema,
  TIERS,
  type Tier,
  TierSchema,
} from './environment.js';
export {
  FINGERPRINT_KEY_ENV,
  FINGERPRINT_KEY_FILE,
  type LoadFingerprintKeyOptions,
  loadFingerprintKey,
} from './fingerprint-key.js';
export {
  type ChartBar,
  escapeHtml,
  type HtmlPageOptions,
  htmlCsp,
  renderBarChart,
  renderHtmlFilters,
  renderHtmlPage,
  renderSeverity,
} from './html.js';
export { type AssertInsideOptions, assertInside } from './inside.js';
export { JSON_SCHEMA_ID, toJsonSchema } from './json-schema.js';
// Errors, levels, paths, objects, quantities, secrets, schema checks and the bulk reader: the
// zod-free kernel, also published alone as `@agentforge/schema/kernel`.
export * from './kernel.js';
export {
  type DocumentFormat,
  detectFormat,
  type LoadedDocument,
  type LoadOptions,
  type Locator,
  loadDocument,
  loadDocuments,
  loadFile,
  loadFileDocuments,
  safeLoadDocument,
} from './load.js';
export { DEFAULT_MAX_INPUT_BYTES, readStreamBounded } from './read-stream.js';
export {
  CHANGE_KINDS,
  type Change,
  type ChangeKind,
  ChangeKindSchema,
  ChangeSchema,
  compareSeverity,
  type Finding,
  FindingSchema,
  isAtLeast,
  type Logger,
  SEVERITIES,
  type Severity,
  SeveritySchema,
  type SourceLocation,
  SourceLocationSchema,
  shiftSeverity,
} from './vocabulary.js';
export {
  closestWord,
  DEFAULT_ENVIRONMENTS_DIR,
  type FindWorkspaceOptions,
  findWorkspace,
  openWorkspace,
  unknownEnvironmentError,
  WORKSPACE_SETTINGS_FILE,
  type Workspace,
  type WorkspaceSettings,
  WorkspaceSettingsSchema,
} from './workspace.js';
export {
  renderEnvironmentMatrix,
  renderWorkspaceReport,
  type WorkspaceReportEnvironment,
  type WorkspaceReportModel,
} from './workspace-report.js';
