import {
  escapeHtml,
  renderBarChart,
  renderHtmlFilters,
  renderHtmlPage,
  renderSeverity,
  SEVERITIES,
} from '@agentforge/schema';
import { formatResourceRef } from '@agentforge/schema/kubernetes';
import type { DriftChange, DriftReport } from './report.js';

const show = (value: unknown, max = 160): string => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

const where = (change: DriftChange) =>
  change.resource ? `${formatResourceRef(change.resource)} ${change.path || '/'}` : change.path || '/';

function values(change: DriftChange): [string, string] {
  // As in the other formats: the report holds secrets as «hidden» already; a secret that alone
  // changed shows only the note.
  if (change.secret && show(change.before) === show(change.after))
    return ['<span class="muted">secret (hidden)</span>', '<span class="muted">secret (hidden)</span>'];
  const cell = (present: boolean, v: unknown) =>
    present ? `<code>${escapeHtml(show(v))}</code>` : '<span class="muted">—</span>';
  return [cell('before' in change, change.before), cell('after' in change, change.after)];
}

/**
 * The drift part of an HTML page: a severity chart and the changes as one table whose rows
 * carry `data-severity` (and `data-environment` when given) for the page filters. Values
 * come from the report, where secrets are already masked.
 */
export function renderDriftHtml(
  report: DriftReport,
  options: { environment?: string; caption?: string } = {},
): string {
  const { before, after } = report.comparison;
  const env = options.environment ? ` data-environment="${escapeHtml(options.environment)}"` : '';
  const caption = options.caption ?? `Drift: ${before.label} → ${after.label}`;
  if (report.changes.length === 0)
    return `<p${env}>${escapeHtml(caption)}: no drift${report.counts.ignored ? `, ${report.counts.ignored} ignored` : ''}.</p>`;
  const rows = report.changes.map((c) => {
    const [b, a] = values(c);
    return `<tr data-severity="${c.severity}"${env}><td>${renderSeverity(c.severity)}</td><td>${escapeHtml(c.kind)}${c.secret ? ' <span class="muted">(secret)</span>' : ''}</td><td><code>${escapeHtml(where(c))}</code></td><td>${b}</td><td>${a}</td><td>${escapeHtml(c.explanation)} <code class="muted">${escapeHtml(c.ruleId)}</code></td><td>${escapeHtml(c.recommendation)}</td></tr>`;
  });
  return `<div${env}>${renderBarChart(
    `${caption}: changes by severity`,
    SEVERITIES.map((s) => ({ label: s, value: report.counts.bySeverity[s], severity: s })),
  )}</div><table><caption>${escapeHtml(caption)} (${report.counts.total} change(s))</caption><thead><tr><th scope="col">Severity</th><th scope="col">Change</th><th scope="col">Path</th><th scope="col">Before</th><th scope="col">After</th><th scope="col">Why</th><th scope="col">What to do</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A whole self-contained page (see `renderHtmlPage` in `@agentforge/schema`). */
export function renderDriftPage(report: DriftReport): string {
  const { before, after } = report.comparison;
  return renderHtmlPage({
    title: 'AgentForge drift report',
    subtitle: `${before.label} → ${after.label}: ${report.counts.total} change(s)`,
    body: `${renderHtmlFilters()}\n${renderDriftHtml(report)}`,
  });
}
