// Argo CD and Flux output, every object validated with the CRD models of
// @kubernetes-models/argo-cd and @kubernetes-models/flux-cd (generated from the upstream CRDs,
// as kubernetes-models checks the core objects elsewhere).
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  AgentforgeError,
  type EnvironmentDocument,
  type IgnoreRule,
  isAgentforgeError,
  loadDocuments,
  matchPath,
  openWorkspace,
  parseDriftPolicyFile,
  type Tier,
} from '@agentforge/schema';
import { requireTool, testdir } from '@agentforge/test-utils';
import { Application, ApplicationSet } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { Kustomization } from '@kubernetes-models/flux-cd/kustomize.toolkit.fluxcd.io/v1';
import { GitRepository } from '@kubernetes-models/flux-cd/source.toolkit.fluxcd.io/v1';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../test/examples.js';
import { kustomize } from '../test/kubernetes.js';
import { prepareDocument } from './document.js';
import { generate } from './generators.js';
import {
  argocdApplication,
  argocdApplicationSet,
  argocdApplicationSetFiles,
  argoIgnoreDifferences,
  fluxObjects,
  type GitOpsOptions,
  globToArgoPath,
} from './gitops.js';
import { generateWorkspaceGitOps } from './gitops-workspace.js';
import { createEnvironment, renderEnvironmentFile } from './templates.js';

type Obj = Record<string, any>;
const REPO = 'https://git.example.com/platform.git';

const POLICY = parseDriftPolicyFile(
  loadDocuments(`
ignore:
  - paths: spec.replicas
    resourceKinds: [Deployment]
    reason: scaled by hand during incidents
  - paths: "**.image"
    resourceKinds: [Deployment]
    resourceNames: [swarm]
    environments: [dev]
  - paths: "spec.template.spec.containers[name=gateway].resources.**"
    resourceKinds: [Deployment, StatefulSet]
  - paths: ["data.*", "/metadata/annotations/checksum~1config"]
    kinds: [added]
    resourceKinds: [ConfigMap]
  - paths: "metadata.annotations.LOG_*"
  - paths: "**"
    resourceKinds: [ConfigMap]
    resourceNames: [hand-made]
`)[0]!.data,
);

function documentOf(tier: Tier, name: string, gitops?: Obj): EnvironmentDocument {
  return createEnvironment(name, {
    template: tier,
    ...(gitops ? { overrides: { platform: { gitops } } } : {}),
  });
}

const validate = (object: Obj) => {
  const Model = { Application, ApplicationSet, GitRepository, Kustomization }[object.kind as string];
  if (!Model) throw new Error(`no model for ${object.kind}`);
  new Model(object as never).validate();
};

const syncCases: Array<{
  name: string;
  tier: Tier;
  gitops?: Obj;
  automated: boolean;
  selfHeal: boolean;
  prune: boolean;
}> = [
  { name: 'development default', tier: 'development', automated: true, selfHeal: true, prune: true },
  { name: 'staging default', tier: 'staging', automated: true, selfHeal: true, prune: true },
  { name: 'production default', tier: 'production', automated: false, selfHeal: false, prune: false },
  {
    name: 'production overridden to automated without prune',
    tier: 'production',
    gitops: { sync: 'automated', prune: false },
    automated: true,
    selfHeal: true,
    prune: false,
  },
  {
    name: 'staging overridden to manual',
    tier: 'staging',
    gitops: { sync: 'manual' },
    automated: false,
    selfHeal: false,
    prune: false,
  },
  {
    name: 'development without self-heal',
    tier: 'development',
    gitops: { selfHeal: false },
    automated: true,
    selfHeal: false,
    prune: true,
  },
];

