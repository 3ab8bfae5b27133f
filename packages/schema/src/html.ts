// The HTML pieces the validator's and drift's `html` formats and `agentforge report` share: one
// escape, one page shell (strict CSP with hashes of its own inline style and script), one
// filter script and one inline SVG bar chart. Written by hand rather than with a template
// engine: the pages are small, every library on npm for this (lit-html, preact-render-to-string)
// would add a dependency to every package for ~150 lines, and none computes CSP hashes for us.
import { nodeCrypto } from './_builtins.js';
import { SEVERITIES, type Severity } from './vocabulary.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a double- or single-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}

// Colours as custom properties so that prefers-color-scheme and print switch them in one place.
const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--head:#f6f8fa;
--critical:#a40e26;--high:#cf222e;--medium:#9a6700;--low:#0969da;--info:#57606a;--ok:#1a7f37;--bar:#0969da}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--head:#161b22;
--critical:#ff7b72;--high:#ffa198;--medium:#d29922;--low:#58a6ff;--info:#9198a1;--ok:#3fb950;--bar:#58a6ff}}
body{background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:var(--head)}
td.num,th.num{text-align:right}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.sev{font-weight:600}.sev-critical{color:var(--critical)}.sev-high{color:var(--high)}.sev-medium{color:var(--medium)}
.sev-low{color:var(--low)}.sev-info{color:var(--info)}.pass{color:var(--ok);font-weight:600}.fail{color:var(--high);font-weight:600}
.muted{color:var(--muted)}form.filters{display:flex;gap:1rem;flex-wrap:wrap;padding:.5rem;background:var(--head);border:1px solid var(--line);position:sticky;top:0}
label{font-weight:600}select{font:inherit;margin-left:.3rem}
select:focus-visible,a:focus-visible{outline:2px solid var(--bar);outline-offset:2px}
svg.chart{max-width:36rem;width:100%;height:auto}svg.chart text{fill:var(--fg);font-size:12px}
svg.chart rect.bar{fill:var(--bar)}svg.chart rect.sev-critical{fill:var(--critical)}svg.chart rect.sev-high{fill:var(--high)}
svg.chart rect.sev-medium{fill:var(--medium)}svg.chart rect.sev-low{fill:var(--low)}svg.chart rect.sev-info{fill:var(--info)}
ol.timeline{list-style:none;padding-left:1rem;border-left:2px solid var(--line)}ol.timeline li{margin:.3rem 0}
[hidden]{display:none!important}
/* Off-screen sections skip layout and paint until scrolled to: a 100-environment page opens fast. */
main>section{content-visibility:auto;contain-intrinsic-size:auto 600px}
@media print{form.filters{display:none}main>section{content-visibility:visible}body{max-width:none;font-size:11px}
h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit}}
`;

// Filters: every element with `data-severity` is shown when its severity is at or above the
// severity chosen in `#filter-severity`, every element with `data-environment` when it matches
// `#filter-environment`. Without script everything shows; print keeps the filtered view.
const SCRIPT = `(function(){var order=${JSON.stringify(SEVERITIES)};
function apply(){var s=document.getElementById('filter-severity'),e=document.getElementById('filter-environment');
var min=s?s.value:'all',env=e?e.value:'all',shown=0;
document.querySelectorAll('[data-severity],[data-environment]').forEach(function(el){
var sev=el.getAttribute('data-severity'),en=el.getAttribute('data-environment');
var ok=(min==='all'||sev===null||order.indexOf(sev)<=order.indexOf(min))&&(env==='all'||en===null||en===env);
el.hidden=!ok;if(ok&&el.tagName==='TR')shown++;});
var out=document.getElementById('filter-status');if(out)out.textContent=shown+' row(s) shown';}
['filter-severity','filter-environment'].forEach(function(id){var el=document.getElementById(id);if(el){el.addEventListener('change',apply);if(el.value!=='all')apply();}});
})();`;

const hash = (text: string) =>
  `'sha256-${nodeCrypto().createHash('sha256').update(text, 'utf8').digest('base64')}'`;

let csp: string | undefined;
/**
 * The Content-Security-Policy every page carries: nothing may load, only its own inline style
 * and script run. A function, computed on first use, so that loading the package hashes nothing.
 */
export function htmlCsp(): string {
  csp ??= `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return csp;
}

/** What {@link renderHtmlPage} wraps. */
export interface HtmlPageOptions {
  /** The `<title>` and the `<h1>`. */
  title: string;
  /** The page's content (already escaped HTML), placed after the heading. */
  body: string;
  /** A line under the heading (escaped here). */
  subtitle?: string;
}

/**
 * A complete, self-contained HTML document: no external asset, nothing fetched, a strict CSP
 * (`default-src 'none'` plus the hashes of the one inline style and script), light and dark
 * colours, a print stylesheet and the filter script.
 * @example writeFileSync('report.html', renderHtmlPage({ title: 'Validation', body }));
 */
export function renderHtmlPage({ title, body, subtitle }: HtmlPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(htmlCsp())}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>${subtitle ? `<p class="muted">${escapeHtml(subtitle)}</p>` : ''}</header>
<main>
${body}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The filter bar: a severity threshold select (`#filter-severity`) and, when environments are
 * given, an environment select (`#filter-environment`); the page script hides what they exclude.
 */
export function renderHtmlFilters(environments: readonly string[] = []): string {
  const severity = `<label for="filter-severity">Severity at least<select id="filter-severity"><option value="all">all</option>${SEVERITIES.map((s) => `<option value="${s}">${s}</option>`).join('')}</select></label>`;
  const environment =
    environments.length > 1
      ? `<label for="filter-environment">Environment<select id="filter-environment"><option value="all">all</option>${environments.map((e) => `<option value="${escapeHtml(e)}">${escapeHtml(e)}</option>`).join('')}</select></label>`
      : '';
  return `<form class="filters" aria-label="Filters">${severity}${environment}<output id="filter-status" aria-live="polite"></output></form>`;
}

/** A severity as a coloured, filterable label. */
export function renderSeverity(severity: Severity): string {
  return `<span class="sev sev-${severity}">${severity}</span>`;
}

/** One bar of {@link renderBarChart}. */
export interface ChartBar {
  label: string;
  value: number;
  /** A severity colours the bar by severity. */
  severity?: Severity;
}

/**
 * A horizontal bar chart as inline SVG, with a `<title>` and a text value on every bar so that
 * it reads without colour and to a screen reader.
 */
export function renderBarChart(title: string, bars: readonly ChartBar[]): string {
  const row = 22;
  const labelWidth = 160;
  const width = 560;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = Math.max(row, bars.length * row) + 4;
  const body = bars
    .map((bar, i) => {
      const y = i * row + 2;
      const w = Math.round(((width - labelWidth - 60) * bar.value) / max);
      return `<text x="0" y="${y + 15}">${escapeHtml(bar.label)}</text><rect class="${bar.severity ? `sev-${bar.severity}` : 'bar'}" x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 6}"></rect><text x="${labelWidth + w + 6}" y="${y + 15}">${bar.value}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`;
}
