// The quiet-time rules of the file source, on a fake clock: every step names the moment it
// happens at, and what was delivered is checked after each. No file system, no wall clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuietTime, type ReadRequest, type ReadTicket } from './_quiet.js';

const QUIET = 100;

type Step =
  /** A file event (or another reason to read) at `at`. */
  | { at: number; event: ReadRequest }
  /** A read starts at `at` (it covers the events so far)… */
  | { at: number; begin: true }
  /** …and ends at `at` with the outcome `key`, after which the source arms the quiet time. */
  | { at: number; end: string };

interface Case {
  name: string;
  steps: Step[];
  /** Run the clock to here at the end. */
  until: number;
  /** What was delivered, and when. */
  delivered: Array<[at: number, key: string]>;
}

function run({ steps, until }: Case) {
  const delivered: Array<[number, string]> = [];
  const start = performance.now();
  const now = () => performance.now() - start;
  const quiet = new QuietTime<string>(QUIET, (key) => delivered.push([now(), key]));
  quiet.reset('A', 'A');
  let ticket: ReadTicket | undefined;
  for (const step of steps) {
    vi.advanceTimersByTime(step.at - now());
    if ('event' in step) quiet.event(step.event);
    else if ('begin' in step) ticket = quiet.beginRead();
    else {
      if (!ticket) throw new Error('a read ends that never began');
      quiet.endRead(ticket, step.end, step.end);
      quiet.arm();
    }
  }
  vi.advanceTimersByTime(until - now());
  quiet.close();
  return delivered;
}

/** A ConfigMap swap to `key` at `at`: its events, one read that finds `key`. */
const swap = (at: number, key: string): Step[] => [
  { at, event: {} },
  { at: at + 1, begin: true },
  { at: at + 2, end: key },
];

const cases: Case[] = [
  {
    name: "a catch-up read (a watcher just placed) finding a change: the quiet time runs from the read's start",
    // The start's catch-up read ran only after a write made later (a busy event loop): stamped
    // at the request, the write was dated back 40 ms and reported 60 ms after it.
    steps: [
      { at: 0, event: { catchUp: true } },
      { at: 40, begin: true },
      { at: 41, end: 'B' },
    ],
    until: 400,
    delivered: [[140, 'B']],
  },
  {
    name: "a catch-up beside a file event: the read's start, the later of the two",
    steps: [
      { at: 0, event: {} },
      { at: 10, event: { catchUp: true } },
      { at: 30, begin: true },
      { at: 31, end: 'B' },
    ],
    until: 400,
    delivered: [[130, 'B']],
  },
  {
    name: 'a catch-up read finding nothing new changes nothing',
    steps: [
      { at: 0, event: { catchUp: true } },
      { at: 40, begin: true },
      { at: 41, end: 'A' },
      ...swap(60, 'B'),
    ],
    until: 400,
    delivered: [[160, 'B']],
  },
  {
    name: "a swap's follow-up events leave the bytes as they are: delivered one quiet time after the swap's first event",
    steps: [
      ...swap(0, 'B'),
      // The old payload folder removed, chokidar's reports of the same: later reads find B again.
      { at: 30, event: {} },
      { at: 31, begin: true },
      { at: 32, end: 'B' },
      { at: 80, event: {} },
      { at: 81, begin: true },
      { at: 82, end: 'B' },
    ],
    until: 400,
    delivered: [[100, 'B']],
  },
  {
    name: 'a burst of changes: one delivery, of the final outcome, one quiet time after its first event',
    steps: [...swap(0, 'B'), ...swap(5, 'C'), ...swap(10, 'D')],
    until: 400,
    delivered: [[110, 'D']],
  },
  {
    name: 'one read covers several writes of a burst: the quiet time runs from the last of their events',
    steps: [
      { at: 0, event: {} },
      { at: 4, event: {} },
      { at: 5, begin: true },
      { at: 6, end: 'C' },
    ],
    until: 400,
    delivered: [[104, 'C']],
  },
  {
    name: 'a change read after a quiet time: both outcomes delivered',
    steps: [...swap(0, 'B'), ...swap(150, 'C')],
    until: 400,
    delivered: [
      [100, 'B'],
      [250, 'C'],
    ],
  },
  {
    name: 'an event before the deadline still being read holds the delivery; it was a change, so the earlier outcome is never delivered',
    steps: [
      ...swap(0, 'B'),
      { at: 95, event: {} },
      { at: 96, begin: true },
      // The read is slow (a loaded machine): it ends past B's deadline.
      { at: 130, end: 'C' },
    ],
    until: 400,
    delivered: [[195, 'C']],
  },
  {
    name: 'an event before the deadline still being read holds the delivery until the read finds no change',
    steps: [...swap(0, 'B'), { at: 95, event: {} }, { at: 96, begin: true }, { at: 130, end: 'B' }],
    until: 400,
    delivered: [[130, 'B']],
  },
  {
    name: 'events that change nothing deliver nothing',
    steps: [...swap(0, 'A'), ...swap(50, 'A')],
    until: 400,
    delivered: [],
  },
  {
    name: 'a change back to the reported outcome is delivered (the source finds it unchanged and reports nothing)',
    steps: [...swap(0, 'B'), ...swap(20, 'A')],
    until: 400,
    delivered: [[120, 'A']],
  },
  {
    name: 'urgent (the poll found what events missed): a change is delivered at once',
    steps: [
      { at: 10, event: { urgent: true } },
      { at: 11, begin: true },
      { at: 12, end: 'B' },
    ],
    until: 400,
    delivered: [[12, 'B']],
  },
  {
    name: 'force (a transient state retried): delivered again although unchanged',
    steps: [
      ...swap(0, 'B'),
      { at: 200, event: { force: true } },
      { at: 201, begin: true },
      { at: 202, end: 'B' },
    ],
    until: 400,
    delivered: [
      [100, 'B'],
      [202, 'B'],
    ],
  },
];

