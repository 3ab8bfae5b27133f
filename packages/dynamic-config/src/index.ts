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
export {
  createSecretResolver,
  findSecretRefs,
  SecretResolver,
  type SecretResolverOptions,
  type SecretRotation,
  type SecretSource,
  type SecretStatus,
} from './secret-resolver.js';
export type { ConfigSource, FailureReason, SourceContext, SourceKind, SourceUpdate } from './source.js';
export type { ConfigPath, DeepReadonly, Logger, PathValue } from './types.js';
