export type { ConfigMetrics } from './_metrics.js';
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
export type { ConfigSource, FailureReason, SourceContext, SourceKind, SourceUpdate } from './source.js';
export type { ConfigPath, DeepPartial, DeepReadonly, Logger, PathValue } from './types.js';
