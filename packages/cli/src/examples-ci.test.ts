// Where users meet the toolkit first: the GitHub Actions workflow in examples/ci and the
// pre-commit hook at the root. The workflow must be one GitHub accepts (checked against the
// schemastore catalogue's workflow schema), and every agentforge command either file names must
// run against a real workspace — a renamed command or option here fails this test, not a
// user's pull request.
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from './cli.js';

const root = new URL('../../../', import.meta.url);
const workflowText = readFileSync(new URL('examples/ci/github-actions.yml', root), 'utf8');
const hooksText = readFileSync(new URL('.pre-commit-hooks.yaml', root), 'utf8');
const workflowSchema = JSON.parse(
  readFileSync(
    createRequire(import.meta.url).resolve('schemastore/schemas/json/github-workflow.json'),
    'utf8',
  ),
);
// The schema uses draft-07 keywords and a few formats GitHub does not check; strict mode would
// reject the schema itself, not the workflow.
const validateWorkflow = new Ajv({ strict: false, allErrors: true }).compile(workflowSchema);

type Step = { run?: string; env?: Record<string, string> };
type Workflow = { jobs: Record<string, { steps: Step[] }> };

/** Splits a shell command line into words: quotes kept together, nothing expanded. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Every `agentforge …` invocation in a shell script, as words after the command name. */
function invocations(script: string): string[][] {
  return [...script.matchAll(/(?:npx --yes @agentforge\/cli|^agentforge)\s+([^|;\n)]*)/gm)].map((m) =>
    words(m[1]!.trim()),
  );
}

describe('examples/ci/github-actions.yml', () => {
  const workflow = parse(workflowText) as Workflow;

  it('is a workflow GitHub accepts (schemastore github-workflow schema)', () => {
    expect(validateWorkflow(workflow), JSON.stringify(validateWorkflow.errors, null, 2)).toBe(true);
  });

  it.each([
    [
      'a job without runs-on',
      (w: Workflow) => delete (w.jobs.validate as Record<string, unknown>)['runs-on'],
    ],
    ['an unknown permission', (w: Workflow) => Object.assign(w, { permissions: { everything: 'write' } })],
    ['a misspelt step key', (w: Workflow) => Object.assign(w.jobs.validate!.steps[0]!, { wiht: {} })],
  ])('the schema check fails on %s', (_name, mutate) => {
    const broken = structuredClone(workflow);
    mutate(broken);
    expect(validateWorkflow(broken)).toBe(false);
  });

  it('validates with SARIF for code scanning, comments drift as Markdown, checks access on the base', () => {
    const commands = Object.values(workflow.jobs)
      .flatMap((job) => job.steps.flatMap((step) => invocations(step.run ?? '')))
      .map((argv) => argv.slice(0, 2).join(' '));
    expect(commands).toEqual(['config validate', 'env list', 'config drift', 'access check']);
    expect(workflowText).toContain('github/codeql-action/upload-sarif');
    expect(workflowText).toContain('--format markdown');
  });
});

describe('every agentforge command the CI examples name runs on a real workspace', () => {
  const run = async (argv: string[], cwd: string, env: Record<string, string> = {}) => {
    const stdout = memoryStream();
    const stderr = memoryStream();
    const code = await runCli(argv, { cwd, env, stdout, stderr });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };

  /** A git repository holding examples/platform and a snapshot of each environment, committed. */
  async function workspace(): Promise<string> {
    const dir = testdir();
    cpSync(fileURLToPath(new URL('examples/platform/', root)), dir, { recursive: true });
    const git = (...args: string[]) => {
      const result = spawnSync('git', args, {
        cwd: dir,
        encoding: 'utf8',
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        },
      });
      if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    };
    for (const name of ['development', 'staging', 'production']) {
      const snapshot = await run(['config', 'snapshot', '-e', name], dir, {
        GITHUB_ACTOR: 'platform-lead@example.com',
      });
      if (snapshot.code !== 0) throw new Error(snapshot.stderr);
    }
    git('init', '-q');
    git('add', '-A', '--force');
    git('commit', '-qm', 'base');
    return dir;
  }

  /** The workflow's shell values, as a pull request would have them. */
  const substitute = (word: string, env: string) =>
    word
      .replace('$env', env)
      .replace(/^origin\/\$\{\{ github\.base_ref \}\}$/, 'HEAD')
      .replace('$ACTOR', 'platform-lead@example.com');

  it('the workflow commands exit 0 or 1 (never a usage error) and produce what the next step reads', async () => {
    const dir = await workspace();
    const workflow = parse(workflowText) as Workflow;
    const lines = Object.values(workflow.jobs).flatMap((job) =>
      job.steps.flatMap((s) => invocations(s.run ?? '')),
    );
    const list = await run(['env', 'list', '--format', 'json'], dir);
    expect(list.code).toBe(0);
    // The drift step reads `.[].name` with jq.
    const environments = (JSON.parse(list.stdout) as Array<{ name: string }>).map((e) => e.name);
    expect(environments).toEqual(['development', 'production', 'staging']);
    for (const argv of lines) {
      for (const env of argv.includes('$env') ? environments : ['-']) {
        const result = await run(
          argv.map((w) => substitute(w, env)),
          dir,
        );
        expect([0, 1], `${argv.join(' ')}: ${result.stderr}`).toContain(result.code);
      }
    }
    const sarif = JSON.parse(readFileSync(join(dir, 'agentforge.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
  });

  it('the pre-commit hook entry runs', async () => {
    const [hook] = parse(hooksText) as Array<{ id: string; entry: string; language: string }>;
    expect(hook!.language).toBe('node');
    const [command, ...argv] = words(hook!.entry);
    expect(command).toBe('agentforge');
    const result = await run(argv, await workspace());
    expect(result.code, result.stderr).toBe(0);
  });
});
