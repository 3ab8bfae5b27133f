import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { input, mutate, PRODUCTION } from '../test/helpers.js';
import { agentforgePolicy, createAgentforgeValidator } from './agentforge.js';

const validator = createAgentforgeValidator();
const run = (text: string, environment?: string) =>
  validator.validate(input(text), environment ? { environment } : {});

interface Case {
  rule: string;
  replace: Array<[string, string]>;
  path: string;
  severity: string;
}

// One failing variant per rule of the production example (which passes every rule).
const cases: Case[] = [
  {
    rule: 'agentforge/no-debug',
    replace: [['debug: false', 'debug: true']],
    path: '/debug',
    severity: 'high',
  },
  {
    rule: 'agentforge/no-mock-llm',
    replace: [['provider: anthropic', 'provider: mock']],
    path: '/llm/provider',
    severity: 'high',
  },
  {
    rule: 'agentforge/log-level',
    replace: [['level: info', 'level: trace']],
    path: '/logging/level',
    severity: 'medium',
  },
  {
    rule: 'agentforge/redis-tls',
    replace: [['url: rediss://', 'url: redis://']],
    path: '/dependencies/redis/url',
    severity: 'high',
  },
  {
    rule: 'agentforge/nats-tls',
    replace: [
      ['url: tls://nats', 'url: nats://nats'],
      ['    tls: true\n    credentials', '    tls: false\n    credentials'],
    ],
    path: '/dependencies/nats/url',
    severity: 'high',
  },
  {
    rule: 'agentforge/postgres-tls',
    replace: [['sslmode: verify-full', 'sslmode: prefer']],
    path: '/dependencies/postgres/sslmode',
    severity: 'high',
  },
  {
    rule: 'agentforge/resources',
    replace: [['      requests: { cpu: 100m, memory: 128Mi }\n', '']],
    path: '/services/monitoring/resources/requests/cpu',
    severity: 'high',
  },
  {
    rule: 'agentforge/image-pinned',
    replace: [
      [
        'image: ghcr.io/agentforge/swarm:1.8.2@sha256:3b1f0c8e9d2a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        'image: ghcr.io/agentforge/swarm:latest',
      ],
    ],
    path: '/services/swarm/image',
    severity: 'high',
  },
  {
    rule: 'agentforge/image-digest',
    replace: [
      [
        'image: ghcr.io/agentforge/tools:1.8.2@sha256:1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809',
        'image: ghcr.io/agentforge/tools:1.8.2',
      ],
    ],
    path: '/services/tools/image',
    severity: 'low',
  },
  {
    rule: 'agentforge/run-as-non-root',
    replace: [['runAsNonRoot: true', 'runAsNonRoot: false']],
    path: '/security/runAsNonRoot',
    severity: 'high',
  },
  {
    rule: 'agentforge/read-only-root-filesystem',
    replace: [['readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false']],
    path: '/security/readOnlyRootFilesystem',
    severity: 'high',
  },
  {
    rule: 'agentforge/network-policies',
    replace: [['networkPolicies: true', 'networkPolicies: false']],
    path: '/security/networkPolicies',
    severity: 'high',
  },
  {
    rule: 'agentforge/ingress-tls',
    replace: [['tls: { enabled: true, issuer', 'tls: { enabled: false, issuer']],
    path: '/security/tls/enabled',
    severity: 'high',
  },
  {
    rule: 'agentforge/monitoring',
    replace: [['  enabled: true\n  prometheus', '  enabled: false\n  prometheus']],
    path: '/monitoring/enabled',
    severity: 'high',
  },
  {
    rule: 'agentforge/prometheus',
    replace: [['prometheus: { enabled: true', 'prometheus: { enabled: false']],
    path: '/monitoring/prometheus/enabled',
    severity: 'high',
  },
  {
    rule: 'agentforge/probes',
    replace: [['      readiness: { path: /readyz }\n  gateway:', '  gateway:']],
    path: '/services/memory/probes/readiness',
    severity: 'medium',
  },
  {
    rule: 'agentforge/url-format',
    replace: [
      [
        'url: rediss://redis.agentforge-prod.svc.cluster.local:6380',
        'url: rediss://redis.agentforge-prod.svc.cluster.local:99999',
      ],
    ],
    path: '/dependencies/redis/url',
    severity: 'high',
  },
  {
    rule: 'agentforge/endpoint-format',
    replace: [['endpoint: https://api.anthropic.com', 'endpoint: api.anthropic.com']],
    path: '/llm/endpoint',
    severity: 'high',
  },
  {
    rule: 'agentforge/port-range',
    replace: [['port: 8080', 'port: 70000']],
    path: '/services/swarm/port',
    severity: 'high',
  },
  {
    rule: 'agentforge/quantity-format',
    replace: [['limits: { cpu: 500m, memory: 256Mi }', 'limits: { cpu: 500m, memory: 256MB }']],
    path: '/services/monitoring/resources/limits/memory',
    severity: 'high',
  },
  {
    rule: 'agentforge/limits-cover-requests',
    replace: [['limits: { cpu: "2", memory: 2Gi }', 'limits: { cpu: "2", memory: 512Mi }']],
    path: '/services/swarm/resources/limits/memory',
    severity: 'high',
  },
  {
    rule: 'agentforge/autoscaling-bounds',
    replace: [['minReplicas: 3, maxReplicas: 12', 'minReplicas: 13, maxReplicas: 12']],
    path: '/services/swarm/autoscaling/minReplicas',
    severity: 'high',
  },
  {
    rule: 'agentforge/pool-bounds',
    replace: [['pool: { min: 5, max: 40 }', 'pool: { min: 50, max: 40 }']],
    path: '/dependencies/postgres/pool/min',
    severity: 'high',
  },
  {
    rule: 'agentforge/llm-timeout',
    replace: [['timeoutMs: 60000', 'timeoutMs: 400000']],
    path: '/llm/timeoutMs',
    severity: 'medium',
  },
  {
    rule: 'agentforge/probe-timeout',
    replace: [
      [
        'liveness: { path: /healthz, periodSeconds: 10, timeoutSeconds: 2 }',
        'liveness: { path: /healthz, periodSeconds: 10, timeoutSeconds: 20 }',
      ],
    ],
    path: '/services/swarm/probes/liveness/timeoutSeconds',
    severity: 'medium',
  },
  {
    rule: 'agentforge/secret-store',
    replace: [['  store: vault-prod\n', '']],
    path: '/secrets/store',
    severity: 'high',
  },
  {
    rule: 'agentforge/no-plaintext-secrets',
    replace: [['SWARM_MAX_AGENTS: "64"', 'ANTHROPIC_API_KEY: sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv']],
    path: '/services/swarm/env/ANTHROPIC_API_KEY',
    severity: 'critical',
  },
  {
    rule: 'agentforge/min-replicas',
    replace: [['replicas: 2\n    port: 8083', 'replicas: 1\n    port: 8083']],
    path: '/services/route-engine/replicas',
    severity: 'high',
  },
  {
    rule: 'agentforge/autoscaling',
    replace: [
      ['    autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 20, targetCPUUtilization: 65 }\n', ''],
    ],
    path: '/services/gateway',
    severity: 'medium',
  },
];

