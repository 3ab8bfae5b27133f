import { type Colors, createColors, SEVERITIES } from '@agentforge/schema';
import { formatResourceRef } from '@agentforge/schema/kubernetes';
import { renderDriftPage } from './html.js';
import type { DriftChange, DriftReport } from './report.js';

/** The output formats of a drift report. */
export const DRIFT_FORMATS = ['human', 'json', 'markdown', 'prometheus', 'html'] as const;
/** One of {@link DRIFT_FORMATS}. */
export type DriftFormat = (typeof DRIFT_FORMATS)[number];

const show = (value: unknown, max = 160): string => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

const where = (change: DriftChange) =>
  change.resource ? `${formatResourceRef(change.resource)} ${change.path || '/'}` : change.path || '/';

const SIGN: Record<DriftChange['kind'], string> = { added: '+', removed: '-', modified: '~', reordered: '↕' };

function summary(report: DriftReport): string {
  const { counts } = report;
  const parts = SEVERITIES.filter((s) => counts.bySeverity[s] > 0).map((s) => `${counts.bySeverity[s]} ${s}`);
  const ignored =
    (counts.ignored > 0 ? `, ${counts.ignored} ignored` : '') +
    (counts.notComparable > 0
      ? `, ${counts.notComparable} secret${counts.notComparable === 1 ? '' : 's'} not comparable (fingerprinted under another key)`
      : '');
  return counts.total === 0
    ? `no drift${ignored}`
    : `${counts.total} change${counts.total === 1 ? '' : 's'} (${parts.join(', ')})${ignored}`;
}

/** A coloured terminal rendering, grouped by severity; pass `createColors(false)` for plain text. */
export function formatHuman(report: DriftReport, colors: Colors = createColors(false)): string {
  const { before, after } = report.comparison;
  const lines = [
    colors.bold(`Drift: ${before.label} → ${after.label}`) +
      (before.environment
        ? colors.dim(
            ` (${before.environment}${after.environment && after.environment !== before.environment ? ` → ${after.environment}` : ''})`,
          )
        : ''),
  ];
  for (const severity of SEVERITIES) {
    const group = report.changes.filter((c) => c.severity === severity);
    if (group.length === 0) continue;
    lines.push('', colors.severity(severity, `${severity.toUpperCase()} (${group.length})`));
    for (const change of group) {
      lines.push(
        `  ${colors.severity(severity, SIGN[change.kind])} ${colors.bold(where(change))} ${colors.dim(change.kind)}`,
      );
      if (change.kind === 'reordered') {
        lines.push(
          `      ${colors.dim('order')} ${show(change.before)} ${colors.dim('→')} ${show(change.after)}`,
        );
      } else {
        // A secret that alone changed shows only the note; around it, the rest of the value still shows.
        const visible = !change.secret || show(change.before) !== show(change.after);
        if (visible && 'before' in change) lines.push(`      ${colors.red(`- ${show(change.before)}`)}`);
        if (visible && 'after' in change) lines.push(`      ${colors.green(`+ ${show(change.after)}`)}`);
        if (change.secret)
          lines.push(
            `      ${colors.yellow(`secret value ${change.kind === 'modified' ? 'changed' : change.kind} (value hidden)`)}`,
          );
      }
      lines.push(
        `      ${change.explanation} ${colors.dim(`[${change.ruleId}]`)}`,
        `      ${colors.cyan('→')} ${change.recommendation}`,
      );
    }
  }
  lines.push('', summary(report), '');
  return lines.join('\n');
}

/** The report as JSON (`formatVersion` first), the machine format. */
export function formatJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => {
  const clean = cell(text);
  const fence = clean.includes('`') ? '``' : '`';
  return `${fence}${fence === '``' ? ' ' : ''}${clean}${fence === '``' ? ' ' : ''}${fence}`;
};

/** Markdown for a pull-request comment: a summary table, then one table per severity. */
export function formatMarkdown(report: DriftReport): string {
  const { before, after } = report.comparison;
  const out = [
    `### Configuration drift: ${cell(before.label)} → ${cell(after.label)}`,
    '',
    `**${summary(report)}**`,
    '',
  ];
  if (report.changes.length > 0) {
    out.push('| Severity | Changes |', '| --- | ---: |');
    for (const s of SEVERITIES)
      if (report.counts.bySeverity[s] > 0) out.push(`| ${s} | ${report.counts.bySeverity[s]} |`);
    for (const severity of SEVERITIES) {
      const group = report.changes.filter((c) => c.severity === severity);
      if (group.length === 0) continue;
      out.push(
        '',
        `#### ${severity} (${group.length})`,
        '',
        '| Change | Path | Before | After | Why / what to do |',
        '| --- | --- | --- | --- | --- |',
      );
      for (const c of group) {
        const hidden = c.secret ? ' (secret, hidden)' : '';
        const b = 'before' in c ? code(show(c.before, 80)) : '';
        const a = 'after' in c ? code(show(c.after, 80)) : '';
        out.push(
          `| ${c.kind}${hidden} | ${code(where(c))} | ${b} | ${a} | ${cell(c.explanation)} ${cell(c.recommendation)} |`,
        );
      }
    }
  }
  out.push('', `<sub>agentforge drift report format ${report.formatVersion}</sub>`, '');
  return out.join('\n');
}

const label = (value: string) => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The report as Prometheus text exposition: `agentforge_config_drift_changes{environment,severity}`
 * gauges (after ignore rules), for a scheduled `agentforge config drift --format prometheus`
 * written to a node-exporter textfile or a Pushgateway; the Helm chart alerts on it.
 */
export function formatPrometheus(report: DriftReport): string {
  const environment = report.comparison.after.environment ?? report.comparison.before.environment ?? '';
  const lines = [
    '# HELP agentforge_config_drift_changes Configuration changes against the baseline, by severity, after ignore rules.',
    '# TYPE agentforge_config_drift_changes gauge',
    ...SEVERITIES.map(
      (severity) =>
        `agentforge_config_drift_changes{environment="${label(environment)}",severity="${severity}"} ${report.counts.bySeverity[severity]}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/** Options of {@link formatReport}; the same shape as the validator's `formatReport` options. */
export interface DriftFormatOptions {
  /** Colour the human format (decide with `shouldColor`). @default false */
  color?: boolean;
}

/**
 * Renders a report in one of {@link DRIFT_FORMATS}; `formatReport(report, format, options)` as
 * in `@agentforge/validator`.
 * @example process.stdout.write(formatReport(report, 'human', { color: shouldColor(process.stdout) }));
 */
export function formatReport(
  report: DriftReport,
  format: DriftFormat,
  options: DriftFormatOptions = {},
): string {
  if (format === 'json') return formatJson(report);
  if (format === 'prometheus') return formatPrometheus(report);
  if (format === 'markdown') return formatMarkdown(report);
  if (format === 'html') return renderDriftPage(report);
  return formatHuman(report, createColors(options.color ?? false));
}
