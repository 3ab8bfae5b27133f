import { EnvironmentDocumentSchema, loadDocument, loadDocuments } from '@agentforge/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { input, mutate, PRODUCTION } from '../test/helpers.js';
import {
  type AgentforgeValidatorOptions,
  agentforgePolicy,
  createAgentforgeValidator,
} from './agentforge.js';
import { createBaseline, parseBaseline } from './baseline.js';
import { createValidator, failsOn } from './engine.js';
import { toEnvironmentInput } from './environment-input.js';
import { defineRule } from './rule.js';
import type { Suppression } from './types.js';

const broken = mutate(PRODUCTION, [
  ['debug: false', 'debug: true'],
  ['level: info', 'level: debug'],
  ['replicas: 2\n    port: 8083', 'replicas: 1\n    port: 8083'],
]);

describe('createValidator', () => {
  it('sorts findings by severity then location, counts them and decides pass/fail by failOn', () => {
    const report = createAgentforgeValidator().validate(input(broken));
    expect(report.findings.map((f) => [f.severity, f.ruleId])).toEqual([
      ['high', 'agentforge/no-debug'],
      ['high', 'agentforge/min-replicas'],
      ['medium', 'agentforge/log-level'],
    ]);
    expect(report.findings[0]!.location!.line).toBeLessThan(report.findings[1]!.location!.line);
    expect(report.counts).toEqual({ critical: 0, high: 2, medium: 1, low: 0, info: 0 });
    expect(report.passed).toBe(false);
    expect(createAgentforgeValidator({ failOn: 'critical' }).validate(input(broken)).passed).toBe(true);
    expect(failsOn(report, 'critical')).toBe(false);
    expect(failsOn(report, 'medium')).toBe(true);
  });

  it('reports schema violations as located findings with their own rule ids', () => {
    const text = mutate(PRODUCTION, [
      ['port: 8080', 'port: "8080"'],
      ['replicas: 3\n    port: 8081', 'replicas: 3\n    prot: 8081'],
    ]);
    const report = createAgentforgeValidator().validate(input(text));
    const schema = report.findings.filter((f) => f.ruleId.startsWith('schema/'));
    expect(schema.map((f) => [f.ruleId, f.path, f.location?.line])).toEqual(
      expect.arrayContaining([
        [
          'schema/invalid-type',
          '/services/swarm/port',
          text.split('\n').findIndex((l) => l.includes('port: "8080"')) + 1,
        ],
        [
          'schema/unrecognized-keys',
          '/services/orchestrator/prot',
          text.split('\n').findIndex((l) => l.includes('prot: 8081')) + 1,
        ],
      ]),
    );
    expect(schema.find((f) => f.path.endsWith('/prot'))!.message).toContain('did you mean "port"');
  });

  const severityCases: Array<{
    name: string;
    options: AgentforgeValidatorOptions;
    expected: string | undefined;
    environment?: string;
  }> = [
    {
      name: 'per rule, everywhere',
      options: { severity: { 'agentforge/no-debug': 'critical' as const } },
      expected: 'critical',
    },
    {
      name: 'per tier',
      options: { environments: { production: { 'agentforge/no-debug': 'low' as const } } },
      expected: 'low',
    },
    {
      name: 'per environment name over tier',
      options: {
        environments: {
          production: { 'agentforge/no-debug': 'low' as const },
          'prod-eu': { 'agentforge/no-debug': 'info' as const },
        },
      },
      expected: 'info',
      environment: 'prod-eu',
    },
    {
      name: 'by glob, exact id winning',
      options: { severity: { 'agentforge/*': 'info' as const, 'agentforge/no-debug': 'medium' as const } },
      expected: 'medium',
    },
    {
      name: 'switched off',
      options: { severity: { 'agentforge/no-debug': 'off' as const } },
      expected: undefined,
    },
  ];
  it.each(severityCases)('overrides severity $name', ({ options, expected, environment }) => {
    const report = createAgentforgeValidator(options).validate(
      input(broken),
      environment ? { environment } : {},
    );
    expect(report.findings.find((f) => f.ruleId === 'agentforge/no-debug')?.severity).toBe(expected);
  });

  it('turns a rule that throws into a finding of its own and still runs the others', () => {
    const crash = defineRule({
      id: 'test/crash',
      severity: 'low',
      description: 'throws',
      recommendation: 'none',
      check: () => {
        throw new Error('boom with sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv inside');
      },
    });
    const report = createValidator({
      schema: EnvironmentDocumentSchema,
      policies: [agentforgePolicy()],
      rules: [crash],
    }).validate(input(broken));
    const error = report.findings.find((f) => f.ruleId === 'engine/rule-error')!;
    // Located at the document's first node (line 1 is a comment).
    expect(error).toMatchObject({ severity: 'high', location: { line: 2, column: 1 } });
    expect(error.message).toMatch(/^rule test\/crash threw: boom with «redacted» inside$/);
    expect(report.findings.some((f) => f.ruleId === 'agentforge/no-debug')).toBe(true);
  });

  it('refuses malformed rule definitions when they are defined', () => {
    const base = { severity: 'low' as const, description: 'd', recommendation: 'r', check: () => undefined };
    expect(() => defineRule({ ...base, id: 'NoNamespace' })).toThrow(/namespace/);
    expect(() => defineRule({ ...base, id: 'a/b', severity: 'severe' as never })).toThrow(
      /unknown severity "severe"/,
    );
  });

  it('never throws, whatever JSON value the document is', () => {
    const validator = createAgentforgeValidator();
    fc.assert(
      fc.property(fc.jsonValue(), (data) => {
        const report = validator.validate({ data });
        expect(Array.isArray(report.findings)).toBe(true);
        expect(report.findings.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on documents shaped like environments with arbitrary values', () => {
    const validator = createAgentforgeValidator();
    const base = loadDocument(PRODUCTION).data as Record<string, unknown>;
    const section = fc.constantFrom(...Object.keys(base));
    fc.assert(
      fc.property(section, fc.jsonValue(), (key, value) => {
        const report = validator.validate({ data: { ...base, [key]: value } });
        expect(report.environment).toBeTypeOf('string');
      }),
      { numRuns: 300 },
    );
  });

  it('validates multi-document input: document rules per document, set rules once, locations carry the document', () => {
    const text = 'kind: A\nname: a\n---\nkind: B\nname: b\nport: 99999\n';
    const docs = loadDocuments(text, { file: 'manifests.yaml' });
    const portRange = defineRule({
      id: 'k8s/port',
      severity: 'high',
      description: 'ports in range',
      recommendation: 'fix it',
      check: ({ data }) =>
        ((data as { port?: number }).port ?? 0) > 65535
          ? [{ path: '/port', message: 'port out of range' }]
          : [],
    });
    const names = defineRule({
      id: 'k8s/unique-kinds',
      scope: 'set',
      severity: 'medium',
      description: 'wiring across documents',
      recommendation: 'add a C',
      check: ({ documents }) =>
        documents.some((d) => (d.data as { kind: string }).kind === 'C')
          ? []
          : [{ path: '/kind', document: 1, message: 'no C for B' }],
    });
    const validator = createValidator({
      schema: z.looseObject({ kind: z.string() }),
      rules: [portRange, names],
      tier: 'production',
    });
    const report = validator.validateDocuments(docs.map((d) => ({ data: d.data, locator: d.locator })));
    expect(report.findings.map((f) => [f.ruleId, f.location])).toEqual([
      ['k8s/port', { file: 'manifests.yaml', line: 6, column: 1, document: 1 }],
      ['k8s/unique-kinds', { file: 'manifests.yaml', line: 4, column: 1, document: 1 }],
    ]);
    expect(report.tier).toBe('production');
    // Suppressions may target one document of one file (as Kubernetes annotations will).
    const suppressed = validator.validateDocuments(
      docs.map((d) => ({ data: d.data, locator: d.locator })),
      { suppressions: [{ rule: 'k8s/*', file: 'manifests.yaml', document: 1, reason: 'annotated' }] },
    );
    expect(suppressed.findings).toEqual([]);
    expect(suppressed.suppressed).toHaveLength(2);
  });

  it("keeps each file's own document index when a set spans several files", () => {
    const a = loadDocument('kind: A\nport: 1\n', { file: 'a.yaml' });
    const b = loadDocument('kind: B\nport: 99999\n', { file: 'b.yaml' });
    const rule = defineRule({
      id: 'k8s/port',
      severity: 'high',
      description: 'ports in range',
      recommendation: 'fix it',
      check: ({ data }) =>
        (data as { port: number }).port > 65535 ? [{ path: '/port', message: 'out of range' }] : [],
    });
    const report = createValidator({ rules: [rule], tier: 'staging' }).validateDocuments([a, b]);
    expect(report.findings.map((f) => f.location)).toEqual([{ file: 'b.yaml', line: 2, column: 1 }]);
  });
});

describe('suppressions', () => {
  const now = () => new Date('2026-06-15T12:00:00Z');
  const suppress = (s: Partial<Suppression>): Suppression => ({
    rule: 'agentforge/no-debug',
    reason: 'incident 42',
    ...s,
  });
  const cases: Array<{ name: string; suppression: Suppression; suppressed: boolean; expired?: boolean }> = [
    { name: 'by rule id', suppression: suppress({}), suppressed: true },
    {
      name: 'by rule glob and path glob',
      suppression: suppress({ rule: 'agentforge/*', path: 'debug' }),
      suppressed: true,
    },
    { name: 'not at another path', suppression: suppress({ path: 'services.**' }), suppressed: false },
    { name: 'in its environment', suppression: suppress({ environment: 'production' }), suppressed: true },
    {
      name: 'not in another environment',
      suppression: suppress({ environment: 'staging' }),
      suppressed: false,
    },
    {
      name: 'until the end of its expiry day',
      suppression: suppress({ expires: '2026-06-15' }),
      suppressed: true,
    },
    {
      name: 'not after it expired, which is reported',
      suppression: suppress({
        expires: '2026-06-14',
        location: { file: 'suppressions.yaml', line: 3, column: 5 },
      }),
      suppressed: false,
      expired: true,
    },
  ];
  it.each(cases)('suppresses $name', ({ suppression, suppressed, expired }) => {
    const report = createAgentforgeValidator({ now, suppressions: [suppression] }).validate(input(broken));
    expect(report.suppressed.some((f) => f.ruleId === 'agentforge/no-debug')).toBe(suppressed);
    expect(report.findings.some((f) => f.ruleId === 'agentforge/no-debug')).toBe(!suppressed);
    const reported = report.findings.find((f) => f.ruleId === 'suppression/expired');
    expect(reported !== undefined).toBe(expired === true);
    if (reported)
      expect(reported).toMatchObject({
        severity: 'medium',
        location: { file: 'suppressions.yaml', line: 3 },
      });
    if (suppressed) expect(report.suppressed[0]!.suppression).toMatchObject({ reason: 'incident 42' });
  });

  it('are ignored when the call passes none (--no-suppressions)', () => {
    const validator = createAgentforgeValidator({ now, suppressions: [suppress({})] });
    expect(validator.validate(input(broken), { suppressions: [] }).suppressed).toEqual([]);
  });
});

describe('baseline', () => {
  it('accepts recorded findings and fails only on new ones', () => {
    const validator = createAgentforgeValidator();
    const first = validator.validate(input(broken));
    const baseline = parseBaseline(JSON.stringify(createBaseline([first])));
    expect(baseline.entries).toHaveLength(3);
    const same = validator.validate(input(broken), { baseline });
    expect(same).toMatchObject({ findings: [], passed: true });
    expect(same.baselined).toHaveLength(3);
    // Lines moved by an added comment still match; a new mistake does not.
    const later = validator.validate(
      input(`# moved\n${mutate(broken, [['runAsNonRoot: true', 'runAsNonRoot: false']])}`),
      { baseline },
    );
    expect(later.findings.map((f) => f.ruleId)).toEqual(['agentforge/run-as-non-root']);
    expect(later.passed).toBe(false);
  });

  it('rejects a malformed baseline with a located error', () => {
    expect(() => parseBaseline('{"formatVersion": 2, "entries": []}', 'baseline.json')).toThrow(
      expect.objectContaining({
        code: 'POLICY_INVALID',
        location: expect.objectContaining({ file: 'baseline.json', line: 1 }),
      }),
    );
  });
});

describe('located findings for every input format', () => {
  const validator = createAgentforgeValidator();
  it('locates findings in JSON', () => {
    const data = loadDocument(PRODUCTION).data as Record<string, unknown>;
    const text = JSON.stringify({ ...data, debug: true }, null, 2);
    const report = validator.validate(toEnvironmentInput(loadDocument(text, { file: 'production.json' })));
    const finding = report.findings.find((f) => f.ruleId === 'agentforge/no-debug')!;
    expect(finding.location).toEqual({
      file: 'production.json',
      line: text.split('\n').findIndex((l) => l.includes('"debug"')) + 1,
      column: 3,
    });
  });

  it('locates findings in .env files at the variable that set the value', () => {
    const text = [
      'AGENTFORGE_NAME=production',
      'AGENTFORGE_TIER=production',
      '# hotfix',
      'AGENTFORGE_DEBUG=true',
      'AGENTFORGE_LLM__PROVIDER=mock',
      'AGENTFORGE_SERVICES__SWARM__IMAGE=ghcr.io/agentforge/swarm:latest',
      'AGENTFORGE_SERVICES__SWARM__PORT=8080',
    ].join('\n');
    const report = validator.validate(toEnvironmentInput(loadDocument(text, { file: '.env.production' })));
    const at = (rule: string) => report.findings.find((f) => f.ruleId === rule)?.location;
    expect(at('agentforge/no-debug')).toEqual({ file: '.env.production', line: 4, column: 1 });
    expect(at('agentforge/no-mock-llm')).toEqual({ file: '.env.production', line: 5, column: 1 });
    expect(at('agentforge/image-pinned')).toEqual({ file: '.env.production', line: 6, column: 1 });
    // A missing key is located at a variable under it, else at line 1.
    expect(
      report.findings.find((f) => f.path === '/services/swarm/resources/requests/cpu')?.location,
    ).toMatchObject({ line: 6 });
  });

  it('names the variable, line and column of an .env value that cannot be read', () => {
    expect(() =>
      toEnvironmentInput(
        loadDocument('AGENTFORGE_NAME=x\nAGENTFORGE_SERVICES__SWARM__PORT=eighty\n', { file: '.env' }),
      ),
    ).toThrow(
      expect.objectContaining({ code: 'ENV_VAR_INVALID', location: { file: '.env', line: 2, column: 1 } }),
    );
  });
});