describe('QuietTime', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(cases)('$name', (c) => {
    expect(run(c)).toEqual(c.delivered);
  });

  // The timer is late (a busy event loop) and an event came in before it ran: one from before
  // the deadline may be a further change and holds the delivery, one from after it cannot.
  it.each([
    { event: 99.5, delivered: [] },
    { event: 100.5, delivered: ['B'] },
  ])('armed late at 101 with an unread event at $event ms: delivers $delivered', ({ event, delivered }) => {
    const got: string[] = [];
    const quiet = new QuietTime<string>(QUIET, (key) => got.push(key));
    quiet.reset('A', 'A');
    quiet.event({}, 0);
    quiet.endRead(quiet.beginRead(1), 'B', 'B');
    quiet.event({}, event);
    quiet.arm(101);
    expect(got).toEqual(delivered);
    quiet.close();
  });

  it('is idle only with nothing unread, in flight or undelivered; pending while events wait for a read', () => {
    const quiet = new QuietTime<string>(QUIET, () => {});
    quiet.reset('A', 'A');
    expect([quiet.idle, quiet.pending]).toEqual([true, false]);
    quiet.event();
    expect([quiet.idle, quiet.pending]).toEqual([false, true]);
    const ticket = quiet.beginRead();
    expect([quiet.idle, quiet.pending]).toEqual([false, false]);
    quiet.endRead(ticket, 'B', 'B');
    quiet.arm();
    expect(quiet.idle).toBe(false); // B waits for its quiet time
    vi.advanceTimersByTime(QUIET);
    expect(quiet.idle).toBe(true);
    quiet.close();
  });

  it('delivers nothing once closed', () => {
    const delivered: string[] = [];
    const quiet = new QuietTime<string>(QUIET, (key) => delivered.push(key));
    quiet.reset('A', 'A');
    quiet.event();
    quiet.endRead(quiet.beginRead(), 'B', 'B');
    quiet.arm();
    quiet.close();
    vi.advanceTimersByTime(10 * QUIET);
    expect(delivered).toEqual([]);
  });
});
