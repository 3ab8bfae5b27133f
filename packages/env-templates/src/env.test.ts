import {
  detectSecret,
  EnvironmentDocumentSchema,
  fromEnvironmentVariables,
  isAgentforgeError,
  parseDotenv,
} from '@agentforge/schema';
import dotenv from 'dotenv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NAMES, exampleDocument } from '../test/examples.js';
import { formatDotenvLine } from './env.js';
import { generate } from './generators.js';
import { createEnvironment, TEMPLATE_NAMES } from './templates.js';

const schemaParse = (value: unknown) => EnvironmentDocumentSchema.parse(value);
const asMap = (text: string) =>
  Object.fromEntries(parseDotenv(text).map((entry) => [entry.key, entry.value]));

const documents = [
  ...EXAMPLE_NAMES.map((name) => ({ name: `example ${name}`, document: () => exampleDocument(name) })),
  ...TEMPLATE_NAMES.map((tier) => ({
    name: `template ${tier}`,
    document: () => createEnvironment(`my-${tier}`, { template: tier }) as unknown,
  })),
];

describe('env generator', () => {
  it.each(documents)(
    '$name: .env reads back identically with dotenv and parseDotenv, and maps back to the same document',
    ({ document }) => {
      const input = document();
      const [env, example] = generate('env', input);
      const name = schemaParse(input).name;
      expect(env).toMatchObject({ path: `.env.${name}`, mode: 0o600 });
      expect(example).toMatchObject({ path: `.env.${name}.example`, mode: 0o644 });
      const viaDotenv = dotenv.parse(env!.content);
      expect(asMap(env!.content)).toEqual(viaDotenv);
      expect(viaDotenv.REDIS_URL).toMatch(/^rediss?:\/\//);
      expect(viaDotenv.NATS_URL).toMatch(/^(nats|tls):\/\//);
      expect(viaDotenv.DATABASE_URL).toMatch(/^postgres(ql)?:\/\/.*sslmode=/);
      // document → .env → parsed → document gives the same values
      const back = fromEnvironmentVariables(viaDotenv).data;
      expect(schemaParse(back)).toEqual(schemaParse(input));
    },
  );

  it('writes secrets only as placeholders: empty in .env.<name>, <secret/key> in the example', () => {
    const [env, example] = generate('env', exampleDocument('production'));
    const vars = dotenv.parse(env!.content);
    const examples = dotenv.parse(example!.content);
    expect(vars.LLM_API_KEY).toBe('');
    expect(vars.POSTGRES_PASSWORD).toBe('');
    expect(examples.LLM_API_KEY).toBe('<llm-api-key/apiKey>');
    expect(examples.REDIS_PASSWORD).toBe('<redis-auth/password>');
    expect(vars.AGENTFORGE_LLM__API_KEY__SECRET_REF).toBe('llm-api-key');
  });

  it.each([
    { tier: 'development', literal: true },
    { tier: 'staging', literal: false },
    { tier: 'production', literal: false },
  ] as const)(
    'a literal secret under services.*.env in $tier: in .env only in development, never in the example',
    ({ tier, literal }) => {
      const canary = ['sk_live_', '51CANARYdev0123456789'].join('');
      const input = createEnvironment(`lit-${tier}`, {
        template: tier,
        overrides: { services: { swarm: { env: { STRIPE_SECRET_KEY: canary } } } } as never,
      });
      const [env, example] = generate('env', input);
      expect(dotenv.parse(env!.content).STRIPE_SECRET_KEY).toBe(literal ? canary : '');
      expect(env!.mode).toBe(0o600);
      expect(dotenv.parse(example!.content).STRIPE_SECRET_KEY).toBe('<swarm-env/STRIPE_SECRET_KEY>');
      expect(example!.content).not.toContain('CANARY');
    },
  );

  it('is deterministic', () => {
    expect(generate('env', exampleDocument('staging'))).toEqual(generate('env', exampleDocument('staging')));
  });

  it('round-trips arbitrary service variables, feature flags and settings (property)', () => {
    const envName = fc.stringMatching(/^[A-Z][A-Z0-9]{0,6}(_[A-Z0-9]{1,4}){0,2}$/);
    const value = fc.string({
      unit: fc.constantFrom('a', 'Z', '9', ' ', '#', '"', "'", '`', '\\', '$', '=', '{', 'é', '/', ':'),
    });
    fc.assert(
      fc.property(
        fc.dictionary(envName, value, { maxKeys: 4 }),
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/), fc.boolean(), {
          maxKeys: 4,
        }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom('trace', 'debug', 'info', 'warn', 'error', 'fatal'),
        (env, features, replicas, level) => {
          const plain = Object.fromEntries(
            Object.entries(env).filter(([k, v]) => detectSecret(k, v, { entropy: true }) === undefined),
          );
          // An empty map has no variables to carry; it reads back as absent, which means the same.
          const serviceEnv = Object.keys(plain).length > 0 ? plain : undefined;
          const input = createEnvironment('prop', {
            template: 'staging',
            overrides: {
              logging: { level },
              features,
              services: { tools: { replicas, env: serviceEnv } },
            } as never,
          });
          let files: ReturnType<typeof generate>;
          try {
            files = generate('env', input);
          } catch (error) {
            // Only values no dotenv quoting can carry are refused, with a typed error.
            expect(isAgentforgeError(error) && error.code).toBe('INVALID_ARGUMENT');
            return;
          }
          const parsed = dotenv.parse(files[0]!.content);
          expect(asMap(files[0]!.content)).toEqual(parsed);
          expect(schemaParse(fromEnvironmentVariables(parsed).data)).toEqual(input);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('formatDotenvLine', () => {
  const cases = [
    { name: 'plain', value: 'abc-123', line: 'K=abc-123' },
    { name: 'empty', value: '', line: 'K=' },
    { name: 'spaces', value: ' a b ', line: "K=' a b '" },
    { name: 'hash', value: 'a#b', line: "K='a#b'" },
    { name: 'dollar (no compose interpolation)', value: '$HOME', line: "K='$HOME'" },
    { name: 'JSON', value: '[{"a":"b\\"c"}]', line: 'K=\'[{"a":"b\\"c"}]\'' },
    { name: 'single quote', value: "it's", line: 'K="it\'s"' },
    { name: 'newline', value: "a\nb'", line: 'K="a\\nb\'"' },
  ];
  it.each(cases)('$name', ({ value, line }) => {
    expect(formatDotenvLine('K', value)).toBe(line);
    expect(dotenv.parse(line).K).toBe(value);
    expect(asMap(line).K).toBe(value);
  });

  it('refuses what no quoting can carry, and bad names', () => {
    expect(() => formatDotenvLine('K', 'a\'b"c`d')).toThrow(/cannot be written/);
    expect(() => formatDotenvLine('K', 'ends with \\')).toThrow(/cannot be written/);
    expect(() => formatDotenvLine('1BAD', 'x')).toThrow(/variable name/);
  });

  it('any value it writes reads back unchanged with both parsers (property)', () => {
    const text = fc.string({
      unit: fc.constantFrom(
        'a',
        'Z',
        '0',
        ' ',
        '#',
        '"',
        "'",
        '`',
        '\\',
        '\n',
        '$',
        '=',
        ':',
        '{',
        'é',
        '\t',
      ),
    });
    fc.assert(
      fc.property(fc.array(text, { maxLength: 5 }), (values) => {
        const lines: string[] = [];
        const kept: string[] = [];
        values.forEach((value, i) => {
          try {
            lines.push(formatDotenvLine(`K${i}`, value));
            kept.push(value);
          } catch {
            lines.push(`K${i}=skipped`);
            kept.push('skipped');
          }
        });
        const file = `${lines.join('\n')}\n`;
        const expected = Object.fromEntries(kept.map((value, i) => [`K${i}`, value]));
        expect(dotenv.parse(file)).toEqual(expected);
        expect(asMap(file)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