describe('sync policy per tier and override', () => {
  it.each(syncCases)('$name: Argo CD Application', ({ tier, gitops, automated, selfHeal, prune }) => {
    const prepared = prepareDocument(documentOf(tier, `app-${tier}`, gitops));
    const app = argocdApplication(prepared, { repoUrl: REPO }) as Obj;
    validate(app);
    expect(app.spec.source).toEqual({
      repoURL: REPO,
      targetRevision: 'main',
      path: `deployment/k8s/overlays/app-${tier}`,
    });
    expect(app.spec.destination.namespace).toBe(prepared.document.platform.namespace);
    expect(app.spec.syncPolicy.automated).toEqual(automated ? { prune, selfHeal } : undefined);
  });

  it.each(syncCases)('$name: Flux GitRepository and Kustomization', ({ tier, gitops, automated, prune }) => {
    const prepared = prepareDocument(documentOf(tier, `app-${tier}`, gitops));
    const { objects } = fluxObjects(prepared, { repoUrl: REPO, revision: 'release' });
    const [repo, kustomization] = objects as [Obj, Obj];
    for (const object of objects) validate(object);
    expect(repo.spec).toMatchObject({ url: REPO, ref: { branch: 'release' } });
    expect(kustomization.spec).toMatchObject({
      path: `./deployment/k8s/overlays/app-${tier}`,
      sourceRef: { kind: 'GitRepository', name: repo.metadata.name },
      prune,
      timeout: '5m',
    });
    expect(kustomization.spec.suspend).toBe(automated ? undefined : true);
    // Health: every enabled service's Deployment in the platform namespace.
    const enabled = Object.entries(prepared.document.services)
      .filter(([, s]) => s.enabled)
      .map(([n]) => n);
    expect(kustomization.spec.healthChecks.map((h: Obj) => h.name)).toEqual(enabled);
    for (const check of kustomization.spec.healthChecks)
      expect(check).toMatchObject({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        namespace: prepared.document.platform.namespace,
      });
  });

  it('refuses a sync mode the schema does not know', () => {
    expect(() => prepareDocument(documentOf('staging', 'x', { sync: 'sometimes' }))).toThrow(AgentforgeError);
  });
});

describe('revisions', () => {
  it.each([
    { revision: 'main', argo: 'main', flux: { branch: 'main' } },
    { revision: 'refs/tags/v1.8.2', argo: 'v1.8.2', flux: { name: 'refs/tags/v1.8.2' } },
    { revision: 'refs/heads/release', argo: 'release', flux: { name: 'refs/heads/release' } },
    {
      revision: '0123456789abcdef0123456789abcdef01234567',
      argo: '0123456789abcdef0123456789abcdef01234567',
      flux: { commit: '0123456789abcdef0123456789abcdef01234567' },
    },
  ])('$revision', ({ revision, argo, flux }) => {
    const prepared = prepareDocument(documentOf('staging', 'staging'));
    const app = argocdApplication(prepared, { repoUrl: REPO, revision }) as Obj;
    expect(app.spec.source.targetRevision).toBe(argo);
    const [repo] = fluxObjects(prepared, { repoUrl: REPO, revision }).objects as Obj[];
    expect(repo!.spec.ref).toEqual(flux);
    validate(repo!);
  });
});

