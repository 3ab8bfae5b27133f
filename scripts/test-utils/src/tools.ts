import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The external programs tests run for real; `scripts/ensure-tools.sh` installs each of them. */
export type ToolName = 'helm' | 'kubectl' | 'nats-server' | 'chromium';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Executable names per tool: Ubuntu calls Debian's `chromium` `chromium-browser`. */
const EXECUTABLES: Record<ToolName, readonly string[]> = {
  helm: ['helm'],
  kubectl: ['kubectl'],
  'nats-server': ['nats-server'],
  chromium: ['chromium', 'chromium-browser'],
};

/** True when running in CI (`CI` set to anything but `false`/`0`), where no test may skip. */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

function isExecutable(file: string): boolean {
  try {
    const stats = statSync(file);
    return stats.isFile() && (stats.mode & 0o111) !== 0; // any execute bit
  } catch {
    return false;
  }
}

/** Where to look, for tests of the lookup itself. */
export interface FindToolOptions {
  /** @default process.env (its `PATH`, and `CI` for {@link requireTool}) */
  env?: NodeJS.ProcessEnv;
  /** Folders searched after `PATH`. @default [`<repo>/.tools`, `/usr/sbin`, `/usr/bin`] */
  fallbackDirs?: readonly string[];
}

/** Where `scripts/ensure-tools.sh` installs what is not on PATH; Debian's nats-server is in /usr/sbin. */
const FALLBACK_DIRS = [join(repoRoot, '.tools'), '/usr/sbin', '/usr/bin'];

/**
 * The absolute path of `name`, looked up where `scripts/ensure-tools.sh` puts it: `PATH`,
 * then `<repo>/.tools/`, then `/usr/sbin` (Debian's nats-server, not on a user's PATH) and
 * `/usr/bin`. `undefined` when it is nowhere.
 */
export function findTool(name: ToolName, options: FindToolOptions = {}): string | undefined {
  const { env = process.env, fallbackDirs = FALLBACK_DIRS } = options;
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...fallbackDirs];
  for (const executable of EXECUTABLES[name])
    for (const dir of dirs) {
      const candidate = join(dir, executable);
      if (isExecutable(candidate)) return candidate;
    }
  return undefined;
}

const found = new Map<ToolName, string | undefined>();

/**
 * The tool a test file needs, for `describe.skipIf(!tool)`. Outside CI a missing tool returns
 * `undefined` and prints one warning, so its tests skip visibly; in CI (`CI=true`) it throws,
 * failing the test file: CI never passes with a test that did not run.
 *
 * @example
 * const helm = requireTool('helm');
 * describe.skipIf(!helm)('helm chart', () => { … spawnSync(helm!, ['lint', chart]) … });
 */
export function requireTool(name: ToolName, options?: FindToolOptions): string | undefined {
  if (!options && found.has(name)) return found.get(name);
  const path = findTool(name, options);
  if (!options) found.set(name, path);
  if (path) return path;
  const env = options?.env ?? process.env;
  const message = `${name} not found on PATH, in .tools/, /usr/sbin or /usr/bin — run \`bash scripts/ensure-tools.sh\``;
  if (isCI(env))
    throw new Error(`${message}. CI=${env.CI}: a missing tool fails the run instead of skipping tests.`);
  console.warn(`SKIPPED: ${message}; the tests that need ${name} do not run.`);
  return undefined;
}
