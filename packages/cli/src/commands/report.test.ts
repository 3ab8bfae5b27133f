import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const example = (name: string) => fileURLToPath(new URL(`../../../../examples/${name}/`, import.meta.url));
const platform = example('platform');
const read = (file: string) => readFileSync(join(platform, file), 'utf8');

// The canaries of the validator's and drift's reporter tests, planted where a careless report
// would show them: a literal API key, an env token, a URL password, a changed secret.
const CANARIES = {
  apiKey: 'sk-ant-api03-CANARYaaaaBBBBccccDDDD1111',
  envToken: 'canary-env-token-7f3k2',
  dbPassword: 'CanaryDbPassw0rd',
  githubToken: 'ghp_CANARYabcdefghijklmnopqrstuvwxyz012345',
};

async function run(dir: string, ...argv: string[]) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  // The example workspace has an access: section; the platform role may take snapshots.
  const env = { NO_COLOR: '1', GITHUB_ACTOR: 'ops@platform.example.com' };
  const code = await runCli([...argv, '--dir', dir], { cwd: dir, env, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function workspace() {
  return testdir({
    'agentforge.yaml': read('agentforge.yaml'),
    'environments/production.yaml': read('environments/production.yaml'),
    'environments/staging.yaml': read('environments/staging.yaml'),
    'environments/development.yaml': read('environments/development.yaml'),
  });
}

const edit = (dir: string, env: string, from: string, to: string) => {
  const file = join(dir, `environments/${env}.yaml`);
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
};

describe('agentforge report', () => {
  it('writes one self-contained page with status, findings, drift, matrix, history and access; no secret in it', async () => {
    const dir = workspace();
    edit(dir, 'staging', 'apiKey: { secretRef: llm-api-key }', `apiKey: ${CANARIES.apiKey}`);
    expect((await run(dir, 'config', 'snapshot', '-e', 'staging', '--message', 'first')).code).toBe(0);
    edit(dir, 'staging', `apiKey: ${CANARIES.apiKey}`, `apiKey: ${CANARIES.githubToken}`);
    edit(dir, 'production', 'postgres://agentforge@', `postgres://agentforge:${CANARIES.dbPassword}@`);
    expect((await run(dir, 'config', 'snapshot', '-e', 'staging', '--message', 'second')).code).toBe(0);
    edit(
      dir,
      'production',
      'SWARM_MAX_AGENTS: "64"',
      `SWARM_MAX_AGENTS: "64"\n      AUTH_TOKEN: ${CANARIES.envToken}`,
    );

    const result = await run(dir, 'report', '--out', 'report.html', '--fail-on', 'critical');
    expect(result.stderr).toContain('wrote report.html');
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const [name, canary] of Object.entries(CANARIES)) {
      expect(html, name).not.toContain(canary);
      expect(html, name).not.toContain(canary.slice(4, 16));
    }
    expect(html).not.toContain('«redacted');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
    // Nothing that loads: no linked asset, no source, no external link (URLs appear as text only).
    expect(html).not.toMatch(/<(link|img|iframe|object|embed|audio|video)\b|\ssrc=|\shref=|url\(/);
    for (const heading of [
      'Status',
      'Validation',
      'Drift since the latest snapshot',
      'Environment comparison',
      'Snapshot history',
      'Access rules',
    ])
      expect(html).toContain(`>${heading}</h2>`);
    expect(html).toContain('<option value="production">production</option>');
    expect(html).toMatch(
      /<tr data-severity="(critical|high|medium|low|info)" data-environment="production">/,
    );
    expect(html).toContain('secret, differs');
    expect(html).toContain('second');
    expect(html).toMatch(/<caption>Keys that differ between environments \(\d+\)<\/caption>/);
  });

  it.each([
    { name: 'one environment', args: ['-e', 'production'], rows: ['production'], absent: 'staging' },
    { name: 'all environments', args: [], rows: ['production', 'staging', 'development'], absent: undefined },
  ])('reports $name', async ({ args, rows, absent }) => {
    const dir = workspace();
    const result = await run(dir, 'report', ...args);
    expect(result.stdout.startsWith('<!doctype html>')).toBe(true);
    for (const env of rows) expect(result.stdout).toContain(`<th scope="row">${env}</th>`);
    if (absent) expect(result.stdout).not.toContain(`<th scope="row">${absent}</th>`);
  });

  it('exits 1 when an environment fails at --fail-on (examples/broken)', async () => {
    const result = await run(example('broken'), 'report', '--fail-on', 'high');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('<span class="fail">failed</span>');
  });

  it.each([
    ['config', 'validate', '-e', 'all', '--format', 'html'],
    ['config', 'drift', '-e', 'staging', '--against-environment', 'production', '--format', 'html'],
  ])('%s %s --format html writes a page', async (...argv) => {
    const result = await run(workspace(), ...argv);
    expect(result.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(result.stdout).toContain('Content-Security-Policy');
    expect(result.stdout).toContain('<table>');
  });
});
