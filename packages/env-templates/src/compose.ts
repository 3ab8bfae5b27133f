import { type EnvironmentDocument, SERVICE_NAMES, type ServiceName } from '@agentforge/schema';
import { bytes, millicores } from './_quantities.js';
import { generatedBy, header, toYaml } from './_yaml.js';
import type { PreparedDocument } from './document.js';
import type { GeneratedFile } from './files.js';
import type { Generator } from './generator-types.js';

/** The pinned images of the backing services in compose files. */
export const COMPOSE_IMAGES = {
  redis: 'redis:7.4.1-alpine',
  nats: 'nats:2.10.22-alpine',
  postgres: 'postgres:16.4-alpine',
  prometheus: 'prom/prometheus:v2.55.1',
  grafana: 'grafana/grafana:11.3.0',
} as const;

type ComposeService = Record<string, unknown>;
const healthy = { condition: 'service_healthy' } as const;
const check = (test: string[], startPeriod = '10s') => ({
  test,
  interval: '10s',
  timeout: '3s',
  retries: 5,
  start_period: startPeriod,
});

/** Memory in docker's units (`512m`, `2g`), the largest that divides it evenly. */
function dockerMemory(quantity: string): string {
  const value = bytes(quantity);
  for (const [unit, size] of [
    ['g', 2 ** 30],
    ['m', 2 ** 20],
    ['k', 2 ** 10],
  ] as const)
    if (value % size === 0) return `${value / size}${unit}`;
  return `${value}b`;
}

/** The database name and user written in the PostgreSQL URL. */
function postgresIdentity(document: EnvironmentDocument): { user: string; database: string } {
  const url = new URL(document.dependencies.postgres.url);
  return {
    user: decodeURIComponent(url.username) || 'agentforge',
    database: decodeURIComponent(url.pathname.slice(1)) || 'agentforge',
  };
}

/** Settings that point the services at the compose stack's own Redis, NATS and PostgreSQL (plain TCP, local). */
function localConnections(document: EnvironmentDocument): Record<string, string> {
  const { user, database } = postgresIdentity(document);
  const postgres = `postgres://${encodeURIComponent(user)}@postgres:5432/${encodeURIComponent(database)}`;
  return {
    AGENTFORGE_DEPENDENCIES__NATS__TLS: 'false',
    AGENTFORGE_DEPENDENCIES__NATS__URL: 'nats://nats:4222',
    AGENTFORGE_DEPENDENCIES__POSTGRES__SSLMODE: 'disable',
    AGENTFORGE_DEPENDENCIES__POSTGRES__URL: postgres,
    AGENTFORGE_DEPENDENCIES__REDIS__TLS: 'false',
    AGENTFORGE_DEPENDENCIES__REDIS__URL: 'redis://redis:6379',
    DATABASE_URL: `${postgres}?sslmode=disable`,
    NATS_URL: 'nats://nats:4222',
    REDIS_URL: `redis://redis:6379/${document.dependencies.redis.db}`,
  };
}

/**
 * A literal for a compose file: Compose interpolates `$VAR` and `${VAR}` in every value, and
 * `$$` is its escape for a literal `$` (Compose Specification, "Interpolation").
 */
export function escapeInterpolation(value: string): string {
  return value.replaceAll('$', '$$$$');
}

function appService(prepared: PreparedDocument, name: ServiceName): ComposeService {
  const { document } = prepared;
  const service = document.services[name];
  const envFile = `.env.${document.name}`;
  const environment: Record<string, string> = {
    ...localConnections(document),
    SERVICE_NAME: name,
    PORT: String(service.port),
  };
  for (const [key, value] of Object.entries(service.env ?? {}))
    if (typeof value === 'string') environment[key] = escapeInterpolation(value);
  // Secret values come from the env file at `docker compose --env-file` time, never from here.
  for (const secret of prepared.secrets)
    if (secret.scope === name) environment[secret.variable] = `\${${secret.variable}:-}`;
  const sorted = Object.fromEntries(Object.entries(environment).sort(([a], [b]) => (a < b ? -1 : 1)));
  const probe = service.probes?.liveness?.path ?? '/healthz';
  const { requests, limits } = service.resources ?? {};
  const amounts = (side: { cpu?: string | undefined; memory?: string | undefined } | undefined) =>
    side && (side.cpu || side.memory)
      ? {
          ...(side.cpu ? { cpus: String(millicores(side.cpu) / 1000) } : {}),
          ...(side.memory ? { memory: dockerMemory(side.memory) } : {}),
        }
      : undefined;
  const limitAmounts = amounts(limits);
  const reservationAmounts = amounts(requests);
  return {
    image: escapeInterpolation(service.image),
    restart: 'unless-stopped',
    env_file: [envFile],
    environment: sorted,
    ports: [`127.0.0.1:${service.port}:${service.port}`],
    depends_on: { redis: healthy, nats: healthy, postgres: healthy },
    healthcheck: check(
      [
        'CMD',
        'wget',
        '-q',
        '-O',
        '/dev/null',
        `http://127.0.0.1:${service.port}${escapeInterpolation(probe)}`,
      ],
      '30s',
    ),
    ...(document.security.runAsNonRoot ? { user: '10001:10001' } : {}),
    read_only: document.security.readOnlyRootFilesystem,
    ...(document.security.readOnlyRootFilesystem ? { tmpfs: ['/tmp'] } : {}),
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges:true'],
    ...(limitAmounts || reservationAmounts
      ? {
          deploy: {
            resources: {
              ...(limitAmounts ? { limits: limitAmounts } : {}),
              ...(reservationAmounts ? { reservations: reservationAmounts } : {}),
            },
          },
        }
      : {}),
  };
}

