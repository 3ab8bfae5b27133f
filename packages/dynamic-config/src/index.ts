export type { ConfigMetrics } from './_metrics.js';
export type { NatsConnectOptions } from './_nats.js';
export { type EnvSourceOptions, envSource, objectSource } from './env-source.js';
export { type FileSourceOptions, fileSource } from './file-source.js';
export {
  type ChangeEvent,
  type ChangeListener,
  type ConfigError,
  ConfigManager,
  type ConfigManagerOptions,
  type ConfigState,
  type ConfigStatus,
  createConfigManager,
  type Explanation,
  type OverrideHandle,
  type SourceStatus,
  type SubscribeOptions,
  type Subscription,
  type ValueOrigin,
  type WatchOptions,
} from './manager.js';
export type { PublishedMeta } from './nats-envelope.js';
export {
  type NatsKvSourceOptions,
  natsKvSource,
  type ReplicaReport,
  statusBucketOf,
} from './nats-kv-source.js';
export {
  type FleetStatus,
  findLiteralSecrets,
  fleetStatus,
  type HistoryEntry,
  type NatsTarget,
  type PublishAuditRecord,
  type PublishCheck,
  type PublishedRevision,
  type PublishOptions,
  type PublishResult,
  publishConfig,
  publishedHistory,
  type RollbackOptions,
  readPublished,
  rollbackConfig,
} from './nats-publish.js';
export type {
  ConfigSource,
  FailureReason,
  SourceContext,
  SourceKind,
  SourceOutcome,
  SourceUpdate,
} from './source.js';
export type { ConfigPath, DeepPartial, DeepReadonly, Logger, PathValue } from './types.js';
