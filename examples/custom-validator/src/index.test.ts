import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDocument } from '@agentforge/schema';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { checkAcmeEnvironments, checkAcmeWorkspace, createAcmeValidator } from './index.ts';

const yaml = (text: string) => loadDocument(text).data;
const toInput = (data: unknown) => ({ data });

const good = readFileSync(new URL('../environments/prod-eu.yaml', import.meta.url), 'utf8');

/** prod-eu.yaml with some lines replaced. */
function variant(replacements: Array<[string | RegExp, string]>): string {
  let text = good;
  for (const [from, to] of replacements) {
    const next = text.replace(from, to);
    expect(next, `replacement ${String(from)} applies`).not.toBe(text);
    text = next;
  }
  return text;
}

describe('the Acme validator composed from the AgentForge engine', () => {
  it('passes the shipped prod-eu environment with no finding at all', async () => {
    const out = memoryStream();
    const { code, reports } = await checkAcmeEnvironments(
      [new URL('../environments/prod-eu.yaml', import.meta.url).pathname],
      (t) => out.write(t),
    );
    expect(reports[0]!.findings).toEqual([]);
    expect(reports[0]).toMatchObject({ environment: 'prod-eu', tier: 'production', passed: true });
    expect(code).toBe(0);
    expect(out.text()).toBe('');
  });

  it('reports its own rules and the AgentForge rules together, located, as GitHub annotations', async () => {
    const dir = testdir({
      'prod-eu.yaml': variant([
        ['provider: azure-openai', 'provider: anthropic'],
        ['endpoint: https://acme-prod.westeurope-eu.openai.azure.com', 'endpoint: https://api.anthropic.com'],
        ['memoryBudget: 96Gi', 'memoryBudget: 8Gi'],
        ['debug: false', 'debug: true'],
      ]),
    });
    const out = memoryStream();
    const { code, reports } = await checkAcmeEnvironments([join(dir, 'prod-eu.yaml')], (t) => out.write(t));
    expect(code).toBe(1);
    const byRule = Object.fromEntries(reports[0]!.findings.map((f) => [`${f.ruleId} ${f.path}`, f]));
    expect(byRule['acme/eu-residency /llm/provider']).toMatchObject({
      severity: 'critical',
      location: { line: 12, column: 3 },
    });
    expect(byRule['acme/eu-residency /llm/endpoint']).toMatchObject({
      severity: 'high',
      location: { line: 14, column: 3 },
    });
    expect(byRule['acme/memory-budget /acme/memoryBudget']?.message).toMatch(
      /peak memory \d+\.\dGi exceeds the budget of 8Gi/,
    );
    expect(byRule['agentforge/no-debug /debug']).toMatchObject({
      severity: 'high',
      location: { line: 10, column: 1 },
    });
    expect(out.text()).toContain(
      `::error file=${join(dir, 'prod-eu.yaml').replace(/:/g, '%3A')},line=12,col=3,title=acme/eu-residency (critical%2C prod-eu)::`,
    );
  });

  it('requires the acme section through its schema extension', () => {
    const { acme: _, ...withoutAcme } = JSON.parse(JSON.stringify(yaml(good))) as Record<string, unknown>;
    const report = createAcmeValidator().validate(toInput(withoutAcme));
    expect(report.findings.some((f) => f.ruleId === 'schema/invalid-type' && f.path === '/acme')).toBe(true);
    expect(report.passed).toBe(false);
  });

  it('keeps the plaintext-secret rule critical in staging, where the AgentForge policy says high', async () => {
    const dir = testdir({
      'staging.yaml': variant([
        ['tier: production', 'tier: staging'],
        [
          'SWARM_MAX_AGENTS: "64"',
          'SWARM_MAX_AGENTS: "64"\n      GITHUB_TOKEN: ghp_abcdefghijklmnopqrstuvwxyz0123456789',
        ],
      ]),
    });
    const { reports } = await checkAcmeEnvironments([join(dir, 'staging.yaml')], () => undefined);
    const secret = reports[0]!.findings.find((f) => f.ruleId === 'agentforge/no-plaintext-secrets');
    expect(secret).toMatchObject({ severity: 'critical', path: '/services/swarm/env/GITHUB_TOKEN' });
  });
});

describe('the Acme check over a workspace (the workspace model)', () => {
  it('finds the workspace from a subfolder and applies its policies and suppressions to every environment', async () => {
    const root = testdir({
      'agentforge.yaml': 'policies: [acme-policies/eu.yaml]\n',
      'environments/prod-eu.yml': good,
      'acme-policies/eu.yaml': [
        'rules:',
        '  - id: acme/no-debug-logs',
        '    description: Debug logging is not allowed.',
        '    recommendation: Use info.',
        '    severity: high',
        '    forbidden: { path: logging.level, values: [info] }',
        '  - id: acme/no-info-logs',
        '    description: Info logging is too chatty.',
        '    recommendation: Use warn.',
        '    severity: high',
        '    forbidden: { path: logging.level, values: [info] }',
        '',
      ].join('\n'),
      'suppressions.yaml':
        'suppressions:\n  - rule: acme/no-info-logs\n    reason: accepted until the log pipeline scales\n',
      'tools/ci/.keep': '',
    });
    const out = memoryStream();
    const { code, reports } = await checkAcmeWorkspace(join(root, 'tools/ci'), (t) => out.write(t));
    expect(reports.map((r) => r.environment)).toEqual(['prod-eu']);
    const ids = reports[0]!.findings.map((f) => f.ruleId);
    expect(ids).toContain('acme/no-debug-logs');
    expect(ids).not.toContain('acme/no-info-logs');
    expect(code).toBe(1);
  });

  it('refuses an unknown environment with the known names', async () => {
    const root = testdir({ 'environments/prod-eu.yaml': good });
    await expect(checkAcmeWorkspace(root, () => {}, { environment: 'prod-us' })).rejects.toMatchObject({
      code: 'UNKNOWN_ENVIRONMENT',
      message: expect.stringContaining('known: prod-eu'),
    });
  });
});
