// The kubelet's atomic writer (pkg/volume/util/atomic_writer.go) as tests, benchmarks and the
// demo need it, without a cluster: a ConfigMap or Secret volume is a folder whose keys are
// symlinks `key -> ..data/key`, `..data` is a symlink to a timestamped folder holding the
// bytes, and an update writes a new timestamped folder, points `..data_tmp` at it, renames
// `..data_tmp` over `..data` (the one atomic step), adds links for new keys, removes links of
// keys that are gone and finally removes the old timestamped folder.
import {
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

let sequence = 0;

/**
 * `..2026_12_03_13_15_00.123456789`, as the kubelet names a payload folder (unique per call, also
 * across the threads of a process: each has its own sequence, so the thread id is part of it).
 */
function stampName(now = new Date()) {
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  const date = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${date}_${time}.${pad(process.pid % 1e5, 5)}${pad(threadId % 100)}${pad(sequence++, 4)}`;
}

/**
 * Writes `files` (key → content) into the volume folder `dir` as the kubelet does and returns
 * the new payload folder's name. `keepOld: true` leaves the previous payload folder in place
 * (a writer interrupted before its last step; the kubelet removes it on the next sync).
 */
export function projectVolume(dir, files, { keepOld = false, mode } = {}) {
  mkdirSync(dir, { recursive: true });
  let previous;
  try {
    previous = readlinkSync(join(dir, '..data'));
  } catch {
    previous = undefined;
  }
  const previousKeys = previous ? readdirSync(join(dir, previous)) : [];
  const stamp = stampName();
  mkdirSync(join(dir, stamp));
  for (const [key, content] of Object.entries(files))
    writeFileSync(join(dir, stamp, key), content, mode === undefined ? {} : { mode });
  rmSync(join(dir, '..data_tmp'), { force: true });
  symlinkSync(stamp, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files))
    if (!previousKeys.includes(key)) symlinkSync(join('..data', key), join(dir, key));
  for (const key of previousKeys) if (!(key in files)) rmSync(join(dir, key), { force: true });
  if (previous && !keepOld) rmSync(join(dir, previous), { recursive: true, force: true });
  return stamp;
}
