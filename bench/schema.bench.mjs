// @agentforge/schema: located loading + schema check against plain parsers and validators.
import { readFileSync } from 'node:fs';
import {
  checkSchema,
  EnvironmentDocumentSchema,
  loadDocument,
  loadDocuments,
  toJsonSchema,
} from '@agentforge/schema';
import Ajv2020 from 'ajv/dist/2020.js';
import jsYaml from 'js-yaml';
import YAML from 'yaml';
import { goal, measure, report, table } from './_harness.mjs';

const text = readFileSync(
  new URL('../examples/platform/environments/production.yaml', import.meta.url),
  'utf8',
);
const validate = new Ajv2020({ strict: false }).compile(toJsonSchema());

const ours = () => {
  const { data, locator } = loadDocument(text, { file: 'production.yaml' });
  return checkSchema(EnvironmentDocumentSchema, data, { locator });
};
if (!ours().success) throw new Error('the production example should be valid');
report(
  'Load and validate the production example (median per document)',
  [
    ['@agentforge/schema loadDocument + checkSchema (locator)', measure(ours)],
    [
      'yaml.parse + zod safeParse (no locator)',
      measure(() => EnvironmentDocumentSchema.safeParse(YAML.parse(text))),
    ],
    ['js-yaml load + ajv (generated JSON Schema)', measure(() => validate(jsYaml.load(text)))],
  ],
  'yaml.parse + zod safeParse (no locator)',
);

// The same with one finding to locate: locations cost a second parse, paid only when asked.
const broken = text.replace('    replicas: 3\n    port: 8080', '    replicaz: 3\n    port: 8080');
report(
  'Load and validate with one finding, located (median per document)',
  [
    [
      '@agentforge/schema, finding located',
      measure(() => {
        const { data, locator } = loadDocument(broken, { file: 'production.yaml' });
        return checkSchema(EnvironmentDocumentSchema, data, { locator });
      }),
    ],
    [
      'yaml.parse + zod safeParse (no locator)',
      measure(() => EnvironmentDocumentSchema.safeParse(YAML.parse(broken))),
    ],
  ],
  'yaml.parse + zod safeParse (no locator)',
);

// A 1 MB multi-document manifest stream.
const manifest = (i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: service-${i}
  namespace: agentforge
  labels: {app.kubernetes.io/name: service-${i}, app.kubernetes.io/part-of: agentforge}
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: service-${i}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: service-${i}}
    spec:
      containers:
        - name: app
          image: ghcr.io/agentforge/service-${i}:1.0.${i}
          ports: [{containerPort: 8080, name: http}]
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {cpu: 500m, memory: 256Mi}
          env:
            - {name: LOG_LEVEL, value: info}
            - {name: INDEX, value: "${i}"}
`;
let stream = '';
for (let i = 0; stream.length < 1024 * 1024; i++) stream += `---\n${manifest(i)}`;
const count = loadDocuments(stream).length;
report(
  `Parse a 1 MB multi-document YAML stream (${count} documents, ${(stream.length / 1024).toFixed(0)} KiB; median)`,
  [
    [
      '@agentforge/schema loadDocuments',
      measure(() => loadDocuments(stream), { budgetMs: 4000, minSamples: 7 }),
    ],
    [
      '@agentforge/schema loadDocuments + locate one key per document',
      measure(
        () => {
          for (const doc of loadDocuments(stream))
            doc.locator.locate('/spec/template/spec/containers/0/image');
        },
        { budgetMs: 4000, minSamples: 7 },
      ),
    ],
    ['js-yaml loadAll', measure(() => jsYaml.loadAll(stream), { budgetMs: 4000, minSamples: 7 })],
    [
      'yaml parseAllDocuments',
      measure(() => YAML.parseAllDocuments(stream), { budgetMs: 4000, minSamples: 7 }),
    ],
  ],
  'js-yaml loadAll',
);

// ---- Loader rows (issue 12/13): reading an environment file people maintain ------------------
// A 1 MB environment file (3,800 services) read by the default reader (`yaml`, every guard, a
// locator), by the bulk reader (js-yaml) and by the bare parsers. The goal is issue 13's: the
// located read within 2× js-yaml `load`. Interleaved (`table`), so load falls on all alike.
let environment = 'name: big\ntier: production\nservices:\n';
for (let i = 0; environment.length < 1024 * 1024; i++)
  environment += `  service-${i}:
    image: ghcr.io/agentforge/service-${i}:1.0.${i}
    replicas: ${(i % 5) + 1}
    port: ${8000 + (i % 1000)}
    resources: {cpu: 250m, memory: 256Mi}
    env:
      LOG_LEVEL: info
      INDEX: "${i}"
      UPSTREAM_URL: http://upstream-${i}.svc:8080/api
    features: [a, b, c]
`;
const loaderRows = table(
  `Read a 1 MB environment file (${(environment.length / 1024).toFixed(0)} KiB; median per read)`,
  [
    ['js-yaml load', () => jsYaml.load(environment)],
    [
      '@agentforge/schema loadDocument (yaml: guards + locator)',
      () => loadDocument(environment, { file: 'big.yaml' }),
    ],
    [
      '@agentforge/schema loadDocument, reader: bulk (js-yaml)',
      () => loadDocument(environment, { file: 'big.yaml', reader: 'bulk' }),
    ],
    ['yaml parseDocument (no guards)', () => YAML.parseDocument(environment, { uniqueKeys: false })],
  ],
  { rounds: 5, blockMs: 200 },
);
goal('loadDocument (yaml) of a 1 MB environment file vs js-yaml load', loaderRows[1].ratio, 2);