describe('the AgentForge policy, rule by rule', () => {
  const passing = run(PRODUCTION);

  it('passes the example production environment with no finding', () => {
    expect(passing.findings).toEqual([]);
    expect(passing.passed).toBe(true);
  });

  it('has a failing case for every rule of the policy', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(agentforgePolicy().rules.map((r) => r.id)));
  });

  it.each(cases)('$rule: reports the mistake at its key', ({ rule, replace, path, severity }) => {
    expect(passing.findings.some((f) => f.ruleId === rule)).toBe(false);
    const text = mutate(PRODUCTION, replace);
    const report = run(text);
    const finding = report.findings.find((f) => f.ruleId === rule);
    expect(finding, JSON.stringify(report.findings.map((f) => f.ruleId))).toBeDefined();
    expect(finding).toMatchObject({ path, severity });
    expect(finding!.message.length).toBeGreaterThan(0);
    expect(finding!.recommendation.length).toBeGreaterThan(0);
    // The located line is the offending key's, or its nearest written parent's.
    const located = text.split('\n')[finding!.location!.line - 1]!;
    expect(
      path
        .split('/')
        .filter(Boolean)
        .some((segment) => located.includes(`${segment}:`)),
      `${located} names a key of ${path}`,
    ).toBe(true);
    expect(finding!.location).toMatchObject({ file: 'environments/production.yaml' });
    expect(finding!.location!.line).toBeGreaterThan(0);
  });

  it('documents every rule in RULES.md with its id, severity and recommendation', async () => {
    const doc = readFileSync(new URL('../RULES.md', import.meta.url), 'utf8');
    // @ts-expect-error: a plain .mjs script without types
    const { renderRules } = await import('../scripts/rules-doc.mjs');
    // Biome aligns Markdown tables, so compare with runs of spaces and dashes collapsed.
    const squash = (text: string) => text.replace(/ {2,}/g, ' ').replace(/-{3,}/g, '---');
    expect(squash(doc), 'RULES.md is current (run node scripts/rules-doc.mjs)').toContain(
      squash(renderRules()),
    );
    for (const rule of agentforgePolicy().rules) {
      expect(doc, rule.id).toContain(`### \`${rule.id}\``);
      expect(doc, rule.id).toContain(rule.recommendation);
    }
  });
});

