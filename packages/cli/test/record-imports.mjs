// A module-resolution hook that appends every resolved bare specifier to the file named by
// AGENTFORGE_IMPORT_LOG, so a test can see which packages a command loaded.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  if (
    process.env.AGENTFORGE_IMPORT_LOG &&
    !specifier.startsWith('.') &&
    !specifier.startsWith('node:') &&
    !specifier.startsWith('file:')
  ) {
    appendFileSync(process.env.AGENTFORGE_IMPORT_LOG, `${specifier}\n`);
  }
  return next(specifier, context);
}
