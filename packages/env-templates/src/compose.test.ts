import { readFileSync } from 'node:fs';
import { fromEnvironmentVariables } from '@agentforge/schema';
import { Ajv2019 } from 'ajv/dist/2019.js';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_NAMES, exampleDocument } from '../test/examples.js';
import type { Untyped } from '../test/kubernetes.js';
import { escapeInterpolation } from './compose.js';
import { generate } from './generators.js';
import { createEnvironment, TEMPLATE_NAMES } from './templates.js';

/**
 * The fixture is draft 2019-09 but still carries draft-04 `id` keywords (`"id": "#/definitions/service"`),
 * which ajv 8 refuses. They only restate each node's own location, so they are dropped here;
 * a property that happens to be named `id` is kept.
 */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(
        ([key, value]) =>
          !(key === 'id' && typeof value === 'string' && /^(#|compose_spec\.json$)/.test(value)),
      )
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}
const spec = withoutDraft4Ids(
  JSON.parse(readFileSync(new URL('../test/fixtures/compose-spec.json', import.meta.url), 'utf8')),
) as object;
// Its `$schema` is `http://…/draft/2019-09/schema#`, which ajv knows as `https://…`: skip the meta-check.
const ajv = new Ajv2019({ allErrors: true, strict: false, validateSchema: false });
// The custom formats the spec names, as docker compose reads them.
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat('ports', /^((\[?[0-9a-fA-F.:]+\]?:)?(\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
const validate = ajv.compile(spec);

const documents = [
  ...EXAMPLE_NAMES.map((name) => ({ name: `example ${name}`, document: () => exampleDocument(name) })),
  ...TEMPLATE_NAMES.map((tier) => ({
    name: `template ${tier}`,
    document: () => createEnvironment(`c-${tier}`, { template: tier }) as unknown,
  })),
];

function composeOf(document: unknown) {
  const files = generate('docker-compose', document);
  const compose = files.find((f) => f.path.startsWith('docker-compose.'))!;
  return { files, compose: yaml.load(compose.content) as Untyped };
}

describe('docker-compose generator', () => {
  it.each(documents)('$name: validates against the Compose Specification', ({ document }) => {
    const { compose } = composeOf(document());
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each(documents)(
    '$name: services wait for healthy dependencies, images are pinned, volumes are named',
    ({ document }) => {
      const input = document() as Untyped;
      const { compose } = composeOf(input);
      for (const [name, service] of Object.entries<Untyped>(compose.services)) {
        expect(service.image, name).toMatch(/:[\w.-]+(@sha256:[0-9a-f]{64})?$/);
        expect(service.image, name).not.toMatch(/:latest$/);
        expect(service.healthcheck?.test, name).toBeDefined();
        for (const dependency of Object.values<Untyped>(service.depends_on ?? {}))
          expect(dependency.condition).toBe('service_healthy');
      }
      for (const app of ['swarm', 'gateway']) {
        expect(compose.services[app].env_file).toEqual([`.env.${input.name}`]);
        expect(Object.keys(compose.services[app].depends_on).sort()).toEqual(['nats', 'postgres', 'redis']);
      }
      expect(Object.keys(compose.volumes)).toEqual(
        expect.arrayContaining(['redis-data', 'nats-data', 'postgres-data']),
      );
    },
  );

  it.each(documents)(
    '$name: every AGENTFORGE_* variable a service gets names a real setting',
    ({ document }) => {
      const { compose } = composeOf(document());
      for (const name of ['swarm', 'monitoring']) {
        const environment = compose.services[name].environment as Record<string, string>;
        expect(() => fromEnvironmentVariables(environment), name).not.toThrow();
        expect(environment.SERVICE_NAME).toBe(name);
      }
    },
  );

  it('puts Prometheus and Grafana in the "monitoring" profile, only when monitoring is on', () => {
    const on = composeOf(exampleDocument('production'));
    expect(on.compose.services.prometheus.profiles).toEqual(['monitoring']);
    expect(on.compose.services.grafana.profiles).toEqual(['monitoring']);
    expect(on.files.map((f) => f.path)).toContain('prometheus.production.yml');
    const off = composeOf(
      createEnvironment('quiet', { template: 'development', overrides: { monitoring: { enabled: false } } }),
    );
    expect(off.compose.services.prometheus).toBeUndefined();
    expect(off.files.map((f) => f.path)).toEqual(['docker-compose.quiet.yaml']);
  });

  it('leaves disabled services out', () => {
    const { compose } = composeOf(
      createEnvironment('lean', {
        template: 'development',
        overrides: { services: { tools: { enabled: false } } },
      }),
    );
    expect(compose.services.tools).toBeUndefined();
    expect(compose.services.swarm).toBeDefined();
  });

  it('the validator catches a broken compose file (the check can fail)', () => {
    const { compose } = composeOf(exampleDocument('development'));
    compose.services.swarm.depends_on.redis.condition = 'whenever';
    expect(validate(compose)).toBe(false);
    const { compose: badPort } = composeOf(exampleDocument('development'));
    badPort.services.swarm.ports = ['localhost:eighty:80'];
    expect(validate(badPort)).toBe(false);
  });
});

/**
 * Compose's interpolation as the Compose Specification ("Interpolation") defines it: `$$` is a
 * literal `$`; `$VAR`, `${VAR}` and `${VAR:-default}`/`${VAR-default}`/`${VAR:?err}`/
 * `${VAR?err}`/`${VAR:+alt}`/`${VAR+alt}` are substituted. A reference implementation for the
 * test, with every variable set to `SUBSTITUTED`.
 */
function interpolate(text: string): string {
  return text.replace(
    /\$(?:\$|\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)/g,
    (m) => (m === '$$' ? '$' : 'SUBSTITUTED'),
  );
}

describe('compose interpolation', () => {
  it.each(['plain', '$HOME', '${PATH}', 'a$$b', '$', 'pa$$w0rd$', '${VAR:-x}', '$1', 'price: 5$'])(
    'a literal %j reads back unchanged after Compose interpolation',
    (value) => {
      expect(interpolate(escapeInterpolation(value))).toBe(value);
    },
  );

  it('writes service variables escaped, so Compose substitutes nothing in them', () => {
    const input = createEnvironment('dollar', {
      template: 'development',
      overrides: { services: { swarm: { env: { GREETING: 'hi $USER from ${HOME}' } } } } as never,
    });
    const compose = yaml.load(generate('docker-compose', input)[0]!.content) as Untyped;
    const value = compose.services.swarm.environment.GREETING as string;
    expect(value).toBe('hi $$USER from $${HOME}');
    expect(interpolate(value)).toBe('hi $USER from ${HOME}');
  });
});
