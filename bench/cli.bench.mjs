// Cold start of the agentforge binary, the user's case: a fresh `node` process per call, run in
// examples/platform. Two tables:
//  1. the argument parsers considered (bench/cli-parsers/*.mjs declare the same command tree and
//     hand `config validate` to the real CLI, so the difference is the parser's);
//  2. the CLI itself, and — when AGENTFORGE_CLI_BASELINE names an older build's
//     bin/agentforge.js — that build, to show the CLI got no slower.
// Processes are spawned in interleaved rounds (a, b, c, a, b, c, …) so load from other processes
// falls on every contender alike; figures are medians. Goal: the CLI at most 1.00× the baseline
// (within noise). Run after a build: node bench/cli.bench.mjs (BENCH_ROUNDS=n, BENCH_PARSERS=0).
// To time only the CLI layer, point AGENTFORGE_CLI_BASELINE at an older packages/cli (dist, bin,
// package.json) whose node_modules link to this checkout's libraries.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatMs } from './_harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cwd = `${root}examples/platform`;
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// `--environment` rather than `-e`: builds before the conventions refused `-e` on config validate.
const CASES = {
  '--help': ['--help'],
  'config validate --environment production': ['config', 'validate', '--environment', 'production'],
};

function run(script, args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, [script, ...args], { cwd, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${script} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function compareProcesses(title, contenders) {
  for (const [label, args] of Object.entries(CASES)) {
    const samples = contenders.map(() => []);
    for (const [, script] of contenders) run(script, args); // warm the file cache
    for (let round = 0; round < rounds; round++)
      contenders.forEach(([, script], k) => {
        samples[k].push(run(script, args));
      });
    const medians = samples.map(median);
    // The ratio is the median of per-round ratios, robust to a noisy round.
    const ratios = samples.map((xs) => median(xs.map((x, i) => x / samples[0][i])));
    console.log(`\n${title}: agentforge ${label} (${rounds} interleaved rounds, medians)`);
    const width = Math.max(...contenders.map(([name]) => name.length));
    contenders.forEach(([name], k) => {
      console.log(
        `  ${name.padEnd(width)}  ${formatMs(medians[k]).padStart(10)}  ${`${ratios[k].toFixed(2)}×`.padStart(7)}${k === 0 ? '  (baseline)' : ''}`,
      );
    });
  }
}

const parsers = ['node-util', 'commander', 'citty', 'clipanion'].map((name) => [
  name,
  `${root}bench/cli-parsers/${name}.mjs`,
]);
// BENCH_PARSERS=0 skips the parser table (it only changes when a parser's version does).
if (process.env.BENCH_PARSERS !== '0') compareProcesses('Argument parsers', parsers);

const cli = [['agentforge (this build)', `${root}packages/cli/bin/agentforge.js`]];
const baseline = process.env.AGENTFORGE_CLI_BASELINE;
if (baseline && existsSync(baseline)) cli.unshift(['agentforge (baseline build)', baseline]);
else
  console.log(
    '\n(set AGENTFORGE_CLI_BASELINE=<older build>/packages/cli/bin/agentforge.js to compare builds)',
  );
compareProcesses('CLI', cli);
