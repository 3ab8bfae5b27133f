export {
  type CanonicalOptions,
  canonicalize,
  createCanonicalizer,
  DEFAULT_QUANTITY_PATHS,
  formatQuantity,
  maskSecrets,
} from './canonical.js';
export { applyChanges, DEFAULT_KEY_FIELDS, type DiffOptions, diffCanonical, type RawChange } from './diff.js';
export {
  DRIFT_FORMATS,
  type DriftFormat,
  type DriftFormatOptions,
  formatHuman,
  formatJson,
  formatMarkdown,
  formatPrometheus,
  formatReport,
} from './format.js';
export { renderDriftHtml, renderDriftPage } from './html.js';
export { type Json, sha256 } from './json.js';
export { cleanKubernetesObject, flattenManifests } from './kubernetes.js';
export { compareLive, type LiveDriftOptions, pruneToDesired } from './live.js';
export { formatDriftPath, type KeyedSegment, parseDriftPath, type Segment } from './paths.js';
export {
  type ComparisonSide,
  compareEnvironments,
  compareManifests,
  compareSnapshots,
  compareToSnapshot,
  type DriftChange,
  type DriftOptions,
  type DriftReport,
  diffDocuments,
  diffDocumentsRaw,
  failsOn,
  HIDDEN,
  REPORT_FORMAT_VERSION,
} from './report.js';
export {
  type Classification,
  type ClassificationRule,
  ClassificationRuleSchema,
  type Classifier,
  createClassifier,
  DEFAULT_RULES,
  type DriftPolicy,
  DriftPolicyFileSchema,
  defaultPolicy,
  type IgnoreRule,
  IgnoreRuleSchema,
  loadDriftPolicy,
  parseDriftPolicy,
  policyFromData,
} from './rules.js';
export {
  acceptBaseline,
  FileSnapshotStore,
  type FileSnapshotStoreOptions,
  type Logger,
  type SaveOptions,
  type Snapshot,
  type SnapshotCheck,
  type SnapshotMeta,
  type SnapshotStore,
  workspaceSnapshotStore,
} from './store.js';
export { type SnapshotTimelineEntry, snapshotTimeline } from './timeline.js';
