// Test support for the integration tests: a small schema, an event recorder that waits on
// events (never on the clock), and a faithful imitation of kubelet's ConfigMap atomic writer.
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import type { ConfigManager } from './manager.js';
import type { ChangeEvent, ConfigError } from './manager-types.js';
import type { DeepReadonly } from './types.js';

/** A small service schema for the file tests. */
export const TestSchema = z.strictObject({
  name: z.string().min(1),
  replicas: z.number().int().min(0),
  level: z.enum(['debug', 'info', 'warn']).default('info'),
  db: z.strictObject({ url: z.string(), password: z.string().optional() }).optional(),
  features: z.record(z.string(), z.boolean()).default({}),
  note: z.string().optional(),
});
export type TestConfig = z.output<typeof TestSchema>;

/** A valid document whose `replicas` is `n` (and `note` pads it to any length). */
export function doc(n: number, note = ''): string {
  return `name: svc\nreplicas: ${n}\n${note ? `note: "${note}"\n` : ''}`;
}

/** Generous: the machine is shared and slow at times; tests never assert on elapsed time. */
export const TIMEOUT = 15_000;
/** Watch settings for tests: short debounce, no poll (so a test proves the watcher itself). */
export const WATCH = { debounceMs: 80, pollIntervalMs: 0 } as const;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; throws with `what` after `timeout`. */
export async function until(condition: () => boolean, what: string, timeout = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Records every change event and error of a manager. */
export function record<S extends z.ZodType>(manager: ConfigManager<S>) {
  const events: ChangeEvent<DeepReadonly<z.output<S>>>[] = [];
  const errors: ConfigError[] = [];
  manager.subscribe((event) => {
    events.push(event);
  });
  manager.onError((error) => {
    errors.push(error);
  });
  return {
    events,
    errors,
    /** Waits until `count` events have arrived. */
    waitForEvents: (count: number) =>
      until(() => events.length >= count, `${count} change event(s), got ${events.length}`),
    waitForErrors: (count: number) =>
      until(() => errors.length >= count, `${count} error(s), got ${errors.length}`),
  };
}

/**
 * Writes a ConfigMap volume the way kubelet's AtomicWriter does: the payload in a fresh
 * `..<timestamp>` directory, a `..data_tmp` symlink to it renamed over `..data`, the
 * user-visible keys as symlinks into `..data`, and the old directory removed — or, with
 * `linger`, left behind.
 */
export class ConfigMapVolume {
  private generation = 0;
  private current: string | undefined;
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /**
   * Publishes `files` (key → content). `linkKeysFirst` creates the links of new keys before
   * the swap, so they dangle until `between` resolves.
   */
  async write(
    files: Record<string, string>,
    options: { linger?: boolean; linkKeysFirst?: boolean; between?: () => Promise<void> } = {},
  ): Promise<void> {
    const name = `..2026_11_30_12_00_00.${String(++this.generation).padStart(9, '0')}`;
    const payload = join(this.dir, name);
    mkdirSync(payload);
    for (const [key, content] of Object.entries(files)) writeFileSync(join(payload, key), content);
    const linkKeys = () => {
      for (const key of Object.keys(files)) {
        try {
          symlinkSync(join('..data', key), join(this.dir, key));
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    };
    if (options.linkKeysFirst) linkKeys();
    await options.between?.();
    const tmp = join(this.dir, '..data_tmp');
    symlinkSync(name, tmp);
    renameSync(tmp, join(this.dir, '..data'));
    linkKeys();
    if (this.current && !options.linger)
      rmSync(join(this.dir, this.current), { recursive: true, force: true });
    this.current = name;
  }
}
