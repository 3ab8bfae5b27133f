// The workspace model: where a user's environments, policies, suppressions and snapshots live.
// The CLI and every tool a platform team builds find and read a workspace the same way.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as z from 'zod';
import { readdir } from './_fs.js';
import { checkSchema } from './check.js';
import { AgentforgeError } from './errors.js';
import { assertInside } from './inside.js';
import { type LoadedDocument, loadFile } from './load.js';

/** The settings file at the root of a workspace. */
export const WORKSPACE_SETTINGS_FILE = 'agentforge.yaml';

/** Where environment documents live unless `agentforge.yaml` says otherwise. */
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

/**
 * The keys of `agentforge.yaml` the toolkit reads; other sections (`access:`, tool-specific
 * settings) pass through untouched so tools can add their own.
 */
export const WorkspaceSettingsSchema = z
  .object({
    environments: z.string().min(1).optional().describe('Folder of the environment documents'),
    policies: z.array(z.string().min(1)).optional().describe('Policy files, instead of policies/*.yaml'),
    suppressions: z.string().min(1).optional().describe('Suppressions file, instead of suppressions.yaml'),
    drift: z
      .object({ policy: z.string().min(1).optional() })
      .loose()
      .optional(),
    gitops: z
      .object({
        repoUrl: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Git repository Argo CD or Flux reads the overlays from (`env generate --type argocd|flux`)',
          ),
        revision: z
          .string()
          .min(1)
          .optional()
          .describe('Branch, tag (`refs/tags/v1.2.0`) or commit the controller follows; default `main`'),
      })
      .loose()
      .optional(),
    manifests: z
      .object({
        policy: z
          .union([z.string().min(1), z.array(z.string().min(1))])
          .optional()
          .describe('Policy files for `manifests validate`'),
      })
      .loose()
      .optional(),
  })
  .loose();

/** Settings a workspace may keep in `agentforge.yaml`; paths are relative to the workspace. */
export type WorkspaceSettings = z.output<typeof WorkspaceSettingsSchema>;

/** A user's workspace: where its environments, policies, suppressions and snapshots live. */
export interface Workspace {
  /** The workspace folder (absolute). */
  readonly root: string;
  /** `agentforge.yaml`, when the workspace has one. */
  readonly settingsFile: string | undefined;
  readonly settings: WorkspaceSettings;
  /** The folder of the environment documents (absolute). */
  readonly environmentsDir: string;
  /**
   * The file of environment `name`: `<name>.yaml`, else an existing `<name>.yml`. For a name
   * without a file it is the `.yaml` path a new environment is written to.
   */
  environmentFile(name: string): string;
  /** The names of the environments (`*.yaml` and `*.yml` in the environments folder), sorted. */
  listEnvironments(): Promise<string[]>;
  /** The file of an existing environment; an unknown name throws {@link unknownEnvironmentError}. */
  resolveEnvironment(name: string): Promise<string>;
  /** Reads environment `name` (or `file`, resolved against the workspace, instead). */
  loadEnvironment(name: string, file?: string): Promise<LoadedDocument>;
  /** Policy files: agentforge.yaml `policies`, else every `policies/*.yaml` and `*.yml`, sorted. */
  policyFiles(): Promise<string[]>;
  /** The suppressions file (agentforge.yaml `suppressions`, else `suppressions.yaml`) when it exists. */
  suppressionsFile(): string | undefined;
  /** The drift policy file named by agentforge.yaml `drift.policy`, if any. */
  driftPolicyFile(): string | undefined;
  /** The policy files of rendered manifests: agentforge.yaml `manifests.policy` (one path or a list). */
  manifestPolicyFiles(): string[];
}

/** Options of {@link findWorkspace}. */
export interface FindWorkspaceOptions {
  /**
   * When no folder up from `cwd` is a workspace, use `cwd` itself as a new, empty workspace
   * instead of failing (what `env create` does for the first environment).
   * @default false
   */
  allowNew?: boolean;
}

/**
 * Finds the workspace: `dir` when given (the CLI's `--dir`), else the nearest folder from `cwd`
 * upwards holding `agentforge.yaml` or an `environments/` folder; then reads its settings.
 * @example
 * const workspace = await findWorkspace(process.cwd());
 * const file = await workspace.resolveEnvironment('production');
 */
