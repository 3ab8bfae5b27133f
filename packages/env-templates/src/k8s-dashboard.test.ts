// Issue 18: the Kustomize monitoring component ships the same Grafana dashboard as the Helm
// chart, as a ConfigMap Grafana's dashboard sidecar picks up — rendered with a real kubectl.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool, testdir } from '@agentforge/test-utils';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { exampleDocument } from '../test/examples.js';
import { type KubeObject, kustomize, type Untyped, validateObject } from '../test/kubernetes.js';
import { writeGeneratedFiles } from './files.js';
import { generate } from './generators.js';
import {
  GRAFANA_DASHBOARD,
  GRAFANA_DASHBOARD_CONFIG_MAP,
  GRAFANA_DASHBOARD_FILE,
} from './grafana-dashboard.js';
import { K8S_ROOT } from './k8s-base.js';

const kubectl = requireTool('kubectl');

async function render(document: Untyped): Promise<Untyped[]> {
  const root = testdir();
  await writeGeneratedFiles(root, generate('k8s', document));
  return yaml.loadAll(kustomize(kubectl!, join(root, K8S_ROOT, 'overlays', document.name))) as Untyped[];
}
const dashboards = (objects: Untyped[]) =>
  objects.filter((o) => o.kind === 'ConfigMap' && o.metadata.name === GRAFANA_DASHBOARD_CONFIG_MAP);

describe.skipIf(!kubectl)(
  'Grafana dashboard in the Kustomize monitoring component',
  { timeout: 120_000 },
  () => {
    it('with monitoring on: one unhashed ConfigMap labelled for the sidecar, holding the dashboard', async () => {
      const document = structuredClone(exampleDocument('production')) as Untyped;
      document.monitoring.enabled = true;
      const [configMap, ...more] = dashboards(await render(document));
      expect(more).toEqual([]);
      expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
      expect(configMap.metadata.namespace).toBe(document.platform.namespace);
      expect(configMap.data[GRAFANA_DASHBOARD_FILE]).toBe(GRAFANA_DASHBOARD);
      await expect(validateObject(configMap as KubeObject)).resolves.toBeUndefined();
      // The dashboard is real Grafana JSON with panels querying the exported metrics.
      const panels = JSON.parse(configMap.data[GRAFANA_DASHBOARD_FILE]).panels as Untyped[];
      expect(panels.length).toBeGreaterThan(0);
    });

    it('with monitoring off: no dashboard', async () => {
      const document = structuredClone(exampleDocument('production')) as Untyped;
      document.monitoring.enabled = false;
      expect(dashboards(await render(document))).toEqual([]);
    });

    it('the Helm chart ships the same bytes (generated from this package)', () => {
      const chart = new URL('../../../deployment/helm/agentforge/dashboards/', import.meta.url);
      expect(readFileSync(new URL(GRAFANA_DASHBOARD_FILE, chart), 'utf8')).toBe(GRAFANA_DASHBOARD);
    });
  },
);
