// Writes the chart files generated from the built packages: values.schema.json (from the zod
// schema), dashboards/ (the Grafana dashboard @agentforge/env-templates ships) and
// ci/<environment>-values.yaml (from examples/platform/environments). `--check` writes nothing
// and exits 1 when a file is out of date. Run `pnpm run build` first.
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  GRAFANA_DASHBOARD,
  GRAFANA_DASHBOARD_FILE,
  generateHelmValues,
  toHelmValuesSchema,
} from '../../../packages/env-templates/dist/index.js';
import { EnvironmentDocumentSchema, loadFile } from '../../../packages/schema/dist/index.js';
import { writeGenerated } from '../../../scripts/_generated.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const chart = join(root, 'deployment/helm/agentforge');
const environments = join(root, 'examples/platform/environments');

const outputs = [
  [join(chart, 'values.schema.json'), `${JSON.stringify(toHelmValuesSchema(), null, 2)}\n`],
  [join(chart, 'dashboards', GRAFANA_DASHBOARD_FILE), GRAFANA_DASHBOARD],
];
for (const file of readdirSync(environments).filter((f) => f.endsWith('.yaml')).sort()) {
  const document = EnvironmentDocumentSchema.parse((await loadFile(join(environments, file))).data);
  const generated = generateHelmValues(document);
  outputs.push([join(chart, 'ci', `${basename(file, '.yaml')}-values.yaml`), generated.content]);
}

process.exit(writeGenerated(outputs));
