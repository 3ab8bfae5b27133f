// A small benchmark harness: warms up, then times batches until a time budget is spent, and
// reports the median time per call. Medians over many batches keep a noisy shared machine honest.
import { performance } from 'node:perf_hooks';

/** Median milliseconds per call of `fn`, from batches timed over about `budgetMs`. */
export function measure(fn, { budgetMs = 1500, minSamples = 15 } = {}) {
  for (let i = 0; i < 3; i++) fn();
  const once = time(fn, 1);
  const batch = Math.max(1, Math.floor(5 / Math.max(once, 0.001)));
  const samples = [];
  const end = performance.now() + budgetMs;
  while (samples.length < minSamples || performance.now() < end) samples.push(time(fn, batch) / batch);
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

function time(fn, n) {
  const start = performance.now();
  for (let i = 0; i < n; i++) fn();
  return performance.now() - start;
}

/** Prints rows of [name, median ms] with each row's ratio to the row named `baseline`. */
export function report(title, rows, baseline) {
  const base = rows.find(([name]) => name === baseline)?.[1];
  console.log(`\n${title}`);
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, ms] of rows) {
    const ratio = base ? `${(ms / base).toFixed(2)}×` : '';
    console.log(
      `  ${name.padEnd(width)}  ${formatMs(ms).padStart(10)}  ${ratio.padStart(7)}${name === baseline ? '  (baseline)' : ''}`,
    );
  }
}

export function formatMs(ms) {
  return ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1000).toFixed(1)} µs`;
}
