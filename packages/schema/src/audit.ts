// The workspace's audit trail: one JSON line per change made through the toolkit, hash-chained
// so that an edited, removed or reordered line is found.

import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { childProcess, nodeCrypto } from './_builtins.js';
import { canonicalJson } from './canonical-json.js';
import { AgentforgeError } from './errors.js';

/** The audit trail of a workspace, relative to its root. */
export const AUDIT_LOG = '.agentforge/audit.log';

/** What happened to a change: written, stopped by findings, or stopped by access control. */
export type AuditResult = 'applied' | 'refused' | 'denied';

/** The fields a caller gives for one change (never a value: paths and content hashes only). */
export interface AuditChange {
  actor: string;
  /** The command, e.g. `config set`. */
  command: string;
  environment?: string | undefined;
  /** Dotted paths the change touched. */
  paths?: readonly string[] | undefined;
  /** Content hash of the file before and after (`sha256:…`), or null where there was none. */
  before?: string | null | undefined;
  after?: string | null | undefined;
  result: AuditResult;
  /** Why a change was refused or denied (rule ids, the missing grant); never a value. */
  reason?: string | undefined;
}

/** One line of the trail, as written. */
export interface AuditEntry extends Omit<AuditChange, 'paths'> {
  /** Version of the line format. */
  v: 1;
  time: string;
  paths: string[];
  /** Hash of the previous line's entry (`null` for the first line). */
  prev: string | null;
  /** sha256 over this entry without `hash`, canonical JSON: an edit to the line changes it. */
  hash: string;
}

/** Options of {@link appendAudit}. */
export interface AppendAuditOptions {
  /** Clock, for tests. @default () => new Date() */
  now?: () => Date;
  /** Longest wait for another writer's lock before failing. @default 10_000 ms */
  lockTimeoutMs?: number;
}

function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return `sha256:${nodeCrypto().createHash('sha256').update(canonicalJson(entry)).digest('hex')}`;
}

/**
 * Who is making a change: `--actor`, else the CI's identity (`GITHUB_ACTOR`, `GITLAB_USER_LOGIN`,
 * `BUILDKITE_BUILD_CREATOR_EMAIL`, `CI_COMMIT_AUTHOR`), else git `user.email`, else the OS user.
 */
