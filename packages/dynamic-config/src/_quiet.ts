// When a watched file's latest outcome has been quiet long enough to report: a trailing
// debounce over *changes* of what a read finds, not over file events. Every event leads to a
// read; a read whose outcome differs from the previous one starts the quiet time at the last
// event it covers (the change happened by then; taking the last keeps the quiet time whole
// when one read covers several writes of a burst), and one that finds the same outcome
// changes nothing. A ConfigMap swap's own follow-up events (the old payload folder removed,
// chokidar's reports of the same happenings) arrive up to tens of ms after the one rename
// that changed the bytes, under load later still; restarting the debounce on them put the
// report that much past the debounce (issue 16).
// A burst of writes still ends in one report of its final state: each write changes the bytes,
// and each change moves the deadline. Hand-written: debounce libraries (lodash's, p-debounce)
// time from calls, and the call that matters here is only known after the read.

/** What a read found: `key` is its identity (a content hash, or the kind of a non-content outcome). */
interface Seen<T> {
  key: string;
  value: T;
  /** `performance.now()` of the last event before the read that found this outcome; -Infinity: due at once. */
  changedAt: number;
  /** Handed to `deliver` (nothing pending). */
  delivered: boolean;
}

/** How a read was asked for (see {@link QuietTime.event}). */
export interface ReadRequest {
  /** A changed outcome is due at once: the poll found what the events missed. */
  urgent?: boolean;
  /** The outcome is delivered again even when unchanged: a transient state retried. */
  force?: boolean;
  /**
   * A catch-up read (a watcher just placed), not a file event: what it finds may have changed at
   * any time before the read, so a change it finds counts from the read's start, not from this
   * request. Stamped at the request, a read that only ran after a later write (a busy event
   * loop, or a swap right after the start) dated that write back and cut its quiet time short.
   */
  catchUp?: boolean;
}

/** What a started read covers, handed back to {@link QuietTime.endRead}. */
export interface ReadTicket {
  /** The first and the last event the read covers (the read's start for a catch-up). */
  first: number;
  last: number;
  urgent: boolean;
  force: boolean;
}

/**
 * The bookkeeping of the file source's reads and reports: events are recorded with
 * {@link QuietTime.event}, a read covers every event before {@link QuietTime.beginRead}, its
 * outcome goes to {@link QuietTime.endRead}, and {@link QuietTime.arm} delivers the outcome
 * once no change was read for `quietMs` — or sets a timer for then. At the deadline, an event
 * from before it whose read is not done yet holds the report back (it may show a further
 * change); events after the deadline do not (the outcome was quiet the whole time before them).
 */
export class QuietTime<T> {
  private seen: Seen<T> | undefined;
  /** The first and the last event not covered by a started read. */
  private pendingSince: number | undefined;
  private pendingLast: number | undefined;
  private pendingUrgent = false;
  private pendingForce = false;
  private pendingCatchUp = false;
  /** The first event covered by the read in flight. */
  private readingSince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly quietMs: number,
    private readonly deliver: (value: T) => void,
  ) {}

  /** Starts from an outcome already reported. */
  reset(key: string, value: T): void {
    this.seen = { key, value, changedAt: Number.NEGATIVE_INFINITY, delivered: true };
  }

  /** Records an event (or another reason to read); the caller reads when {@link pending}. */
  event(request: ReadRequest = {}, at = performance.now()): void {
    this.pendingSince ??= at;
    this.pendingLast = at;
    this.pendingUrgent ||= request.urgent ?? false;
    this.pendingForce ||= request.force ?? false;
    this.pendingCatchUp ||= request.catchUp ?? false;
  }

  /** Events wait for a read. */
  get pending(): boolean {
    return this.pendingSince !== undefined && !this.closed;
  }

  /** Nothing waits: no event unread, no read in flight, no outcome unreported. */
  get idle(): boolean {
    return (
      this.pendingSince === undefined && this.readingSince === undefined && (this.seen?.delivered ?? true)
    );
  }

  /** A read starts; it covers every event so far. */
  beginRead(at = performance.now()): ReadTicket {
    const ticket = {
      first: this.pendingSince ?? at,
      last: this.pendingCatchUp ? at : (this.pendingLast ?? at),
      urgent: this.pendingUrgent,
      force: this.pendingForce,
    };
    this.pendingSince = undefined;
    this.pendingLast = undefined;
    this.pendingUrgent = false;
    this.pendingForce = false;
    this.pendingCatchUp = false;
    this.readingSince = ticket.first;
    return ticket;
  }

  /** The read's outcome; true when it differs from the previous one (worth preparing ahead). */
  endRead(ticket: ReadTicket, key: string, value: T): boolean {
    this.readingSince = undefined;
    const seen = this.seen;
    if (!seen || seen.key !== key) {
      const changedAt = ticket.urgent ? Number.NEGATIVE_INFINITY : ticket.last;
      this.seen = { key, value, changedAt, delivered: false };
      return true;
    }
    if (ticket.force) {
      seen.value = value;
      seen.delivered = false;
    }
    return false;
  }

  /** Delivers the outcome when its quiet time is over, or sets the timer for then. */
  arm(now = performance.now()): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const seen = this.seen;
    if (!seen || seen.delivered || this.closed) return;
    const due = seen.changedAt + this.quietMs;
    const wait = due - now;
    // Timers resolve to the millisecond: what is due within one is due now.
    if (wait < 1) {
      const unread = Math.min(
        this.readingSince ?? Number.POSITIVE_INFINITY,
        this.pendingSince ?? Number.POSITIVE_INFINITY,
      );
      // The read covering that event arms again when it ends.
      if (unread < due) return;
      seen.delivered = true;
      this.deliver(seen.value);
      return;
    }
    this.timer = setTimeout(() => this.arm(), wait);
    this.timer.unref?.();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }
}
