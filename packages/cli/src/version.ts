import { createRequire } from 'node:module';

/**
 * The version of @agentforge/cli, read from its manifest. Through the package's own name (it
 * exports `./package.json`), so the answer is the same from src/ in tests, from dist/ and from
 * the binary's bundle in dist/bin/.
 */
export function cliVersion(): string {
  const manifest = createRequire(import.meta.url)('@agentforge/cli/package.json') as { version: string };
  return manifest.version;
}