describe('tier resolution', () => {
  const prodEu = mutate(PRODUCTION, [
    ['name: production', 'name: prod-eu'],
    ['debug: false', 'debug: true'],
  ]);

  it('gives an environment named prod-eu of tier production the production rules', () => {
    const report = run(prodEu, 'prod-eu');
    expect(report).toMatchObject({ environment: 'prod-eu', tier: 'production', passed: false });
    expect(report.findings.find((f) => f.ruleId === 'agentforge/no-debug')?.severity).toBe('high');
  });

  it('applies lower severities in staging', () => {
    const report = run(
      mutate(prodEu, [
        ['tier: production', 'tier: staging'],
        ['provider: anthropic', 'provider: mock'],
      ]),
    );
    expect(report.tier).toBe('staging');
    const severities = Object.fromEntries(report.findings.map((f) => [f.ruleId, f.severity]));
    expect(severities).toMatchObject({ 'agentforge/no-mock-llm': 'medium', 'agentforge/no-debug': 'medium' });
    expect(severities['agentforge/image-digest']).toBeUndefined();
  });

  it('is permissive in development, but a plaintext secret is still a medium finding', () => {
    const text = mutate(prodEu, [
      ['tier: production', 'tier: development'],
      ['provider: anthropic', 'provider: mock'],
      ['runAsNonRoot: true', 'runAsNonRoot: false'],
      ['SWARM_MAX_AGENTS: "64"', 'DB_PASSWORD: hunter2-hunter2'],
    ]);
    const report = run(text);
    expect(report.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['agentforge/no-plaintext-secrets', 'medium'],
    ]);
  });

  it('treats an unknown tier as a critical finding and applies the strictest tier, never a silent pass', () => {
    const report = run(mutate(prodEu, [['tier: production', 'tier: prod']]));
    expect(report.tier).toBe('production');
    expect(report.findings[0]).toMatchObject({
      ruleId: 'engine/unknown-tier',
      severity: 'critical',
      path: '/tier',
      location: { line: 3, column: 1 },
    });
    expect(report.findings.some((f) => f.ruleId === 'agentforge/no-debug')).toBe(true);
    expect(report.findings.some((f) => f.ruleId === 'schema/invalid-value')).toBe(true);
    expect(report.passed).toBe(false);
  });

  it('refuses an unknown tier given by the caller', () => {
    expect(() => createAgentforgeValidator({ tier: 'qa' })).toThrow(/unknown tier "qa"/);
    expect(() => validator.validate(input(PRODUCTION), { tier: 'qa' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_ENVIRONMENT' }),
    );
  });
});
