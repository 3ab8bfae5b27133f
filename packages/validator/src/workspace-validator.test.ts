import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findWorkspace } from '@agentforge/schema';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentFile } from './environment-input.js';
import { createWorkspaceValidator } from './workspace-validator.js';

const broken = fileURLToPath(new URL('../../../examples/broken/', import.meta.url));

async function validate(options: Parameters<typeof createWorkspaceValidator>[1] = {}) {
  const root = testdir();
  cpSync(broken, root, { recursive: true });
  const workspace = await findWorkspace(root);
  const validator = await createWorkspaceValidator(workspace, options);
  return {
    root,
    report: validator.validate(await loadEnvironmentFile(await workspace.resolveEnvironment('production'))),
  };
}

describe('createWorkspaceValidator', () => {
  it("applies the workspace's policy, which extends the agentforge preset", async () => {
    const { report } = await validate();
    // The team policy raises agentforge/log-level from medium to high in production.
    expect(report.findings.find((f) => f.ruleId === 'agentforge/log-level')?.severity).toBe('high');
  });

  it("applies the workspace's suppressions unless told not to, naming their file as asked", async () => {
    const suppressed = (await validate({ displayPath: (file) => `shown:${file.split('/').pop()}` })).report;
    const plain = (await validate({ suppressions: false })).report;
    const probes = (r: typeof plain) => r.findings.filter((f) => f.ruleId === 'agentforge/probes');
    expect(probes(plain).length).toBeGreaterThan(0);
    expect(probes(suppressed)).toEqual([]);
    // An expired suppression is a finding located in the suppressions file, named as asked.
    const expired = suppressed.findings.find((f) => f.ruleId === 'suppression/expired');
    expect(expired?.location?.file).toBe('shown:suppressions.yaml');
  });

  it('adds policy files after the workspace ones, and builds without a workspace', async () => {
    const extra = join(broken, 'policies/team.yaml');
    const validator = await createWorkspaceValidator(undefined, { policyFiles: [extra] });
    const report = validator.validate(
      await loadEnvironmentFile(join(broken, 'environments/production.yaml')),
    );
    expect(report.findings.find((f) => f.ruleId === 'agentforge/log-level')?.severity).toBe('high');
  });
});
