import { openWorkspace } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { resolveManifestEnvironment } from './manifest-environment.js';

const deployment = (labels: Record<string, string>) => ({
  data: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels } },
});

describe('resolveManifestEnvironment', () => {
  it.each<{ name: string; labels: Record<string, string>; given: string | undefined; want: object }>([
    {
      name: 'the tier label',
      labels: { 'agentforge.io/tier': 'staging' },
      given: undefined,
      want: { name: 'staging', tier: 'staging' },
    },
    {
      name: 'environment and tier labels',
      labels: { 'agentforge.io/environment': 'eu', 'agentforge.io/tier': 'development' },
      given: undefined,
      want: { name: 'eu', tier: 'development' },
    },
    {
      name: 'a workspace environment (its document gives the tier)',
      labels: {},
      given: 'qa',
      want: { name: 'qa', tier: 'staging' },
    },
    {
      name: 'a tier name',
      labels: { 'agentforge.io/tier': 'staging' },
      given: 'development',
      want: { name: 'development', tier: 'development' },
    },
    {
      name: 'the labelled environment named again',
      labels: { 'agentforge.io/environment': 'eu', 'agentforge.io/tier': 'development' },
      given: 'eu',
      want: { name: 'eu', tier: 'development' },
    },
  ])('$name', async ({ labels, given, want }) => {
    const workspace = await openWorkspace(testdir({ 'environments/qa.yml': 'name: qa\ntier: staging\n' }));
    expect(await resolveManifestEnvironment([deployment(labels)], { environment: given, workspace })).toEqual(
      want,
    );
  });

  it('assumes production with a note when nothing names a tier', async () => {
    const resolved = await resolveManifestEnvironment([deployment({})]);
    expect(resolved).toMatchObject({ name: 'production', tier: 'production' });
    expect(resolved.note).toMatch(/the production rules apply/);
  });

  it('refuses an unknown name with the workspace, its environments and the tiers', async () => {
    const root = testdir({ 'environments/qa.yaml': 'name: qa\ntier: staging\n' });
    const workspace = await openWorkspace(root);
    await expect(
      resolveManifestEnvironment([deployment({})], { environment: 'qa2', workspace }),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_ENVIRONMENT',
      message: `unknown environment "qa2" in workspace ${root} (known: qa; or a tier: development, staging, production; or the manifests' agentforge.io/environment label); did you mean "qa"?`,
    });
  });
});
