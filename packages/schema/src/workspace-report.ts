import type { AccessPolicy } from './access.js';
import type { AuditEntry } from './audit.js';
import { escapeHtml, renderBarChart, renderHtmlFilters, renderHtmlPage } from './html.js';
import { isPlainObject } from './objects.js';
import { createFingerprintKey, isSecretKey, redact } from './secrets.js';
import { SEVERITIES, type Severity } from './vocabulary.js';

/** One environment's line of a {@link WorkspaceReportModel}. */
export interface WorkspaceReportEnvironment {
  name: string;
  tier: string;
  /** Whether validation passed at the report's `failOn`. */
  passed: boolean;
  counts: Record<Severity, number>;
  /** The environment document (secrets are redacted here before anything is shown). */
  document?: unknown;
  /** Drift since the latest snapshot, rendered by `@agentforge/drift`'s `renderDriftHtml`; absent without snapshots. */
  driftHtml?: string;
  /** Changes since the latest snapshot. */
  driftChanges?: number;
  /** The snapshot history, oldest first, with the changes each made to the one before. */
  snapshots?: ReadonlyArray<{
    id: string;
    createdAt: string;
    message?: string;
    author?: string;
    changes?: number;
  }>;
}

/** Everything `agentforge report` puts on one page; each library renders its own part. */
export interface WorkspaceReportModel {
  title?: string;
  failOn: Severity;
  environments: readonly WorkspaceReportEnvironment[];
  /** The validation part, rendered by `@agentforge/validator`'s `renderValidationHtml`. */
  validationHtml: string;
  audit?: readonly AuditEntry[];
  access?: AccessPolicy;
  /** When the report was made (ISO 8601). */
  generatedAt?: string;
}

