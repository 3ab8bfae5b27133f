// The kubernetes-models loader against Node's: the same validators, the same answers, the same
// errors; every schema module of the installed packages in the shape it reads; anything else
// (another shape, an unknown format or package) left to Node.
import { readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { testdir } from '@agentforge/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadModelValidator, modelFormats, parseModule, type SchemaValidator } from './_models.js';
import { modelsRoot } from './_openapi.js';

const root = realpathSync(modelsRoot());
const require = createRequire(join(root, 'package.json'));
/** A kubernetes-models package folder, as its schema modules find it. */
const folder = (name: string) =>
  (require.resolve.paths(name) ?? [])
    .map((d) => join(d, name))
    .find((d) => {
      try {
        return readdirSync(d).length > 0;
      } catch {
        return false;
      }
    })!;
const packages = [root, folder('@kubernetes-models/apimachinery')];

const never = (file: string): SchemaValidator => {
  throw new Error(`${file} went to the fallback`);
};
const native = async (file: string) =>
  ((await import(pathToFileURL(file).href)) as { validate: SchemaValidator }).validate;
const answer = (validate: SchemaValidator, data: unknown) => ({
  valid: validate(data),
  errors: validate.errors ?? null,
});

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ containerPort: 8080 }],
            resources: { limits: { cpu: '500m', memory: '256Mi' } },
          },
        ],
      },
    },
  },
};

/** Kinds whose graphs reach every format the loader provides (int32, int64, double, byte, quantity, date-time). */
const KINDS = [
  ['IoK8sApiAppsV1Deployment', DEPLOYMENT],
  ['IoK8sApiCoreV1Service', { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80 }] } }],
  ['IoK8sApiCoreV1Secret', { apiVersion: 'v1', kind: 'Secret', data: { password: 'cGFzcw==' } }],
  ['IoK8sApiCoreV1ConfigMap', { apiVersion: 'v1', kind: 'ConfigMap', binaryData: { b: 'AA==' } }],
  [
    'IoK8sApiAutoscalingV2HorizontalPodAutoscaler',
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', spec: { maxReplicas: 3 } },
  ],
  ['IoK8sApiBatchV1CronJob', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '* * * * *' } }],
  ['IoK8sApiCoreV1Pod', { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'a' }] } }],
  ['IoK8sApiNetworkingV1Ingress', { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' }],
  ['IoK8sApiCoreV1ResourceQuota', { apiVersion: 'v1', kind: 'ResourceQuota', spec: { hard: { cpu: '2' } } }],
  ['IoK8sApiDiscoveryV1EndpointSlice', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' }],
] as const;

/** Edits of a valid object that each break one thing a schema checks. */
const EDITS: ReadonlyArray<[string, (o: Record<string, unknown>) => unknown]> = [
  ['unchanged', (o) => o],
  ['not an object', () => 'Deployment'],
  ['a wrong apiVersion', (o) => ({ ...o, apiVersion: 'apps/v0' })],
  ['a string for an object', (o) => ({ ...o, metadata: 'web' })],
  ['an int32 out of range', (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 2 ** 31 } })],
  ['a fraction for an integer', (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 1.5 } })],
  ['a date that is not one', (o) => ({ ...o, metadata: { creationTimestamp: '2024-02-30T10:00:00Z' } })],
  ['a time without its zone', (o) => ({ ...o, metadata: { creationTimestamp: '2024-02-01T10:00:00' } })],
  ['a quantity that is not one', (o) => ({ ...o, spec: { hard: { cpu: '2 cores' } } })],
  ['base64 that is not', (o) => ({ ...o, data: { password: 'not base64!' } })],
  // Keys escaped in instance paths (`/` as `~1`, `~` as `~0`), built only for invalid data.
  [
    'a label key with / and ~ of the wrong type',
    (o) => ({ ...o, metadata: { labels: { 'app.kubernetes.io/name': 'a', 'x~y/z': 1 } } }),
  ],
  [
    'an annotation and a nested field both wrong',
    (o) => ({
      ...o,
      metadata: { annotations: { 'a/b': false } },
      spec: { ...(o.spec as object), replicas: 'two' },
    }),
  ],
];

