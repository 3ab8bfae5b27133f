import {
  type EnvironmentDocument,
  TIERS,
  type Tier,
  unknownEnvironmentError,
  type Workspace,
} from '@agentforge/schema';
import type { ValidationInput } from './engine.js';
import { manifestEnvironment } from './kubernetes/input.js';

/** The environment whose severities apply to rendered manifests, from {@link resolveManifestEnvironment}. */
export interface ManifestEnvironment {
  /** The environment's name (a tier's name when only the tier is known). */
  name: string;
  tier: Tier;
  /** Set when nothing named a tier and the strictest (production) was assumed. */
  note?: string;
}

/** Options of {@link resolveManifestEnvironment}. */
export interface ResolveManifestEnvironmentOptions {
  /** The environment (or tier) the user named, e.g. the CLI's `--environment`. */
  environment?: string | undefined;
  /** The workspace whose environment documents give an environment's tier. */
  workspace?: Workspace | undefined;
}

const isTier = (tier: unknown): tier is Tier => (TIERS as readonly unknown[]).includes(tier);

/**
 * The environment whose severities apply to rendered manifests: a named environment of the
 * workspace (its document gives the tier) or a tier's name; without a name, the manifests'
 * `agentforge.io/environment` and `agentforge.io/tier` labels say; else production, the
 * strictest, with a note. A name that is neither throws `UNKNOWN_ENVIRONMENT`.
 * @example
 * const { name, tier } = await resolveManifestEnvironment(inputs, { environment: 'staging', workspace });
 * validator.validateDocuments(inputs, { environment: name, tier });
 */
export async function resolveManifestEnvironment(
  inputs: readonly ValidationInput[],
  options: ResolveManifestEnvironmentOptions = {},
): Promise<ManifestEnvironment> {
  const { environment: given, workspace } = options;
  const labelled = manifestEnvironment(inputs);
  if (given === undefined && isTier(labelled.tier))
    return { name: labelled.name ?? labelled.tier, tier: labelled.tier };
  const name = given ?? labelled.name;
  const known = (await workspace?.listEnvironments()) ?? [];
  if (name !== undefined) {
    if (workspace && known.includes(name)) {
      const tier = ((await workspace.loadEnvironment(name)).data as Partial<EnvironmentDocument> | null)
        ?.tier;
      if (isTier(tier)) return { name, tier };
    }
    if (isTier(name)) return { name, tier: name };
    if (labelled.name === name && isTier(labelled.tier)) return { name, tier: labelled.tier };
  }
  if (given !== undefined)
    throw unknownEnvironmentError(given, {
      ...(workspace ? { workspace } : {}),
      known,
      also: `or a tier: ${TIERS.join(', ')}; or the manifests' agentforge.io/environment label`,
    });
  return {
    name: name ?? 'production',
    tier: 'production',
    note: `no environment given and no tier known for ${name === undefined ? 'the manifests' : `environment "${name}"`}: the production rules apply`,
  };
}
