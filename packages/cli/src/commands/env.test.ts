import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocuments, parseDotenv } from '@agentforge/schema';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

async function run(argv: string[], cwd: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(argv, { cwd, env: { NO_COLOR: '1' }, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** Every file under `dir`, relative. */
function tree(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? tree(dir, path) : [path];
  });
}

describe('agentforge env create', () => {
  it('writes environments/<name>.yaml with the $schema line, and refuses to overwrite without --force', async () => {
    const root = testdir({ 'agentforge.yaml': 'environments: environments\n' });
    const first = await run(
      ['env', 'create', 'prod-eu', '--template', 'production', '--set', 'platform.domain=eu.example.com'],
      root,
    );
    expect(first).toMatchObject({ code: 0 });
    const text = readFileSync(join(root, 'environments/prod-eu.yaml'), 'utf8');
    expect(text).toMatch(/^# yaml-language-server: \$schema=\S+schema\.json\n/);
    expect(text).toContain('domain: eu.example.com');
    expect(text).toContain('namespace: agentforge-prod-eu');

    const again = await run(['env', 'create', 'prod-eu', '--template', 'development'], root);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/environments\/prod-eu\.yaml already exists \(use --force/);
    expect(readFileSync(join(root, 'environments/prod-eu.yaml'), 'utf8')).toBe(text);

    const forced = await run(['env', 'create', 'prod-eu', '--template', 'development', '--force'], root);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(root, 'environments/prod-eu.yaml'), 'utf8')).toContain('tier: development');
  });

  it('starts a workspace in an empty folder', async () => {
    const root = testdir();
    expect((await run(['env', 'create', 'dev', '--template', 'development'], root)).code).toBe(0);
    expect(existsSync(join(root, 'environments/dev.yaml'))).toBe(true);
  });

  it.each(['../../etc', 'Prod_1', '..', 'a/b', '/etc/passwd'])(
    'refuses the name %j (exit 2) and writes nothing anywhere',
    async (name) => {
      const parent = testdir({ 'ws/agentforge.yaml': '' });
      const root = join(parent, 'ws');
      const result = await run(['env', 'create', name, '--template', 'production'], root);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/invalid environment name/);
      expect(tree(parent)).toEqual(['ws/agentforge.yaml']);
    },
  );

  it('refuses to write when agentforge.yaml points environments/ outside the workspace', async () => {
    const parent = testdir({ 'ws/agentforge.yaml': 'environments: ../outside\n' });
    const result = await run(['env', 'create', 'dev', '--template', 'development'], join(parent, 'ws'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/refusing to write/);
    expect(tree(parent)).toEqual(['ws/agentforge.yaml']);
  });

  it('refuses an unknown template and bad overrides with exit 2', async () => {
    const root = testdir({ 'agentforge.yaml': '' });
    expect((await run(['env', 'create', 'x', '--template', 'prod'], root)).stderr).toMatch(
      /--template must be one of development, staging, production/,
    );
    const bad = await run(
      ['env', 'create', 'x', '--template', 'staging', '--set', 'services.swarm.replicas=-4'],
      root,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/services\.swarm\.replicas/);
    expect(existsSync(join(root, 'environments/x.yaml'))).toBe(false);
  });

  it.each([
    '__proto__.polluted=1',
    'constructor.prototype.polluted=1',
    'services={"__proto__":{"polluted":1}}',
    'services.swarm.env={"constructor":{"prototype":{"x":1}}}',
  ])('refuses the forbidden key in --set %s with exit 2, writing nothing', async (set) => {
    const root = testdir({ 'agentforge.yaml': '' });
    const result = await run(['env', 'create', 'x', '--template', 'development', '--set', set], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not allowed.*prototype/);
    expect(existsSync(join(root, 'environments/x.yaml'))).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('agentforge env list', () => {
  it('lists environments with tier and namespace, as a table or JSON', async () => {
    const root = testdir({ 'agentforge.yaml': '', 'environments/broken.yaml': 'name: broken\ntier: nope\n' });
    await run(['env', 'create', 'stage', '--template', 'staging'], root);
    const human = await run(['env', 'list'], root);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^NAME\s+TIER\s+NAMESPACE\s+FILE$/m);
    expect(human.stdout).toMatch(/^stage\s+staging\s+agentforge-stage\s+environments\/stage\.yaml$/m);
    expect(human.stdout).toMatch(/^broken\s+nope.*invalid/m);
    const json = JSON.parse((await run(['env', 'list', '--format', 'json'], root)).stdout);
    expect(json.map((row: { name: string; valid: boolean }) => [row.name, row.valid])).toEqual([
      ['broken', false],
      ['stage', true],
    ]);
  });
});

describe('agentforge env generate', () => {
  it('generates env, docker-compose, k8s and helm files into the workspace', async () => {
    const root = testdir({ 'agentforge.yaml': '' });
    await run(['env', 'create', 'prod', '--template', 'production'], root);
    for (const type of ['env', 'docker-compose', 'k8s', 'helm']) {
      const result = await run(['env', 'generate', 'prod', '--type', type], root);
      expect(result.code, result.stderr).toBe(0);
    }
    expect(statSync(join(root, '.env.prod')).mode & 0o777).toBe(0o600);
    expect(
      parseDotenv(readFileSync(join(root, '.env.prod'), 'utf8')).find((e) => e.key === 'AGENTFORGE_NAME')
        ?.value,
    ).toBe('prod');
    expect(existsSync(join(root, 'docker-compose.prod.yaml'))).toBe(true);
    expect(existsSync(join(root, 'deployment/k8s/overlays/prod/kustomization.yaml'))).toBe(true);
    expect(existsSync(join(root, 'deployment/k8s/base/kustomization.yaml'))).toBe(true);
    const values = readFileSync(join(root, 'deployment/helm/values-prod.yaml'), 'utf8');
    expect(values).toMatch(/^name: prod$/m);
    expect(values).toContain('agentforge env generate prod --type helm');
  });

  it('writes under --out', async () => {
    const root = testdir({ 'ws/agentforge.yaml': '' });
    await run(['env', 'create', 'dev', '--template', 'development'], join(root, 'ws'));
    const result = await run(
      ['env', 'generate', 'dev', '--type', 'docker-compose', '--dir', 'ws', '--out', 'out'],
      root,
    );
    expect(result.code).toBe(0);
    expect(tree(join(root, 'out')).sort()).toEqual(['docker-compose.dev.yaml', 'prometheus.dev.yml']);
  });

  it.each([
    {
      name: 'hostile name',
      argv: ['env', 'generate', '../../etc', '--type', 'env'],
      error: /invalid environment name/,
    },
    {
      name: 'upper case',
      argv: ['env', 'generate', 'Prod_1', '--type', 'env'],
      error: /invalid environment name/,
    },
    {
      name: 'unknown type',
      argv: ['env', 'generate', 'dev', '--type', 'terraform'],
      error: /--type must be one of env, docker-compose, k8s/,
    },
    {
      name: 'unknown environment',
      argv: ['env', 'generate', 'nope', '--type', 'env'],
      error: /unknown environment "nope"/,
    },
    {
      name: 'argocd for an unknown environment',
      argv: ['env', 'generate', 'nope', '--type', 'argocd', '--repo-url', 'https://git.example.com/p.git'],
      error: /unknown environment "nope"/,
    },
    {
      name: 'argocd without a repository',
      argv: ['env', 'generate', 'dev', '--type', 'argocd'],
      error: /no git repository for Argo CD: set gitops\.repoUrl in .*agentforge\.yaml or pass --repo-url/,
    },
    {
      name: 'flux --all without a repository',
      argv: ['env', 'generate', '--all', '--type', 'flux'],
      error: /no git repository for Flux/,
    },
    {
      name: '--all with a non-GitOps type',
      argv: ['env', 'generate', '--all', '--type', 'k8s'],
      error: /--all works with --type argocd or flux/,
    },
    {
      name: 'neither a name nor --all',
      argv: ['env', 'generate', '--type', 'argocd', '--repo-url', 'https://git.example.com/p.git'],
      error: /name an environment \(or --all\)/,
    },
  ])('$name: exit 2, nothing written', async ({ argv, error }) => {
    const parent = testdir({ 'ws/agentforge.yaml': '' });
    const root = join(parent, 'ws');
    await run(['env', 'create', 'dev', '--template', 'development'], root);
    const result = await run(argv, root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(error);
    // What env create wrote (the file and its audit line), and nothing more.
    expect(tree(parent).sort()).toEqual([
      'ws/.agentforge/audit.log',
      'ws/agentforge.yaml',
      'ws/environments/dev.yaml',
    ]);
  });

  it('writes an Argo CD Application, an ApplicationSet over every environment, and Flux objects', async () => {
    const root = testdir({
      'agentforge.yaml': 'gitops:\n  repoUrl: https://git.example.com/platform.git\n',
    });
    for (const tier of ['development', 'staging', 'production'])
      await run(['env', 'create', tier, '--template', tier], root);
    const app = await run(['env', 'generate', 'production', '--type', 'argocd'], root);
    expect(app.code, app.stderr).toBe(0);
    expect(app.stdout).toContain('deployment/gitops/argocd-production.yaml');
    const application = loadDocuments(
      readFileSync(join(root, 'deployment/gitops/argocd-production.yaml'), 'utf8'),
    )[0]!.data as Record<string, any>;
    expect(application).toMatchObject({
      kind: 'Application',
      spec: {
        source: {
          repoURL: 'https://git.example.com/platform.git',
          path: 'deployment/k8s/overlays/production',
        },
      },
    });
    expect(application.spec.syncPolicy.automated).toBeUndefined();

    const all = await run(
      ['env', 'generate', '--all', '--type', 'argocd', '--revision', 'refs/tags/v3.1.0'],
      root,
    );
    expect(all.code, all.stderr).toBe(0);
    const set = loadDocuments(
      readFileSync(join(root, 'deployment/gitops/argocd-applicationset.yaml'), 'utf8'),
    )[0]!.data as Record<string, any>;
    expect(set.spec.generators[0].list.elements.map((e: { environment: string }) => e.environment)).toEqual([
      'development',
      'production',
      'staging',
    ]);
    expect(set.spec.template.spec.source.targetRevision).toBe('v3.1.0');

    const flux = await run(
      ['env', 'generate', 'staging', '--type', 'flux', '--repo-url', 'ssh://git@example.com/x.git'],
      root,
    );
    expect(flux.code, flux.stderr).toBe(0);
    const [repo, kustomization] = loadDocuments(
      readFileSync(join(root, 'deployment/gitops/flux-staging.yaml'), 'utf8'),
    ).map((d) => d.data as Record<string, any>);
    expect(repo).toMatchObject({ kind: 'GitRepository', spec: { url: 'ssh://git@example.com/x.git' } });
    expect(kustomization).toMatchObject({
      kind: 'Kustomization',
      spec: { prune: true, path: './deployment/k8s/overlays/staging' },
    });
  });

  it('names file, line and column when the environment is invalid', async () => {
    const root = testdir({ 'agentforge.yaml': '' });
    await run(['env', 'create', 'dev', '--template', 'development'], root);
    const file = join(root, 'environments/dev.yaml');
    const text = readFileSync(file, 'utf8').replace('replicas: 1', 'replicas: many');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, text));
    const result = await run(['env', 'generate', 'dev', '--type', 'env'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/environments\/dev\.yaml:\d+:\d+: .*replicas/);
    expect(existsSync(join(root, '.env.dev'))).toBe(false);
  });
});
