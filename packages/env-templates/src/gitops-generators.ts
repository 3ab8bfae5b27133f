import type { Generator } from './generator-types.js';
import { argocdFiles, fluxFiles, GITOPS_DIR } from './gitops.js';

// Kept apart from gitops.ts so that the generator contract (generator-types.ts) can name
// GitOpsOptions without a cycle through the registry.

/** Argo CD: `deployment/gitops/argocd-<name>.yaml`, an Application syncing the environment's overlay. */
export const argocdGenerator: Generator = {
  description: `${GITOPS_DIR}/argocd-<name>.yaml: an Argo CD Application syncing deployment/k8s/overlays/<name> (--all: one ApplicationSet)`,
  generate: (prepared, options) => argocdFiles(prepared, { logger: options.logger, ...options.gitops }),
};

/** Flux: `deployment/gitops/flux-<name>.yaml`, a GitRepository and a Kustomization of the environment's overlay. */
export const fluxGenerator: Generator = {
  description: `${GITOPS_DIR}/flux-<name>.yaml: a Flux GitRepository and Kustomization applying deployment/k8s/overlays/<name>`,
  generate: (prepared, options) => fluxFiles(prepared, { logger: options.logger, ...options.gitops }),
};
