// Role-based access to configuration: the `access:` section of agentforge.yaml.

import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import * as z from 'zod';
import { childProcess } from './_builtins.js';
import { appendAudit } from './audit.js';
import { checkSchema } from './check.js';
import { AgentforgeError } from './errors.js';
import { loadDocument } from './load.js';
import { isPlainObject } from './objects.js';
import { compileGlob, compileNameGlob, formatPointer, pointerToPath, toSegments } from './paths.js';
import type { Workspace } from './workspace.js';

/** What a grant allows. */
export const ACCESS_ACTIONS = ['create', 'set', 'snapshot', 'accept', 'publish'] as const;
/** One of {@link ACCESS_ACTIONS}. */
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

const GrantSchema = z
  .object({
    environments: z.array(z.string().min(1)).min(1).describe('Environment names or globs (`*`)'),
    paths: z
      .array(z.string().min(1))
      .default(['**'])
      .describe('Path globs the grant covers (`services.*.replicas`, `security.**`)'),
    actions: z.array(z.enum(ACCESS_ACTIONS)).min(1),
  })
  .strict();

/** The `access:` section of agentforge.yaml: roles with principals and grants. */
export const AccessSchema = z
  .object({
    roles: z.record(
      z.string(),
      z
        .object({
          principals: z
            .array(z.string().min(1))
            .min(1)
            .describe('Actors or globs such as `*@platform.example.com`'),
          grants: z.array(GrantSchema).default([]),
        })
        .strict(),
    ),
  })
  .strict();

/** A parsed `access:` section. */
export type AccessPolicy = z.output<typeof AccessSchema>;

/** The access policy of a workspace, or `undefined` when it has no `access:` section (everything allowed). */
export function workspaceAccess(
  workspace: Pick<Workspace, 'settings' | 'settingsFile'>,
): AccessPolicy | undefined {
  const section = (workspace.settings as { access?: unknown }).access;
  if (section === undefined) return undefined;
  const checked = checkSchema(AccessSchema, section);
  if (!checked.success)
    throw new AgentforgeError(
      'CONFIG_INVALID',
      `${workspace.settingsFile ?? 'agentforge.yaml'}: access: ${checked.findings.map((f) => `${pointerToPath(f.path) || '(root)'}: ${f.message}`).join('; ')}`,
    );
  return checked.data;
}

/** `*` in a principal or environment glob matches any run of characters; case does not matter. */
function matchesName(glob: string, name: string): boolean {
  return compileNameGlob(glob, { ignoreCase: true })(name);
}

/** A request to change configuration. */
export interface AccessRequest {
  actor: string;
  environment: string;
  action: AccessAction;
  /** Dotted paths changed; a `set` needs a grant covering each, other actions need one grant for the environment. */
  paths?: readonly string[];
}

/** The answer of {@link checkAccess}. */
export type AccessDecision =
  | { allowed: true; roles: string[] }
  | {
      allowed: false;
      /** The grant that is missing, e.g. `set on production for security.tls.enabled`. */
      missing: string;
      /** The actor's roles (empty when no role names it). */
      roles: string[];
    };

/**
 * Decides whether `actor` may make a change. No policy means everything is allowed (a workspace
 * without `access:` works as before).
 */
export function checkAccess(policy: AccessPolicy | undefined, request: AccessRequest): AccessDecision {
  if (!policy) return { allowed: true, roles: [] };
  const roles = Object.entries(policy.roles).filter(([, role]) =>
    role.principals.some((p) => matchesName(p, request.actor)),
  );
  const names = roles.map(([name]) => name);
  const grants = roles
    .flatMap(([, role]) => role.grants)
    .filter(
      (g) =>
        g.actions.includes(request.action) && g.environments.some((e) => matchesName(e, request.environment)),
    );
  const paths = request.action === 'set' ? (request.paths ?? []) : [];
  for (const path of paths) {
    const segments = toSegments(path);
    if (!grants.some((g) => g.paths.some((glob) => compileGlob(glob)(segments))))
      return {
        allowed: false,
        missing: `${request.action} on ${request.environment} for ${path}`,
        roles: names,
      };
  }
  if (grants.length === 0)
    return { allowed: false, missing: `${request.action} on ${request.environment}`, roles: names };
  return { allowed: true, roles: names };
}

/** The error a writing command throws when access is denied: exit 1, `access/denied`. */
export function accessDeniedMessage(
  actor: string,
  decision: Extract<AccessDecision, { allowed: false }>,
): string {
  const roles =
    decision.roles.length > 0 ? `roles: ${decision.roles.join(', ')}` : 'no role names this actor';
  return `access/denied: ${actor} has no grant to ${decision.missing} (${roles}; see access: in agentforge.yaml)`;
}

