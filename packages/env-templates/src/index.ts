export { COMPOSE_IMAGES, composeGenerator } from './compose.js';
export type { PreparedDocument, SecretBinding } from './document.js';
export { connectionVariables, prepareDocument } from './document.js';
export { envGenerator, formatDotenvLine, secretPlaceholder } from './env.js';
export {
  type GeneratedFile,
  type Logger,
  resolveInside,
  writeGeneratedFiles,
} from './files.js';
export type { GenerateOptions, Generator } from './generator-types.js';
export {
  GENERATORS,
  type GeneratorType,
  generate,
  generatorTypes,
  isGeneratorType,
} from './generators.js';
export {
  type ArgoIgnoreDifference,
  argocdApplication,
  argocdApplicationSet,
  argocdApplicationSetFiles,
  argocdFiles,
  argoIgnoreDifferences,
  type FluxPatch,
  fluxFiles,
  fluxIgnorePatches,
  fluxObjects,
  GITOPS_DIR,
  type GitOpsOptions,
  type GitOpsSyncPolicy,
  gitopsSyncPolicy,
  globToArgoPath,
  overlayPath,
  type UntranslatedRule,
} from './gitops.js';
export { argocdGenerator, fluxGenerator } from './gitops-generators.js';
export {
  GITOPS_TYPES,
  type GitOpsType,
  generateWorkspaceGitOps,
  type WorkspaceGitOpsOptions,
} from './gitops-workspace.js';
export {
  GRAFANA_DASHBOARD,
  GRAFANA_DASHBOARD_CONFIG_MAP,
  GRAFANA_DASHBOARD_FILE,
} from './grafana-dashboard.js';
export {
  generateHelmValues,
  HELM_SUBCHARTS,
  type HelmSubchart,
  type HelmValuesOptions,
  HelmValuesSchema,
  helmGenerator,
  toHelmValuesSchema,
} from './helm.js';
export { type KustomizeOptions, k8sGenerator, kustomizeFiles } from './k8s.js';
export { K8S_ROOT, kustomizeBaseFiles } from './k8s-base.js';
export { assertEnvironmentName } from './names.js';
export {
  type CreateEnvironmentOptions,
  createEnvironment,
  DEFAULT_PORTS,
  renderEnvironmentFile,
  TEMPLATE_NAMES,
  TEMPLATE_RELEASE,
  templateDocument,
} from './templates.js';
