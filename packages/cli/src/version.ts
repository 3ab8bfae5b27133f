import { readFileSync } from 'node:fs';

/** The version of @agentforge/cli, read from its manifest (from src/ in tests and dist/ alike). */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
