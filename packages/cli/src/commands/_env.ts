import {
  EnvironmentDocumentSchema,
  isAgentforgeError,
  parseWithSchema,
} from '@agentforge/schema';
import { findWorkspace, type Workspace } from '../workspace.js';

/** The workspace for `env` commands; `env create` may start one in the current folder. */
export async function envWorkspace(cwd: string, dir: string | undefined, create = false): Promise<Workspace> {
  try {
    return await findWorkspace(cwd, dir);
  } catch (error) {
    if (create && dir === undefined && isAgentforgeError(error) && error.code === 'FILE_NOT_FOUND')
      return findWorkspace(cwd, '.');
    throw error;
  }
}

/** Loads `environments/<name>.yaml` and checks it, failing with the file, line and column of the first problem. */
export async function loadCheckedEnvironment(workspace: Workspace, name: string): Promise<unknown> {
  const loaded = await workspace.loadEnvironment(name);
  parseWithSchema(EnvironmentDocumentSchema, loaded.data, {
    locator: loaded.locator,
    what: `environment ${name}`,
  });
  return loaded.data;
}
