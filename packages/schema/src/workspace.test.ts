import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { isAgentforgeError } from './errors.js';
import { closestWord, findWorkspace, openWorkspace, unknownEnvironmentError } from './workspace.js';

const ENV = 'name: x\ntier: development\n';

describe('findWorkspace', () => {
  it.each<{ name: string; files: Record<string, string>; from: string }>([
    {
      name: 'agentforge.yaml marks the root',
      files: { 'agentforge.yaml': '{}\n', 'a/b/.keep': '' },
      from: 'a/b',
    },
    {
      name: 'environments/ marks the root',
      files: { 'environments/dev.yaml': ENV, 'a/.keep': '' },
      from: 'a',
    },
    { name: 'the folder itself', files: { 'environments/dev.yaml': ENV }, from: '.' },
  ])('walks up: $name', async ({ files, from }) => {
    const root = testdir(files);
    const workspace = await findWorkspace(join(root, from));
    expect(workspace.root).toBe(root);
  });

  it('--dir overrides the walk and must be a folder', async () => {
    const outer = testdir({ 'environments/a.yaml': ENV, 'inner/environments/b.yaml': ENV, 'file.txt': '' });
    expect((await findWorkspace(outer, 'inner')).root).toBe(join(outer, 'inner'));
    await expect(findWorkspace(outer, 'missing')).rejects.toThrow(
      /missing: no such workspace folder \(--dir\)/,
    );
    await expect(findWorkspace(outer, 'file.txt')).rejects.toThrow(/file\.txt: not a folder/);
  });

  it('starts a new workspace in cwd when allowed and none is found', async () => {
    const root = testdir({ '.keep': '' });
    // The temp folder's parents hold no workspace on a test machine; a new one starts in cwd.
    const found = await findWorkspace(root, undefined, { allowNew: true }).catch(() => undefined);
    expect(found?.root).toBe(root);
    expect(await found?.listEnvironments()).toEqual([]);
  });
});

describe('workspace', () => {
  it('lists .yaml and .yml environments once each, sorted, and resolves the .yml fallback', async () => {
    const root = testdir({
      'environments/staging.yml': ENV,
      'environments/dev.yaml': ENV,
      'environments/both.yaml': ENV,
      'environments/both.yml': ENV,
      'environments/notes.txt': 'x',
    });
    const workspace = await openWorkspace(root);
    expect(await workspace.listEnvironments()).toEqual(['both', 'dev', 'staging']);
    expect(await workspace.resolveEnvironment('staging')).toBe(join(root, 'environments/staging.yml'));
    expect(await workspace.resolveEnvironment('both')).toBe(join(root, 'environments/both.yaml'));
    expect(workspace.environmentFile('new')).toBe(join(root, 'environments/new.yaml'));
    expect((await workspace.loadEnvironment('staging')).data).toEqual({ name: 'x', tier: 'development' });
  });

  it('refuses an unknown environment with one error naming the workspace and the known names', async () => {
    const root = testdir({ 'environments/production.yaml': ENV, 'environments/staging.yaml': ENV });
    const workspace = await openWorkspace(root);
    const error = await workspace.loadEnvironment('prodution').catch((e: unknown) => e);
    expect(isAgentforgeError(error) && error.code).toBe('UNKNOWN_ENVIRONMENT');
    expect((error as Error).message).toBe(
      `unknown environment "prodution" in workspace ${root} (known: production, staging); did you mean "production"?`,
    );
  });

  it('reads agentforge.yaml settings: environments folder, policies, suppressions, drift policy', async () => {
    const root = testdir({
      'agentforge.yaml':
        'environments: envs\npolicies: [rules/b.yaml, rules/a.yaml]\nsuppressions: s.yaml\ndrift:\n  policy: drift.yaml\nmanifests:\n  policy: k8s.yaml\naccess: { roles: {} }\n',
      'envs/dev.yaml': ENV,
      's.yaml': '[]\n',
    });
    const workspace = await openWorkspace(root);
    expect(workspace.settingsFile).toBe(join(root, 'agentforge.yaml'));
    expect(workspace.environmentsDir).toBe(join(root, 'envs'));
    expect(await workspace.listEnvironments()).toEqual(['dev']);
    expect(await workspace.policyFiles()).toEqual([join(root, 'rules/b.yaml'), join(root, 'rules/a.yaml')]);
    expect(workspace.suppressionsFile()).toBe(join(root, 's.yaml'));
    expect(workspace.driftPolicyFile()).toBe(join(root, 'drift.yaml'));
    expect(workspace.manifestPolicyFiles()).toEqual([join(root, 'k8s.yaml')]);
    expect(workspace.settings.access).toEqual({ roles: {} });
  });

  it('discovers policies/*.yaml and suppressions.yaml by default', async () => {
    const root = testdir({
      'environments/dev.yaml': ENV,
      'policies/z.yaml': '',
      'policies/a.yml': '',
      'policies/readme.md': '',
    });
    const workspace = await openWorkspace(root);
    expect(await workspace.policyFiles()).toEqual([
      join(root, 'policies/a.yml'),
      join(root, 'policies/z.yaml'),
    ]);
    expect(workspace.suppressionsFile()).toBeUndefined();
    expect(workspace.driftPolicyFile()).toBeUndefined();
    expect(workspace.manifestPolicyFiles()).toEqual([]);
  });

  it.each([
    { name: 'a list', text: '- a\n', message: /agentforge\.yaml: .*expected object/ },
    { name: 'policies not a list', text: 'policies: rules.yaml\n', message: /agentforge\.yaml: policies: / },
    { name: 'environments not text', text: 'environments: 3\n', message: /agentforge\.yaml: environments: / },
    {
      name: 'manifests.policy not a path',
      text: 'manifests:\n  policy: 3\n',
      message: /agentforge\.yaml: manifests\.policy: /,
      line: 2,
    },
  ])('refuses a malformed agentforge.yaml ($name) with its location', async ({ text, message, line = 1 }) => {
    const root = testdir({ 'agentforge.yaml': text });
    const error = await openWorkspace(root).catch((e: unknown) => e);
    expect(isAgentforgeError(error) && error.code).toBe('CONFIG_INVALID');
    expect((error as Error).message).toMatch(message);
    expect(isAgentforgeError(error) && error.location?.line).toBe(line);
  });
});

describe('closestWord', () => {
  it.each([
    ['confg', ['config', 'env', 'schema'], 'config'],
    ['prodcution', ['production', 'staging'], 'production'],
    ['shcema', ['schema'], 'schema'],
    ['xyz', ['config', 'env'], undefined],
    ['env', ['env'], undefined],
  ])('%s → %s', (word, candidates, expected) => {
    expect(closestWord(word, candidates)).toBe(expected);
  });

  it('leaves out the suggestion when nothing is close', () => {
    expect(unknownEnvironmentError('qa', { known: ['production'] }).message).toBe(
      'unknown environment "qa" (known: production)',
    );
  });
});
