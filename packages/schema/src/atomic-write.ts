import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { nodeCrypto } from './_builtins.js';
import { AgentforgeError } from './errors.js';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Permission bits of the file, applied exactly (the umask does not narrow them).
   * @default the mode of the file it replaces, else `0o666` narrowed by the umask
   */
  mode?: number;
  /** Create missing parent folders first. @default false */
  mkdir?: boolean;
}

// `.<name>.<pid>-<12 hex>.tmp`: hidden, next to the target (a rename across file systems is
// not atomic), and naming the process that wrote it so a later run can tell a crashed
// writer's leftovers from a live writer's file in progress.
const TEMP = /^\.(.+)\.(\d+)-[0-9a-f]{12}\.tmp$/;

function tempName(target: string): string {
  return join(
    dirname(target),
    `.${basename(target)}.${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Replaces `path` with `data` so that a reader — or the next run after a crash or power loss —
 * sees the old content or the new, never a mix: the data goes to a temporary file in the same
 * folder, which is fsynced, renamed over `path`, and the folder is fsynced so the rename is
 * durable too. The temporary file is removed when any step fails; temporary files that an
 * earlier, crashed process left in the folder are removed on the first write to it.
 * A failure throws an `AgentforgeError` (`FILE_UNWRITABLE`) naming the path and the OS reason.
 *
 * Written here rather than taken from write-file-atomic, which neither fsyncs the folder nor
 * cleans up after crashed writers.
 * @example await writeFileAtomic('.agentforge/baseline.json', `${JSON.stringify(baseline)}\n`);
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const target = resolve(path);
  const dir = dirname(target);
  let temp: string | undefined;
  try {
    if (options.mkdir) await mkdir(dir, { recursive: true });
    await removeStaleTemps(dir);
    const mode = options.mode ?? (await existingMode(target));
    temp = tempName(target);
    const handle = await open(temp, 'wx', mode ?? 0o666);
    try {
      // The umask narrows the mode given to open(); an explicit mode is applied as asked.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    temp = undefined;
    await syncFolder(dir);
  } catch (error) {
    if (temp !== undefined) await unlink(temp).catch(() => undefined);
    throw writeError(path, error);
  }
}

function writeError(path: string, error: unknown): AgentforgeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = error instanceof Error ? error.message : String(error);
  return new AgentforgeError(
    'FILE_UNWRITABLE',
    `cannot write ${path}: ${code && !reason.startsWith(code) ? `${code}: ` : ''}${reason}`,
    { cause: error, details: { path, reason: code ?? reason } },
  );
}

async function existingMode(target: string): Promise<number | undefined> {
  try {
    return (await stat(target)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

async function syncFolder(dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows, some network file systems) cannot open or fsync a folder. The
    // rename has happened and is atomic; only its durability across power loss is the
    // platform's, and failing the write now would misreport content that is in place.
  } finally {
    await handle?.close();
  }
}

// Each folder is swept once per process: a writer that crashed did so before this process
// started writing there, and a writer alive now keeps its own temporary file. Writes wait for
// the sweep, so it never sees a temporary file of this process in flight.
const sweeps = new Map<string, Promise<void>>();

function removeStaleTemps(dir: string): Promise<void> {
  let sweep = sweeps.get(dir);
  if (!sweep) {
    sweep = sweepFolder(dir);
    sweeps.set(dir, sweep);
  }
  return sweep;
}

/**
 * Removes the temporary files of writers that are gone: one named with this process's id (an
 * earlier process with the same id crashed), or with the id of a process that no longer runs.
 */
async function sweepFolder(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    // A missing folder fails the write itself, with its own message; sweep it next time.
    sweeps.delete(dir);
    return;
  }
  await Promise.all(
    names.map(async (name) => {
      const match = TEMP.exec(name);
      if (!match) return;
      const pid = Number(match[2]);
      if (pid !== process.pid && isAlive(pid)) return;
      await unlink(join(dir, name)).catch(() => undefined);
    }),
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One file of a set written by {@link writeFileSetAtomic}. */
export interface SetFile {
  /** Relative to the set's folder, `/`-separated. */
  path: string;
  content: string | Uint8Array;
  /** Permission bits, applied exactly. */
  mode: number;
}

/**
 * Replaces the folder `target` with exactly `files`, so that a kill at any moment leaves the
 * whole old set or the whole new set (a Kustomize overlay must never mix generations): the new
 * set is written, each file fsynced, into a staging folder beside the target; the old folder
 * is renamed aside, the staging folder renamed into place, the parent fsynced and the old copy
 * removed. Between the two renames the target is briefly absent; the next write (or
 * {@link recoverFileSet}) puts the old set back if a kill fell there. Failures throw
 * `FILE_UNWRITABLE` naming the folder and the OS reason, and leave no staging folder.
 */
export async function writeFileSetAtomic(target: string, files: readonly SetFile[]): Promise<void> {
  target = resolve(target);
  await recoverFileSet(target);
  const parent = dirname(target);
  const tag = `${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}`;
  const staging = join(parent, `.${basename(target)}.staging-${tag}`);
  const aside = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    await mkdir(parent, { recursive: true });
    for (const file of files)
      await writeFileAtomic(join(staging, file.path), file.content, { mode: file.mode, mkdir: true });
    let moved = false;
    try {
      await rename(target, aside);
      moved = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(staging, target);
    await syncFolder(parent);
    if (moved) await rm(aside, { recursive: true, force: true });
  } catch (error) {
    await rm(staging, { recursive: true, force: true }).catch(() => undefined);
    await recoverFileSet(target).catch(() => undefined);
    if (error instanceof AgentforgeError) throw error;
    throw writeError(target, error);
  }
}

const SET_LEFTOVER = /^(staging|old)-(\d+)-[0-9a-f]{12}$/;

/**
 * Finishes or undoes a {@link writeFileSetAtomic} that a crash interrupted: when the target
 * folder is missing and an old copy was set aside, the old copy is put back; a leftover old copy
 * beside a present target, and staging folders of processes no longer running, are removed.
 */
export async function recoverFileSet(target: string): Promise<void> {
  target = resolve(target);
  const parent = dirname(target);
  const prefix = `.${basename(target)}.`;
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  for (const entry of entries) {
    const match = entry.startsWith(prefix) ? SET_LEFTOVER.exec(entry.slice(prefix.length)) : null;
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && isAlive(pid)) continue;
    const path = join(parent, entry);
    if (match[1] === 'old' && !(await exists(target))) await rename(path, target);
    else await rm(path, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
