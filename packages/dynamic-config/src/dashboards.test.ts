// The Grafana dashboard and the PrometheusRule of the Helm chart name metrics this package
// exports; a renamed metric here must fail this test instead of silently breaking an alert.
// Names under `agentforge_config_drift_` are @agentforge/drift's (its dashboards.test.ts checks them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyMetrics, renderPrometheus } from './metrics.js';

const chart = new URL('../../../deployment/helm/agentforge/', import.meta.url);
const FILES = ['dashboards/agentforge-config.json', 'templates/prometheusrule.yaml'];
const metricNames = (text: string) => new Set(text.match(/\bagentforge_[a-z0-9_]+/g) ?? []);

describe('dashboard and alert metrics', () => {
  const exported = metricNames(renderPrometheus(emptyMetrics()));
  it.each(FILES)('%s names only metrics the code exports', (file) => {
    const named = [...metricNames(readFileSync(new URL(file, chart), 'utf8'))].filter(
      (name) => !name.startsWith('agentforge_config_drift_'),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard shows every reload metric', () => {
    const dashboard = JSON.parse(readFileSync(new URL(FILES[0]!, chart), 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const shown = metricNames(dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)).join('\n'));
    expect([...exported].filter((name) => !shown.has(name))).toEqual([]);
  });
});
