import {
  escapeHtml,
  type Finding,
  redactString,
  renderBarChart,
  renderHtmlFilters,
  renderHtmlPage,
  renderSeverity,
  SEVERITIES,
} from '@agentforge/schema';
import type { Report } from '../types.js';

const where = (f: Finding) =>
  f.location ? `${f.location.file}:${f.location.line}:${f.location.column}` : f.path || '/';

const row = (report: Report, f: Finding, extra = '') =>
  `<tr data-severity="${f.severity}" data-environment="${escapeHtml(report.environment)}"><td>${renderSeverity(f.severity)}</td><td>${escapeHtml(report.environment)}</td><td><code>${escapeHtml(where(f))}</code></td><td><code>${escapeHtml(f.ruleId)}</code></td><td>${escapeHtml(f.message)}</td><td>${escapeHtml(f.recommendation)}</td>${extra}</tr>`;

const HEAD =
  '<th scope="col">Severity</th><th scope="col">Environment</th><th scope="col">Location</th><th scope="col">Rule</th><th scope="col">Message</th><th scope="col">Recommendation</th>';

/**
 * The validation part of an HTML page: status per environment, a severity chart, findings,
 * baselined and suppressed findings (reason and expiry) as tables whose rows carry
 * `data-severity` and `data-environment` for the page filters. Findings carry no secret
 * values (rules report paths); suppression reasons are redacted as in every other format.
 */
export function renderValidationHtml(reports: readonly Report[], headingLevel: 2 | 3 = 2): string {
  const h = `h${headingLevel}`;
  const out: string[] = [];
  out.push(
    `<table><caption>Validation status per environment</caption><thead><tr><th scope="col">Environment</th><th scope="col">Tier</th><th scope="col">Status</th>${SEVERITIES.map((s) => `<th scope="col" class="num">${s}</th>`).join('')}<th scope="col" class="num">suppressed</th><th scope="col" class="num">baselined</th></tr></thead><tbody>${reports
      .map(
        (r) =>
          `<tr data-environment="${escapeHtml(r.environment)}"><th scope="row">${escapeHtml(r.environment)}</th><td>${escapeHtml(r.tier)}</td><td>${r.passed ? '<span class="pass">passed</span>' : `<span class="fail">failed</span> <span class="muted">(--fail-on ${r.failOn})</span>`}</td>${SEVERITIES.map((s) => `<td class="num">${r.counts[s]}</td>`).join('')}<td class="num">${r.suppressed.length}</td><td class="num">${r.baselined.length}</td></tr>`,
      )
      .join('')}</tbody></table>`,
  );
  out.push(
    renderBarChart(
      'Findings by severity',
      SEVERITIES.map((s) => ({ label: s, value: reports.reduce((n, r) => n + r.counts[s], 0), severity: s })),
    ),
  );
  const findings = reports.flatMap((r) => r.findings.map((f) => row(r, f)));
  out.push(
    `<${h}>Findings</${h}>`,
    findings.length
      ? `<table><caption>Findings, most severe first</caption><thead><tr>${HEAD}</tr></thead><tbody>${findings.join('')}</tbody></table>`
      : '<p>No findings.</p>',
  );
  const baselined = reports.flatMap((r) => r.baselined.map((f) => row(r, f)));
  if (baselined.length)
    out.push(
      `<${h}>In the baseline</${h}>`,
      `<table><caption>Findings already recorded in the baseline</caption><thead><tr>${HEAD}</tr></thead><tbody>${baselined.join('')}</tbody></table>`,
    );
  const suppressed = reports.flatMap((r) =>
    r.suppressed.map((f) =>
      row(
        r,
        f,
        `<td>${escapeHtml(redactString(f.suppression.reason))}</td><td>${f.suppression.expires ? `<time datetime="${escapeHtml(f.suppression.expires)}">${escapeHtml(f.suppression.expires)}</time>` : '<span class="muted">never</span>'}</td>`,
      ),
    ),
  );
  if (suppressed.length)
    out.push(
      `<${h}>Suppressed</${h}>`,
      `<table><caption>Findings accepted by a suppression</caption><thead><tr>${HEAD}<th scope="col">Reason</th><th scope="col">Expires</th></tr></thead><tbody>${suppressed.join('')}</tbody></table>`,
    );
  return out.join('\n');
}

/** A whole self-contained page (see `renderHtmlPage` in `@agentforge/schema`). */
export function renderValidationPage(reports: readonly Report[]): string {
  const body = `${renderHtmlFilters(reports.map((r) => r.environment))}\n${renderValidationHtml(reports)}`;
  const failed = reports.filter((r) => !r.passed).length;
  return renderHtmlPage({
    title: 'AgentForge validation report',
    subtitle: `${reports.length} environment(s), ${failed === 0 ? 'all passed' : `${failed} failed`}`,
    body,
  });
}
