// @agentforge/schema: located loading + schema check, against plain parsers and validators.
// Every table runs its contenders interleaved in the same run (`table`); the baseline is the
// fast plain pair, js-yaml `load` + zod `safeParse` (not the ~10× slower `yaml` package, which
// would flatter us). What is timed, per row: text in, a checked document (or the parser's
// output) out, in CPU time of this process (harness CLOCKS). `gc()` runs between tables
// (run.mjs passes --expose-gc) so that one table's garbage is not collected on the next one's
// clock. Run after a build: node --expose-gc bench/schema.bench.mjs
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
import { table } from './_harness.mjs';

const collect = () => globalThis.gc?.();
// CPU time of this process, short blocks, many rounds: every row is synchronous, CPU-bound work,
// and on a shared machine wall time charges descheduling to whichever row was running.
const FINE = { rounds: 21, blockMs: 40, clock: 'cpu' };
const text = readFileSync(
  new URL('../examples/platform/environments/production.yaml', import.meta.url),
  'utf8',
);
const validate = new Ajv2020({ strict: false }).compile(toJsonSchema());

const ours = (input) => () => {
  const { data, locator } = loadDocument(input, { file: 'production.yaml' });
  return checkSchema(EnvironmentDocumentSchema, data, { locator });
};
if (!ours(text)().success) throw new Error('the production example should be valid');
collect();
table(
  'Load and validate the production example from text (median per document)',
  [
    [
      'js-yaml load + zod safeParse (no locator)',
      () => EnvironmentDocumentSchema.safeParse(jsYaml.load(text)),
    ],
    ['@agentforge/schema loadDocument + checkSchema (locator)', ours(text)],
    ['yaml parse + zod safeParse (no locator)', () => EnvironmentDocumentSchema.safeParse(YAML.parse(text))],
    ['js-yaml load + ajv (generated JSON Schema)', () => validate(jsYaml.load(text))],
  ],
  FINE,
);

// The same with one finding to locate.
const broken = text.replace('    replicas: 3\n    port: 8080', '    replicaz: 3\n    port: 8080');
if (ours(broken)().success) throw new Error('the broken variant should have a finding');
collect();
table(
  'Load and validate with one finding, located (median per document)',
  [
    [
      'js-yaml load + zod safeParse (no locator)',
      () => EnvironmentDocumentSchema.safeParse(jsYaml.load(broken)),
    ],
    ['@agentforge/schema loadDocument + checkSchema, finding located', ours(broken)],
  ],
  FINE,
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
const slow = { rounds: 7, blockMs: 400, warmMs: 400, clock: 'cpu' };
collect();
table(
  `Parse a 1 MB multi-document YAML stream (${count} documents, ${(stream.length / 1024).toFixed(0)} KiB, no anchors; median)`,
  [
    ['js-yaml loadAll', () => jsYaml.loadAll(stream)],
    ['@agentforge/schema loadDocuments (yaml)', () => loadDocuments(stream)],
    [
      '@agentforge/schema loadDocuments (yaml) + locate one key per document',
      () => {
        for (const doc of loadDocuments(stream)) doc.locator.locate('/spec/template/spec/containers/0/image');
      },
    ],
    [
      '@agentforge/schema loadDocuments (bulk reader, js-yaml)',
      () => loadDocuments(stream, { reader: 'bulk' }),
    ],
    ['yaml parseAllDocuments', () => YAML.parseAllDocuments(stream)],
  ],
  slow,
);

// ---- Loader rows (issue 12/13): reading an environment file people maintain ------------------
// A 1 MB environment file (3,800 services) read by the default reader (`yaml`, every guard, a
// locator), by the bulk reader (js-yaml) and by the bare parsers. No goal: environment files are
// hand-written and small, and issue 13 makes `yaml` their engine. The table is the evidence behind
// that one exception: `yaml` reads 1 MB an order of magnitude slower than js-yaml, so
// machine-rendered manifests (`manifests validate`, `manifests drift`) use the bulk reader, whose
// goal the manifests bench checks. Interleaved (`table`), so load falls on all alike; CPU time, as
// the tables above.
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
collect();
table(
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
  { rounds: 5, blockMs: 200, clock: 'cpu' },
);
