import { AgentforgeError } from '@agentforge/schema';
import { composeGenerator } from './compose.js';
import { prepareDocument } from './document.js';
import { envGenerator } from './env.js';
import type { GeneratedFile } from './files.js';
import type { GenerateOptions, Generator } from './generator-types.js';
import { argocdGenerator, fluxGenerator } from './gitops-generators.js';
import { helmGenerator } from './helm.js';
import { k8sGenerator } from './k8s.js';

/** Every generator, by the `--type` word that selects it. */
export const GENERATORS = {
  env: envGenerator,
  'docker-compose': composeGenerator,
  k8s: k8sGenerator,
  helm: helmGenerator,
  argocd: argocdGenerator,
  flux: fluxGenerator,
} as const satisfies Record<string, Generator>;

/** A `--type` word: `env`, `docker-compose`, `k8s`, `helm`, `argocd`, `flux` (and whatever is added to {@link GENERATORS}). */
export type GeneratorType = keyof typeof GENERATORS;

/** The generator types, in registry order. */
export function generatorTypes(): GeneratorType[] {
  return Object.keys(GENERATORS) as GeneratorType[];
}

/** True for a registered generator type. */
export function isGeneratorType(type: string): type is GeneratorType {
  return Object.hasOwn(GENERATORS, type);
}

/**
 * Generates the files of one type for an environment document (validated and defaulted by
 * the schema first; secrets only as placeholders or references). Pure: nothing is written —
 * pass the result to {@link writeGeneratedFiles}.
 * @example const files = generate('docker-compose', document); // [{ path: 'docker-compose.production.yaml', content, mode: 0o644 }]
 */
export function generate(type: string, document: unknown, options: GenerateOptions = {}): GeneratedFile[] {
  if (!isGeneratorType(type)) {
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `unknown generator type "${type}" (${generatorTypes().join(', ')})`,
    );
  }
  const generator: Generator = GENERATORS[type];
  return generator.generate(prepareDocument(document, options.logger), options);
}