/** A change a writing command is about to make, for {@link authorizeChange}. */
export interface ChangeRequest {
  /** Who makes it (see `resolveActor`). */
  actor: string;
  /** The command, recorded in the audit line (`config snapshot`). */
  command: string;
  /** The environment changed; several for a change that covers each (a baseline of `-e all`). */
  environment: string | readonly string[];
  action: AccessAction;
  /** Dotted paths changed: each needs a grant for a `set`. */
  paths?: readonly string[];
  /** Content hash of what the change would replace, recorded on the `denied` line. */
  current?: string | null;
  /** A dry run: decide, but write no audit line. @default false */
  dryRun?: boolean;
}

/** The answer of {@link authorizeChange}: go ahead, or the `access/denied` message to print. */
export type ChangeAuthorization = { allowed: true } | { allowed: false; missing: string; message: string };

const environmentsOf = (request: ChangeRequest): readonly string[] =>
  typeof request.environment === 'string' ? [request.environment] : request.environment;

/** The audit line of a change request: who, what, where — with the outcome's hashes. */
function auditRequest(
  root: string,
  request: ChangeRequest,
  outcome: { result: 'applied' | 'denied'; before: string | null; after: string | null; reason?: string },
) {
  return appendAudit(root, {
    actor: request.actor,
    command: request.command,
    environment: environmentsOf(request).join(','),
    paths: request.paths,
    ...outcome,
  });
}

/**
 * The gate every writing command passes before it writes: the workspace's `access:` rules
 * decide; a denied change appends its `denied` line to the audit trail (paths and hashes, never
 * a value) and comes back with the `access/denied` message that names the missing grant. An
 * allowed change is audited by the caller once it knows the result (`applied` or `refused`).
 * Without an `access:` section everything is allowed and nothing is written here.
 * @example const gate = await authorizeChange(workspace, { actor, command: 'config snapshot', environment: 'production', action: 'snapshot' });
 * if (!gate.allowed) { console.error(gate.message); process.exitCode = 1; }
 */
export async function authorizeChange(
  workspace: Pick<Workspace, 'root' | 'settings' | 'settingsFile'>,
  request: ChangeRequest,
): Promise<ChangeAuthorization> {
  const policy = workspaceAccess(workspace);
  if (!policy) return { allowed: true };
  for (const environment of environmentsOf(request)) {
    const decision = checkAccess(policy, {
      actor: request.actor,
      environment,
      action: request.action,
      ...(request.paths ? { paths: request.paths } : {}),
    });
    if (decision.allowed) continue;
    const current = request.current ?? null;
    if (!request.dryRun)
      await auditRequest(workspace.root, request, {
        result: 'denied',
        before: current,
        after: current,
        reason: decision.missing,
      });
    return {
      allowed: false,
      missing: decision.missing,
      message: accessDeniedMessage(request.actor, decision),
    };
  }
  return { allowed: true };
}

/** What a change made, for its `applied` audit line: content hashes or ids, never values. */
export interface ChangeMade<T> {
  value: T;
  before?: string | null;
  after?: string | null;
}

/**
 * A writing command's whole access and audit path in one call: {@link authorizeChange}, then
 * `change()`, then its `applied` audit line. A denied change runs nothing and comes back with
 * the `access/denied` message. An error thrown by `change()` is rethrown unaudited (bad input
 * changes nothing).
 * @example
 * const done = await auditedChange(workspace, { actor, command: 'config snapshot', environment, action: 'snapshot' }, async () => {
 *   const meta = await store.save(environment, data);
 *   return { value: meta, before: meta.parent ?? null, after: meta.id };
 * });
 */
export async function auditedChange<T>(
  workspace: Pick<Workspace, 'root' | 'settings' | 'settingsFile'>,
  request: ChangeRequest,
  change: () => Promise<ChangeMade<T>>,
): Promise<{ allowed: true; value: T } | Extract<ChangeAuthorization, { allowed: false }>> {
  const gate = await authorizeChange(workspace, request);
  if (!gate.allowed) return gate;
  const made = await change();
  await auditRequest(workspace.root, request, {
    result: 'applied',
    before: made.before ?? null,
    after: made.after ?? null,
  });
  return { allowed: true, value: made.value };
}

/**
 * The dotted paths whose values differ between two documents. Lists whose items all carry a
 * `name`, `key` or `id` are compared by that key, so reordering is not a change of every item.
 */
