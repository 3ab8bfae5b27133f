// Runs every bench/*.bench.mjs in its own process (so one's heap does not skew another's), then
// lists every goal the benches recorded. `--check` exits 1 when one is missed; it is not part of
// CI because shared machines are noisy (see bench/README.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args.filter((a) => a !== '--check');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const scratch = mkdtempSync(join(tmpdir(), 'agentforge-bench-'));
const goalsFile = join(scratch, 'goals.jsonl');
let failed = 0;
try {
  for (const file of files) {
    console.log(`\n=== ${file}`);
    const result = spawnSync(process.execPath, ['--expose-gc', `${dir}${file}`], {
      stdio: 'inherit',
      env: { ...process.env, AGENTFORGE_BENCH_GOALS: goalsFile },
    });
    if (result.status !== 0) failed++;
  }
  let goals = [];
  try {
    goals = readFileSync(goalsFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {}
  const missed = goals.filter((g) => !g.met);
  console.log(`\n=== goals: ${goals.length - missed.length} met, ${missed.length} missed`);
  for (const g of missed)
    console.log(`  MISSED ${g.name}: ${g.value.toFixed(2)}${g.unit} (goal ≤ ${g.max}${g.unit})`);
  if (check && missed.length > 0) failed++;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
