// The report in a real browser: Debian's chromium driven by playwright-core. The page must
// load nothing, log no error, filter by severity and environment, and pass axe-core.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, memoryStream, requireTool } from '@agentforge/test-utils';
import { AxeBuilder } from '@axe-core/playwright';
import { type BrowserContext, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const chromiumPath = requireTool('chromium');
// No skipping: without chromium this file fails (scripts/ensure-tools.sh installs it).
if (!chromiumPath)
  throw new Error('chromium is required for the report browser test: run bash scripts/ensure-tools.sh');
const artifacts = fileURLToPath(new URL('../../../../test-artifacts/', import.meta.url));

async function report(example: string): Promise<string> {
  const dir = fileURLToPath(new URL(`../../../../examples/${example}/`, import.meta.url));
  const stdout = memoryStream();
  await runCli(['report', '--dir', dir], {
    cwd: dir,
    env: { NO_COLOR: '1' },
    stdout,
    stderr: memoryStream(),
  });
  return stdout.text();
}

describe('report in chromium', () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ context: browser, close } = await launchChromium(chromium, chromiumPath));
  }, 60_000);
  afterAll(async () => {
    await close?.();
  });

  it.each(['platform', 'broken'])(
    'examples/%s: no request, no console error, filters work, axe finds nothing serious',
    async (example) => {
      const html = await report(example);
      const page = await browser.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('data:') && r.url() !== 'about:blank') requests.push(r.url());
      });
      await page.setContent(html, { waitUntil: 'load' });

      const visible = (selector: string) =>
        page.$$eval(
          selector,
          (els) => els.filter((e) => !(e as unknown as { hidden: boolean }).hidden).length,
        );
      const lowRows = await visible(
        'tr[data-severity="low"], tr[data-severity="info"], tr[data-severity="medium"]',
      );
      await page.focus('#filter-severity');
      await page.selectOption('#filter-severity', 'high');
      expect(
        await visible('tr[data-severity="low"], tr[data-severity="info"], tr[data-severity="medium"]'),
      ).toBe(0);
      if (example === 'broken') expect(lowRows).toBeGreaterThan(0);
      expect(await visible('tr[data-severity="high"], tr[data-severity="critical"]')).toBe(
        await page.$$eval('tr[data-severity="high"], tr[data-severity="critical"]', (els) => els.length),
      );
      await page.selectOption('#filter-severity', 'all');

      await page.selectOption('#filter-environment', 'production');
      expect(await visible('[data-environment]:not([data-environment="production"])')).toBe(0);
      expect(await visible('[data-environment="production"]')).toBeGreaterThan(0);
      await page.selectOption('#filter-environment', 'all');

      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, `report-${example}.png`), fullPage: true });

      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      await page.close();
    },
    60_000,
  );

  it('the axe check catches a serious violation (a control without a label)', async () => {
    const page = await browser.newPage();
    await page.setContent(
      '<!doctype html><html lang="en"><title>t</title><main><select><option>a</option></select></main></html>',
    );
    const { violations } = await new AxeBuilder({ page }).analyze();
    expect(
      violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toContain('select-name');
    await page.close();
  }, 60_000);
});
