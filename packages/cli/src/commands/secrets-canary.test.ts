// The canary corpus: secrets of every shape the detector knows, written where people write them,
// run through every command, every format and `--debug`. No canary may appear in any output or
// any file written, except the development tier's own `.env.<name>` (mode 0600), which is where
// a developer's local value belongs. `config validate` must flag every shape.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const examples = join(import.meta.dirname, '../../../../examples/platform/environments');

// Every canary holds CANARY; they are assembled here so the file itself trips no scanner.
const c = (...parts: string[]) => parts.join('');
const SHAPES: Record<string, string> = {
  // Name classes (the value is plain; the name makes it a secret).
  DJANGO_SECRET_KEY: 'CANARY-django-plain-value',
  ENCRYPTION_KEY: 'CANARY-encryption',
  SESSION_KEY: 'CANARY-session',
  DB_PASSWORD: 'CANARY-hunter2',
  PASSWORD_SALT: 'CANARY-salt',
  AZURE_BATCH_KEY: 'CANARY-azure',
  // Value formats under innocent names.
  STRIPE_SECRET_KEY: c('sk_live_', 'CANARY0123456789abc'),
  PAYMENTS_CONFIG: c('rk_live_', 'CANARY0123456789abc'),
  UPSTREAM_A: c('AKIA', 'CANARY0123456789'),
  UPSTREAM_B: c('ghp_', 'CANARY', '012345678901234567890123456789'),
  UPSTREAM_C: c('xoxb-', 'CANARY-0123456789'),
  UPSTREAM_D: c('AIza', 'CANARY', '01234567890123456789012345678'),
  UPSTREAM_E: c('sk-ant-', 'api03-CANARY0123456789abcdef'),
  UPSTREAM_F: c('sk-proj-', 'CANARY0123456789abcdefghijkl'),
  UPSTREAM_G: c('eyJ', 'CANARYhead0', '.eyJ', 'CANARYbody0', '.CANARYsig0123'),
  UPSTREAM_URL: 'postgres://app:CANARY-url-pw@db:5432/app',
  UPSTREAM_PEM: c('---BEGIN RSA PRIVATE', ' KEY---\nMIIECANARYpem0\n---END RSA PRIVATE', ' KEY---'),
  // Entropy: a random-looking value under an innocent name.
  UPSTREAM_SEED: 'Zq8Jw2mVt9ZpLCANARYx4RkHs7NcYd3Gf',
};

function yamlValue(value: string): string {
  return JSON.stringify(value);
}

/** An environment file of `tier` with every canary under `services.swarm.env`. */
function environmentText(tier: 'production' | 'development'): string {
  const base = readFileSync(join(examples, `${tier}.yaml`), 'utf8');
  const lines = Object.entries(SHAPES).map(([k, v]) => `      ${k}: ${yamlValue(v)}`);
  // Under swarm's `env:` block, or a new one right below `swarm:`.
  const swarm = /^ {2}swarm:\n/m.exec(base);
  if (!swarm) throw new Error(`no services.swarm in ${tier}.yaml`);
  const after = swarm.index + swarm[0].length;
  const env = /^ {4}env:\n/m.exec(base.slice(after));
  const next = /^ {2}\S/m.exec(base.slice(after));
  if (env && (!next || env.index < next.index)) {
    const at = after + env.index + env[0].length;
    return `${base.slice(0, at)}${lines.join('\n')}\n${base.slice(at)}`;
  }
  return `${base.slice(0, after)}    env:\n${lines.join('\n')}\n${base.slice(after)}`;
}