describe('drift ignore rules as Argo CD paths', () => {
  it.each([
    { glob: 'spec.replicas', expected: { jsonPointer: '/spec/replicas' } },
    {
      glob: '/metadata/annotations/checksum~1config',
      expected: { jsonPointer: '/metadata/annotations/checksum~1config' },
    },
    {
      glob: 'spec.template.spec.containers[0].image',
      expected: { jsonPointer: '/spec/template/spec/containers/0/image' },
    },
    { glob: 'data.*', expected: { jq: '.data[]?' } },
    { glob: '**.image', expected: { jq: '.. | .image?' } },
    {
      glob: 'spec.template.spec.containers[name=gateway].resources.**',
      expected: { jq: '.spec.template.spec.containers[]? | select(.name? == "gateway") | .resources | ..' },
    },
    {
      glob: 'metadata.labels.app\\.kubernetes\\.io/name',
      expected: { jsonPointer: '/metadata/labels/app.kubernetes.io~1name' },
    },
    { glob: 'metadata.annotations.*.x-y', expected: { jq: '.metadata.annotations[]?["x-y"]' } },
    { glob: '**', expected: { jq: expect.stringContaining('.metadata.labels, .metadata.annotations') } },
    { glob: 'metadata.annotations.LOG_*', expected: undefined },
  ])('$glob', ({ glob, expected }) => {
    expect(globToArgoPath(glob)).toEqual(expected);
  });

  it('ignoreDifferences matches the drift policy: targets, environments and paths', () => {
    for (const environment of ['dev', 'prod']) {
      const { entries, untranslated, broadened } = argoIgnoreDifferences(environment, POLICY.ignore);
      const applicable = POLICY.ignore.filter((r) => !r.environments || r.environments.includes(environment));
      expect(untranslated.map((u) => u.rule.paths)).toEqual([['metadata.annotations.LOG_*']]);
      expect(broadened.map((r) => r.kinds)).toEqual([['added']]);
      for (const rule of applicable) {
        if (untranslated.some((u) => u.rule === rule)) continue;
        for (const kind of rule.resourceKinds ?? ['*'])
          for (const name of rule.resourceNames ?? [undefined]) {
            const entry = entries.find((e) => e.kind === kind && e.name === name);
            expect(entry, `${environment}: an entry for ${kind}/${name ?? '*'}`).toBeDefined();
            for (const glob of rule.paths) {
              const path = globToArgoPath(glob)!;
              if ('jsonPointer' in path) {
                expect(entry!.jsonPointers).toContain(path.jsonPointer);
                // The pointer addresses what the drift rule's glob matches.
                if (!glob.includes('['))
                  expect(matchPath(glob, path.jsonPointer), `${glob} ~ ${path.jsonPointer}`).toBe(true);
              } else expect(entry!.jqPathExpressions).toContain(path.jq);
            }
          }
      }
      // Environment-scoped rules only where they apply.
      const swarm = entries.find((e) => e.kind === 'Deployment' && e.name === 'swarm');
      expect(swarm === undefined).toBe(environment !== 'dev');
      // Groups: apps for Deployment, "" for core kinds.
      expect(entries.find((e) => e.kind === 'Deployment')!.group).toBe('apps');
      expect(entries.find((e) => e.kind === 'ConfigMap')!.group).toBe('');
      expect(entries.find((e) => e.kind === 'StatefulSet')!.group).toBe('apps');
    }
  });

  it('a rule without resource kinds targets every group and kind', () => {
    const rules: IgnoreRule[] = [{ paths: ['metadata.labels.team'] }];
    expect(argoIgnoreDifferences('x', rules).entries).toEqual([
      { group: '*', kind: '*', jsonPointers: ['/metadata/labels/team'] },
    ]);
  });

  it('the Application carries the translated rules and respects them on sync', () => {
    const prepared = prepareDocument(documentOf('development', 'dev'));
    const app = argocdApplication(prepared, { repoUrl: REPO, ignore: POLICY.ignore }) as Obj;
    validate(app);
    expect(app.spec.ignoreDifferences).toEqual(argoIgnoreDifferences('dev', POLICY.ignore).entries);
    expect(app.spec.syncPolicy.syncOptions).toContain('RespectIgnoreDifferences=true');
  });
});

describe('Flux and the drift policy', () => {
  it('turns whole-object ignores into IfNotPresent patches and reports the rest as untranslated', () => {
    const prepared = prepareDocument(documentOf('staging', 'staging'));
    const { objects, untranslated } = fluxObjects(prepared, { repoUrl: REPO, ignore: POLICY.ignore });
    for (const object of objects) validate(object);
    const kustomization = objects[1] as Obj;
    expect(kustomization.spec.patches).toHaveLength(1);
    expect(kustomization.spec.patches[0].target).toEqual({ kind: 'ConfigMap', name: 'hand-made' });
    expect(kustomization.spec.patches[0].patch).toContain('kustomize.toolkit.fluxcd.io/ssa: IfNotPresent');
    // Every field-level rule that applies to staging (the swarm image rule is dev-only).
    expect(untranslated.map((u) => u.rule.paths[0])).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[name=gateway].resources.**',
      'data.*',
      'metadata.annotations.LOG_*',
    ]);
    const [file] = generate('flux', prepared.document, { gitops: { repoUrl: REPO, ignore: POLICY.ignore } });
    expect(file!.content).toContain('Flux has no field-level ignore');
  });
});