export async function findWorkspace(
  cwd: string,
  dir?: string,
  options: FindWorkspaceOptions = {},
): Promise<Workspace> {
  if (dir !== undefined) {
    const root = resolve(cwd, dir);
    if (!isDirectory(root))
      throw new AgentforgeError(
        'FILE_NOT_FOUND',
        `${root}: ${existsSync(root) ? 'not a folder' : 'no such workspace folder'} (--dir)`,
      );
    return openWorkspace(root);
  }
  for (let current = resolve(cwd); ; current = dirname(current)) {
    if (
      existsSync(join(current, WORKSPACE_SETTINGS_FILE)) ||
      isDirectory(join(current, DEFAULT_ENVIRONMENTS_DIR))
    )
      return openWorkspace(current);
    if (dirname(current) === current) break;
  }
  if (options.allowNew) return openWorkspace(resolve(cwd));
  throw new AgentforgeError(
    'FILE_NOT_FOUND',
    `no AgentForge workspace found from ${resolve(cwd)} upwards (no ${WORKSPACE_SETTINGS_FILE} or ${DEFAULT_ENVIRONMENTS_DIR}/); use --dir`,
  );
}

/** Opens the workspace at exactly `root` (no walking up) and reads its `agentforge.yaml`. */
export async function openWorkspace(root: string): Promise<Workspace> {
  root = resolve(root);
  const settingsPath = join(root, WORKSPACE_SETTINGS_FILE);
  const settingsFile = existsSync(settingsPath) ? settingsPath : undefined;
  const settings = settingsFile ? await readSettings(settingsFile) : {};
  const environmentsDir = resolve(root, settings.environments ?? DEFAULT_ENVIRONMENTS_DIR);

  const listEnvironments = async (): Promise<string[]> => {
    let entries: string[];
    try {
      entries = await readdir(environmentsDir);
    } catch {
      return [];
    }
    const names = new Set(entries.filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')));
    return [...names].sort();
  };
  const environmentFile = (name: string): string => {
    const yaml = join(environmentsDir, `${name}.yaml`);
    if (existsSync(yaml)) return yaml;
    const yml = join(environmentsDir, `${name}.yml`);
    return existsSync(yml) ? yml : yaml;
  };
  const workspace: Workspace = {
    root,
    settingsFile,
    settings,
    environmentsDir,
    environmentFile,
    listEnvironments,
    async resolveEnvironment(name) {
      const known = await listEnvironments();
      if (!known.includes(name)) throw unknownEnvironmentError(name, { workspace, known });
      return environmentFile(name);
    },
    async loadEnvironment(name, file) {
      if (file !== undefined) return loadFile(resolve(root, file));
      // A workspace file that resolves outside the workspace (a symlink to /etc/passwd) is refused.
      const path = await workspace.resolveEnvironment(name);
      await assertInside(root, path, { action: 'read' });
      return loadFile(path);
    },
    async policyFiles() {
      if (settings.policies) return settings.policies.map((p) => resolve(root, p));
      const folder = join(root, 'policies');
      let entries: string[];
      try {
        entries = await readdir(folder);
      } catch {
        return [];
      }
      return entries
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(folder, f));
    },
    suppressionsFile() {
      const file = resolve(root, settings.suppressions ?? 'suppressions.yaml');
      return existsSync(file) ? file : undefined;
    },
    manifestPolicyFiles() {
      const policy = settings.manifests?.policy;
      return (policy === undefined ? [] : Array.isArray(policy) ? policy : [policy]).map((p) =>
        resolve(root, p),
      );
    },
    driftPolicyFile() {
      const policy = settings.drift?.policy;
      return typeof policy === 'string' ? resolve(root, policy) : undefined;
    },
  };
  return workspace;
}

/**
 * The one "unknown environment" error (code `UNKNOWN_ENVIRONMENT`): names the environment, the
 * workspace (or folder) searched and the known names, with the closest one as a suggestion.
 */
export function unknownEnvironmentError(
  name: string,
  where: { workspace?: Pick<Workspace, 'root'>; known: readonly string[]; also?: string },
): AgentforgeError {
  const { workspace, known } = where;
  const suggestion = closestWord(name, known);
  const place = workspace ? ` in workspace ${workspace.root}` : '';
  return new AgentforgeError(
    'UNKNOWN_ENVIRONMENT',
    `unknown environment "${name}"${place} (known: ${known.join(', ') || 'none'}${where.also ? `; ${where.also}` : ''})${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
  );
}

/**
 * The candidate closest to `word` by edit distance, when it is close enough to be a typo (at
 * most a third of the word's length, at least one edit), else `undefined`.
 */
export function closestWord(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance > 0 && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Damerau–Levenshtein distance (optimal string alignment): a swap of two letters is one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

async function readSettings(file: string): Promise<WorkspaceSettings> {
  const loaded = await loadFile(file);
  const data = loaded.data ?? {};
  const checked = checkSchema(WorkspaceSettingsSchema, data, { locator: loaded.locator });
  if (!checked.success) {
    const [first] = checked.findings;
    throw new AgentforgeError('CONFIG_INVALID', `${WORKSPACE_SETTINGS_FILE}: ${first!.message}`, {
      location: first!.location ?? loaded.locator.nearest(''),
      details: checked.findings,
    });
  }
  return checked.data;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
