import { readFileSync } from 'node:fs';
import { loadDocument } from '@agentforge/schema';
import { expect } from 'vitest';

/** The bundled example production environment: valid, and clean under the AgentForge policy. */
export const PRODUCTION = readFileSync(
  new URL('../../../examples/platform/environments/production.yaml', import.meta.url),
  'utf8',
);

/** `text` with each `[from, to]` applied once; fails the test when a `from` is not found. */
export function mutate(text: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  let out = text;
  for (const [from, to] of replacements) {
    expect(out.includes(from), `"${from}" is in the document`).toBe(true);
    out = out.replace(from, to);
  }
  return out;
}

/** 1-based line of the first occurrence of `needle`. */
export function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  expect(index, `"${needle}" is in the document`).toBeGreaterThanOrEqual(0);
  return text.slice(0, index).split('\n').length;
}

/** The document as validator input, located as if read from `file`. */
export function input(text: string, file = 'environments/production.yaml') {
  const loaded = loadDocument(text, { file });
  return { data: loaded.data, locator: loaded.locator, file };
}
