// The benchmark harness every bench/*.bench.mjs shares. The machines are shared and noisy, so
// every figure is a median, contenders are warmed up until the JIT has compiled them, and
// `compare` interleaves contenders so that load from other processes falls on all of them alike.
import { performance } from 'node:perf_hooks';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The clocks a measurement can read, in milliseconds. `wall` (the default) is elapsed time.
 * `cpu` is the CPU time of this process (user + system, every thread, so GC helpers count): on a
 * shared, oversubscribed machine a process is descheduled for tens of milliseconds at a time,
 * which wall time charges to whichever contender was running; CPU time does not. Use `cpu` only
 * for synchronous, CPU-bound work (no I/O or timers to wait on), where the two agree on a quiet
 * machine.
 */
export const CLOCKS = {
  wall: () => performance.now(),
  cpu: () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  },
};

function warm(fn, warmMs, now = CLOCKS.wall) {
  const start = now();
  for (let i = 0; i < 3 || now() - start < warmMs; i++) fn();
}

/** How many calls of `fn` fill about `ms` milliseconds (at least one). */
function batchSize(fn, ms, now = CLOCKS.wall) {
  let n = 0;
  for (const start = now(); now() - start < ms; n++) fn();
  return Math.max(1, n);
}

/**
 * Median milliseconds per call of `fn`: after `warmMs` of untimed calls, batches of about 5 ms
 * are timed until `budgetMs` is spent (and at least `minSamples` batches).
 */
export function measure(fn, { budgetMs = 1500, minSamples = 15, warmMs = 300 } = {}) {
  warm(fn, warmMs);
  const batch = batchSize(fn, 5);
  const samples = [];
  const end = performance.now() + budgetMs;
  while (samples.length < minSamples || performance.now() < end) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - start) / batch);
  }
  return median(samples);
}

/**
 * Median milliseconds per call of each function, and its ratio to the first. Each function
 * runs hot for blocks of about `blockMs`, the blocks take turns (a, b, c, a, b, c, …), and a
 * ratio is the median of the per-round ratios of block medians. `clock` is `wall` (default)
 * or `cpu` (see {@link CLOCKS}).
 */
export function compare(fns, { rounds = 9, blockMs = 150, warmMs = 300, clock = 'wall' } = {}) {
  const now = CLOCKS[clock];
  const batches = fns.map((fn) => {
    warm(fn, warmMs, now);
    return batchSize(fn, 5, now);
  });
  const blocks = fns.map(() => []);
  for (let round = 0; round < rounds; round++) {
    fns.forEach((fn, k) => {
      const samples = [];
      for (const end = now() + blockMs; now() < end; ) {
        const start = now();
        for (let i = 0; i < batches[k]; i++) fn();
        samples.push((now() - start) / batches[k]);
      }
      blocks[k].push(median(samples));
    });
  }
  return blocks.map((xs) => ({ ms: median(xs), ratio: median(xs.map((x, i) => x / blocks[0][i])) }));
}

/** Runs `compare` over rows of [name, fn] and prints each median with its ratio to the first row. */
export function table(title, rows, options) {
  const results = compare(
    rows.map(([, fn]) => fn),
    options,
  );
  print(
    options?.clock === 'cpu' ? `${title} [CPU time]` : title,
    rows.map(([name], k) => [name, results[k].ms, results[k].ratio]),
    rows[0][0],
  );
  return results;
}

/** Prints rows of [name, median ms] with each row's ratio to the row named `baseline`. */
export function report(title, rows, baseline) {
  const base = rows.find(([name]) => name === baseline)?.[1];
  print(
    title,
    rows.map(([name, ms]) => [name, ms, base ? ms / base : undefined]),
    baseline,
  );
}

function print(title, rows, baseline) {
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, ms, ratio] of rows) {
    const shown = ratio === undefined ? '' : `${ratio.toFixed(2)}×`;
    console.log(
      `  ${name.padEnd(width)}  ${formatMs(ms).padStart(10)}  ${shown.padStart(7)}${name === baseline ? '  (baseline)' : ''}`,
    );
  }
}

/** `1.23 ms` or `456.7 µs`. */
export function formatMs(ms) {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}

// Goals: each bench states the ratio (or bound) it must stay within. `goal` prints the verdict
// beside the figure and, when bench/run.mjs asks for it (AGENTFORGE_BENCH_GOALS names a file),
// appends it as one JSON line so that `pnpm bench --check` can fail on a missed goal.
import { appendFileSync } from 'node:fs';

/**
 * Records and prints one goal: `value` must be at most `max` (`unit` is how both are shown,
 * e.g. '×' for ratios or ' ms'). Returns whether it was met.
 */
export function goal(name, value, max, unit = '×') {
  const met = value <= max;
  const shown = (x) => (unit === '×' ? `${x.toFixed(2)}×` : `${x.toFixed(1)}${unit}`);
  console.log(`  goal  ${name}: ${shown(value)} (goal ≤ ${shown(max)}) ${met ? 'met' : 'MISSED'}`);
  const file = process.env.AGENTFORGE_BENCH_GOALS;
  if (file) appendFileSync(file, `${JSON.stringify({ name, value, max, unit, met })}\n`);
  return met;
}
