import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AgentforgeError } from './errors.js';

/** Options of {@link assertInside}. */
export interface AssertInsideOptions {
  /** Let the path resolve outside `root` (an explicit, user-given choice). @default false */
  allowOutside?: boolean;
  /** What is done with the path, for the message: `read`, `write`. @default 'use' */
  action?: string;
}

const within = (root: string, target: string) => {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

/**
 * Refuses a path inside the workspace `root` that resolves — through symbolic links in the
 * path or the file itself — to somewhere outside it: a symlinked `environments/production.yaml`
 * pointing at `/etc/passwd` is not read, a symlinked `deployment/` or `.agentforge/` is not
 * written through. For a path that does not exist yet, its nearest existing folder is checked.
 * Throws `INVALID_ARGUMENT` (exit 2) naming the path and where it leads; returns the real path.
 */
export async function assertInside(
  root: string,
  path: string,
  options: AssertInsideOptions = {},
): Promise<string> {
  const realRoot = await realpath(resolve(root)).catch(() => resolve(root));
  let probe = resolve(root, path);
  let suffix = '';
  for (;;) {
    try {
      const real = resolve(await realpath(probe), suffix);
      if (!options.allowOutside && !within(realRoot, real))
        throw new AgentforgeError(
          'INVALID_ARGUMENT',
          `refusing to ${options.action ?? 'use'} ${resolve(root, path)}: it resolves to ${real}, outside the workspace ${realRoot} (a symbolic link?)`,
          { details: { path: resolve(root, path), resolved: real } },
        );
      return real;
    } catch (error) {
      if (error instanceof AgentforgeError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      const parent = dirname(probe);
      if (parent === probe) return resolve(root, path);
      suffix = suffix === '' ? relative(parent, probe) : `${relative(parent, probe)}${sep}${suffix}`;
      probe = parent;
    }
  }
}
