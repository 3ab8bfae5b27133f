import { isAbsolute, relative, resolve, sep } from 'node:path';
import {
  AgentforgeError,
  assertInside,
  type Logger,
  writeFileAtomic,
  writeFileSetAtomic,
} from '@agentforge/schema';

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
  for (const [dir, entries] of sets)
    await writeFileSetAtomic(
      resolveInside(root, dir),
      entries.map(({ file }) => ({
        path: file.path.slice(dir.length),
        content: file.content,
        mode: file.mode,
      })),
    );
  return targets.map(({ target }) => target);
}

// `…/overlays/<name>/`: the folder a Kustomize overlay lives in.
const SET_DIR = /^(?:.*\/)?overlays\/[^/]+\//;

export type { Logger };