describe('loadModelValidator', () => {
  it.each(KINDS)('%s: answers as the module Node loads, errors included', async (schema, valid) => {
    const file = join(root, '_schemas', `${schema}.js`);
    const ours = loadModelValidator(file, never);
    const theirs = await native(file);
    expect(ours).not.toBe(theirs);
    for (const [, edit] of EDITS) {
      const data = edit(structuredClone(valid) as Record<string, unknown>);
      expect(answer(ours, data)).toEqual(answer(theirs, data));
    }
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const data = { ...valid, spec: value, metadata: { name: value, creationTimestamp: value } };
        expect(answer(ours, data)).toEqual(answer(theirs, data));
      }),
      { numRuns: 40 },
    );
  });

  it('reads every schema module of the installed kubernetes-models packages', () => {
    const refused: string[] = [];
    for (const dir of packages)
      for (const name of readdirSync(join(dir, '_schemas')).filter((n) => n.endsWith('.js'))) {
        const file = join(dir, '_schemas', name);
        if (!parseModule(readFileSync(file, 'utf8'), file)) refused.push(name);
      }
    expect(refused).toEqual([]);
  });

  it('gives the formats @kubernetes-models/validate defines', async () => {
    const { formats } = (await import(
      pathToFileURL(join(folder('@kubernetes-models/validate'), 'dist/index.js')).href
    )) as { formats: Record<string, { validate: ((v: unknown) => boolean) | RegExp }> };
    const check = (f: { validate: ((v: never) => boolean) | RegExp }, v: unknown) =>
      typeof f.validate === 'function' ? f.validate(v as never) : f.validate.test(String(v));
    const values: unknown[] = [
      0,
      1,
      -1,
      1.5,
      2 ** 31 - 1,
      2 ** 31,
      -(2 ** 31),
      -(2 ** 31) - 1,
      2 ** 53,
      Number.NaN,
      '',
      'AA==',
      'AAA=',
      'AAAA',
      'A',
      'not base64!',
      '100m',
      '1.5Gi',
      '1e3',
      '+1',
      '2 cores',
      'Mi',
      '2024-05-01T10:00:00Z',
      '2024-05-01t10:00:00+02:00',
      '2024-02-30T10:00:00Z',
      '2024-05-01T10:00:00',
      '2024-05-01T23:59:60Z',
      '2024-05-01 10:00:00Z',
    ];
    // ajv's code calls a format with values of its type only: numbers for the number formats.
    const numeric = new Set(['int32', 'int64', 'float', 'double']);
    for (const [name, ours] of Object.entries(modelFormats()))
      for (const value of values.filter((v) => (typeof v === 'number') === numeric.has(name)))
        expect(check(ours, value), `${name} ${String(value)}`).toBe(check(formats[name]!, value));
  });

  it.each([
    ['an export of another shape', 'export function validate(){return true}'],
    [
      'an import of another package',
      'import{x}from"other";export const validate=validate0;function validate0(){return x}',
    ],
    [
      'a format it does not provide',
      'import{formats}from"@kubernetes-models/validate";export const validate=validate0;let f=formats.email;function validate0(){return f}',
    ],
    [
      'formats read by a computed name',
      'import{formats}from"@kubernetes-models/validate";export const validate=validate0;let k="email",f=formats[k];function validate0(){return f}',
    ],
    ['import.meta', 'export const validate=validate0;function validate0(){return import.meta.url}'],
  ])('leaves %s to Node', (_, source) => {
    const dir = testdir({ 'm.js': source });
    const file = join(dir, 'm.js');
    const fallback = (f: string): SchemaValidator => Object.assign(() => f === file, { errors: null });
    expect(loadModelValidator(file, fallback)({})).toBe(true);
  });

  it('loads an import on its first call, and passes options to a fallback module as an object', () => {
    // b.js throws when evaluated: loading a.js must not evaluate it, calling through it must.
    const dir = testdir({
      'a.js':
        'export const validate=validate0;import{validate as validate1}from"./b.js";import{validate as validate2}from"./c.js";function validate0(data,{instancePath="",parentData,parentDataProperty,rootData=data}={}){let e=null;data.b!==void 0&&!validate1(data.b,{instancePath:instancePath+"/b",parentData:data,parentDataProperty:"b",rootData})&&(e=validate1.errors);data.c!==void 0&&!validate2(data.c,{instancePath:instancePath+"/c",parentData:data,parentDataProperty:"c",rootData})&&(e=validate2.errors);return validate0.errors=e,e===null}',
      'b.js':
        'export const validate=validate0;throw new Error("b.js evaluated");function validate0(){return true}',
      'c.js': 'export function validate(){return false}',
    });
    const seen: unknown[] = [];
    const fallback = (file: string): SchemaValidator => {
      const validate: SchemaValidator = Object.assign(
        (data: unknown, options?: unknown) => {
          seen.push([file.endsWith('c.js'), data, options]);
          validate.errors = [{ instancePath: '?', keyword: 'fallback', params: {} }];
          return false;
        },
        { errors: null },
      );
      return validate;
    };
    const a = loadModelValidator(join(dir, 'a.js'), fallback);
    expect(a({})).toBe(true);
    const root = { c: 7 };
    expect(a(root)).toBe(false);
    expect(a.errors).toEqual([{ instancePath: '?', keyword: 'fallback', params: {} }]);
    // Checked without instance paths (the caller's passed on), then again with them as it is invalid.
    expect(seen).toEqual([
      [true, 7, { instancePath: '', parentData: root, parentDataProperty: 'c', rootData: root }],
      [true, 7, { instancePath: '/c', parentData: root, parentDataProperty: 'c', rootData: root }],
    ]);
    expect(() => a({ b: 1 })).toThrow('b.js evaluated');
  });

  it('loads modules that import each other, errors passed along the cycle', () => {
    // ajv's standalone shape: each validator records its errors on itself and its caller reads them.
    const dir = testdir({
      'a.js':
        'export const validate=validate0;import{validate as validate1}from"./b.js";function validate0(data){let e=null;if(typeof data!=="object")e=[{keyword:"type"}];else if(data&&data.next!==undefined&&!validate1(data.next))e=validate1.errors;return validate0.errors=e,e===null}',
      'b.js':
        'import{validate as validate2}from"./a.js";export const validate=validate0;function validate0(data){let e=null;if(typeof data!=="object")e=[{keyword:"b"}];else if(data&&data.next!==undefined&&!validate2(data.next))e=validate2.errors;return validate0.errors=e,e===null}',
    });
    const a = loadModelValidator(join(dirname(join(dir, 'a.js')), 'a.js'), never);
    expect(a({ next: { next: {} } })).toBe(true);
    expect(a({ next: { next: 1 } })).toBe(false);
    expect(a.errors).toEqual([{ keyword: 'type' }]);
    expect(a({ next: 1 })).toBe(false);
    expect(a.errors).toEqual([{ keyword: 'b' }]);
  });
});