function prometheusConfig(document: EnvironmentDocument): string {
  const jobs = SERVICE_NAMES.filter((name) => document.services[name].enabled).map((name) => ({
    job_name: `agentforge-${name}`,
    metrics_path: '/metrics',
    static_configs: [
      {
        targets: [`${name}:${document.services[name].port}`],
        labels: { environment: document.name, service: name },
      },
    ],
  }));
  return (
    header([
      `Prometheus configuration for the compose stack of environment "${document.name}".`,
      generatedBy(document.name, 'docker-compose'),
    ]) +
    toYaml({
      global: {
        scrape_interval: document.monitoring.prometheus.scrapeInterval,
        evaluation_interval: document.monitoring.prometheus.scrapeInterval,
      },
      scrape_configs: jobs,
    })
  );
}

function composeDocument(prepared: PreparedDocument): {
  compose: Record<string, unknown>;
  monitoring: boolean;
} {
  const { document } = prepared;
  const { user, database } = postgresIdentity(document);
  const passwordSecret = prepared.secrets.find((s) => s.pointer === '/dependencies/postgres/password');
  const grafanaSecret = prepared.secrets.find((s) => s.pointer === '/monitoring/grafana/adminPassword');
  const services: Record<string, ComposeService> = {
    redis: {
      image: COMPOSE_IMAGES.redis,
      restart: 'unless-stopped',
      command: ['redis-server', '--appendonly', 'yes'],
      volumes: ['redis-data:/data'],
      healthcheck: check(['CMD', 'redis-cli', 'ping']),
    },
    nats: {
      image: COMPOSE_IMAGES.nats,
      restart: 'unless-stopped',
      command: [
        ...(document.dependencies.nats.jetstream ? ['--jetstream', '--store_dir', '/data'] : []),
        '--http_port',
        '8222',
      ],
      volumes: ['nats-data:/data'],
      healthcheck: check(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8222/healthz']),
    },
    postgres: {
      image: COMPOSE_IMAGES.postgres,
      restart: 'unless-stopped',
      environment: {
        POSTGRES_DB: database,
        POSTGRES_USER: user,
        // With a password reference the value must be set in the env file; without one the local database trusts its clients.
        ...(passwordSecret
          ? {
              POSTGRES_PASSWORD: `\${${passwordSecret.variable}:?set ${passwordSecret.variable} in .env.${document.name}}`,
            }
          : { POSTGRES_HOST_AUTH_METHOD: 'trust' }),
      },
      volumes: ['postgres-data:/var/lib/postgresql/data'],
      healthcheck: check(['CMD', 'pg_isready', '-U', user, '-d', database]),
    },
  };
  const volumes: Record<string, Record<string, never>> = {
    'redis-data': {},
    'nats-data': {},
    'postgres-data': {},
  };
  const monitoring = document.monitoring.enabled && document.monitoring.prometheus.enabled;
  if (monitoring) {
    services.prometheus = {
      image: COMPOSE_IMAGES.prometheus,
      restart: 'unless-stopped',
      profiles: ['monitoring'],
      command: [
        '--config.file=/etc/prometheus/prometheus.yml',
        `--storage.tsdb.retention.time=${document.monitoring.prometheus.retention}`,
      ],
      volumes: [
        `./prometheus.${document.name}.yml:/etc/prometheus/prometheus.yml:ro`,
        'prometheus-data:/prometheus',
      ],
      ports: ['127.0.0.1:9091:9090'],
      healthcheck: check(['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9090/-/healthy']),
    };
    volumes['prometheus-data'] = {};
    if (document.monitoring.grafana.enabled) {
      services.grafana = {
        image: COMPOSE_IMAGES.grafana,
        restart: 'unless-stopped',
        profiles: ['monitoring'],
        environment: grafanaSecret
          ? {
              GF_SECURITY_ADMIN_PASSWORD: `\${${grafanaSecret.variable}:?set ${grafanaSecret.variable} in .env.${document.name}}`,
            }
          : { GF_AUTH_ANONYMOUS_ENABLED: 'true' },
        ports: ['127.0.0.1:3000:3000'],
        volumes: ['grafana-data:/var/lib/grafana'],
        depends_on: { prometheus: healthy },
        healthcheck: check(
          ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:3000/api/health'],
          '30s',
        ),
      };
      volumes['grafana-data'] = {};
    }
  }
  for (const name of SERVICE_NAMES)
    if (document.services[name].enabled) services[name] = appService(prepared, name);
  return { compose: { services, volumes }, monitoring };
}

/** `docker-compose.<name>.yaml` (and `prometheus.<name>.yml` when monitoring is on) for running the environment locally. */
export const composeGenerator: Generator = {
  description:
    'docker-compose.<name>.yaml with the enabled services, Redis, NATS, PostgreSQL and (profile "monitoring") Prometheus and Grafana',
  generate(prepared) {
    const { name } = prepared.document;
    const { compose, monitoring } = composeDocument(prepared);
    const files: GeneratedFile[] = [
      {
        path: `docker-compose.${name}.yaml`,
        content:
          header([
            `AgentForge environment "${name}" (${prepared.document.tier}) as a local compose stack.`,
            generatedBy(name, 'docker-compose'),
            `Run: docker compose --env-file .env.${name} -f docker-compose.${name}.yaml up -d${monitoring ? '  (add --profile monitoring for Prometheus and Grafana)' : ''}`,
            "The services reach this stack's own Redis, NATS and PostgreSQL over plain TCP; secrets come only from the env file.",
          ]) + toYaml(compose),
        mode: 0o644,
      },
    ];
    if (monitoring)
      files.push({
        path: `prometheus.${name}.yml`,
        content: prometheusConfig(prepared.document),
        mode: 0o644,
      });
    return files;
  },
};
