// A change to an environment file as the toolkit makes it: access, a comment-preserving edit
// checked with the schema and policies before anything is written, an atomic write, the audit
// line. `config set`, `config unset` and `env create` are thin shells over this function.
import { readFile } from 'node:fs/promises';
import {
  type AccessAction,
  appendAudit,
  assertInside,
  authorizeChange,
  contentHash,
  type DocumentEdit,
  type EditFileResult,
  EnvironmentDocumentSchema,
  editFile,
  isAtLeast,
  type Logger,
  parseWithSchema,
  resolveActor,
  type Severity,
  type Workspace,
} from '@agentforge/schema';
import { toEnvironmentInput } from './environment-input.js';
import { createWorkspaceValidator } from './workspace-validator.js';

/** Options of {@link editEnvironment}. */
export interface EditEnvironmentOptions {
  workspace: Workspace;
  /** The environment to edit (or create, with `create`). */
  environment: string;
  /** The edits, in order: a set to a YAML scalar or flow node, or an unset. */
  edits: readonly DocumentEdit[];
  /** Who makes the change. @default `resolveActor` (CI identity, git user.email, OS user) */
  actor?: string;
  /** Environment variables `resolveActor` reads. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** The command recorded in the audit line. @default 'config set' (or 'env create' with `create`) */
  command?: string;
  /** Findings at or above this severity refuse the edit. @default 'high' */
  failOn?: Severity;
  /** Check and compute the diff; write nothing, audit nothing. @default false */
  dryRun?: boolean;
  /**
   * Create the file (or replace it) from this text — a rendered template — with the edits
   * applied on top. Needs the `create` grant; the result must match the schema (a violation is
   * bad input: a `SCHEMA_VIOLATION` error), and policy findings at `failOn` refuse it.
   */
  create?: { text: string };
  /** How a file is named in messages and finding locations. @default the path itself */
  display?: (file: string) => string;
  logger?: Logger;
}

/** What {@link editEnvironment} did, with the file and the actor it did it for. */
export type EditEnvironmentResult = (
  | (EditFileResult & { status: EditFileResult['status'] })
  | {
      status: 'denied';
      /** The `access/denied` message, naming the missing grant. */
      message: string;
      missing: string;
    }
) & { file: string; display: string; actor: string; paths: string[]; failOn: Severity };

/**
 * Edits (or creates) an environment file the way `agentforge config set` does: access is
 * checked (`set` on each path, or `create`), the edits keep comments and formatting, the
 * edited document is validated with the schema and the workspace's policies at `failOn`, and
 * only an accepted edit is written, atomically. Every outcome but a dry run or a no-op is
 * appended to the audit trail (`applied`, `refused`, `denied`) with paths and content hashes,
 * never a value. A refused or denied edit leaves the file byte-identical.
 * @example
 * const workspace = await findWorkspace(process.cwd());
 * const result = await editEnvironment({ workspace, environment: 'production', edits: [{ op: 'set', path: 'services.swarm.replicas', value: '4' }] });
 * if (result.status === 'refused' || result.status === 'denied') process.exitCode = 1;
 */
export async function editEnvironment(options: EditEnvironmentOptions): Promise<EditEnvironmentResult> {
  const { workspace, environment, create } = options;
  const failOn = options.failOn ?? 'high';
  const file = create
    ? workspace.environmentFile(environment)
    : await workspace.resolveEnvironment(environment);
  // A new file is written where the workspace says; never through a link out of it.
  if (create) await assertInside(workspace.root, file, { action: 'write' });
  const display = options.display?.(file) ?? file;
  const actor = options.actor || resolveActor({ env: options.env ?? process.env, cwd: workspace.root });
  const command = options.command ?? (create ? 'env create' : 'config set');
  const paths = options.edits.map((e) => e.path);
  const action: AccessAction = create ? 'create' : 'set';
  const done = { file, display, actor, paths, failOn };

  const gate = await authorizeChange(workspace, {
    actor,
    command,
    environment,
    action,
    paths,
    current: contentHash(await readFile(file, 'utf8').catch(() => null)),
    dryRun: options.dryRun ?? false,
  });
  if (!gate.allowed) return { status: 'denied', message: gate.message, missing: gate.missing, ...done };

  const validator = await createWorkspaceValidator(workspace, {
    failOn,
    ...(options.display ? { displayPath: options.display } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const result = await editFile({
    path: file,
    display,
    edits: options.edits,
    dryRun: options.dryRun ?? false,
    ...(create ? { initial: create.text } : {}),
    check: (document) => {
      if (create)
        parseWithSchema(EnvironmentDocumentSchema, document.data, {
          locator: document.locator,
          what: `environment ${environment}`,
        });
      return validator
        .validate(toEnvironmentInput(document), { environment })
        .findings.filter((f) => isAtLeast(f.severity, failOn));
    },
  });
  if (!options.dryRun && (result.status === 'applied' || result.status === 'refused'))
    await appendAudit(workspace.root, {
      actor,
      command,
      environment,
      paths,
      before: result.hashBefore,
      after: result.hashAfter,
      result: result.status,
      ...(result.status === 'refused'
        ? { reason: [...new Set(result.findings.map((f) => f.ruleId))].join(', ') }
        : {}),
    });
  return { ...result, ...done };
}
