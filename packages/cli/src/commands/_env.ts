import { isAbsolute, relative } from 'node:path';
import type { Logger } from '@agentforge/env-templates';
import {
  AgentforgeError,
  checkSchema,
  EnvironmentDocumentSchema,
  isAgentforgeError,
} from '@agentforge/schema';
import type { Output } from '../context.js';
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
  const checked = checkSchema(EnvironmentDocumentSchema, loaded.data, { locator: loaded.locator });
  if (!checked.success) {
    const [first] = checked.findings;
    const more =
      checked.findings.length > 1
        ? ` (and ${checked.findings.length - 1} more problem(s); see agentforge config validate)`
        : '';
    throw new AgentforgeError('SCHEMA_VIOLATION', `${first!.message}${more}`, {
      location: first!.location,
      details: checked.findings,
    });
  }
  return loaded.data;
}

/** `path` relative to `cwd` when it lies below it, else absolute: what a user can paste back. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
