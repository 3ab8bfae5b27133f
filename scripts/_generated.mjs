// Writes generated files, or with `--check` on the command line only reports the stale ones
// (exit code 1). Shared by the scripts that `pnpm generate` runs.
import { readFileSync, writeFileSync } from 'node:fs';

/** `outputs` are [file, content] pairs; returns the exit code. */
export function writeGenerated(outputs, check = process.argv.includes('--check')) {
  let stale = 0;
  for (const [file, content] of outputs) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === content) continue;
    if (check) {
      console.error(`${file} is out of date: run \`pnpm generate\``);
      stale++;
    } else {
      writeFileSync(file, content);
      console.log(`wrote ${file}`);
    }
  }
  return stale ? 1 : 0;
}
