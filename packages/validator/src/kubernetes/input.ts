import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AgentforgeError,
  type BulkLoadOptions,
  formatPointer,
  loadBulkDocuments,
  loadBulkFileDocuments,
} from '@agentforge/schema/kernel';
import { createValidator, type ValidationInput, type Validator, type ValidatorOptions } from '../engine.js';
import type { Policy, Suppression } from '../types.js';
import { objectsOf, text } from './_objects.js';
import { scopeRules } from './_scopes.js';
import { SUPPRESS_ANNOTATION, SUPPRESS_LINE } from './hygiene.js';
import { kubernetesPolicy } from './rules.js';
import type { SchemaOptions } from './schema.js';

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * The documents of manifest text (multi-document YAML, JSON, `kind: List`), empty documents left
 * out. Rendered manifests are machine-written and can be megabytes: they are read with the
 * loader's `bulk` reader, which keeps the command within 2× of a bare js-yaml parse.
 */
export function parseManifests(input: string | Uint8Array, options: BulkLoadOptions = {}): ValidationInput[] {
  return loadBulkDocuments(input, { format: 'yaml', ...options }).filter((d) => d.data !== null);
}

/** Options of {@link loadManifests}. */
export interface LoadManifestsOptions {
  /** How a file is named in findings. @default its path as given */
  display?: (path: string) => string;
  /** Largest file accepted, in bytes. @default 10 MiB */
  maxBytes?: number;
}

/**
 * Reads manifests from files and folders (recursively: `*.yaml`, `*.yml`, `*.json`, in name
 * order) as validator inputs, located at their file, document, line and column. A missing or
 * malformed file throws a located {@link AgentforgeError}.
 * @example validator.validateDocuments(await loadManifests(['deployment/rendered/']))
 */
export async function loadManifests(
  paths: readonly string[],
  options: LoadManifestsOptions = {},
): Promise<ValidationInput[]> {
  const inputs: ValidationInput[] = [];
  for (const path of paths)
    for (const file of await manifestFiles(path)) {
      const shown = options.display?.(file) ?? file;
      const docs = await loadBulkFileDocuments(file, {
        file: shown,
        format: /\.json$/i.test(file) ? 'json' : 'yaml',
        ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}),
      });
      for (const d of docs) if (d.data !== null) inputs.push(d);
    }
  return inputs;
}

async function manifestFiles(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new AgentforgeError('FILE_NOT_FOUND', `${path}: no such file or folder`, { cause: error });
  });
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await manifestFiles(full)));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

/** The environment manifests declare through the `agentforge.io/environment` and `agentforge.io/tier` labels of their first labelled object. */
export function manifestEnvironment(inputs: readonly ValidationInput[]): { name?: string; tier?: string } {
  for (const input of inputs)
    for (const o of objectsOf(input.data)) {
      const name = text(o.labels['agentforge.io/environment']);
      const tier = text(o.labels['agentforge.io/tier']);
      if (name || tier) return { ...(name ? { name } : {}), ...(tier ? { tier } : {}) };
    }
  return {};
}

/**
 * Suppressions written on the objects themselves: an `agentforge.dev/suppress` annotation of
 * `<rule-id>: <reason>` lines accepts those rules' findings on that object only (its file,
 * document and, in a List, its item). Malformed lines suppress nothing (rule k8s/suppress-annotation).
 * @example validator.validateDocuments(inputs, { suppressions: annotationSuppressions(inputs) })
 */
export function annotationSuppressions(inputs: readonly ValidationInput[]): Suppression[] {
  const out: Suppression[] = [];
  for (const input of inputs) {
    for (const o of objectsOf(input.data)) {
      const value = text(o.annotations[SUPPRESS_ANNOTATION]);
      if (value === undefined) continue;
      const pointer = formatPointer([...o.path, 'metadata', 'annotations', SUPPRESS_ANNOTATION]);
      const location = input.locator?.nearest(pointer);
      const document = location?.document ?? input.document;
      const file = input.file ?? input.locator?.file;
      for (const line of value.split('\n')) {
        const match = SUPPRESS_LINE.exec(line);
        if (!match) continue;
        out.push({
          rule: match[1]!,
          reason: match[2]!,
          ...(o.path.length > 0 ? { path: `/${o.path.join('/')}/**` } : {}),
          ...(file !== undefined ? { file } : {}),
          ...(document !== undefined ? { document } : {}),
          ...(location ? { location } : {}),
        });
      }
    }
  }
  return out;
}

/** Options of {@link createKubernetesValidator}: the validator's, and the schema rules'. */
export type KubernetesValidatorOptions = Omit<ValidatorOptions, 'schema'> & SchemaOptions;

/** Presets a manifests policy file may `extend` by name. */
export const KUBERNETES_PRESETS: Readonly<Record<string, () => Policy>> = { kubernetes: kubernetesPolicy };

/**
 * Reads the policy files for manifests, each merged with what it `extends` (`kubernetes` names
 * the Kubernetes policy): severity overrides, `off`, per environment or tier, and `scopes` by
 * namespace or kind. Malformed files throw a located `POLICY_INVALID` error.
 * @example createKubernetesValidator({ policies: await loadManifestPolicies(['policies/manifests.yaml']) })
 */
export async function loadManifestPolicies(files: readonly string[]): Promise<Policy[]> {
  // Policy files are read with zod (policy.ts), loaded only when there are some: the
  // manifests path (`@agentforge/validator/manifests`) otherwise never loads zod.
  if (files.length === 0) return [];
  const { loadPolicy } = await import('../policy.js');
  const policies: Policy[] = [];
  for (const file of files) policies.push(await loadPolicy(file, { presets: KUBERNETES_PRESETS }));
  return policies;
}

/**
 * A validator for Kubernetes manifests: the Kubernetes policy, then `options.policies` on top;
 * their `scopes` adjust the Kubernetes rules' findings per namespace or kind.
 * The environment comes from the options, else from the first document's
 * `agentforge.io/environment` and `agentforge.io/tier` labels.
 * @example
 * const inputs = await loadManifests(['rendered/']);
 * const report = createKubernetesValidator({ tier: 'production' }).validateDocuments(inputs, {
 *   suppressions: annotationSuppressions(inputs),
 * });
 */
export function createKubernetesValidator(options: KubernetesValidatorOptions = {}): Validator {
  const { kubernetesVersion, schemaLocations, ...rest } = options;
  const kubernetes = kubernetesPolicy({
    ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
    ...(schemaLocations !== undefined ? { schemaLocations } : {}),
  });
  const scopes = (options.policies ?? []).flatMap((p) => p.scopes ?? []);
  return createValidator({
    resolveEnvironment: (data) => {
      const first = objectsOf(data)[0];
      return {
        name: text(first?.labels['agentforge.io/environment']),
        tier: text(first?.labels['agentforge.io/tier']),
        tierPath: first ? formatPointer([...first.path, 'metadata', 'labels']) : '',
      };
    },
    ...rest,
    // Every policy's rules are scoped: a file that extends `kubernetes` brings the rules again.
    policies: [kubernetes, ...(options.policies ?? [])].map((p) => ({
      ...p,
      rules: scopeRules(p.rules, scopes),
    })),
  });
}
