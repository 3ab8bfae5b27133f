import { dirname, resolve } from 'node:path';
import {
  AgentforgeError,
  type LoadedDocument,
  loadFile,
  parseWithSchema,
  SEVERITIES,
} from '@agentforge/schema';
import * as z from 'zod';
import { compileDeclarativeRule, type DeclarativeRule, DeclarativeRuleSchema } from './declarative.js';
import type { Policy, PolicyScope, Rule, SeverityOverrides } from './types.js';

const overrides = z.record(z.string().min(1), z.enum([...SEVERITIES, 'off']));

/**
 * A policy file: `extends` (paths relative to the file, or preset names such as `agentforge`),
 * declarative `rules`, and `severity` overrides in every environment or per environment/tier.
 */
export const PolicyFileSchema = z.strictObject({
  extends: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  rules: z.array(DeclarativeRuleSchema).default([]),
  severity: overrides.optional(),
  environments: z.record(z.string().min(1), overrides).optional(),
  scopes: z
    .array(
      z.strictObject({
        namespaces: z.array(z.string().min(1)).min(1).optional(),
        kinds: z.array(z.string().min(1)).min(1).optional(),
        severity: overrides.optional(),
        environments: z.record(z.string().min(1), overrides).optional(),
      }),
    )
    .optional(),
});

/** Builds a policy from declarative rules and overrides written in code. */
export function definePolicy(policy: {
  name?: string;
  rules?: readonly (DeclarativeRule | Rule)[];
  severity?: SeverityOverrides;
  environments?: Record<string, SeverityOverrides>;
  scopes?: readonly PolicyScope[];
}): Policy {
  return {
    ...(policy.name ? { name: policy.name } : {}),
    rules: (policy.rules ?? []).map((rule) => ('check' in rule ? rule : compileDeclarativeRule(rule))),
    ...(policy.severity ? { severity: policy.severity } : {}),
    ...(policy.environments ? { environments: policy.environments } : {}),
    ...(policy.scopes?.length ? { scopes: policy.scopes } : {}),
  };
}

/** Merges policies in order: later rules replace earlier ones with the same id, later overrides win. */
export function mergePolicies(policies: readonly Policy[], name?: string): Policy {
  const rules = new Map<string, Rule>();
  const severity: Record<string, SeverityOverrides[string]> = {};
  const environments: Record<string, Record<string, SeverityOverrides[string]>> = {};
  const scopes: PolicyScope[] = [];
  for (const policy of policies) {
    scopes.push(...(policy.scopes ?? []));
    for (const rule of policy.rules) rules.set(rule.id, rule);
    Object.assign(severity, policy.severity);
    for (const [key, layer] of Object.entries(policy.environments ?? {}))
      environments[key] = { ...environments[key], ...layer };
  }
  return {
    ...(name ? { name } : {}),
    rules: [...rules.values()],
    severity,
    environments,
    ...(scopes.length > 0 ? { scopes } : {}),
  };
}

/**
 * Parses one loaded policy document, without following `extends` (see {@link loadPolicy}).
 * A malformed policy throws a `POLICY_INVALID` error at the offending key's file, line and column.
 */
export function parsePolicy(loaded: LoadedDocument): Policy & { extends: string[] } {
  const file = parseWithSchema(PolicyFileSchema, loaded.data ?? {}, {
    locator: loaded.locator,
    what: `policy ${loaded.file}`,
    code: 'POLICY_INVALID',
  });
  const policy = definePolicy({
    name: loaded.file,
    rules: file.rules as DeclarativeRule[],
    ...(file.severity ? { severity: file.severity } : {}),
    ...(file.environments ? { environments: file.environments } : {}),
    ...(file.scopes ? { scopes: file.scopes } : {}),
  });
  const parents =
    file.extends === undefined ? [] : Array.isArray(file.extends) ? file.extends : [file.extends];
  return { ...policy, extends: parents };
}

/** Options of {@link loadPolicy}. */
export interface LoadPolicyOptions {
  /**
   * Policies `extends` may name instead of a path; pass `AGENTFORGE_PRESETS` for
   * `extends: agentforge`. Passed in, never imported here, so the engine does not depend on the
   * AgentForge preset. @default {} (no presets)
   */
  presets?: Readonly<Record<string, Policy | (() => Policy)>>;
}

/**
 * Reads a policy file and everything it `extends`, merged into one policy (parents first).
 * Missing, malformed or circular files throw a located `POLICY_INVALID` (or `FILE_NOT_FOUND`) error.
 * @example const team = await loadPolicy('policies/team.yaml', { presets: AGENTFORGE_PRESETS });
 */
export async function loadPolicy(path: string, options: LoadPolicyOptions = {}): Promise<Policy> {
  const presets = options.presets ?? {};
  const visit = async (
    file: string,
    chain: string[],
    from?: LoadedDocument,
    index?: number,
  ): Promise<Policy> => {
    if (chain.includes(file)) {
      throw new AgentforgeError('POLICY_INVALID', `policy extends itself: ${[...chain, file].join(' → ')}`, {
        ...(from
          ? { location: from.locator.nearest(`/extends${index === undefined ? '' : `/${index}`}`) }
          : {}),
      });
    }
    let loaded: LoadedDocument;
    try {
      loaded = await loadFile(file);
    } catch (error) {
      if (from && error instanceof AgentforgeError && error.code === 'FILE_NOT_FOUND') {
        throw new AgentforgeError(
          'POLICY_INVALID',
          `extends "${file}": no such policy file or preset (presets: ${Object.keys(presets).join(', ') || 'none'})`,
          {
            location: from.locator.nearest(`/extends${index === undefined ? '' : `/${index}`}`),
            cause: error,
          },
        );
      }
      throw error;
    }
    const own = parsePolicy(loaded);
    const parents: Policy[] = [];
    const many = Array.isArray((loaded.data as { extends?: unknown }).extends);
    for (const [i, parent] of own.extends.entries()) {
      const preset = Object.hasOwn(presets, parent) ? presets[parent] : undefined;
      if (preset) parents.push(typeof preset === 'function' ? preset() : preset);
      else
        parents.push(
          await visit(resolve(dirname(file), parent), [...chain, file], loaded, many ? i : undefined),
        );
    }
    return mergePolicies([...parents, own], file);
  };
  return visit(resolve(path), []);
}