const SHOW_MAX = 80;
const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX - 1)}…` : text;
};

// A leaf under a secret-named key (`apiKey.secretRef`, `credentials.user`) counts as secret too.
function leaves(
  value: unknown,
  path: string,
  out: Map<string, unknown>,
  secret: Set<string>,
  inSecret: boolean,
) {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value))
      leaves(v, path ? `${path}.${k}` : k, out, secret, inSecret || isSecretKey(k));
    return;
  }
  if (inSecret) secret.add(path);
  out.set(path, value);
}

/**
 * The keys whose values differ between environments: one row per dotted path, one column per
 * environment. Documents are redacted first; a path that holds a secret (by key or by value)
 * shows only "differs" or "same", never a value or a fingerprint.
 */
export function renderEnvironmentMatrix(environments: readonly WorkspaceReportEnvironment[]): string {
  const withDocs = environments.filter((e) => e.document !== undefined);
  if (withDocs.length < 2) return '<p>Fewer than two environments: nothing to compare.</p>';
  const secret = new Set<string>();
  // A key made for this page alone and dropped: equal secrets get equal markers, so a secret
  // that differs is seen to differ, and the markers (never shown) cannot be matched elsewhere.
  const fingerprintKey = createFingerprintKey();
  const flat = withDocs.map((e) => {
    const out = new Map<string, unknown>();
    leaves(redact(e.document, undefined, { fingerprintKey }), '', out, secret, false);
    return out;
  });
  const paths = [...new Set(flat.flatMap((m) => [...m.keys()]))].sort();
  const rows: string[] = [];
  for (const path of paths) {
    const shown = flat.map((m) => (m.has(path) ? show(m.get(path)) : undefined));
    if (shown.every((s) => s === shown[0])) continue;
    const isSecret = secret.has(path) || shown.some((s) => s?.includes('«redacted'));
    const cells = shown.map((s) =>
      isSecret
        ? `<td>${s === undefined ? '<span class="muted">absent</span>' : 'secret, differs'}</td>`
        : `<td>${s === undefined ? '<span class="muted">absent</span>' : `<code>${escapeHtml(s)}</code>`}</td>`,
    );
    rows.push(`<tr><th scope="row"><code>${escapeHtml(path)}</code></th>${cells.join('')}</tr>`);
  }
  if (rows.length === 0) return '<p>The environments do not differ.</p>';
  return `<table><caption>Keys that differ between environments (${rows.length})</caption><thead><tr><th scope="col">Key</th>${withDocs.map((e) => `<th scope="col">${escapeHtml(e.name)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * One self-contained HTML page for a workspace: status per environment at `failOn`, the
 * validation and drift parts the libraries rendered, the comparison matrix, the snapshot
 * timeline, the audit trail and the access rules, with severity and environment filters.
 * @example writeFileSync('report.html', renderWorkspaceReport({ failOn: 'high', environments, validationHtml }));
 */
export function renderWorkspaceReport(model: WorkspaceReportModel): string {
  const { environments } = model;
  const names = environments.map((e) => e.name);
  const env = (name: string) => `data-environment="${escapeHtml(name)}"`;
  const failed = environments.filter((e) => !e.passed).length;
  const parts: string[] = [renderHtmlFilters(names)];

  parts.push(
    '<section aria-labelledby="status"><h2 id="status">Status</h2>',
    `<table><caption>Environments at --fail-on ${model.failOn}</caption><thead><tr><th scope="col">Environment</th><th scope="col">Tier</th><th scope="col">Validation</th>${SEVERITIES.map((s) => `<th scope="col" class="num">${s}</th>`).join('')}<th scope="col" class="num">Drift since latest snapshot</th></tr></thead><tbody>${environments
      .map(
        (e) =>
          `<tr ${env(e.name)}><th scope="row">${escapeHtml(e.name)}</th><td>${escapeHtml(e.tier)}</td><td>${e.passed ? '<span class="pass">passed</span>' : '<span class="fail">failed</span>'}</td>${SEVERITIES.map((s) => `<td class="num">${e.counts[s]}</td>`).join('')}<td class="num">${e.driftChanges ?? '<span class="muted">no snapshot</span>'}</td></tr>`,
      )
      .join('')}</tbody></table>`,
    '</section>',
  );

  parts.push(
    '<section aria-labelledby="validation"><h2 id="validation">Validation</h2>',
    model.validationHtml,
    '</section>',
  );

  parts.push('<section aria-labelledby="drift"><h2 id="drift">Drift since the latest snapshot</h2>');
  for (const e of environments)
    parts.push(
      `<div ${env(e.name)}><h3>${escapeHtml(e.name)}</h3>${e.driftHtml ?? '<p class="muted">No snapshot yet.</p>'}</div>`,
    );
  parts.push('</section>');

  parts.push(
    '<section aria-labelledby="matrix"><h2 id="matrix">Environment comparison</h2>',
    renderEnvironmentMatrix(environments),
    '</section>',
  );

  parts.push('<section aria-labelledby="history"><h2 id="history">Snapshot history</h2>');
  const withHistory = environments.filter((e) => e.snapshots && e.snapshots.length > 0);
  if (withHistory.length === 0) parts.push('<p>No snapshots.</p>');
  for (const e of withHistory) {
    const snaps = e.snapshots!;
    parts.push(
      `<div ${env(e.name)}><h3>${escapeHtml(e.name)}</h3>`,
      renderBarChart(
        `${e.name}: changes per snapshot`,
        snaps.map((s) => ({ label: s.createdAt.slice(0, 16).replace('T', ' '), value: s.changes ?? 0 })),
      ),
      `<ol class="timeline">${snaps
        .map(
          (s) =>
            `<li><time datetime="${escapeHtml(s.createdAt)}">${escapeHtml(s.createdAt)}</time> <code>${escapeHtml(s.id.slice(0, 12))}</code>${s.message ? ` ${escapeHtml(s.message)}` : ''}${s.author ? ` <span class="muted">by ${escapeHtml(s.author)}</span>` : ''}${s.changes !== undefined ? ` <span class="muted">(${s.changes} change(s))</span>` : ''}</li>`,
        )
        .join('')}</ol></div>`,
    );
  }
  parts.push('</section>');

  if (model.audit && model.audit.length > 0)
    parts.push(
      '<section aria-labelledby="audit"><h2 id="audit">Audit trail</h2>',
      `<table><caption>Changes made through agentforge (${model.audit.length})</caption><thead><tr><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Command</th><th scope="col">Environment</th><th scope="col">Paths</th><th scope="col">Result</th></tr></thead><tbody>${model.audit
        .map(
          (a) =>
            `<tr${a.environment ? ` ${env(a.environment)}` : ''}><td><time datetime="${escapeHtml(a.time)}">${escapeHtml(a.time)}</time></td><td>${escapeHtml(a.actor)}</td><td><code>${escapeHtml(a.command)}</code></td><td>${escapeHtml(a.environment ?? '')}</td><td><code>${escapeHtml(a.paths.join(', '))}</code></td><td>${escapeHtml(a.result)}${a.reason ? ` <span class="muted">${escapeHtml(a.reason)}</span>` : ''}</td></tr>`,
        )
        .join('')}</tbody></table></section>`,
    );

  if (model.access)
    parts.push(
      '<section aria-labelledby="access"><h2 id="access">Access rules</h2>',
      `<table><caption>Roles and their grants</caption><thead><tr><th scope="col">Role</th><th scope="col">Principals</th><th scope="col">Environments</th><th scope="col">Paths</th><th scope="col">Actions</th></tr></thead><tbody>${Object.entries(
        model.access.roles,
      )
        .flatMap(([role, r]) =>
          (r.grants.length ? r.grants : [undefined]).map(
            (g) =>
              `<tr><th scope="row">${escapeHtml(role)}</th><td>${escapeHtml(r.principals.join(', '))}</td><td>${escapeHtml(g?.environments.join(', ') ?? '')}</td><td><code>${escapeHtml(g?.paths.join(', ') ?? '')}</code></td><td>${escapeHtml(g?.actions.join(', ') ?? 'none')}</td></tr>`,
          ),
        )
        .join('')}</tbody></table></section>`,
    );

  return renderHtmlPage({
    title: model.title ?? 'AgentForge configuration report',
    subtitle: `${environments.length} environment(s), ${failed === 0 ? 'all passed' : `${failed} failed`} at --fail-on ${model.failOn}${model.generatedAt ? `, generated ${model.generatedAt}` : ''}`,
    body: parts.join('\n'),
  });
}
