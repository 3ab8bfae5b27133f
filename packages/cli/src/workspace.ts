import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AgentforgeError, type LoadedDocument, loadFile } from '@agentforge/schema';

/** Settings a workspace may keep in `agentforge.yaml`; paths are relative to the workspace. */
export interface WorkspaceSettings {
  /** @default 'environments' */
  environments?: string;
  /** Extra policy files for `config validate`. */
  policies?: string[];
  [key: string]: unknown;
}

/** A user's workspace: where its environments, policies and snapshots live. */
export interface Workspace {
  root: string;
  settings: WorkspaceSettings;
  environmentsDir: string;
  environmentFile(name: string): string;
  listEnvironments(): Promise<string[]>;
  /** Loads `environments/<name>.yaml` (or `file`), refusing unknown environments with the list of known ones. */
  loadEnvironment(name: string, file?: string): Promise<LoadedDocument>;
}

/** Finds the workspace: `--dir`, else the nearest folder up from `cwd` holding `agentforge.yaml` or `environments/`. */
export async function findWorkspace(cwd: string, dir?: string): Promise<Workspace> {
  let root: string | undefined;
  if (dir !== undefined) {
    root = resolve(cwd, dir);
    if (!existsSync(root)) throw new AgentforgeError('FILE_NOT_FOUND', `${root}: no such workspace folder (--dir)`);
  } else {
    for (let current = resolve(cwd); ; current = dirname(current)) {
      if (existsSync(join(current, 'agentforge.yaml')) || existsSync(join(current, 'environments'))) {
        root = current;
        break;
      }
      if (dirname(current) === current) break;
    }
    if (!root) throw new AgentforgeError('FILE_NOT_FOUND', `no AgentForge workspace found from ${cwd} upwards (no agentforge.yaml or environments/); use --dir`);
  }
  const settingsFile = join(root, 'agentforge.yaml');
  let settings: WorkspaceSettings = {};
  if (existsSync(settingsFile)) {
    const loaded = await loadFile(settingsFile);
    if (loaded.data !== null && (typeof loaded.data !== 'object' || Array.isArray(loaded.data))) {
      throw new AgentforgeError('PARSE_ERROR', 'agentforge.yaml must be a mapping of settings', { location: loaded.locator.nearest('') });
    }
    settings = (loaded.data ?? {}) as WorkspaceSettings;
  }
  const environmentsDir = resolve(root, settings.environments ?? 'environments');
  const workspace: Workspace = {
    root,
    settings,
    environmentsDir,
    environmentFile: (name) => join(environmentsDir, `${name}.yaml`),
    async listEnvironments() {
      try {
        return (await readdir(environmentsDir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => f.replace(/\.ya?ml$/, '')).sort();
      } catch {
        return [];
      }
    },
    async loadEnvironment(name, file) {
      if (file !== undefined) return loadFile(resolve(root, file));
      const known = await workspace.listEnvironments();
      if (!known.includes(name)) {
        throw new AgentforgeError(
          'UNKNOWN_ENVIRONMENT',
          `unknown environment "${name}" in ${environmentsDir} (known: ${known.join(', ') || 'none'})`,
        );
      }
      const path = existsSync(join(environmentsDir, `${name}.yaml`)) ? join(environmentsDir, `${name}.yaml`) : join(environmentsDir, `${name}.yml`);
      return loadFile(path);
    },
  };
  return workspace;
}
