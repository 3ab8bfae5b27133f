// Cold start of the agentforge binary, the user's case: a fresh `node` process per call, from the
// repository root with `--dir examples/platform`. What is timed is the whole process, spawn to
// exit, as a shell sees it. Contenders are spawned in interleaved rounds (a, b, c, a, b, c, …) so
// load from other processes falls on every one alike; figures are medians, ratios are medians of
// the per-round ratios to `node -e 0` (robust to a noisy round).
//  1. Start-up (issue 16): `agentforge --help` and `agentforge config validate -e production`
//     against `node -e 0` — goal ≤ 2× each. The binary's compiled-code cache is warm, as after a
//     user's first run (bin/agentforge.cjs; the untimed warm-up run writes it); validate without
//     it is shown beside, not a goal. For reference, not a goal either: a process that only
//     imports zod and yaml, the two libraries validating a YAML document cannot do without
//     (the floor any build of this design starts from).
//  2. With AGENTFORGE_CLI_BASELINE=<older checkout>/packages/cli/bin/agentforge.cjs (agentforge.js
//     before the bundled binary), the same two
//     commands of that build beside this one's — goal: no slower than 5 ms (issues 11 and 13).
//  3. The argument parsers considered (bench/cli-parsers/*.mjs declare the same command tree and
//     hand `config validate` to the real CLI, so the difference is the parser's); BENCH_PARSERS=0
//     skips it (it only changes when a parser's version does).
// Run after a build: node bench/cli.bench.mjs (BENCH_ROUNDS=n, default 21).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatMs, goal } from './_harness.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 21);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cli = `${root}packages/cli/bin/agentforge.cjs`;
// `--environment` rather than `-e`: builds before the conventions refused `-e` on config validate.
const VALIDATE = ['config', 'validate', '--environment', 'production', '--dir', 'examples/platform'];

function run(args, env = process.env) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

/** Spawns every contender once per round, interleaved; prints medians and ratios to the first. */
function compareProcesses(title, contenders) {
  for (const [, args, env] of contenders) run(args, env); // warm the file and compile caches
  const samples = contenders.map(() => []);
  for (let round = 0; round < rounds; round++)
    contenders.forEach(([, args, env], k) => {
      samples[k].push(run(args, env));
    });
  const medians = samples.map(median);
  const ratios = samples.map((xs) => median(xs.map((x, i) => x / samples[0][i])));
  console.log(`\n${title} (${rounds} interleaved rounds, medians)`);
  const width = Math.max(...contenders.map(([name]) => name.length));
  contenders.forEach(([name], k) => {
    console.log(
      `  ${name.padEnd(width)}  ${formatMs(medians[k]).padStart(10)}  ${`${ratios[k].toFixed(2)}×`.padStart(7)}${k === 0 ? '  (baseline)' : ''}`,
    );
  });
  return { samples, medians, ratios };
}

// ---- 1. start-up against node -e 0 -------------------------------------------------------------
const startup = compareProcesses('Cold start, whole process', [
  ['node -e 0', ['-e', '0']],
  [
    'node: import zod + yaml only (floor, not a goal)',
    ['--input-type=module', '-e', 'import "zod"; import "yaml";'],
  ],
  ['agentforge --help', [cli, '--help']],
  ['agentforge config validate -e production', [cli, ...VALIDATE]],
  [
    'the same without the compile cache (not a goal)',
    [cli, ...VALIDATE],
    { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
  ],
]);
goal('cli: agentforge --help vs node -e 0', startup.ratios[2], 2);
goal('cli: agentforge config validate -e production vs node -e 0', startup.ratios[3], 2);

// ---- 2. this build against an older one ---------------------------------------------------------
const baseline = process.env.AGENTFORGE_CLI_BASELINE;
if (baseline && existsSync(baseline)) {
  // Each build validates its own checkout's example (an older build does not know newer fields).
  const baselineExample = fileURLToPath(new URL('../../../examples/platform', pathToFileURL(baseline)));
  // Its own compiled-code cache: a binary removes the caches of other builds of its bundles when it
  // writes one, so two builds sharing the folder would leave each other none.
  const baselineCache = mkdtempSync(join(tmpdir(), 'agentforge-bench-cache-'));
  const baselineEnv = { ...process.env, NODE_COMPILE_CACHE: baselineCache };
  for (const [label, args, baselineArgs] of [
    ['--help', ['--help'], ['--help']],
    ['config validate -e production', VALIDATE, [...VALIDATE.slice(0, -1), baselineExample]],
  ]) {
    const { samples } = compareProcesses(`This build against ${baseline}: agentforge ${label}`, [
      ['baseline build', [baseline, ...baselineArgs], baselineEnv],
      ['this build', [cli, ...args]],
    ]);
    const slower = median(samples[1].map((x, i) => x - samples[0][i]));
    goal(`cli: agentforge ${label} slower than the baseline build by`, slower, 5, ' ms');
  }
  rmSync(baselineCache, { recursive: true, force: true });
} else
  console.log(
    '\n(set AGENTFORGE_CLI_BASELINE=<older checkout>/packages/cli/bin/agentforge.cjs to compare builds)',
  );

// ---- 3. argument parsers -----------------------------------------------------------------------
if (process.env.BENCH_PARSERS !== '0') {
  for (const [label, args] of [
    ['--help', ['--help']],
    ['config validate', VALIDATE],
  ])
    compareProcesses(
      `Argument parsers: agentforge ${label}`,
      ['node-util', 'commander', 'citty', 'clipanion'].map((name) => [
        name,
        [`${root}bench/cli-parsers/${name}.mjs`, ...args],
      ]),
    );
}
