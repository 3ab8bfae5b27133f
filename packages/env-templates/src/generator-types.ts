import type { PreparedDocument } from './document.js';
import type { GeneratedFile, Logger } from './files.js';
import type { GitOpsOptions } from './gitops.js';

// The generator contract on its own, so each generator module implements it without importing
// the registry that imports them (generators.ts).

/** Options every generator takes. */
export interface GenerateOptions {
  /** pino-compatible; told (by JSON pointer only) when a secret value was left out. */
  logger?: Logger;
  /** Repository, revision and drift ignore rules of the `argocd` and `flux` generators. */
  gitops?: GitOpsOptions;
}

/**
 * One kind of generated artefact. A generator is a pure function of the prepared document:
 * the same document gives byte-identical files. To add a kind, write one module exporting a
 * `Generator` and add one line to {@link GENERATORS}.
 */
export interface Generator {
  /** One line for help texts. */
  description: string;
  generate(prepared: PreparedDocument, options: GenerateOptions): GeneratedFile[];
}