// Outside CI a missing kubectl skips this with a warning; in CI requireTool fails the file.
const kubectl = requireTool('kubectl');

describe.skipIf(!kubectl)('Flux patches applied by kustomize to the production overlay', () => {
  it('mark exactly the ignored objects IfNotPresent', () => {
    const rules = parseDriftPolicyFile({
      ignore: [
        { paths: '**', resourceKinds: ['Deployment'], resourceNames: ['swarm', 'gateway'] },
        { paths: '**', resourceKinds: ['ConfigMap'], resourceNames: ['agentforge-config'] },
      ],
    }).ignore;
    const prepared = prepareDocument(documentOf('production', 'production'));
    const kustomization = fluxObjects(prepared, { repoUrl: REPO, ignore: rules }).objects[1] as Obj;
    // Kustomize takes a base only by a relative path.
    const root = testdir();
    writeFileSync(
      join(root, 'kustomization.yaml'),
      JSON.stringify({
        resources: [relative(root, join(REPO_ROOT, 'deployment/k8s/overlays/production'))],
        patches: kustomization.spec.patches,
      }),
    );
    const marked = loadDocuments(kustomize(kubectl!, root))
      .map((d) => d.data as Obj)
      .filter((o) => o.metadata.annotations?.['kustomize.toolkit.fluxcd.io/ssa'] === 'IfNotPresent')
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(marked.sort()).toEqual(['ConfigMap/agentforge-config', 'Deployment/gateway', 'Deployment/swarm']);
  });
});

describe('ApplicationSet over every environment', () => {
  const documents = [
    documentOf('development', 'dev'),
    documentOf('staging', 'staging'),
    documentOf('production', 'prod'),
    documentOf('production', 'prod-eu', { sync: 'automated' }),
  ];
  const options: GitOpsOptions = { repoUrl: REPO, revision: 'refs/tags/v2.0.0', ignore: POLICY.ignore };

  it('has one element per environment, each matching that environment’s Application', () => {
    const prepared = documents.map((d) => prepareDocument(d));
    const set = argocdApplicationSet(prepared, options) as Obj;
    validate(set);
    const elements = set.spec.generators[0].list.elements as Obj[];
    expect(elements.map((e) => e.environment)).toEqual(['dev', 'staging', 'prod', 'prod-eu']);
    for (const [i, element] of elements.entries()) {
      const app = argocdApplication(prepared[i]!, options) as Obj;
      expect(element.path).toBe(app.spec.source.path);
      expect(element.namespace).toBe(app.spec.destination.namespace);
      expect(element.automated).toBe(app.spec.syncPolicy.automated !== undefined);
      if (element.automated)
        expect({ prune: element.prune, selfHeal: element.selfHeal }).toEqual(app.spec.syncPolicy.automated);
      expect(element.syncOptions).toEqual(app.spec.syncPolicy.syncOptions);
      expect(element.ignoreDifferences).toEqual(app.spec.ignoreDifferences ?? []);
    }
    expect(set.spec.goTemplate).toBe(true);
    expect(set.spec.templatePatch).toContain('{{- if .automated }}');
    expect(set.spec.template.spec.source).toEqual({
      repoURL: REPO,
      targetRevision: 'v2.0.0',
      path: '{{ .path }}',
    });
  });

  it('writes one byte-stable file with a header', () => {
    const once = argocdApplicationSetFiles(documents, options);
    expect(argocdApplicationSetFiles(documents, options)).toEqual(once);
    expect(once.map((f) => f.path)).toEqual(['deployment/gitops/argocd-applicationset.yaml']);
    expect(once[0]!.content).toMatch(
      /^# Argo CD ApplicationSet over the AgentForge environments dev, staging, prod, prod-eu\./,
    );
    const [set] = loadDocuments(once[0]!.content);
    validate(set!.data as Obj);
  });
});

