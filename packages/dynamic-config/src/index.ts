export type { NatsConnectOptions } from './_nats.js';
export { type EnvSourceOptions, envSource, objectSource } from './env-source.js';
export { type FileSourceOptions, fileSource } from './file-source.js';
export {
  ConfigManager,
  type ConfigManagerOptions,
  createConfigManager,
  type WatchOptions,
} from './manager.js';
export type {
  ChangeEvent,
  ChangeListener,
  ConfigError,
  ConfigState,
  ConfigStatus,
  Explanation,
  OverrideHandle,
  SourceStatus,
  SubscribeOptions,
  Subscription,
  ValueOrigin,
} from './manager-types.js';
export type { ConfigMetrics } from './metrics.js';
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
  type MirrorOptions,
  mirrorBucket,
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
export {
  createSecretResolver,
  findSecretRefs,
  SecretResolver,
  type SecretResolverOptions,
  type SecretRotation,
  type SecretSource,
  type SecretStatus,
} from './secret-resolver.js';
export type {
  ConfigSource,
  FailureReason,
  SourceContext,
  SourceKind,
  SourceOutcome,
  SourceUpdate,
} from './source.js';
export type { ConfigPath, DeepReadonly, Logger, PathValue } from './types.js';
