export {
  AGENTFORGE_PRESETS,
  type AgentforgeValidatorOptions,
  AUTOSCALED_SERVICES,
  agentforgePolicy,
  createAgentforgeValidator,
  STATELESS_SERVICES,
} from './agentforge.js';
export {
  BaselineSchema,
  baselineKey,
  createBaseline,
  parseBaseline,
  readBaseline,
  writeBaseline,
} from './baseline.js';
export {
  type Condition,
  ConditionSchema,
  compileDeclarativeRule,
  type DeclarativeRule,
  DeclarativeRuleSchema,
} from './declarative.js';
export {
  type EditEnvironmentOptions,
  type EditEnvironmentResult,
  editEnvironment,
} from './edit-environment.js';
export { loadEnvironmentFile, toEnvironmentInput } from './environment-input.js';
export { FORMATS, type FormatName, type ImageReference, parseImageReference } from './formats.js';
export {
  type ManifestEnvironment,
  type ResolveManifestEnvironmentOptions,
  resolveManifestEnvironment,
} from './manifest-environment.js';
// The manifests engine and the Kubernetes rules, also published alone (zod-free) as
// `@agentforge/validator/manifests`.
export * from './manifests.js';
export {
  definePolicy,
  type LoadPolicyOptions,
  loadPolicy,
  mergePolicies,
  PolicyFileSchema,
  parsePolicy,
} from './policy.js';
export { redactLine } from './redact-line.js';
export { renderValidationHtml, renderValidationPage } from './reporters/html.js';
export {
  type FormatOptions,
  formatReport,
  JSON_FORMAT_VERSION,
  REPORT_FORMATS,
  type ReportFormat,
} from './reporters/index.js';
export { defineRule, describeRule, levelFor } from './rule.js';
export {
  type CompiledSuppressions,
  compileSuppressions,
  loadSuppressions,
  parseSuppressions,
  SuppressionsFileSchema,
} from './suppressions.js';
// The rest of the vocabulary comes with the manifests entry above.
export type { DocumentRule, RuleContext, SetRule, SetRuleContext, SeveritySpec } from './types.js';
export {
  createWorkspaceValidator,
  type WorkspaceValidatorOptions,
  workspaceSuppressions,
} from './workspace-validator.js';
