// `@agentforge/validator/manifests`: what `manifests validate` needs, and nothing that loads zod,
// `yaml` or the environment schemas (it builds on `@agentforge/schema/kernel`). Reading 1 MB of
// rendered manifests must stay within 1.3× the peak memory of a bare js-yaml parse
// (bench/manifests.bench.mjs); the root entry's imports alone cost ~20 MiB. Policy files are
// read with zod, loaded on first use. Every export here is also exported by the root entry.
export {
  compareFindings,
  createValidator,
  failsOn,
  type ValidateOptions,
  type ValidationInput,
  type Validator,
  type ValidatorOptions,
} from './engine.js';
export { DEPRECATED_APIS, RECOMMENDED_LABELS, SUPPRESS_ANNOTATION } from './kubernetes/hygiene.js';
export {
  annotationSuppressions,
  createKubernetesValidator,
  KUBERNETES_PRESETS,
  type KubernetesValidatorOptions,
  type LoadManifestsOptions,
  loadManifestPolicies,
  loadManifests,
  manifestEnvironment,
  parseManifests,
} from './kubernetes/input.js';
export { RESTRICTED_VOLUME_TYPES } from './kubernetes/pod-security.js';
export { KUBERNETES_RULE_GROUPS, kubernetesPolicy } from './kubernetes/rules.js';
export {
  DEFAULT_KUBERNETES_VERSION,
  INTRODUCED_APIS,
  parseKubernetesVersion,
  type SchemaOptions,
} from './kubernetes/schema.js';
export type {
  Baseline,
  BaselineEntry,
  Logger,
  Policy,
  PolicyScope,
  Report,
  ResolvedEnvironment,
  Rule,
  RuleDescriptor,
  SeverityLevel,
  SeverityOverrides,
  SuppressedFinding,
  Suppression,
  Violation,
} from './types.js';
