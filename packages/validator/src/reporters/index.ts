import {
  type Colors,
  createColors,
  type Finding,
  redactString,
  SEVERITIES,
  type Severity,
} from '@agentforge/schema';
import { redactLine } from '../redact-line.js';
import type { Report, RuleDescriptor } from '../types.js';
import { renderValidationPage } from './html.js';

/** The output formats of {@link formatReport}. */
export const REPORT_FORMATS = ['human', 'json', 'sarif', 'github', 'junit', 'html'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The version of the JSON report's shape; bumped on any incompatible change. */
export const JSON_FORMAT_VERSION = 1;

/** Options of {@link formatReport}; the same shape as drift's `formatReport` options, plus `tool`. */
export interface FormatOptions {
  /** Colour the human format (decide with `shouldColor`). @default false */
  color?: boolean;
  /** Tool name and version written into SARIF and JSON. */
  tool?: { name: string; version: string; informationUri?: string };
}

const DEFAULT_TOOL = {
  name: 'agentforge-validator',
  version: '0.0.0',
  informationUri: 'https://github.com/agentforge/config-toolkit',
};

/**
 * Renders reports (one per environment or input) as text: `human` (grouped by file, the source
 * line with a caret; secrets in the excerpt redacted), `json`, `sarif` (2.1.0), `github`
 * (workflow annotations), `junit` (XML) or `html` (one self-contained page). Machine formats are one document, ready for stdout.
 * `formatReport(report, format, options)` as in `@agentforge/drift`.
 * @example process.stdout.write(formatReport(report, 'sarif'));
 */
export function formatReport(
  reports: Report | readonly Report[],
  format: ReportFormat,
  options: FormatOptions = {},
): string {
  const list: readonly Report[] = Array.isArray(reports) ? reports : [reports as Report];
  const tool = { ...DEFAULT_TOOL, ...options.tool };
  switch (format) {
    case 'human':
      return renderHuman(list, createColors(options.color ?? false));
    case 'json':
      return `${JSON.stringify(toJson(list, tool), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(list, tool), null, 2)}\n`;
    case 'github':
      return renderGithub(list);
    case 'junit':
      return renderJunit(list);
    case 'html':
      return renderValidationPage(list);
  }
}

// Rules that flag a literal secret (`agentforge/no-plaintext-secrets`, `k8s/secret-in-env`,
// `k8s/secret-in-configmap`, and a team's own `*secret*` rules): their line is hidden whole.
const SECRET_RULE = /secret/i;

const where = (f: Finding) =>
  f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.path || '/';
const countText = (counts: Record<Severity, number>) =>
  SEVERITIES.filter((s) => counts[s] > 0)
    .map((s) => `${counts[s]} ${s}`)
    .join(', ');

// ---- human -------------------------------------------------------------------------------------

function renderHuman(reports: readonly Report[], c: Colors): string {
  const out: string[] = [];
  for (const report of reports) {
    const head = `${c.bold(report.environment)} ${c.dim(`(tier ${report.tier}${report.file ? `, ${report.file}` : ''})`)}`;
    out.push(head);
    const byFile = new Map<string, Finding[]>();
    for (const finding of report.findings) {
      const file = finding.location?.file ?? report.file ?? '<input>';
      byFile.set(file, [...(byFile.get(file) ?? []), finding]);
    }
    for (const [file, findings] of byFile) {
      out.push(`  ${c.bold(file)}`);
      for (const f of findings) {
        const position = f.location ? `${f.location.line}:${f.location.column}` : '-';
        out.push(
          `    ${c.dim(position.padEnd(7))} ${c.severity(f.severity, f.severity.padEnd(8))} ${f.message}  ${c.dim(f.ruleId)}`,
        );
        const line = f.location ? report.lineText?.(f.location.file, f.location.line) : undefined;
        if (f.location && line !== undefined && line !== '') {
          const gutter = String(f.location.line);
          // Up to 3 lines above tell a block-style `env` entry's name; a secret rule's line is hidden whole.
          const previous: string[] = [];
          for (let n = Math.max(1, f.location.line - 3); n < f.location.line; n++)
            previous.push(report.lineText?.(f.location.file, n) ?? '');
          out.push(
            `      ${c.dim(`${gutter} |`)} ${redactLine(line, { secret: SECRET_RULE.test(f.ruleId), previous })}`,
          );
          out.push(
            `      ${' '.repeat(gutter.length)} ${c.dim('|')} ${' '.repeat(Math.max(0, f.location.column - 1))}${c.severity(f.severity, '^')}`,
          );
        }
        // A multi-line recommendation (the YAML to write) stays indented under its finding.
        out.push(`      ${c.cyan('→')} ${f.recommendation.replaceAll('\n', '\n        ')}`);
      }
    }
    const extra = [
      report.suppressed.length ? `${report.suppressed.length} suppressed` : '',
      report.baselined.length ? `${report.baselined.length} in the baseline` : '',
    ].filter(Boolean);
    const total = report.findings.length;
    const verdict = report.passed ? c.green('✔ passed') : c.red(`✖ failed (--fail-on ${report.failOn})`);
    out.push(
      `  ${verdict}: ${total === 0 ? 'no findings' : `${total} finding${total === 1 ? '' : 's'} (${countText(report.counts)})`}${extra.length ? `; ${extra.join(', ')}` : ''}`,
      '',
    );
  }
  return `${out.join('\n')}`;
}

// ---- json --------------------------------------------------------------------------------------

function toJson(reports: readonly Report[], tool: typeof DEFAULT_TOOL) {
  const rules = new Map<string, RuleDescriptor>();
  for (const report of reports) for (const rule of report.rules) rules.set(rule.id, rule);
  return {
    formatVersion: JSON_FORMAT_VERSION,
    tool: { name: tool.name, version: tool.version },
    passed: reports.every((r) => r.passed),
    summary: {
      findings: reports.reduce((n, r) => n + r.findings.length, 0),
      suppressed: reports.reduce((n, r) => n + r.suppressed.length, 0),
      baselined: reports.reduce((n, r) => n + r.baselined.length, 0),
      counts: Object.fromEntries(SEVERITIES.map((s) => [s, reports.reduce((n, r) => n + r.counts[s], 0)])),
    },
    reports: reports.map((r) => ({
      environment: r.environment,
      tier: r.tier,
      file: r.file ?? null,
      failOn: r.failOn,
      passed: r.passed,
      counts: r.counts,
      findings: r.findings,
      suppressed: r.suppressed,
      baselined: r.baselined,
    })),
    rules: [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
}

// ---- SARIF 2.1.0 -------------------------------------------------------------------------------

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
// GitHub code scanning ranks security results by this property (0.0–10.0).
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

function toSarif(reports: readonly Report[], tool: typeof DEFAULT_TOOL) {
  const rules = new Map<string, RuleDescriptor>();
  for (const report of reports) for (const rule of report.rules) rules.set(rule.id, rule);
  const ruleList = [...rules.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const index = new Map(ruleList.map((r, i) => [r.id, i]));
  const result = (report: Report, f: Finding, extra: Record<string, unknown>) => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: SARIF_LEVEL[f.severity],
    message: { text: `${f.message}. ${f.recommendation}` },
    ...(f.location || report.file
      ? {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(f.location?.file ?? report.file!) },
                ...(f.location
                  ? { region: { startLine: f.location.line, startColumn: f.location.column } }
                  : {}),
              },
              ...(f.path ? { logicalLocations: [{ fullyQualifiedName: f.path, kind: 'member' }] } : {}),
            },
          ],
        }
      : {}),
    properties: {
      severity: f.severity,
      environment: report.environment,
      tier: report.tier,
      ...(f.location?.document !== undefined ? { document: f.location.document } : {}),
    },
    ...extra,
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            informationUri: tool.informationUri,
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) =>
                ch ? ch.toUpperCase() : '',
              ),
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: {
                text: r.recommendation,
                markdown: `**${r.id}**: ${r.description}\n\n${r.recommendation}`,
              },
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
              defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
              properties: {
                tags: [...(r.tags ?? [])],
                'security-severity': SECURITY_SEVERITY[r.defaultSeverity],
              },
            })),
          },
        },
        results: reports.flatMap((report) => [
          ...report.findings.map((f) => result(report, f, {})),
          ...report.baselined.map((f) => result(report, f, { baselineState: 'unchanged' })),
          ...report.suppressed.map((f) =>
            result(report, f, {
              suppressions: [
                { kind: 'external', status: 'accepted', justification: redactString(f.suppression.reason) },
              ],
            }),
          ),
        ]),
      },
    ],
  };
}

function toUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/'));
}

// ---- GitHub workflow commands ------------------------------------------------------------------

const GITHUB_COMMAND: Record<Severity, string> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'notice',
  info: 'notice',
};
// Escaping per @actions/core (src/command.ts): data escapes % CR LF, properties also : and ,.
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function renderGithub(reports: readonly Report[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    for (const f of report.findings) {
      const props = [
        ...(f.location
          ? [`file=${escapeProperty(f.location.file)}`, `line=${f.location.line}`, `col=${f.location.column}`]
          : report.file
            ? [`file=${escapeProperty(report.file)}`]
            : []),
        `title=${escapeProperty(`${f.ruleId} (${f.severity}, ${report.environment})`)}`,
      ];
      lines.push(
        `::${GITHUB_COMMAND[f.severity]} ${props.join(',')}::${escapeData(`${f.message}\n${f.recommendation}`)}`,
      );
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

// ---- JUnit XML ---------------------------------------------------------------------------------

const xml = (s: string) =>
  // XML 1.0 forbids these control characters even as references.
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function renderJunit(reports: readonly Report[]): string {
  const suites = reports.map((report) => {
    const cases: string[] = [];
    let failures = 0;
    for (const f of report.findings) {
      const name = xml(`${f.ruleId} ${where(f)}`);
      const failing = SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(report.failOn);
      if (failing) failures++;
      const body = xml(`${f.message}\n${f.recommendation}\nat ${where(f)} (${f.path || '/'})`);
      cases.push(
        failing
          ? `    <testcase classname="${xml(f.ruleId)}" name="${name}"><failure type="${f.severity}" message="${xml(f.message)}">${body}</failure></testcase>`
          : `    <testcase classname="${xml(f.ruleId)}" name="${name}"><system-out>${xml(`${f.severity}: `)}${body}</system-out></testcase>`,
      );
    }
    for (const f of report.suppressed) {
      cases.push(
        `    <testcase classname="${xml(f.ruleId)}" name="${xml(`${f.ruleId} ${where(f)}`)}"><skipped message="${xml(`suppressed: ${redactString(f.suppression.reason)}`)}"/></testcase>`,
      );
    }
    if (cases.length === 0)
      cases.push(
        `    <testcase classname="agentforge" name="${xml(`${report.environment}: no findings`)}"/>`,
      );
    const skipped = report.suppressed.length;
    return {
      failures,
      tests: cases.length,
      text: `  <testsuite name="${xml(`${report.environment} (${report.tier})`)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}"${report.file ? ` file="${xml(report.file)}"` : ''}>\n${cases.join('\n')}\n  </testsuite>`,
    };
  });
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="agentforge config validate" tests="${tests}" failures="${failures}" errors="0">\n${suites.map((s) => s.text).join('\n')}\n</testsuites>\n`;
}
