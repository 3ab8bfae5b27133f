import type { Logger } from '@agentforge/schema';
import type { Output } from './context.js';

/**
 * The one logger of the process, handed to every library: warnings and errors always go to
 * stderr, info and debug lines only with `--debug`. Libraries log pointers and hashes, never
 * values, so nothing here needs redacting.
 */
export function createLogger(stderr: Output, debug: boolean): Logger {
  const line = (level: string) => (object: object, message?: string) => {
    const { pointer, err } = object as { pointer?: unknown; err?: unknown };
    const where = typeof pointer === 'string' ? ` (${pointer})` : '';
    const cause = err instanceof Error ? `: ${err.message}` : '';
    stderr.write(`${level}: ${message ?? ''}${where}${cause}\n`);
  };
  const quiet = () => {};
  return {
    error: line('error'),
    warn: line('warning'),
    info: debug ? line('info') : quiet,
    debug: debug ? line('debug') : quiet,
  };
}
