import { createRequire } from 'node:module';
import type { Logger } from '@agentforge/schema';
import type { Output } from './context.js';

/** How log lines are written to stderr. */
export type LogFormat = 'json' | 'pretty';

/** Levels `--log-level` takes, as pino names them. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  /** `--log-format`; @default json when stderr is not a terminal, else pretty */
  format?: LogFormat | undefined;
  /** `--log-level`; @default debug with `--debug`, else warn */
  level?: (typeof LOG_LEVELS)[number] | undefined;
  debug?: boolean;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};

/** One readable line from a pino JSON line: `warning: message (/pointer): error message`. */
function pretty(line: string): string {
  const record = JSON.parse(line) as {
    level: number;
    msg?: string;
    pointer?: unknown;
    err?: { message?: string };
  };
  const where = typeof record.pointer === 'string' ? ` (${record.pointer})` : '';
  const cause = record.err?.message ? `: ${record.err.message}` : '';
  return `${LEVEL_NAMES[record.level] ?? 'log'}: ${record.msg ?? ''}${where}${cause}\n`;
}

/**
 * The one logger of the process, pino, handed to every library. pino is loaded on the first
 * line logged, not before: `--help` and a clean `config validate` never log, so they never pay
 * for it (cold start, bench/cli.bench). JSON lines when stderr is not a terminal or with
 * `--log-format json`, one readable line per record on a terminal. Errors go through pino's
 * `err` serializer (type, message, stack, cause). Libraries log pointers and hashes, never values.
 */
export function createLogger(stderr: Output, options: CreateLoggerOptions = {}): Logger {
  const format = options.format ?? (stderr.isTTY ? 'pretty' : 'json');
  const level = options.level ?? (options.debug ? 'debug' : 'warn');
  let instance: Logger | undefined;
  const get = (): Logger => {
    if (!instance) {
      // Synchronous, so the first call can log at once; pino is CommonJS.
      const { pino } = createRequire(import.meta.url)('pino') as typeof import('pino');
      instance = pino(
        { level, base: null, serializers: { err: pino.stdSerializers.err } },
        { write: (line: string) => void stderr.write(format === 'json' ? line : pretty(line)) },
      ) as unknown as Logger;
    }
    return instance;
  };
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const enabled = (name: string) => level !== 'silent' && order.indexOf(name) >= order.indexOf(level);
  const method = (name: 'debug' | 'info' | 'warn' | 'error') => (object: object, message?: string) => {
    // Below the level nothing is loaded at all.
    if (enabled(name)) (get()[name] as (o: object, m?: string) => void)(object, message);
  };
  return { debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') };
}
