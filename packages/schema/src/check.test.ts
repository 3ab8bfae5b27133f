import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkSchema, parseWithSchema } from './check.js';
import { loadDocument } from './load.js';

const Schema = z.strictObject({ name: z.string(), replicas: z.number().int().min(1).default(1) });

describe('parseWithSchema (the throwing twin of checkSchema)', () => {
  it('returns what checkSchema returns as data when the input is valid', () => {
    expect(parseWithSchema(Schema, { name: 'a' })).toEqual({ name: 'a', replicas: 1 });
    expect(parseWithSchema(Schema, { name: 'a' })).toEqual(checkSchema(Schema, { name: 'a' }).data);
  });

  const cases = [
    {
      name: 'one problem, defaults',
      text: 'name: a\nreplicas: 0\n',
      options: {},
      code: 'SCHEMA_VIOLATION',
      message: /^invalid document: replicas: .*>=1/,
      line: 2,
    },
    {
      name: 'several problems, named and coded by the caller',
      text: 'name: 3\nreplica: 2\n',
      options: { what: 'policy p.yaml', code: 'POLICY_INVALID' as const },
      code: 'POLICY_INVALID',
      message: /^invalid policy p\.yaml: .* \(and 1 more problem\(s\)\)$/,
      line: 1,
    },
  ];
  it.each(cases)('$name: one message format, located, every finding in details', (c) => {
    const loaded = loadDocument(c.text, { file: 'x.yaml' });
    let thrown: unknown;
    try {
      parseWithSchema(Schema, loaded.data, { locator: loaded.locator, ...c.options });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: 'AgentforgeError',
      code: c.code,
      location: { file: 'x.yaml', line: c.line },
    });
    expect((thrown as Error).message).toMatch(c.message);
    expect((thrown as { details: unknown[] }).details).toEqual(
      checkSchema(Schema, loaded.data, { locator: loaded.locator }).findings,
    );
  });

  it('without a locator the error has no location', () => {
    expect(() => parseWithSchema(Schema, {})).toThrow(
      expect.objectContaining({
        location: undefined,
        message: expect.stringMatching(/^invalid document: name: /),
      }),
    );
  });
});

describe('checkSchema', () => {
  const throwing = z.object({ a: z.number() }).refine(() => {
    throw new Error('the refinement broke');
  });
  const asynchronous = z.object({ a: z.number() }).refine(async () => true);
  it.each([
    { name: 'a refinement that throws', schema: throwing, error: /the refinement broke/ },
    { name: 'an async refinement', schema: asynchronous, error: /async/i },
  ])('$name: throws what safeParse throws', ({ schema, error }) => {
    expect(() => schema.safeParse({ a: 1 })).toThrow(error);
    expect(() => checkSchema(schema, { a: 1 })).toThrow(error);
  });

  it.each([
    { name: 'valid', data: { name: 'a' } },
    { name: 'wrong types and an unknown key', data: { name: 1, replicas: 'x', extra: true } },
    { name: 'out of range, missing name', data: { replicas: 0 } },
  ])('$name: the issues safeParse reports, one finding each', ({ data }) => {
    const parsed = Schema.safeParse(data);
    const checked = checkSchema(Schema, data);
    expect(checked.success).toBe(parsed.success);
    if (parsed.success) expect(checked.data).toEqual(parsed.data);
    else
      expect(checked.findings.map((f) => f.ruleId)).toEqual(
        parsed.error.issues.flatMap((i) =>
          (i.code === 'unrecognized_keys' ? i.keys : [0]).map(() => `schema/${i.code.replace(/_/g, '-')}`),
        ),
      );
  });
});
