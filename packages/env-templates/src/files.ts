import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AgentforgeError, type Logger, writeFileAtomic } from '@agentforge/schema';

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
export async function writeGeneratedFiles(root: string, files: readonly GeneratedFile[]): Promise<string[]> {
  const targets = files.map((file) => ({ file, target: resolveInside(root, file.path) }));
  for (const { file, target } of targets)
    await writeFileAtomic(target, file.content, { mode: file.mode, mkdir: true });
  return targets.map(({ target }) => target);
}

export type { Logger };
