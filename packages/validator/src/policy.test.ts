import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { input, mutate, PRODUCTION } from '../test/helpers.js';
import { AGENTFORGE_PRESETS, createAgentforgeValidator } from './agentforge.js';
import { createValidator } from './engine.js';
import { loadPolicy } from './policy.js';
import { loadSuppressions } from './suppressions.js';

const TEAM = `extends: [./base.yaml]
rules:
  - id: team/no-ollama
    description: Ollama is not approved for production.
    recommendation: Use a hosted provider.
    severity: { production: critical, default: "off" }
    forbidden: { path: llm.provider, values: [ollama] }
severity:
  agentforge/log-level: high
`;
const BASE = `extends: agentforge
environments:
  production:
    agentforge/no-debug: low
`;

describe('policy files', () => {
  it('loads rules and overrides, following extends to files and presets', async () => {
    const dir = testdir({ 'team.yaml': TEAM, 'base.yaml': BASE });
    const policy = await loadPolicy(join(dir, 'team.yaml'), { presets: AGENTFORGE_PRESETS });
    expect(policy.rules.map((r) => r.id)).toContain('agentforge/no-debug');
    const text = mutate(PRODUCTION, [
      ['provider: anthropic', 'provider: ollama'],
      ['level: info', 'level: debug'],
      ['debug: false', 'debug: true'],
    ]);
    const report = createValidator({ policies: [policy], tier: 'production' }).validate(input(text));
    const severity = Object.fromEntries(report.findings.map((f) => [f.ruleId, f.severity]));
    expect(severity).toMatchObject({
      'team/no-ollama': 'critical',
      'agentforge/log-level': 'high',
      'agentforge/no-debug': 'low',
    });
  });

  it('composes on top of the AgentForge validator', async () => {
    const dir = testdir({ 'team.yaml': TEAM.replace('extends: [./base.yaml]\n', '') });
    const validator = createAgentforgeValidator({
      policies: [await loadPolicy(join(dir, 'team.yaml'), { presets: AGENTFORGE_PRESETS })],
    });
    expect(validator.rules.map((r) => r.id)).toEqual(
      expect.arrayContaining(['agentforge/no-debug', 'team/no-ollama']),
    );
  });

  const malformed = [
    {
      name: 'an unknown key',
      text: 'rules: []\nseverty: {}\n',
      line: 2,
      column: 1,
      message: /unknown key "severty".*did you mean "severity"/,
    },
    {
      name: 'a rule without an assertion',
      text: 'rules:\n  - id: team/x\n    description: d\n    recommendation: r\n    severity: high\n',
      line: 2,
      column: 5,
      message: /exactly one of/,
    },
    {
      name: 'an unknown severity',
      text: 'severity:\n  agentforge/no-debug: severe\n',
      line: 2,
      column: 3,
      message: /agentforge\/no-debug/,
    },
    {
      name: 'an invalid regex',
      text: 'rules:\n  - id: team/x\n    description: d\n    recommendation: r\n    severity: high\n    pattern: { path: a, regex: "(" }\n',
      line: 6,
      column: 25,
      message: /regular expression/,
    },
  ];
  it.each(malformed)('refuses $name with a located error', async ({ text, line, column, message }) => {
    const dir = testdir({ 'policy.yaml': text });
    const error = await loadPolicy(join(dir, 'policy.yaml')).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'POLICY_INVALID',
      location: { file: join(dir, 'policy.yaml'), line, column },
    });
    expect((error as Error).message).toMatch(message);
  });

  it('knows no preset unless the caller passes it (the engine never imports the AgentForge policy)', async () => {
    const dir = testdir({ 'base.yaml': BASE });
    await expect(loadPolicy(join(dir, 'base.yaml'))).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringContaining('no such policy file or preset (presets: none)'),
    });
  });

  it('refuses circular and missing extends at the extends entry', async () => {
    const dir = testdir({
      'a.yaml': 'extends: [./b.yaml]\n',
      'b.yaml': 'extends: [./a.yaml]\n',
      'c.yaml': 'rules: []\nextends: ./nope.yaml\n',
    });
    await expect(loadPolicy(join(dir, 'a.yaml'))).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringMatching(/extends itself/),
      location: { line: 1 },
    });
    await expect(loadPolicy(join(dir, 'c.yaml'))).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringMatching(/nope\.yaml.*no such policy/),
      location: { line: 2, column: 1 },
    });
  });
});

describe('suppressions file', () => {
  it('reads suppressions with their locations; YAML dates and strings both work', async () => {
    const dir = testdir({
      's.yaml':
        'suppressions:\n  - rule: a/b\n    reason: why\n    expires: 2026-01-31\n  - rule: a/c\n    reason: because\n    expires: "2026-02-01"\n',
    });
    const list = await loadSuppressions(join(dir, 's.yaml'));
    expect(list).toMatchObject([
      { rule: 'a/b', expires: '2026-01-31', location: { line: 2, column: 5 } },
      { rule: 'a/c', expires: '2026-02-01', location: { line: 5, column: 5 } },
    ]);
  });

  it('refuses a suppression without a reason, located', async () => {
    const dir = testdir({ 's.yaml': 'suppressions:\n  - rule: a/b\n    reason: "  "\n' });
    await expect(loadSuppressions(join(dir, 's.yaml'))).rejects.toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringMatching(/needs a reason/),
      location: { line: 3 },
    });
  });
});
