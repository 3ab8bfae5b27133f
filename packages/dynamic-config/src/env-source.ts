import { fromEnvironmentVariables } from '@agentforge/schema';
import { hashConfig } from './_data.js';
import type { ConfigSource, SourceUpdate } from './source.js';

/** Options of {@link envSource}. */
export interface EnvSourceOptions {
  /** The variables to read. @default process.env */
  vars?: Readonly<Record<string, string | undefined>>;
  /** Prefix of the variables. @default 'AGENTFORGE' */
  prefix?: string;
}

/**
 * Settings from environment variables (`AGENTFORGE_SERVICES__SWARM__REPLICAS=3`), named and
 * coerced by the manager's schema through `@agentforge/schema`'s mapping. Read once at start:
 * a process's environment does not change under it. A variable that names no setting or
 * cannot be coerced fails the start with an `ENV_VAR_INVALID` error naming the variable.
 */
export function envSource(options: EnvSourceOptions = {}): ConfigSource {
  return {
    kind: 'env',
    name: 'env',
    async start(_emit, context): Promise<SourceUpdate> {
      const { data, sources } = fromEnvironmentVariables(options.vars ?? process.env, {
        schema: context.schema,
        ...(options.prefix ? { prefix: options.prefix } : {}),
      });
      return { state: 'ok', data, hash: hashConfig(data), origins: sources };
    },
    async close() {},
  };
}

/** A fixed layer of settings: the defaults, or programmatic overrides given at creation. */
export function objectSource(kind: 'defaults' | 'overrides', data: Record<string, unknown>): ConfigSource {
  return {
    kind,
    name: kind,
    async start(): Promise<SourceUpdate> {
      return { state: 'ok', data, hash: hashConfig(data) };
    },
    async close() {},
  };
}
