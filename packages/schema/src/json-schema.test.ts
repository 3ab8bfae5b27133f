import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { checkSchema } from './check.js';
import { EnvironmentDocumentSchema } from './environment.js';
import { loadDocument } from './load.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const cli = `${repo}packages/cli/bin/agentforge.cjs`;
const example = (name: string) =>
  loadDocument<Record<string, any>>(
    readFileSync(`${repo}examples/platform/environments/${name}.yaml`, 'utf8'),
  ).data;

describe('JSON Schema', () => {
  // What `agentforge schema` prints is what editors and ajv users get.
  const printed = JSON.parse(execFileSync(process.execPath, [cli, 'schema'], { encoding: 'utf8' }));
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(printed);

  it.each(['development', 'staging', 'production'])('accepts the %s example, as zod does', (name) => {
    const doc = example(name);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(checkSchema(EnvironmentDocumentSchema, doc).success).toBe(true);
  });

  it.each([
    ['a typo in a key', (d: any) => (d.services.swarm.replicaz = 3)],
    ['a wrong type', (d: any) => (d.debug = 'false')],
    ['a bad quantity', (d: any) => (d.services.swarm.resources.limits.memory = 'lots')],
    ['a plaintext API key', (d: any) => (d.llm.apiKey = 'sk-123')],
    ['a bad URL scheme', (d: any) => (d.dependencies.redis.url = 'https://redis')],
    ['a missing service', (d: any) => delete d.services.tools],
  ])('rejects %s, as zod does', (_, edit) => {
    const doc = example('production');
    edit(doc);
    expect(validate(doc)).toBe(false);
    expect(checkSchema(EnvironmentDocumentSchema, doc).success).toBe(false);
  });

  it('matches the committed schema.json and docs/configuration.md (run `pnpm generate` to update)', () => {
    const committed = JSON.parse(readFileSync(`${repo}packages/schema/schema.json`, 'utf8'));
    expect(committed).toEqual(printed);
    const docs = execFileSync(process.execPath, [cli, 'schema', '--format', 'markdown'], {
      encoding: 'utf8',
    });
    expect(readFileSync(`${repo}docs/configuration.md`, 'utf8')).toBe(docs);
  });

  it('is the schema each example points its yaml-language-server line at', () => {
    for (const name of ['development', 'staging', 'production']) {
      const first = readFileSync(`${repo}examples/platform/environments/${name}.yaml`, 'utf8').split('\n')[0];
      expect(first).toBe('# yaml-language-server: $schema=../../../packages/schema/schema.json');
    }
  });
});