describe('files and errors', () => {
  it.each(['argocd', 'flux'])('%s: byte-stable output under deployment/gitops with a header', (type) => {
    const document = documentOf('production', 'production');
    const first = generate(type, document, { gitops: { repoUrl: REPO } });
    expect(generate(type, document, { gitops: { repoUrl: REPO } })).toEqual(first);
    expect(first).toHaveLength(1);
    expect(first[0]!.path).toBe(`deployment/gitops/${type}-production.yaml`);
    expect(first[0]!.content).toMatch(/^# .*\n# Generated by `agentforge env generate production --type /);
    for (const { data } of loadDocuments(first[0]!.content)) validate(data as Obj);
  });

  it.each([
    { name: 'no repository', options: {} },
    { name: 'a blank repository', options: { repoUrl: '  ' } },
    { name: 'a revision with spaces', options: { repoUrl: REPO, revision: 'main; rm' } },
  ])('refuses $name with INVALID_ARGUMENT', ({ options }) => {
    const prepared = prepareDocument(documentOf('staging', 'staging'));
    for (const build of [() => argocdApplication(prepared, options), () => fluxObjects(prepared, options)]) {
      try {
        build();
        expect.unreachable();
      } catch (error) {
        expect(isAgentforgeError(error) && error.code).toBe('INVALID_ARGUMENT');
      }
    }
  });
});

describe('generateWorkspaceGitOps', () => {
  function workspace(settings: string, policy?: string): string {
    return testdir({
      'agentforge.yaml': settings,
      ...(policy === undefined ? {} : { 'drift-policy.yaml': policy }),
      'environments/dev.yaml': renderEnvironmentFile(documentOf('development', 'dev')),
      'environments/prod.yaml': renderEnvironmentFile(documentOf('production', 'prod')),
    });
  }

  it('reads the repository from agentforge.yaml and the ignore rules from the drift policy', async () => {
    const root = workspace(
      `gitops:\n  repoUrl: ${REPO}\n  revision: refs/tags/v1.0.0\ndrift:\n  policy: drift-policy.yaml\n`,
      'ignore:\n  - paths: spec.replicas\n    resourceKinds: [Deployment]\n',
    );
    const [file] = await generateWorkspaceGitOps(await openWorkspace(root), { type: 'argocd', all: true });
    const set = loadDocuments(file!.content)[0]!.data as Obj;
    validate(set);
    expect(set.spec.template.spec.source.targetRevision).toBe('v1.0.0');
    expect(set.spec.generators[0].list.elements.map((e: Obj) => e.environment)).toEqual(['dev', 'prod']);
    expect(set.spec.generators[0].list.elements[0].ignoreDifferences).toEqual([
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
    ]);
  });

  it('flux --all writes one file per environment; --repo-url overrides the settings', async () => {
    const root = workspace(`gitops:\n  repoUrl: ${REPO}\n`);
    const files = await generateWorkspaceGitOps(await openWorkspace(root), {
      type: 'flux',
      all: true,
      repoUrl: 'ssh://git@example.com/other.git',
    });
    expect(files.map((f) => f.path)).toEqual([
      'deployment/gitops/flux-dev.yaml',
      'deployment/gitops/flux-prod.yaml',
    ]);
    expect(files[0]!.content).toContain('url: ssh://git@example.com/other.git');
  });

  it.each([
    {
      name: 'no repository anywhere',
      settings: 'environments: environments\n',
      options: { environment: 'dev' },
      code: 'INVALID_ARGUMENT',
    },
    {
      name: 'an unknown environment',
      settings: `gitops:\n  repoUrl: ${REPO}\n`,
      options: { environment: 'nope' },
      code: 'UNKNOWN_ENVIRONMENT',
    },
    {
      name: 'a name and --all',
      settings: `gitops:\n  repoUrl: ${REPO}\n`,
      options: { environment: 'dev', all: true },
      code: 'INVALID_ARGUMENT',
    },
  ])('refuses $name', async ({ settings, options, code }) => {
    const root = workspace(settings);
    await expect(
      generateWorkspaceGitOps(await openWorkspace(root), { type: 'argocd', ...options }),
    ).rejects.toMatchObject({
      code,
    });
  });
});