/** A manifest set: a Deployment with env entries in block and flow style, and a ConfigMap. */
function manifests(): string {
  const block = Object.entries(SHAPES)
    .map(([k, v]) => `            - name: ${k}\n              value: ${yamlValue(v)}`)
    .join('\n');
  const flow = Object.entries(SHAPES)
    .map(([k, v]) => `            - { name: FLOW_${k}, value: ${yamlValue(v)} }`)
    .join('\n');
  const data = Object.entries(SHAPES)
    .map(([k, v]) => `  ${k}: ${yamlValue(v)}`)
    .join('\n');
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: swarm
  namespace: agentforge-prod
  labels: { app.kubernetes.io/name: swarm }
spec:
  replicas: 2
  selector: { matchLabels: { app.kubernetes.io/name: swarm } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: swarm }
    spec:
      containers:
        - name: swarm
          image: ghcr.io/agentforge/swarm:1.8.2
          env:
${block}
${flow}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: swarm-config
  namespace: agentforge-prod
data:
${data}
`;
}

/** The text around the first canary, to name the shape that leaked. */
const context = (text: string) => {
  const at = text.search(/CANAR[YX]/);
  return JSON.stringify(text.slice(Math.max(0, at - 40), at + 20));
};

/** Every file under `dir`, relative, with its mode. */
function tree(dir: string, prefix = ''): Array<{ path: string; mode: number }> {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    return entry.isDirectory() ? tree(dir, path) : [{ path, mode: statSync(join(dir, path)).mode & 0o777 }];
  });
}

async function run(argv: string[], cwd: string, stdin?: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(argv, {
    cwd,
    env: { NO_COLOR: '1' },
    stdout,
    stderr,
    ...(stdin !== undefined ? { stdin: Readable.from([stdin]) } : {}),
  } as Parameters<typeof runCli>[1]);
  return { code, out: `${stdout.text()}\n${stderr.text()}` };
}

const VALIDATE_FORMATS = ['human', 'json', 'sarif', 'github', 'junit'];
const DRIFT_FORMATS = ['human', 'json', 'markdown', 'prometheus'];
const GENERATE_TYPES = ['env', 'docker-compose', 'k8s', 'helm'];

describe('canary corpus', () => {
  it('config validate flags every shape, in every tier', async () => {
    for (const tier of ['production', 'development'] as const) {
      const root = testdir({ 'agentforge.yaml': '', [`environments/${tier}.yaml`]: environmentText(tier) });
      const { code, out } = await run(['config', 'validate', '-e', tier, '--format', 'json'], root);
      // Development findings are medium: below the default --fail-on high.
      expect(code).toBe(tier === 'production' ? 1 : 0);
      const report = JSON.parse(out.slice(0, out.lastIndexOf('}') + 1)) as {
        reports: Array<{
          findings: Array<{ ruleId: string; path: string; severity: string; recommendation: string }>;
        }>;
      };
      const findings = report.reports
        .flatMap((r) => r.findings)
        .filter((f) => f.ruleId === 'agentforge/no-plaintext-secrets');
      for (const name of Object.keys(SHAPES)) {
        const finding = findings.find((f) => f.path === `/services/swarm/env/${name}`);
        expect(finding, `${tier}: ${name}`).toBeDefined();
        expect(finding!.severity).toBe(tier === 'production' ? 'critical' : 'medium');
        expect(finding!.recommendation).toContain('secretRef: swarm-env');
      }
    }
  });

  it('manifests validate flags every shape in Deployment env entries (block and flow) and ConfigMaps', async () => {
    const root = testdir({ 'agentforge.yaml': '', 'k8s/app.yaml': manifests() });
    const { out } = await run(['manifests', 'validate', 'k8s/app.yaml', '--format', 'json'], root);
    const paths = (
      JSON.parse(out.slice(0, out.lastIndexOf('}') + 1)) as {
        reports: Array<{ findings: Array<{ ruleId: string; message: string }> }>;
      }
    ).reports
      .flatMap((r) => r.findings)
      .filter((f) => /secret-in-(env|configmap)/.test(f.ruleId))
      .map((f) => f.message);
    for (const name of Object.keys(SHAPES)) {
      expect(
        paths.some((m) => m.includes(` ${name} `)),
        `env ${name}`,
      ).toBe(true);
      expect(
        paths.some((m) => m.includes(`FLOW_${name}`)),
        `flow ${name}`,
      ).toBe(true);
      expect(
        paths.some((m) => m.includes(`data.${name} `)),
        `ConfigMap ${name}`,
      ).toBe(true);
    }
  });

  it('no canary in any output, any format, any file written, with and without --debug', {
    timeout: 600_000,
  }, async () => {
    const leaks: string[] = [];
    for (const tier of ['production', 'development'] as const) {
      const root = testdir({
        'agentforge.yaml': '',
        [`environments/${tier}.yaml`]: environmentText(tier),
        'k8s/app.yaml': manifests(),
      });
      const commands: string[][] = [];
      for (const format of VALIDATE_FORMATS)
        commands.push(['config', 'validate', '-e', tier, '--format', format]);
      for (const format of VALIDATE_FORMATS)
        commands.push(['manifests', 'validate', 'k8s/app.yaml', '--format', format]);
      commands.push(['config', 'snapshot', '-e', tier, '--message', 'canary']);
      commands.push(['config', 'history', '-e', tier]);
      for (const type of GENERATE_TYPES) commands.push(['env', 'generate', tier, '--type', type]);
      commands.push(['env', 'list']);
      for (const debug of [false, true]) {
        for (const argv of commands) {
          const { out } = await run(debug ? [...argv, '--debug'] : argv, root);
          if (out.includes('CANARY')) leaks.push(`${tier}: ${argv.join(' ')}${debug ? ' --debug' : ''}`);
        }
        // Standard input: the same manifests piped in.
        for (const format of VALIDATE_FORMATS) {
          const argv = ['manifests', 'validate', '-', '--format', format, ...(debug ? ['--debug'] : [])];
          const { out } = await run(argv, root, manifests());
          if (out.includes('CANARY')) leaks.push(`${tier}: ${argv.join(' ')} (stdin)`);
        }
      }
      // Rotate every secret, then drift in every format: changed, hidden.
      const rotated = environmentText(tier).replaceAll('CANARY', 'CANARX');
      writeFileSync(join(root, `environments/${tier}.yaml`), rotated);
      for (const debug of [false, true])
        for (const format of DRIFT_FORMATS) {
          const argv = ['config', 'drift', '-e', tier, '--format', format, ...(debug ? ['--debug'] : [])];
          const { out } = await run(argv, root);
          if (/CANAR[YX]/.test(out)) leaks.push(`${tier}: ${argv.join(' ')}: ${context(out)}`);
          if (format === 'human' && !debug) expect(out).toContain('secret value changed (value hidden)');
        }
      for (const { path, mode } of tree(root)) {
        if (path.startsWith('environments/') || path.startsWith('k8s/')) continue;
        const text = readFileSync(join(root, path), 'utf8');
        if (!/CANAR[YX]/.test(text)) continue;
        // The development tier's own .env holds the developer's values, readable only by them.
        if (tier === 'development' && path === `.env.${tier}` && mode === 0o600) continue;
        leaks.push(`${tier}: file ${path}: ${context(text)}`);
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('canary corpus: parse errors inside secret values', () => {
  // Each shape written with a mistake inside its value (an escape YAML does not know): the
  // error is located, exit 2, and neither the value nor the offending text is shown.
  const broken = (name: string, value: string) =>
    `name: broken\ntier: production\nservices:\n  swarm:\n    image: ghcr.io/agentforge/swarm:1.0.0\n    env:\n      ${name}: ${JSON.stringify(`${value} `).slice(0, -1)}\\q"\n`;

  it.each(Object.entries(SHAPES))('%s: located, exit 2, nothing of the value shown', async (name, value) => {
    const root = testdir({ 'agentforge.yaml': '', 'environments/production.yaml': broken(name, value) });
    const commands = [
      ['config', 'validate', '-e', 'production'],
      ['config', 'validate', '-e', 'production', '--format', 'json'],
      ['config', 'snapshot', '-e', 'production', '--message', 'x'],
      ['env', 'generate', 'production', '--type', 'env'],
      ['manifests', 'validate', 'environments/production.yaml'],
    ];
    for (const argv of commands)
      for (const debug of [false, true]) {
        const { code, out } = await run(debug ? [...argv, '--debug'] : argv, root);
        const what = `${argv.join(' ')}${debug ? ' --debug' : ''}`;
        expect(code, what).toBe(2);
        expect(out, what).toMatch(
          // `manifests validate` reads with js-yaml, whose message never quotes the text.
          /production\.yaml:7:\d+: invalid YAML: (?:invalid escape sequence inside a secret value|unknown escape sequence)/,
        );
        expect(out, what).not.toMatch(/CANARY|\\q/);
      }
  });
});
