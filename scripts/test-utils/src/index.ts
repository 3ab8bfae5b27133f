import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { onTestFinished } from 'vitest';

/**
 * Writes `files` (path → content) into a fresh temporary folder and removes it when the
 * current test finishes. Returns the folder.
 */
export function testdir(files: Record<string, string | Uint8Array> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'agentforge-test-'));
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A writable stream that keeps what is written, for capturing CLI output. */
export function memoryStream(isTTY = false): {
  write(text: string): boolean;
  isTTY: boolean;
  text(): string;
} {
  let buffer = '';
  return {
    isTTY,
    write(text: string) {
      buffer += text;
      return true;
    },
    text: () => buffer,
  };
}

/** Replaces every occurrence of `root` in `text` with `<root>`, for stable snapshots. */
export function normalizePaths(text: string, root: string): string {
  return text.split(root).join('<root>');
}

export { launchChromium } from './chromium.mjs';
export { chartWithStubs } from './helm-chart.mjs';
export { type ProjectVolumeOptions, projectVolume } from './kubelet-volume.mjs';
export {
  type NatsServer,
  type NatsServerOptions,
  natsServerBinary,
  startNatsServer,
} from './nats-server.mjs';
export { type FindToolOptions, findTool, isCI, requireTool, type ToolName } from './tools.ts';