export function resolveActor(
  options: {
    actor?: string | undefined;
    env?: Readonly<Record<string, string | undefined>>;
    cwd?: string;
  } = {},
): string {
  if (options.actor) return options.actor;
  const env = options.env ?? process.env;
  for (const name of [
    'GITHUB_ACTOR',
    'GITLAB_USER_LOGIN',
    'BUILDKITE_BUILD_CREATOR_EMAIL',
    'CI_COMMIT_AUTHOR',
  ]) {
    const value = env[name];
    if (value) return value;
  }
  try {
    const email = childProcess()
      .execFileSync('git', ['config', 'user.email'], {
        cwd: options.cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
    if (email) return email;
  } catch {
    // no git, or no user.email: fall through to the OS user
  }
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * Holds `<log>.lock` while `body` runs, so that concurrent processes append one at a time and
 * each line chains to the one before it. A lock older than the timeout is a crashed writer's
 * and is taken over. Polling is how file locks wait: the file system offers no event for it.
 */
async function withLock<T>(file: string, timeoutMs: number, body: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = await stat(lock).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > timeoutMs) await unlink(lock).catch(() => undefined);
      else if (Date.now() - started > timeoutMs)
        throw new AgentforgeError('FILE_UNWRITABLE', `${file}: another process holds ${lock}`);
      await delay(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
    }
  }
  try {
    return await body();
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

async function readLines(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AgentforgeError('FILE_UNREADABLE', `${file}: cannot be read`, { cause: error });
  }
  return text.split('\n').filter((line) => line !== '');
}

/**
 * Appends one change to the workspace's audit trail (`.agentforge/audit.log`) as a JSON line
 * written with pino, chained to the line before by its hash. Safe across processes (a lock
 * file serialises writers). Give paths and hashes only, never values.
 * @example await appendAudit(root, { actor, command: 'config set', environment: 'production', paths: ['services.swarm.replicas'], before, after, result: 'applied' })
 */
export async function appendAudit(
  root: string,
  change: AuditChange,
  options: AppendAuditOptions = {},
): Promise<AuditEntry> {
  const file = join(root, AUDIT_LOG);
  await mkdir(dirname(file), { recursive: true });
  // pino is only loaded by commands that write to the trail.
  const { pino } = await import('pino');
  return withLock(file, options.lockTimeoutMs ?? 10_000, async () => {
    const lines = await readLines(file);
    const last = lines.at(-1);
    const prev = last === undefined ? null : ((JSON.parse(last) as { hash?: string }).hash ?? null);
    const body: Omit<AuditEntry, 'hash'> = {
      v: 1,
      time: (options.now?.() ?? new Date()).toISOString(),
      actor: change.actor,
      command: change.command,
      ...(change.environment === undefined ? {} : { environment: change.environment }),
      paths: [...(change.paths ?? [])],
      before: change.before ?? null,
      after: change.after ?? null,
      result: change.result,
      ...(change.reason === undefined ? {} : { reason: change.reason }),
      prev,
    };
    const entry: AuditEntry = { ...body, hash: entryHash(body) };
    const fd = openSync(file, 'a', 0o644);
    try {
      // A synchronous pino destination on our own descriptor: the line is on disk before the
      // lock is released. No pid, hostname or pino time; pino's level slot carries the line
      // format's version (`v`), so the entry is the whole line.
      const logger = pino(
        { base: null, timestamp: false, formatters: { level: () => ({ v: entry.v }) } },
        { write: (line: string) => void writeSync(fd, line) },
      );
      const { v: _version, ...fields } = entry;
      logger.info(fields);
    } finally {
      closeSync(fd);
    }
    return entry;
  });
}

/** A problem {@link verifyAudit} found, naming the 1-based line. */
export interface AuditProblem {
  line: number;
  message: string;
}

/** What {@link verifyAudit} found. */
export interface AuditVerification {
  ok: boolean;
  entries: number;
  problem?: AuditProblem;
}

/**
 * Checks the chain of the trail: each line's own hash (an edited line fails here) and its link
 * to the line before (a removed or reordered line fails at the next line).
 */
export async function verifyAudit(root: string): Promise<AuditVerification> {
  const lines = await readLines(join(root, AUDIT_LOG));
  let prev: string | null = null;
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line) as AuditEntry;
    } catch {
      return { ok: false, entries: lines.length, problem: { line: n, message: `line ${n} is not JSON` } };
    }
    const { hash, ...body } = entry;
    if (hash !== entryHash(body))
      return {
        ok: false,
        entries: lines.length,
        problem: { line: n, message: `line ${n} was edited: its content does not match its hash` },
      };
    if (entry.prev !== prev)
      return {
        ok: false,
        entries: lines.length,
        problem: {
          line: n,
          message:
            n === 1
              ? 'line 1 does not start the chain: lines before it were removed'
              : `line ${n} does not follow line ${n - 1}: a line between them was removed, or lines were reordered`,
        },
      };
    prev = hash;
  }
  return { ok: true, entries: lines.length };
}

/** Filters of {@link readAudit}. */
export interface ReadAuditOptions {
  environment?: string | undefined;
  /** Entries at or after this time. */
  since?: Date | undefined;
}

/** The entries of the trail, oldest first, filtered. */
export async function readAudit(root: string, options: ReadAuditOptions = {}): Promise<AuditEntry[]> {
  const lines = await readLines(join(root, AUDIT_LOG));
  const entries: AuditEntry[] = [];
  for (const [i, line] of lines.entries()) {
    try {
      entries.push(JSON.parse(line) as AuditEntry);
    } catch (error) {
      throw new AgentforgeError('PARSE_ERROR', `${AUDIT_LOG}:${i + 1}: not a JSON line`, { cause: error });
    }
  }
  return entries.filter(
    (e) =>
      (options.environment === undefined || e.environment === options.environment) &&
      (options.since === undefined || Date.parse(e.time) >= options.since.getTime()),
  );
}

/** One readable line per entry, for `agentforge audit log`. */
export function formatAuditEntry(entry: AuditEntry): string {
  const where = entry.environment ? ` -e ${entry.environment}` : '';
  const paths = entry.paths.length > 0 ? ` ${entry.paths.join(', ')}` : '';
  const reason = entry.reason ? ` (${entry.reason})` : '';
  return `${entry.time}  ${entry.result.padEnd(7)}  ${entry.actor}  ${entry.command}${where}${paths}${reason}`;
}

/**
 * Parses `--since`: an ISO date or time, or a duration back from now (`30m`, `12h`, `7d`).
 */
export function parseSince(text: string, now: Date = new Date()): Date {
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (relative) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(relative[1]) * unit);
  }
  const time = Date.parse(text);
  if (Number.isNaN(time))
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `--since "${text}" is neither a date (2026-12-03, 2026-12-03T09:00Z) nor a duration (30m, 12h, 7d)`,
    );
  return new Date(time);
}
