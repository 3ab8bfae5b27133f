import {
  AgentforgeError,
  type Change,
  compileGlob,
  createFingerprintKey,
  type FingerprintKey,
  type PathMatcher,
  parsePointer,
  redact,
} from '@agentforge/schema';
import type {
  ChangeEvent,
  ChangeListener,
  ConfigError,
  SubscribeOptions,
  Subscription,
} from './manager-types.js';
import type { Logger } from './types.js';

/** The parts of an applied snapshot a change event carries. */
export interface NotifiedSnapshot<C> {
  config: C;
  version: number;
  hash: string;
}

interface Listener<C> {
  id: number;
  matcher: PathMatcher | undefined;
  call: () => ChangeListener<C> | undefined;
  queue: Promise<void>;
}

/** Options of {@link Listeners}. */
export interface ListenersOptions {
  logger: Logger | undefined;
  /** A listener still running after this long is reported and no longer waited for. */
  timeoutMs: number;
  /** Counts a listener that threw or timed out (the manager's `listenerErrors` metric). */
  onListenerError: () => void;
}

let nextListenerId = 1;

/**
 * The change and error listeners of one manager: each change listener has its own queue, so
 * it sees events in order and its slowness or failure stays its own.
 */
export class Listeners<C> {
  private readonly listeners = new Map<number, Listener<C>>();
  private readonly errorListeners = new Set<(error: ConfigError) => void>();
  // Drops weakly held listeners once they are collected (see SubscribeOptions.weak).
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.listeners.delete(id));
  // Events show that a secret changed by its fingerprint; a random key per manager makes those
  // fingerprints comparable within the process and useless to anyone guessing offline.
  private readonly fingerprintKey: FingerprintKey = createFingerprintKey();

  constructor(private readonly options: ListenersOptions) {}

  /** Registers a change listener under `glob` (none, `''` or `**` for everything). */
  subscribe(glob: string | undefined, listener: ChangeListener<C>, options: SubscribeOptions): Subscription {
    const id = nextListenerId++;
    if (options.weak) this.finalizer.register(listener, id);
    const call = options.weak ? weakly(listener) : strongly(listener);
    const matcher = glob === undefined || glob === '' || glob === '**' ? undefined : compileGlob(glob);
    this.listeners.set(id, { id, matcher, call, queue: Promise.resolve() });
    const listeners = this.listeners;
    const unsubscribe = () => {
      listeners.delete(id);
    };
    return {
      unsubscribe,
      [Symbol.dispose]: unsubscribe,
      get active() {
        return listeners.has(id);
      },
    };
  }

  /** Registers a listener for rejected reloads. */
  onError(listener: (error: ConfigError) => void): Subscription {
    const set = this.errorListeners;
    set.add(listener);
    const unsubscribe = () => {
      set.delete(listener);
    };
    return {
      unsubscribe,
      [Symbol.dispose]: unsubscribe,
      get active() {
        return set.has(listener);
      },
    };
  }

  /** Calls every error listener synchronously; one that throws is logged and counted. */
  emitError(event: ConfigError): void {
    for (const listener of this.errorListeners) {
      try {
        listener(event);
      } catch (err) {
        this.options.onListenerError();
        this.options.logger?.error({ err }, 'configuration error listener threw');
      }
    }
  }

  /** Queues an event for every listener that watches one of `changes` (redacted first). */
  notify(
    changes: readonly Change[],
    previous: NotifiedSnapshot<C>,
    current: NotifiedSnapshot<C>,
    source: string,
  ): void {
    if (changes.length === 0 || this.listeners.size === 0) return;
    const redacted = changes.map((change) => redactChange(change, this.fingerprintKey));
    const segments = redacted.map((change) => parsePointer(change.path));
    for (const listener of this.listeners.values()) {
      const matcher = listener.matcher;
      const relevant = matcher ? redacted.filter((_, i) => isUnder(matcher, segments[i]!)) : redacted;
      if (relevant.length === 0) continue;
      const event: ChangeEvent<C> = {
        changes: Object.freeze(relevant),
        previous: previous.config,
        current: current.config,
        version: current.version,
        hash: current.hash,
        source,
      };
      listener.queue = listener.queue.then(() => this.invoke(listener, event));
    }
  }

  private async invoke(listener: Listener<C>, event: ChangeEvent<C>) {
    if (!this.listeners.has(listener.id)) return;
    const fn = listener.call();
    if (!fn) {
      this.listeners.delete(listener.id);
      return;
    }
    const { logger, timeoutMs, onListenerError } = this.options;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = fn(event);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        const timeout = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), timeoutMs);
          timer.unref();
        });
        if ((await Promise.race([result, timeout])) === 'timeout') {
          onListenerError();
          logger?.warn(
            { listener: listener.id, version: event.version, timeoutMs },
            'configuration listener is slow; no longer waiting for it',
          );
        }
      }
    } catch (err) {
      onListenerError();
      logger?.error({ err, listener: listener.id, version: event.version }, 'configuration listener failed');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Throws the error `subscribe()` gives for a missing listener. */
export function listenerRequired(): never {
  throw new AgentforgeError('INVALID_ARGUMENT', 'subscribe needs a listener function');
}

// Built outside subscribe(): V8 shares one context between the closures of a function, so a
// closure there would keep a weakly held listener alive.
function weakly<T extends object>(target: T): () => T | undefined {
  const ref = new WeakRef(target);
  return () => ref.deref();
}

function strongly<T>(target: T): () => T {
  return () => target;
}

/** True when a change at `segments` is at or under a path the glob matches. */
function isUnder(matcher: PathMatcher, segments: readonly string[]): boolean {
  for (let length = segments.length; length >= 1; length--)
    if (matcher(segments.slice(0, length))) return true;
  return false;
}

function redactChange(change: Change, fingerprintKey: FingerprintKey): Change {
  const key = parsePointer(change.path).at(-1);
  const out: Change = { path: change.path, kind: change.kind };
  if ('before' in change) out.before = redact(change.before, key, { fingerprintKey });
  if ('after' in change) out.after = redact(change.after, key, { fingerprintKey });
  return out;
}
