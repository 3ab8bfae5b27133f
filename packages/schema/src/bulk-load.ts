// The zod-free, `yaml`-free half of the loader: its types, and the bulk reader (js-yaml,
// _load-bulk.ts) for machine-rendered manifest streams. The kernel entry
// (`@agentforge/schema/kernel`) exports it so that `manifests validate` loads neither zod nor
// `yaml` (bench/manifests.bench.mjs measures its peak memory); load.ts builds on it.
import { loadYamlBulk } from './_load-bulk.js';
import { DEFAULTS, decode, readBounded } from './_read.js';
import { type Locator, SourceText } from './_source.js';
import type { AgentforgeError } from './errors.js';

export type { Locator } from './_source.js';

/** The text formats the loader reads. */
export type DocumentFormat = 'yaml' | 'json' | 'dotenv';

/** Limits and naming for {@link loadDocument}. */
export interface LoadOptions {
  /** Name used in errors and locations. @default '<input>' */
  file?: string;
  /** Format of the text. @default from the file name: `.json` → json, `.env*` → dotenv, else yaml */
  format?: DocumentFormat;
  /** Largest input accepted, in bytes. @default 10 MiB */
  maxBytes?: number;
  /** Deepest nesting the parser accepts (refused before the stack could overflow). @default 256 */
  maxDepth?: number;
  /** Most nodes that aliases may add when expanded; the guard against alias bombs. @default 100_000 */
  maxAliasExpansion?: number;
  /**
   * Most characters that aliases of scalars may add when expanded (`*big` of a 1 MB string
   * counts 1 MB each time): a reader that copies the data — a snapshot, a JSON report — would
   * otherwise grow by gigabytes from a small file. @default 10 MiB, or `maxBytes` when larger
   */
  maxAliasBytes?: number;
  /**
   * Which YAML reader parses the text. `yaml` (the default) keeps the document's AST for exact
   * locations; `bulk` is js-yaml, kept for machine-rendered manifest streams (`manifests
   * validate`) where `yaml` is too slow (bench/schema.bench.mjs). Both refuse the same hostile input.
   * @default 'yaml'
   */
  reader?: 'yaml' | 'bulk';
}

/** A parsed document: its data, its format and a locator for its pointers. */
export interface LoadedDocument<T = unknown> {
  data: T;
  format: DocumentFormat;
  file: string;
  locator: Locator;
}

/** Options of {@link loadBulkDocuments}: the loader's limits, for YAML or JSON text. */
export type BulkLoadOptions = Omit<LoadOptions, 'format' | 'reader'> & { format?: 'yaml' | 'json' };

/**
 * The documents of a YAML (or JSON) stream read with the bulk reader: what
 * `loadDocuments(input, { reader: 'bulk' })` returns, without loading zod or `yaml`. Every
 * guard of the loader applies (alias bombs, forbidden keys, duplicate keys, NUL bytes, invalid
 * UTF-8, size and depth limits), each refusal a located {@link AgentforgeError}.
 * @example const docs = loadBulkDocuments(rendered, { file: 'rendered.yaml' });
 */
export function loadBulkDocuments(
  input: string | Uint8Array,
  options: BulkLoadOptions = {},
): LoadedDocument[] {
  const file = options.file ?? '<input>';
  const format = options.format ?? (/\.json$/i.test(file) ? 'json' : 'yaml');
  const text = new SourceText(file, decode(input, file, options.maxBytes ?? DEFAULTS.maxBytes));
  return loadYamlBulk(text, format, options, true);
}

/** Reads a file and {@link loadBulkDocuments} its text; a missing or oversized file is refused before it is read whole. */
export async function loadBulkFileDocuments(
  path: string,
  options: BulkLoadOptions = {},
): Promise<LoadedDocument[]> {
  return loadBulkDocuments(await readBounded(path, options), { file: path, ...options });
}
