// The conventions a user of kubectl, helm, gh or eslint expects, tried as a user would.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { memoryStream, testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { locate } from './_args.js';
import { runCli } from './cli.js';
import { COMMANDS } from './commands.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const bin = fileURLToPath(new URL('../bin/agentforge.cjs', import.meta.url));
const platform = join(repo, 'examples/platform');

async function run(argv: string[], options: { cwd?: string; stdin?: string } = {}) {
  const stdout = memoryStream();
  const stderr = memoryStream();
  const code = await runCli(argv, {
    cwd: options.cwd ?? repo,
    env: { NO_COLOR: '1' },
    stdout,
    stderr,
    ...(options.stdin !== undefined ? { stdin: Readable.from([options.stdin]) } : {}),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('global options anywhere on the line', () => {
  it.each([
    ['before the command', ['--dir', 'examples/platform', 'env', 'list']],
    ['between the words', ['env', '--dir', 'examples/platform', 'list']],
    ['after the command', ['env', 'list', '--dir', 'examples/platform']],
    ['as --dir=path', ['--dir=examples/platform', 'env', 'list']],
  ])('%s', async (_, argv) => {
    const { code, stdout, stderr } = await run(argv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^NAME +TIER/);
    expect(stdout).toMatch(/^production +production/m);
  });

  it.each([
    {
      argv: ['--dir', 'x', 'config', 'validate', '-e', 'p'],
      words: ['config', 'validate'],
      rest: ['--dir', 'x', '-e', 'p'],
    },
    { argv: ['env', 'create', 'list', '-q'], words: ['env', 'create'], rest: ['list', '-q'] },
    {
      argv: ['manifests', 'validate', '-', 'a.yaml'],
      words: ['manifests', 'validate'],
      rest: ['-', 'a.yaml'],
    },
    { argv: ['schema', '--', '--help'], words: ['schema'], rest: ['--', '--help'] },
  ])('finds the command words of $argv', ({ argv, words, rest }) => {
    const isPrefix = (w: readonly string[]) =>
      Object.keys(COMMANDS).some((n) => `${n} `.startsWith(`${w.join(' ')} `));
    expect(locate(argv, isPrefix)).toMatchObject({ words, rest });
  });
});

describe('group help', () => {
  it.each([['env', '--help'], ['env', '-h'], ['config'], ['manifests']])(
    'agentforge %s %s lists the group, exit 0',
    async (...argv) => {
      const { code, stdout, stderr } = await run(argv.filter(Boolean));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: agentforge ${argv[0]} <command>`));
      for (const name of Object.keys(COMMANDS).filter((n) => n.startsWith(`${argv[0]} `)))
        expect(stdout).toContain(`  ${name} `);
    },
  );

  it('shows a command help with its arguments, options, global options and examples', async () => {
    const { code, stdout } = await run(['manifests', 'validate', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Arguments:\n {2}<file\|dir\|-\.\.\.> +the manifests to check/);
    expect(stdout).toMatch(/-e, --environment <name>/);
    expect(stdout).toMatch(/Global options:\n(.*\n)*? {2}--dir <path>/);
    expect(stdout).toContain('Examples:\n  helm template');
  });
});

describe('did you mean', () => {
  it.each([
    {
      argv: ['confg', 'validate'],
      message: 'agentforge: unknown command "confg validate"; did you mean "agentforge config validate"?',
    },
    { argv: ['config', 'valdate'], message: 'did you mean "agentforge config validate"?' },
    { argv: ['shcema'], message: 'did you mean "agentforge schema"?' },
    { argv: ['evn'], message: 'did you mean "agentforge env"?' },
    {
      argv: ['config', 'validate', '--enviroment', 'x'],
      message: 'unknown option --enviroment; did you mean --environment?',
    },
    { argv: ['env', 'list', '--formt', 'json'], message: 'unknown option --formt; did you mean --format?' },
    {
      argv: ['schema', '--format', 'markdwn'],
      message: '--format must be one of json-schema, markdown, not "markdwn"; did you mean markdown?',
    },
  ])('$argv → exit 2, one line', async ({ argv, message }) => {
    const { code, stdout, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('usage mistakes exit 2 naming the thing, never parser internals or "internal error"', () => {
  it.each([
    {
      argv: ['schema', '--out', '/nonexistent/x.json'],
      message: /^cannot write \/nonexistent\/x\.json: its folder does not exist\n$/,
    },
    { argv: ['schema', '--out'], message: /option --out <file> needs a value/ },
    { argv: ['schema', '--out', '--quiet'], message: /--out <file> needs a value, got the option "--quiet"/ },
    { argv: ['schema', 'extra'], message: /agentforge schema: takes no arguments, got "extra"/ },
    { argv: ['schema', '--quiet=yes'], message: /option --quiet takes no value/ },
    { argv: ['env', 'create'], message: /missing <name>: the new environment/ },
    { argv: ['manifests', 'validate'], message: /missing <file\|dir\|-\.\.\.>: the manifests to check/ },
    { argv: ['completion', 'tcsh'], message: /unknown shell "tcsh" \(bash, zsh, fish\)/ },
    {
      argv: ['config', 'validate', '-e', 'prod', '--dir', 'examples/platform'],
      message:
        /unknown environment "prod" in workspace \S+examples\/platform \(known: development, production, staging\)/,
    },
  ])('$argv', async ({ argv, message }) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/internal error|ERR_PARSE_ARGS|TypeError/);
  });
});

describe('-e/--environment on every command that takes one', () => {
  it('config validate -e production --dir examples/platform exits 0', async () => {
    const { code, stdout } = await run([
      'config',
      'validate',
      '-e',
      'production',
      '--dir',
      'examples/platform',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/passed: no findings/);
  });

  it.each(Object.keys(COMMANDS))('%s', async (name) => {
    const { command } = await COMMANDS[name]!.load();
    const environment = command.options.environment;
    if (environment) expect(environment.short).toBe('e');
    else expect(command.usage).not.toMatch(/environment/);
  });
});

describe('- reads standard input', () => {
  it('config validate --config - validates the document piped in', async () => {
    const text = readFileSync(join(platform, 'environments/production.yaml'), 'utf8');
    const { code, stdout } = await run(['config', 'validate', '-e', 'production', '--config', '-'], {
      cwd: platform,
      stdin: text,
    });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^production \(tier production, <stdin>\)/);
  });

  it('names <stdin> with line and column when the piped document is malformed', async () => {
    const { code, stderr } = await run(['config', 'validate', '-e', 'x', '--config', '-'], {
      cwd: platform,
      stdin: 'name: x\n  tier: [\n',
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^<stdin>:\d+:\d+: /);
  });

  it('--baseline - reads the baseline piped in; a second - is refused', async () => {
    const dir = testdir();
    const broken = join(repo, 'examples/broken');
    const baseline = join(dir, 'baseline.json');
    const written = await run(['config', 'validate', '-e', 'production', '--write-baseline', baseline], {
      cwd: broken,
    });
    expect(written.code).toBe(0);
    const text = readFileSync(baseline, 'utf8');
    const again = await run(['config', 'validate', '-e', 'production', '--baseline', '-'], {
      cwd: broken,
      stdin: text,
    });
    expect(again.code).toBe(0);
    const twice = await run(['config', 'validate', '-e', 'production', '--baseline', '-', '--config', '-'], {
      cwd: broken,
      stdin: text,
    });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/standard input \(-\) can be read only once/);
  });

  it('config snapshot --config - stores the piped document', async () => {
    const dir = testdir({ 'environments/dev.yaml': 'name: dev\n' });
    const { code } = await run(['config', 'snapshot', '-e', 'dev', '--config', '-', '-q'], {
      cwd: dir,
      stdin: 'name: dev\ntier: development\n',
    });
    expect(code).toBe(0);
    expect(existsSync(join(dir, '.agentforge/snapshots/dev'))).toBe(true);
  });
});

describe('--quiet', () => {
  it.each([
    ['env', 'create', 'qa', '--template', 'staging', '--quiet'],
    ['env', 'create', 'qa', '--template', 'staging', '-q'],
    ['schema', '--out', 'schema.json', '-q'],
  ])('prints nothing on success: %s %s %s', async (...argv) => {
    const dir = testdir({ 'environments/.keep': '' });
    const { code, stdout, stderr } = await run(argv, { cwd: dir });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('');
  });

  it('still prints errors', async () => {
    const { code, stderr } = await run([
      'config',
      'validate',
      '-e',
      'nope',
      '-q',
      '--dir',
      'examples/platform',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown environment "nope"/);
  });
});

/** Runs a shell command line with the real binary as `$AGENTFORGE`. */
function shell(script: string, cwd = repo) {
  return spawnSync('bash', ['-c', `set -o pipefail; ${script}`], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, AGENTFORGE: `${process.execPath} ${bin}`, NO_COLOR: '1' },
  });
}

describe('the real binary', () => {
  it.each([
    ['$AGENTFORGE schema | head -1'],
    ['$AGENTFORGE --dir examples/platform env list | head -1'],
    ['$AGENTFORGE schema --format markdown | head -c 10'],
  ])('%s ends quietly with exit 0 when the reader closes the pipe', (script) => {
    const result = shell(script);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.length).toBeGreaterThan(0);
  });

  it('completion bash prints a script that bash sources, completing commands, options and values', () => {
    const script = join(testdir(), 'agentforge.bash');
    expect(shell(`$AGENTFORGE completion bash > ${script}`).status).toBe(0);
    const complete = (line: string) => {
      const words = line.split(' ');
      return shell(
        `source ${script} && COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}) && COMP_CWORD=${words.length - 1} && _agentforge && echo "\${COMPREPLY[*]}"`,
        platform,
      );
    };
    const sourced = shell('source <($AGENTFORGE completion bash) && complete -p agentforge');
    expect(sourced.stderr).toBe('');
    expect(sourced.status).toBe(0);
    expect(sourced.stdout).toBe('complete -o default -F _agentforge agentforge\n');
    expect(complete('agentforge conf').stdout).toBe('config\n');
    expect(complete('agentforge config v').stdout).toBe('validate\n');
    expect(complete('agentforge --dir . config validate --form').stdout).toBe('--format\n');
    expect(complete('agentforge config validate --format s').stdout).toBe('sarif\n');
    expect(complete('agentforge config validate -e prod').stdout).toBe('production\n');
    expect(complete('agentforge completion ').stdout.trim().split(' ')).toContain('fish');
  });

  it.each([
    ['zsh', /^#compdef agentforge\n(.*\n)*autoload -U \+X bashcompinit && bashcompinit\n/],
    [
      'fish',
      /^complete -c agentforge -n '__fish_seen_subcommand_from config; and __fish_seen_subcommand_from validate' -l format -x -a 'human json sarif github junit html'/m,
    ],
  ])('completion %s', async (name, pattern) => {
    const { code, stdout } = await run(['completion', name]);
    expect(code).toBe(0);
    expect(stdout).toMatch(pattern);
  });
});
