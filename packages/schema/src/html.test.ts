import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderBarChart, renderHtmlPage } from './html.js';
import { renderEnvironmentMatrix } from './workspace-report.js';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };

describe('html', () => {
  it.each([
    { input: '<script>alert("x")</script>', expected: '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;' },
    { input: "a & b's", expected: 'a &amp; b&#39;s' },
    { input: 42, expected: '42' },
  ])('escapes $input', ({ input, expected }) => {
    expect(escapeHtml(input)).toBe(expected);
  });

  it('allows exactly its own inline style and script by hash, and nothing else', () => {
    const page = renderHtmlPage({ title: 'T <x>', body: '<p>b</p>' });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/
      .exec(page)![1]!
      .replace(/&#39;/g, "'");
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const script = /<script>([\s\S]*?)<\/script>/.exec(page)![1]!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src ${sha(style)}`);
    expect(csp).toContain(`script-src ${sha(script)}`);
    expect(page).toContain('<title>T &lt;x&gt;</title>');
    expect(page).toContain('@media print');
    expect(page).toContain('prefers-color-scheme:dark');
    expect(page).not.toMatch(/\sstyle="/);
  });

  it('draws one labelled bar per value', () => {
    const svg = renderBarChart('Findings', [
      { label: 'high', value: 3, severity: 'high' },
      { label: 'low', value: 0 },
    ]);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Findings</title>');
    expect(svg.match(/<rect /g)).toHaveLength(2);
  });

  it('shows keys that differ, secrets only as "differs"', () => {
    const env = (name: string, document: unknown) => ({ name, tier: name, passed: true, counts, document });
    const html = renderEnvironmentMatrix([
      env('staging', {
        replicas: 1,
        same: 'x',
        db: { password: 'hunter2-staging' },
        url: 'postgres://u:CanaryPw1@h',
      }),
      env('production', {
        replicas: 3,
        same: 'x',
        db: { password: 'hunter2-prod' },
        url: 'postgres://u:CanaryPw2@h',
      }),
    ]);
    expect(html).toContain('<code>replicas</code>');
    expect(html).not.toContain('<code>same</code>');
    expect(html).toContain('secret, differs');
    expect(html).not.toMatch(/hunter2|CanaryPw|«redacted/);
  });
});
