import { describe, expect, it } from 'vitest';
import { compileDeclarativeRule, type DeclarativeRule, DeclarativeRuleSchema } from './declarative.js';
import { createValidator } from './engine.js';
import { FORMATS } from './formats.js';

const meta = { id: 'test/rule', description: 'd', recommendation: 'r', severity: 'high' as const };
const check = (rule: Omit<DeclarativeRule, keyof typeof meta>, data: unknown) =>
  createValidator({ rules: [compileDeclarativeRule({ ...meta, ...rule })], tier: 'production' })
    .validate({ data })
    .findings.map((f) => `${f.path} ${f.message}`);

const doc = {
  debug: true,
  llm: { provider: 'mock', apiKey: 'sk-proj-4fJx9QmZr2LkT7vBnW8cYp3HdGs6AeU1' },
  services: {
    a: {
      replicas: 1,
      image: 'x:latest',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '250m', memory: '2Gi' } },
    },
    b: { replicas: 3, image: 'x:1.2.3', enabled: false, resources: { requests: { cpu: '1' } } },
  },
};

const cases: Array<{ name: string; rule: Omit<DeclarativeRule, keyof typeof meta>; expected: string[] }> = [
  { name: 'required (present)', rule: { required: 'services.*.replicas' }, expected: [] },
  {
    name: 'required with a glob (missing, at the missing key)',
    rule: { required: 'services.*.resources.limits.cpu' },
    expected: ['/services/b/resources/limits/cpu services.b.resources.limits.cpu is required'],
  },
  {
    name: 'forbidden value',
    rule: { forbidden: { path: 'debug', values: [true] } },
    expected: ['/debug debug must not be true'],
  },
  {
    name: 'forbidden pattern',
    rule: { forbidden: { path: 'services.*.image', patterns: [':latest$'] } },
    expected: ['/services/a/image services.a.image must not be "x:latest"'],
  },
  {
    name: 'range',
    rule: { range: { path: 'services.*.replicas', min: 2 } },
    expected: ['/services/a/replicas services.a.replicas is 1; it must be ≥ 2'],
  },
  {
    name: 'range on quantities',
    rule: { range: { path: 'services.*.resources.requests.cpu', max: 0.75 } },
    expected: [
      '/services/b/resources/requests/cpu services.b.resources.requests.cpu is "1"; it must be ≤ 0.75',
    ],
  },
  {
    name: 'range integer',
    rule: { range: { path: 'services.a.resources.requests.cpu', integer: true } },
    expected: [
      '/services/a/resources/requests/cpu services.a.resources.requests.cpu is "500m", not an integer',
    ],
  },
  {
    name: 'pattern regex',
    rule: { pattern: { path: 'llm.provider', regex: '^(openai|anthropic)$' } },
    expected: ['/llm/provider llm.provider is "mock"; expected text matching /^(openai|anthropic)$/'],
  },
  {
    name: 'pattern format (and secrets redacted in messages)',
    rule: { pattern: { path: 'llm.apiKey', format: 'url' } },
    expected: [
      expect.stringMatching(
        /^\/llm\/apiKey llm\.apiKey is "«redacted»"; expected a well-formed URL/,
      ) as unknown as string,
    ],
  },
  {
    name: 'oneOf',
    rule: { oneOf: { path: 'llm.provider', values: ['openai'] } },
    expected: ['/llm/provider llm.provider is "mock"; allowed: "openai"'],
  },
  {
    name: 'when binds * for the assertion',
    rule: {
      when: { path: 'services.*.enabled', notIn: [false] },
      range: { path: 'services.*.replicas', min: 2 },
    },
    expected: ['/services/a/replicas services.a.replicas is 1; it must be ≥ 2'],
  },
  {
    name: 'when not met',
    rule: { when: { path: 'debug', equals: false }, required: 'nothing' },
    expected: [],
  },
  {
    name: 'compare with bindings per service and resource',
    rule: {
      compare: { left: 'services.*.resources.limits.*', op: '>=', right: 'services.*.resources.requests.*' },
    },
    expected: [
      '/services/a/resources/limits/cpu services.a.resources.limits.cpu ("250m") must be >= services.a.resources.requests.cpu ("500m")',
    ],
  },
  {
    name: 'message template',
    rule: { forbidden: { path: 'llm.provider', values: ['mock'] }, message: '{path} = {value}' },
    expected: ['/llm/provider llm.provider = "mock"'],
  },
];

describe('declarative rules', () => {
  it.each(cases)('$name', ({ rule, expected }) => {
    expect(check(rule, doc)).toEqual(expected);
  });

  it('binds each condition of a list in turn, carrying earlier bindings into later ones', () => {
    const rule = {
      when: [
        { path: 'services.*.enabled', notIn: [false] },
        { path: 'services.*.resources.*.cpu', exists: true },
      ],
      required: 'services.*.resources.*.memory',
    };
    const data = {
      services: {
        a: { enabled: true, resources: { requests: { cpu: '1' }, limits: { cpu: '2', memory: '1Gi' } } },
        b: { enabled: false, resources: { requests: { cpu: '1' } } },
        c: { resources: { limits: { cpu: '1' }, requests: { memory: '1Gi' } } },
      },
    };
    expect(check(rule, data)).toEqual([
      '/services/a/resources/requests/memory services.a.resources.requests.memory is required',
      '/services/c/resources/limits/memory services.c.resources.limits.memory is required',
    ]);
    const compiled = compileDeclarativeRule({ ...meta, ...rule });
    const violations = compiled.check({
      data,
      raw: data,
      schemaValid: true,
      locator: undefined,
      file: undefined,
      document: undefined,
      environment: { name: 'production', tier: 'production' },
      report: () => undefined,
    });
    // Binding order: services in key order, then resources in key order within each.
    expect([...(violations ?? [])].map((v) => v.path)).toEqual([
      ['services', 'a', 'resources', 'requests', 'memory'],
      ['services', 'c', 'resources', 'limits', 'memory'],
    ]);
  });

  it.each([
    { name: 'no assertion', rule: { ...meta } },
    { name: 'two assertions', rule: { ...meta, required: 'a', oneOf: { path: 'a', values: [1] } } },
    { name: 'bad regex', rule: { ...meta, pattern: { path: 'a', regex: '(' } } },
    { name: 'unknown format', rule: { ...meta, pattern: { path: 'a', format: 'zip' } } },
    { name: 'bad id', rule: { ...meta, id: 'Rule', required: 'a' } },
  ])('refuses a rule with $name', ({ rule }) => {
    expect(DeclarativeRuleSchema.safeParse(rule).success).toBe(false);
  });
});

describe('formats', () => {
  it.each([
    ['url', 'https://api.example.com/v1', 'api.example.com'],
    ['hostname', 'agentforge.example.com', 'not a host'],
    ['duration', '30s', '30 seconds'],
    ['quantity', '512Mi', '512MB'],
    ['image', 'ghcr.io/org/app:1.2', 'Ghcr.io/Org/App'],
    ['pinned-image', 'ghcr.io/org/app@sha256:' + 'a'.repeat(64), 'ghcr.io/org/app:latest'],
    ['pinned-image', 'registry:5000/app:1.0', 'ghcr.io/org/app'],
  ])('%s accepts %s and refuses %s', (format, good, bad) => {
    expect(FORMATS[format]!.test(good)).toBe(true);
    expect(FORMATS[format]!.test(bad)).toBe(false);
  });
});
