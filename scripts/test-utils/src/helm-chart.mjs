// The repository's Helm chart, ready to render offline. Its subcharts cannot be downloaded here,
// and helm needs each dependency present, so an empty chart stands in for every one, at a version
// inside the range Chart.yaml asks for (read from Chart.yaml, so a new dependency needs no edit).
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const source = fileURLToPath(new URL('../../../deployment/helm/agentforge/', import.meta.url));

export function chartWithStubs(dir) {
  const chart = join(dir, 'agentforge');
  cpSync(source, chart, { recursive: true });
  const { dependencies = [] } = parse(readFileSync(join(chart, 'Chart.yaml'), 'utf8'));
  for (const { name, version } of dependencies) {
    // "21.x.x" and ">=75.0.0" are ranges; the stub needs one version inside them.
    const exact = String(version)
      .replace(/^[~^>=<\s]+/, '')
      .replace(/x/g, '0');
    mkdirSync(join(chart, 'charts', name), { recursive: true });
    writeFileSync(
      join(chart, 'charts', name, 'Chart.yaml'),
      `apiVersion: v2\nname: ${name}\nversion: ${exact}\n`,
    );
  }
  return chart;
}
