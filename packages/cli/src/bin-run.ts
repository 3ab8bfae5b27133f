// The binary's second file (dist/agentforge-run.cjs): a command's run with the libraries, zod and
// yaml, loaded by the first (dist/agentforge.cjs, from src/bin.ts) once help is not the answer.
import { config } from 'zod';
import type { runCommand as RunCommand } from './run.js';

// zod compiles a parser for each object schema on its first parse (new Function): a process that
// validates a handful of documents spends more on compiling than the compiled parser saves. Only
// the binary's own copy of zod is set, and before any schema is built (each reads the setting
// when it is built): the modules that build schemas are imported below, after this line ran.
config({ jitless: true });

export const runCommand: typeof RunCommand = async (...args) =>
  (await import('./run.js')).runCommand(...args);

/** Saves one of the binary's compiled-code caches (bin/agentforge.cjs), private to the user. */
export async function saveCodeCache(path: string, data: Uint8Array): Promise<void> {
  const { writeFileAtomic } = await import('@agentforge/schema');
  await writeFileAtomic(path, data, { mode: 0o600 });
}
