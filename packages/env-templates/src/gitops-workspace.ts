import {
  AgentforgeError,
  EnvironmentDocumentSchema,
  loadDriftPolicyFile,
  parseWithSchema,
  type Workspace,
} from '@agentforge/schema';
import { prepareDocument } from './document.js';
import type { GeneratedFile, Logger } from './files.js';
import { argocdApplicationSetFiles, argocdFiles, fluxFiles, type GitOpsOptions } from './gitops.js';

/** The GitOps controllers `env generate` writes for. */
export const GITOPS_TYPES = ['argocd', 'flux'] as const;
/** `argocd` or `flux`. */
export type GitOpsType = (typeof GITOPS_TYPES)[number];

/** Options of {@link generateWorkspaceGitOps}. */
export interface WorkspaceGitOpsOptions {
  type: GitOpsType;
  /** One environment; leave out with `all`. */
  environment?: string | undefined;
  /** Every environment of the workspace: Argo CD one ApplicationSet, Flux one file each. @default false */
  all?: boolean | undefined;
  /** Overrides agentforge.yaml `gitops.repoUrl`. */
  repoUrl?: string | undefined;
  /** Overrides agentforge.yaml `gitops.revision`. @default 'main' */
  revision?: string | undefined;
  logger?: Logger | undefined;
}

/**
 * The Argo CD or Flux files of a workspace's environment (or of all of them): each document is
 * read and checked (errors name file, line and column), the drift policy of agentforge.yaml
 * `drift.policy` supplies the ignore rules, and the repository comes from `repoUrl` or
 * agentforge.yaml `gitops.repoUrl` — neither is an `INVALID_ARGUMENT` error. Nothing is written.
 * @example const files = await generateWorkspaceGitOps(await findWorkspace(process.cwd()), { type: 'argocd', all: true });
 */
export async function generateWorkspaceGitOps(
  workspace: Workspace,
  options: WorkspaceGitOpsOptions,
): Promise<GeneratedFile[]> {
  if (options.all === (options.environment !== undefined))
    throw new AgentforgeError('INVALID_ARGUMENT', 'name one environment or use --all, not both or neither');
  const settings = workspace.settings.gitops;
  const policyFile = workspace.driftPolicyFile();
  const gitops: GitOpsOptions = {
    repoUrl: options.repoUrl ?? settings?.repoUrl,
    revision: options.revision ?? settings?.revision,
    ignore: policyFile ? (await loadDriftPolicyFile(policyFile)).ignore : [],
    logger: options.logger,
  };
  if (!gitops.repoUrl)
    throw new AgentforgeError(
      'INVALID_ARGUMENT',
      `no git repository for ${options.type === 'argocd' ? 'Argo CD' : 'Flux'}: set gitops.repoUrl in ${workspace.settingsFile ?? 'agentforge.yaml'} or pass --repo-url <url>`,
    );
  const names = options.all ? await workspace.listEnvironments() : [options.environment!];
  if (names.length === 0)
    throw new AgentforgeError('UNKNOWN_ENVIRONMENT', `no environments in ${workspace.environmentsDir}`);
  const documents: unknown[] = [];
  for (const name of names) {
    const loaded = await workspace.loadEnvironment(name);
    parseWithSchema(EnvironmentDocumentSchema, loaded.data, {
      locator: loaded.locator,
      what: `environment ${name}`,
    });
    documents.push(loaded.data);
  }
  if (options.type === 'argocd' && options.all) return argocdApplicationSetFiles(documents, gitops);
  const build = options.type === 'argocd' ? argocdFiles : fluxFiles;
  return documents.flatMap((document) => build(prepareDocument(document, options.logger), gitops));
}
