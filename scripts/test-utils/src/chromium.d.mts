// Headless chromium for the report's browser test and its bench.
import type { BrowserContext, BrowserType } from 'playwright-core';

/** Launches headless chromium with a fresh profile (removed by `close`) and no background traffic. */
export function launchChromium(
  chromium: BrowserType,
  executablePath: string,
): Promise<{ context: BrowserContext; close(): Promise<void> }>;