export function changedPaths(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string[]): void => {
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) walk(a[key], b[key], [...path, key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const id = ['name', 'key', 'id'].find((k) =>
        [...a, ...b].every((item) => isPlainObject(item) && typeof item[k] === 'string'),
      );
      if (id) {
        const byId = (list: unknown[]) =>
          new Map(list.map((item) => [(item as Record<string, string>)[id]!, item]));
        const left = byId(a);
        const right = byId(b);
        for (const key of new Set([...left.keys(), ...right.keys()]))
          walk(left.get(key), right.get(key), [...path, key]);
        return;
      }
      for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], [...path, String(i)]);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(pointerToPath(formatPointer(path)));
  };
  walk(before, after, []);
  return out;
}

/** One environment file's changes that the actor may not make. */
export interface AccessViolation {
  environment: string;
  file: string;
  path: string;
  missing: string;
}

/** Options of {@link checkAccessAgainstBase}. */
export interface AccessCheckOptions {
  /** The git revision to compare with (`origin/main`, `HEAD~1`). */
  base: string;
  actor: string;
}

/**
 * For CI: compares each environment file at `base` with the working tree and lists the changed
 * paths the actor may not change. A file added since `base` needs `create`; one removed needs
 * `create` too (removing an environment is as strong as making one).
 */
export async function checkAccessAgainstBase(
  workspace: Workspace,
  options: AccessCheckOptions,
): Promise<{ violations: AccessViolation[]; checked: number }> {
  const policy = workspaceAccess(workspace);
  const git = (args: string[]) =>
    childProcess().execFileSync('git', args, {
      cwd: workspace.root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel']).trim();
    git(['rev-parse', '--verify', `${options.base}^{commit}`]);
  } catch (error) {
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `--base ${options.base}: not a git revision of ${workspace.root} (${String((error as { stderr?: string }).stderr ?? error).trim()})`,
    );
  }
  const names = new Set(await workspace.listEnvironments());
  const atBase = git(['ls-tree', '--name-only', options.base, `${relative(top, workspace.environmentsDir)}/`])
    .split('\n')
    .filter((f) => /\.ya?ml$/.test(f));
  for (const f of atBase) names.add(f.replace(/^.*\//, '').replace(/\.ya?ml$/, ''));
  const violations: AccessViolation[] = [];
  for (const environment of [...names].sort()) {
    const file = workspace.environmentFile(environment);
    const inRepo = relative(top, file);
    let before: unknown;
    let after: unknown;
    let existedBefore = true;
    try {
      before = loadDocument(git(['show', `${options.base}:${inRepo}`]), {
        file: `${options.base}:${inRepo}`,
      }).data;
    } catch (error) {
      if (error instanceof AgentforgeError) throw error;
      existedBefore = false;
    }
    const now = await readFile(file, 'utf8').catch(() => undefined);
    if (now !== undefined) after = loadDocument(now, { file: relative(workspace.root, file) }).data;
    const display = relative(workspace.root, file);
    if (!existedBefore || now === undefined) {
      if (!existedBefore && now === undefined) continue;
      const decision = checkAccess(policy, { actor: options.actor, environment, action: 'create' });
      if (!decision.allowed)
        violations.push({ environment, file: display, path: '', missing: decision.missing });
      continue;
    }
    for (const path of changedPaths(before, after)) {
      const decision = checkAccess(policy, {
        actor: options.actor,
        environment,
        action: 'set',
        paths: [path],
      });
      if (!decision.allowed) violations.push({ environment, file: display, path, missing: decision.missing });
    }
  }
  return { violations, checked: names.size };
}

/**
 * A CODEOWNERS file from the grants, so GitHub asks the same people on pull requests: each
 * environment file is owned by the principals of the roles that may `set` anything in it
 * (CODEOWNERS works per file; path-level rules are enforced by `access check` in CI).
 * Principals that are not GitHub handles or e-mail addresses (globs) are listed as comments.
 */
export function renderCodeowners(policy: AccessPolicy, environments: readonly string[], dir: string): string {
  const lines = [
    '# Generated by `agentforge access codeowners` from access: in agentforge.yaml. Do not edit.',
  ];
  for (const environment of environments) {
    const owners = new Set<string>();
    const skipped = new Set<string>();
    for (const role of Object.values(policy.roles)) {
      const grants = role.grants.filter(
        (g) => g.actions.includes('set') && g.environments.some((e) => matchesName(e, environment)),
      );
      if (grants.length === 0) continue;
      for (const p of role.principals) (p.includes('*') ? skipped : owners).add(p);
    }
    if (skipped.size > 0)
      lines.push(`# ${environment}: also ${[...skipped].sort().join(', ')} (globs cannot be owners)`);
    lines.push(`/${dir}/${environment}.yaml ${[...owners].sort().join(' ')}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
