import { constants } from 'node:fs';
import { chmod, link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeCrypto } from './_builtins.js';
import { AgentforgeError } from './errors.js';
import { createFingerprintKey, type FingerprintKey } from './secrets.js';

/** The environment variable that gives the fingerprint key in CI (64+ hex characters or base64 of 32+ bytes). */
export const FINGERPRINT_KEY_ENV = 'AGENTFORGE_FINGERPRINT_KEY';
/** The file under the workspace's `.agentforge/` folder that holds its fingerprint key. */
export const FINGERPRINT_KEY_FILE = 'fingerprint.key';

/** Options of {@link loadFingerprintKey}. */
export interface LoadFingerprintKeyOptions {
  /** Where {@link FINGERPRINT_KEY_ENV} is read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The fingerprint key of a workspace: from {@link FINGERPRINT_KEY_ENV} when set (CI, where the
 * workspace is fresh on every run), else from `<stateDir>/fingerprint.key`, created on first
 * use with 256 random bits, mode 0600, and listed in `<stateDir>/.gitignore` so it stays out of
 * git. A symlinked key file is refused. Snapshots fingerprinted under one key are compared only
 * with documents fingerprinted under the same key.
 * @example const key = await loadFingerprintKey(join(workspaceRoot, '.agentforge'));
 */
export async function loadFingerprintKey(
  stateDir: string,
  options: LoadFingerprintKeyOptions = {},
): Promise<FingerprintKey> {
  const fromEnv = (options.env ?? process.env)[FINGERPRINT_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    try {
      return createFingerprintKey(fromEnv);
    } catch (error) {
      throw new AgentforgeError('INVALID_ARGUMENT', `${FINGERPRINT_KEY_ENV}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const file = join(stateDir, FINGERPRINT_KEY_FILE);
  try {
    return createFingerprintKey(await readKeyFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw keyError(file, error);
  }
  try {
    await mkdir(stateDir, { recursive: true });
    await ensureIgnored(stateDir);
    // Written whole to a temporary file, then linked into place: link() fails if the key exists
    // (another process made it first: theirs is used), and a full disk leaves no empty key.
    const temp = join(
      stateDir,
      `.${FINGERPRINT_KEY_FILE}.${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      const handle = await open(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      try {
        await handle.chmod(0o600);
        await handle.writeFile(`${nodeCrypto().randomBytes(32).toString('hex')}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await link(temp, file);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw keyError(file, error);
  }
  try {
    return createFingerprintKey(await readKeyFile(file));
  } catch (error) {
    throw keyError(file, error);
  }
}

async function readKeyFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const stats = await handle.stat();
    // A key others may read is no key: narrow it rather than go on fingerprinting with it.
    if ((stats.mode & 0o077) !== 0) await chmod(file, 0o600);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function ensureIgnored(stateDir: string): Promise<void> {
  const gitignore = join(stateDir, '.gitignore');
  let text = '';
  try {
    text = await readFile(gitignore, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (
    text
      .split(/\r?\n/)
      .some((line) => line.trim() === FINGERPRINT_KEY_FILE || line.trim() === `/${FINGERPRINT_KEY_FILE}`)
  )
    return;
  const handle = await open(
    gitignore,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    await handle.write(
      `${text === '' || text.endsWith('\n') ? '' : '\n'}# private to this machine (agentforge)\n/${FINGERPRINT_KEY_FILE}\n`,
    );
  } finally {
    await handle.close();
  }
}

function keyError(file: string, error: unknown): AgentforgeError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ELOOP' ? 'it is a symbolic link, which is refused for a key' : (error as Error).message;
  return new AgentforgeError('FILE_UNREADABLE', `cannot use the fingerprint key ${file}: ${reason}`, {
    cause: error,
    details: { path: file, reason: code ?? reason },
  });
}
