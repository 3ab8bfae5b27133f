import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { input, mutate, PRODUCTION } from '../../test/helpers.js';
import { createAgentforgeValidator } from '../agentforge.js';
import { createBaseline } from '../baseline.js';
import type { Report } from '../types.js';
import { formatReport, JSON_FORMAT_VERSION, REPORT_FORMATS } from './index.js';

const CANARIES = {
  apiKey: 'sk-ant-api03-CANARYaaaaBBBBccccDDDD1111',
  envToken: 'canary-env-token-7f3k2',
  dbPassword: 'CanaryDbPassw0rd',
  githubToken: 'ghp_CANARYabcdefghijklmnopqrstuvwxyz012345',
  slack: 'xoxb-CANARY-1234567890-abcdef',
};

const text = mutate(PRODUCTION, [
  ['apiKey: { secretRef: llm-api-key }', `apiKey: ${CANARIES.apiKey}`],
  [
    'SWARM_MAX_AGENTS: "64"',
    `SWARM_MAX_AGENTS: "64"\n      AUTH_TOKEN: ${CANARIES.envToken}\n      NOTE: "${CANARIES.slack}"`,
  ],
  ['postgres://agentforge@postgres', `postgres://agentforge:${CANARIES.dbPassword}@postgres`],
  ['sslmode: verify-full', `sslmode: ${CANARIES.githubToken}`],
  ['debug: false', 'debug: true'],
  ['level: info', 'level: debug'],
]);
const validator = createAgentforgeValidator({
  suppressions: [
    { rule: 'agentforge/log-level', reason: `accepted until the migration (token ${CANARIES.githubToken})` },
  ],
});
const report = validator.validate(input(text));
const baselined = validator.validate(input(text), {
  baseline: createBaseline([validator.validate(input(mutate(text, [['debug: true', 'debug: false']])))]),
});

describe('reporters', () => {
  it('are fed a report with findings, a suppressed finding and baselined findings', () => {
    expect(report.findings.length).toBeGreaterThan(5);
    expect(report.suppressed.map((f) => f.ruleId)).toEqual(['agentforge/log-level']);
    expect(baselined.baselined.length).toBeGreaterThan(0);
  });

  it.each(REPORT_FORMATS.flatMap((format) => [false, true].map((color) => ({ format, color }))))(
    'never print a secret canary ($format, colour $color)',
    ({ format, color }) => {
      const out = formatReport([report, baselined], format, { color });
      expect(out.length).toBeGreaterThan(100);
      for (const [name, canary] of Object.entries(CANARIES)) {
        expect(out, name).not.toContain(canary);
        expect(out, name).not.toContain(canary.slice(4, 16));
      }
    },
  );

  it('writes SARIF 2.1.0 that the official schema accepts, with rules, help and real positions', () => {
    const schema = JSON.parse(
      readFileSync(new URL('../../test/fixtures/sarif-2.1.0.json', import.meta.url), 'utf8'),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS with a default export.
    (formats as unknown as { default: (a: Ajv2020) => void }).default(ajv);
    const validate = ajv.compile(schema);
    const sarif = JSON.parse(
      formatReport([report, baselined], 'sarif', { tool: { name: 'agentforge', version: '1.2.3' } }),
    );
    expect(validate(sarif), ajv.errorsText(validate.errors)).toBe(true);
    const run = sarif.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'agentforge', version: '1.2.3' });
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'agentforge/no-debug');
    expect(rule).toMatchObject({
      help: { text: 'Set `debug: false`.' },
      defaultConfiguration: { level: 'error' },
    });
    const debug = run.results.find((r: { ruleId: string }) => r.ruleId === 'agentforge/no-debug');
    const line = text.split('\n').findIndex((l) => l.startsWith('debug: true')) + 1;
    expect(debug.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'environments/production.yaml' },
      region: { startLine: line, startColumn: 1 },
    });
    expect(run.tool.driver.rules[debug.ruleIndex].id).toBe('agentforge/no-debug');
    expect(run.results.some((r: { suppressions?: unknown[] }) => r.suppressions?.length === 1)).toBe(true);
    expect(run.results.some((r: { baselineState?: string }) => r.baselineState === 'unchanged')).toBe(true);
  });

  it('writes JSON with a formatVersion, counts and suppressed findings', () => {
    const json = JSON.parse(formatReport([report], 'json'));
    expect(json).toMatchObject({
      formatVersion: JSON_FORMAT_VERSION,
      passed: false,
      summary: { suppressed: 1 },
    });
    expect(json.reports[0].findings.length).toBe(report.findings.length);
    expect(json.reports[0].suppressed[0]).toMatchObject({
      ruleId: 'agentforge/log-level',
      suppression: { reason: expect.any(String) },
    });
    expect(json.summary.counts.critical).toBe(report.counts.critical);
  });

  it('writes GitHub annotations with escaped properties', () => {
    const lines = formatReport([report], 'github').trimEnd().split('\n');
    expect(lines).toHaveLength(report.findings.length);
    const line = text.split('\n').findIndex((l) => l.startsWith('debug: true')) + 1;
    expect(lines).toContain(
      `::error file=environments/production.yaml,line=${line},col=1,title=agentforge/no-debug (high%2C production)::debug mode is on%0ASet \`debug: false\`.`,
    );
    expect(lines.every((l) => /^::(error|warning|notice) /.test(l))).toBe(true);
  });

  it('writes JUnit XML: failures at or above failOn, suppressed as skipped, text escaped', () => {
    const xml = formatReport([report], 'junit');
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites /);
    const failures = report.findings.filter((f) => ['critical', 'high'].includes(f.severity)).length;
    expect(xml).toContain(
      `<testsuite name="production (production)" tests="${report.findings.length + 1}" failures="${failures}" errors="0" skipped="1"`,
    );
    expect((xml.match(/<failure /g) ?? []).length).toBe(failures);
    expect(xml).toContain('<skipped message="suppressed: ');
  });

  it('prints human output grouped by file with the source line and a caret, coloured only when asked', () => {
    const plain = formatReport([report], 'human');
    const line = text.split('\n').findIndex((l) => l.startsWith('debug: true')) + 1;
    expect(plain).toContain(
      `    ${`${line}:1`.padEnd(7)} high     debug mode is on  agentforge/no-debug\n      ${line} | debug: true\n      ${' '.repeat(String(line).length)} | ^\n`,
    );
    expect(plain).toContain('✖ failed (--fail-on high)');
    expect(plain).not.toContain('\u001b[');
    expect(formatReport([report], 'human', { color: true })).toContain('\u001b[31m');
  });

  it('reports a clean environment as passed in every format', () => {
    const clean: Report = validator.validate(input(PRODUCTION));
    expect(formatReport([clean], 'human')).toContain('✔ passed: no findings');
    expect(formatReport([clean], 'github')).toBe('');
    expect(JSON.parse(formatReport([clean], 'json')).passed).toBe(true);
    expect(formatReport([clean], 'junit')).toContain('failures="0"');
  });
});
