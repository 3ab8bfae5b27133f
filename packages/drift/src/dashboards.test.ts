// The drift metric the Helm chart's dashboard and PrometheusRule use must be the one
// formatPrometheus exports; renaming it here fails this test (see dynamic-config's twin).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPrometheus } from './format.js';
import type { DriftReport } from './report.js';

const chart = new URL('../../../deployment/helm/agentforge/', import.meta.url);
const names = (text: string) => new Set(text.match(/\bagentforge_config_drift_[a-z0-9_]+/g) ?? []);
const bySeverity = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
const report = {
  comparison: {
    type: 'snapshot',
    before: { label: 'a', environment: 'e' },
    after: { label: 'b', environment: 'e' },
  },
  counts: { bySeverity },
} as unknown as DriftReport;

describe('dashboard and alert metrics', () => {
  const exported = names(formatPrometheus(report));
  it.each(['dashboards/agentforge-config.json', 'templates/prometheusrule.yaml'])(
    '%s names only drift metrics formatPrometheus exports',
    (file) => {
      const named = [...names(readFileSync(new URL(file, chart), 'utf8'))];
      expect(named.length).toBeGreaterThan(0);
      expect(named.filter((n) => !exported.has(n))).toEqual([]);
    },
  );
});
