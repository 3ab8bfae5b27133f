import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli.js';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const platform = join(examples, 'platform');
const broken = join(examples, 'broken');

async function cli(args: string[], cwd: string) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(['config', 'validate', ...args], { cwd, env: { NO_COLOR: '1' }, stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** A copy of the broken example to change files in. */
function brokenCopy(): string {
  const dir = testdir();
  cpSync(broken, dir, { recursive: true });
  return dir;
}

describe('agentforge config validate', () => {
  it('exits 0 on the clean example workspace, every environment', async () => {
    const { code, stdout, stderr } = await cli(['--environment', 'all'], platform);
    expect(stderr).toBe('');
    expect(stdout.match(/✔ passed: no findings/g)).toHaveLength(3);
    expect(code).toBe(0);
  });

  it('exits 1 on the broken production environment, naming file, line and column', async () => {
    const { code, stdout } = await cli(['--environment', 'production'], broken);
    expect(code).toBe(1);
    expect(stdout).toContain('environments/production.yaml');
    expect(stdout).toMatch(/12:1 +high +debug mode is on +agentforge\/no-debug/);
    expect(stdout).toContain('✖ failed (--fail-on high)');
    expect(stdout).toContain('2 suppressed');
    // The team policy in policies/ applies, and so does the expired suppression.
    expect(stdout).toMatch(/high +logging\.level is "debug" +agentforge\/log-level/);
    expect(stdout).toMatch(
      /suppressions\.yaml\n +8:5 +medium +the suppression of agentforge\/image-digest expired on 2025-03-31/,
    );
  });

  it('exits 1 for --environment all when one environment fails, reporting each', async () => {
    const { code, stdout } = await cli(['--environment', 'all', '--format', 'json'], broken);
    expect(code).toBe(1);
    const json = JSON.parse(stdout);
    expect(
      json.reports.map((r: { environment: string; passed: boolean }) => [r.environment, r.passed]),
    ).toEqual([
      ['development', true],
      ['production', false],
    ]);
  });

  it.each([
    {
      name: 'an unknown environment',
      args: ['--environment', 'qa'],
      message: /unknown environment "qa" in workspace \S+examples\/broken \(known: development, production\)/,
    },
    { name: 'a missing --environment', args: [], message: /--environment <name\|all> is required/ },
    {
      name: 'an unknown format',
      args: ['--environment', 'production', '--format', 'xml'],
      message: /--format must be one of human, json, sarif, github, junit, html, not "xml"/,
    },
    {
      name: 'an unknown severity',
      args: ['--environment', 'production', '--fail-on', 'severe'],
      message: /--fail-on must be one of critical, high, medium, low, info, not "severe"/,
    },
    { name: '--config with all', args: ['--environment', 'all', '--config', 'x.yaml'], message: /not "all"/ },
  ])('exits 2 on $name', async ({ args, message }) => {
    const { code, stderr, stdout } = await cli(args, broken);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('exits 2 on a malformed policy file, naming its file, line and column', async () => {
    const dir = testdir({
      'bad-policy.yaml':
        'rules:\n  - id: team/x\n    description: d\n    recommendation: r\n    severity: hihg\n    required: debug\n',
    });
    const { code, stderr } = await cli(
      ['--environment', 'production', '--policy', join(dir, 'bad-policy.yaml')],
      broken,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(new RegExp(`^${join(dir, 'bad-policy.yaml')}:5:5: invalid policy`));
  });

  it('exits 2 on a malformed environment file, naming its file, line and column', async () => {
    const dir = brokenCopy();
    writeFileSync(
      join(dir, 'environments/production.yaml'),
      'name: production\ntier: production\n  debug: [\n',
    );
    const { code, stderr } = await cli(['--environment', 'production'], dir);
    expect(code).toBe(2);
    // `yaml` names where the impossible nesting starts: the value that cannot hold a mapping.
    expect(stderr).toMatch(/environments\/production\.yaml:2:7: invalid YAML/);
  });

  it('writes only the document to stdout in machine formats, or to --output', async () => {
    const json = await cli(['--environment', 'production', '--format', 'json'], broken);
    expect(JSON.parse(json.stdout)).toMatchObject({
      formatVersion: 1,
      passed: false,
      summary: { suppressed: 2 },
    });
    expect(json.stderr).toBe('');
    const dir = testdir();
    const sarif = await cli(
      ['--environment', 'production', '--format', 'sarif', '--output', join(dir, 'out.sarif')],
      broken,
    );
    expect(sarif.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(sarif.code).toBe(1);
  });

  it('ignores every suppression with --no-suppressions', async () => {
    const withThem = JSON.parse(
      (await cli(['--environment', 'production', '--format', 'json'], broken)).stdout,
    );
    const without = JSON.parse(
      (await cli(['--environment', 'production', '--format', 'json', '--no-suppressions'], broken)).stdout,
    );
    expect(without.summary.suppressed).toBe(0);
    expect(without.summary.findings).toBe(withThem.summary.findings + 2 - 1); // two unsuppressed, one expiry notice gone
  });

  it('fails only on new findings against a baseline', async () => {
    const dir = brokenCopy();
    const write = await cli(['--environment', 'production', '--write-baseline', 'baseline.json'], dir);
    expect(write.code).toBe(0);
    expect(write.stderr).toMatch(/wrote baseline\.json: \d+ finding\(s\) accepted/);
    expect((await cli(['--environment', 'production', '--baseline', 'baseline.json'], dir)).code).toBe(0);
    const file = join(dir, 'environments/production.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'),
    );
    const after = await cli(
      ['--environment', 'production', '--baseline', 'baseline.json', '--format', 'github'],
      dir,
    );
    expect(after.code).toBe(1);
    expect(after.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^::error file=environments\/production\.yaml,line=\d+,col=3,title=agentforge\/read-only-root-filesystem/,
      ),
    ]);
  });

  it('honours --fail-on', async () => {
    const dir = brokenCopy();
    writeFileSync(
      join(dir, 'environments/staging.yaml'),
      readFileSync(join(platform, 'environments/staging.yaml'), 'utf8').replace(
        'debug: false',
        'debug: true',
      ),
    );
    expect((await cli(['--environment', 'staging'], dir)).code).toBe(0);
    expect((await cli(['--environment', 'staging', '--fail-on', 'medium'], dir)).code).toBe(1);
  });

  it('validates a .env file given with --config, locating findings at its variables', async () => {
    const dir = testdir({
      '.env.production': 'AGENTFORGE_NAME=production\nAGENTFORGE_TIER=production\nAGENTFORGE_DEBUG=true\n',
    });
    const { code, stdout } = await cli(
      ['--environment', 'production', '--config', '.env.production', '--format', 'json'],
      dir,
    );
    expect(code).toBe(1);
    const debug = JSON.parse(stdout).reports[0].findings.find(
      (f: { ruleId: string }) => f.ruleId === 'agentforge/no-debug',
    );
    expect(debug.location).toEqual({ file: '.env.production', line: 3, column: 1 });
  });
});
