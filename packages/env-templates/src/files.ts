import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AgentforgeError, assertInside, type Logger, writeFileAtomic } from '@agentforge/schema';

/** One generated file: a relative POSIX path, its text and the permission bits it must get. */
export interface GeneratedFile {
  /** Relative to the output folder, `/`-separated, never absolute and never leaving it. */
  path: string;
  content: string;
  /** Permission bits, e.g. `0o600` for files that will hold secrets. */
  mode: number;
}

/** The absolute target of `file` inside `root`, or a typed error when the path would leave it. */
export function resolveInside(root: string, path: string): string {
  const base = resolve(root);
  const target = resolve(base, path);
  const rel = relative(base, target);
  if (
    path === '' ||
    isAbsolute(path) ||
    rel === '' ||
    rel === '..' ||
    rel.startsWith(`..${sep}`) ||
    isAbsolute(rel)
  ) {
    throw new AgentforgeError('INVALID_ARGUMENT', `refusing to write "${path}": it is outside ${base}`);
  }
  return target;
}

/**
 * Writes generated files under `root`, each atomically ({@link writeFileAtomic}: a reader sees
 * the old file or the new, never a mix) and with its exact mode. Every path is checked first,
 * so nothing is written when one of them would land outside `root`. Returns the absolute paths
 * written.
 * @example await writeGeneratedFiles(process.cwd(), generate('env', document));
 */
export async function writeGeneratedFiles(
  root: string,
  files: readonly GeneratedFile[],
  options: { allowOutside?: boolean } = {},
): Promise<string[]> {
  const targets = files.map((file) => ({ file, target: resolveInside(root, file.path) }));
  // No write follows a symbolic link out of the root (a symlinked `deployment/` or
  // `.agentforge/`), unless the caller explicitly allows it; all are checked before any write.
  for (const { target } of targets) await assertInside(root, target, { action: 'write', ...options });
  // A Kustomize overlay is one set: it is staged beside its folder and swapped in whole.
  const sets = new Map<string, Array<{ file: GeneratedFile; target: string }>>();
  const single: Array<{ file: GeneratedFile; target: string }> = [];
  for (const entry of targets) {
    const set = SET_DIR.exec(entry.file.path)?.[0];
    if (set) sets.set(set, [...(sets.get(set) ?? []), entry]);
    else single.push(entry);
  }
  for (const { file, target } of single)
    await writeFileAtomic(target, file.content, { mode: file.mode, mkdir: true });
  for (const [dir, entries] of sets) await writeSet(resolveInside(root, dir), dir, entries);
  return targets.map(({ target }) => target);
}

// `…/overlays/<name>/`: the folder a Kustomize overlay lives in.
const SET_DIR = /^(?:.*\/)?overlays\/[^/]+\//;

/**
 * Writes files that belong together (an overlay) so that a kill at any moment leaves the whole
 * old set or the whole new set: the new set is written (each file fsynced) into a staging
 * folder beside the target, the old folder is renamed aside, the staging folder renamed into
 * place and the old one removed. Between the two renames the target is briefly absent; the next
 * write (or {@link recoverGeneratedSet}) puts the old set back if a kill fell there.
 */
async function writeSet(
  target: string,
  dir: string,
  entries: ReadonlyArray<{ file: GeneratedFile; target: string }>,
): Promise<void> {
  await recoverGeneratedSet(target);
  const parent = dirname(target);
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const staging = join(parent, `.${basename(target)}.staging-${tag}`);
  const aside = join(parent, `.${basename(target)}.old-${tag}`);
  try {
    await mkdir(parent, { recursive: true });
    for (const { file } of entries) {
      const inside = file.path.slice(dir.length);
      await writeFileAtomic(join(staging, inside), file.content, { mode: file.mode, mkdir: true });
    }
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
    await recoverGeneratedSet(target).catch(() => undefined);
    if (error instanceof AgentforgeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new AgentforgeError(
      'FILE_UNWRITABLE',
      `cannot write ${target}: ${code ? `${code}: ` : ''}${(error as Error).message}`,
      {
        cause: error,
        details: { path: target, reason: code },
      },
    );
  }
}

/**
 * Finishes or undoes a set write that a crash interrupted: when the target folder is missing
 * and an old copy was set aside, the old copy is put back; a leftover old copy beside a present
 * target, and staging folders of processes no longer running, are removed.
 */
export async function recoverGeneratedSet(target: string): Promise<void> {
  const parent = dirname(target);
  const name = basename(target);
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return;
  }
  const prefix = `.${name}.`;
  for (const entry of entries) {
    const match = /^(staging|old)-(\d+)-[0-9a-f]{12}$/.exec(
      entry.startsWith(prefix) ? entry.slice(prefix.length) : '',
    );
    if (!match) continue;
    const pid = Number(match[2]);
    if (pid !== process.pid && alive(pid)) continue;
    const path = join(parent, entry);
    if (match[1] === 'old' && !existsSync(target)) await rename(path, target);
    else await rm(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export type { Logger };
