import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testdir } from '@agentforge/test-utils';
import { describe, expect, it } from 'vitest';
import { editFile, editYamlText, parseYamlValue, unifiedDiff } from './edit.js';
import { loadDocument } from './load.js';

const commented = [
  '# Production: reviewed by the platform team.',
  'name: production',
  'tier: production',
  '',
  'services:',
  '  swarm:',
  '    image: "ghcr.io/agentforge/swarm:1.8.2" # pinned',
  '    replicas: 3 # scaled for launch',
  '    env: {LOG_LEVEL: info}',
  '',
  '  # memory is stateful',
  "  memory: &mem {replicas: 2, image: 'ghcr.io/agentforge/memory:1.0'}",
  '  tools: *mem',
  'features:',
  '  - search',
  '  - planner # experimental',
  '  - memory',
  '',
].join('\n');

/** The lines of `after` that differ from `before`, by position (edits here never shift lines unless they add or remove one). */
function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const a = before.split('\n');
  const b = after.split('\n');
  return { removed: a.filter((l) => !b.includes(l)), added: b.filter((l) => !a.includes(l)) };
}

describe('editYamlText', () => {
  it.each([
    {
      name: 'a scalar, keeping its comment',
      edits: [{ op: 'set' as const, path: 'services.swarm.replicas', value: '4' }],
      removed: ['    replicas: 3 # scaled for launch'],
      added: ['    replicas: 4 # scaled for launch'],
      at: ['services', 'swarm', 'replicas'],
      value: 4,
    },
    {
      name: 'a quoted scalar',
      edits: [
        { op: 'set' as const, path: 'services.swarm.image', value: '"ghcr.io/agentforge/swarm:1.9.0"' },
      ],
      removed: ['    image: "ghcr.io/agentforge/swarm:1.8.2" # pinned'],
      added: ['    image: "ghcr.io/agentforge/swarm:1.9.0" # pinned'],
      at: ['services', 'swarm', 'image'],
      value: 'ghcr.io/agentforge/swarm:1.9.0',
    },
    {
      name: 'a key inside a flow mapping value',
      edits: [{ op: 'set' as const, path: 'services.swarm.env', value: '{LOG_LEVEL: debug, TRACE: "1"}' }],
      removed: ['    env: {LOG_LEVEL: info}'],
      added: ['    env: {LOG_LEVEL: debug, TRACE: "1"}'],
      at: ['services', 'swarm', 'env'],
      value: { LOG_LEVEL: 'debug', TRACE: '1' },
    },
    {
      name: 'a new key with new parents, at the end of its mapping',
      edits: [{ op: 'set' as const, path: 'services.swarm.resources.limits.cpu', value: '2' }],
      removed: [],
      added: ['    resources:', '      limits:', '        cpu: 2'],
      at: ['services', 'swarm', 'resources', 'limits', 'cpu'],
      value: 2,
    },
    {
      name: 'a key that must be quoted',
      edits: [{ op: 'set' as const, path: 'services.swarm.true', value: 'x' }],
      removed: [],
      added: ['    "true": x'],
      at: ['services', 'swarm', 'true'],
      value: 'x',
    },
    {
      name: 'an unset of a key with its comment line kept',
      edits: [{ op: 'unset' as const, path: 'services.swarm.replicas' }],
      removed: ['    replicas: 3 # scaled for launch'],
      added: [],
      at: ['services', 'swarm', 'replicas'],
      value: undefined,
    },
    {
      name: 'an unset of a list item',
      edits: [{ op: 'unset' as const, path: 'features.1' }],
      removed: ['  - planner # experimental'],
      added: [],
      at: ['features', '1'],
      value: 'memory',
    },
  ])('edits $name and nothing else', ({ edits, removed, added, at, value }) => {
    const result = editYamlText(commented, edits, { file: 'production.yaml' });
    expect(changedLines(commented, result.text)).toEqual({ removed, added });
    let node: unknown = result.data;
    for (const key of at) node = (node as Record<string, unknown> | undefined)?.[key];
    expect(node).toEqual(value);
    expect(loadDocument(result.text).data).toEqual(result.data);
    // The anchor and its alias elsewhere are untouched.
    expect(result.text).toContain("  memory: &mem {replicas: 2, image: 'ghcr.io/agentforge/memory:1.0'}");
    expect(result.text).toContain('  tools: *mem');
    expect(result.changed).toEqual(edits.map((e) => e.path));
  });

  it('changes nothing for a set to the same value or an unset of a missing key', () => {
    const result = editYamlText(commented, [
      { op: 'set', path: 'services.swarm.replicas', value: '3' },
      { op: 'unset', path: 'services.nope' },
    ]);
    expect(result.text).toBe(commented);
    expect(result.changed).toEqual([]);
  });

  it('falls back to the Document API where a splice cannot be exact, still keeping comments', () => {
    const result = editYamlText(commented, [{ op: 'set', path: 'features', value: '[a, b]' }]);
    expect(result.data).toMatchObject({ features: ['a', 'b'] });
    expect(result.text).toContain('# Production: reviewed by the platform team.');
    expect(result.text).toContain('replicas: 3 # scaled for launch');
  });

  it.each([
    { name: 'a forbidden key in the path', path: '__proto__.x', value: '1', message: /__proto__/ },
    { name: 'a forbidden key in the value', path: 'a', value: '{__proto__: 1}', message: /__proto__/ },
    { name: 'a block value', path: 'a', value: 'a: b\nc: d', message: /one line/ },
    { name: 'malformed YAML', path: 'a', value: '[1, 2', message: /not a YAML scalar or flow value/ },
    { name: 'an alias', path: 'a', value: '*mem', message: /not a YAML scalar or flow value/ },
    { name: 'a path through a scalar', path: 'name.x', value: '1', message: /cannot be set/ },
  ])('refuses $name with exit-2 errors', ({ path, value, message }) => {
    expect(() => editYamlText(commented, [{ op: 'set', path, value }])).toThrow(message);
  });
});

describe('parseYamlValue', () => {
  it.each([
    ['4', 4],
    ['"4"', '4'],
    ['true', true],
    ['info', 'info'],
    ['[a, 1]', ['a', 1]],
    ['{cpu: 100m}', { cpu: '100m' }],
    ['null', null],
  ])('reads %j as YAML', (text, value) => {
    expect(parseYamlValue(text)).toEqual(value);
  });
});

describe('editFile', () => {
  const setReplicas = [{ op: 'set' as const, path: 'services.swarm.replicas', value: '4' }];

  it('writes an accepted edit and reports the diff and hashes', async () => {
    const dir = testdir({ 'production.yaml': commented });
    const path = join(dir, 'production.yaml');
    const result = await editFile({ path, display: 'production.yaml', edits: setReplicas, check: () => [] });
    expect(result.status).toBe('applied');
    expect(result.diff).toContain(
      '-    replicas: 3 # scaled for launch\n+    replicas: 4 # scaled for launch',
    );
    expect(result.hashBefore).not.toBe(result.hashAfter);
    expect(readFileSync(path, 'utf8')).toBe(commented.replace('replicas: 3 #', 'replicas: 4 #'));
  });

  it.each([
    {
      name: 'a refused edit',
      options: {
        check: () => [
          {
            ruleId: 'x',
            severity: 'high' as const,
            path: '/services/swarm/replicas',
            message: 'no',
            recommendation: 'r',
          },
        ],
      },
      status: 'refused',
    },
    { name: 'a dry run', options: { dryRun: true }, status: 'dry-run' },
  ])('leaves the file byte-identical on $name', async ({ options, status }) => {
    const dir = testdir({ 'production.yaml': commented });
    const path = join(dir, 'production.yaml');
    const result = await editFile({ path, edits: setReplicas, ...options });
    expect(result.status).toBe(status);
    expect(result.diff).toContain('+    replicas: 4');
    expect(readFileSync(path, 'utf8')).toBe(commented);
  });

  it('hands the checker the edited document, located', async () => {
    const dir = testdir({ 'production.yaml': commented });
    const path = join(dir, 'production.yaml');
    let seen: unknown;
    await editFile({
      path,
      edits: setReplicas,
      check: (doc) => {
        seen = doc.locator.locate('/services/swarm/replicas');
        return [];
      },
    });
    expect(seen).toMatchObject({ line: 8, column: 5 });
  });

  it('names a missing file', async () => {
    const dir = testdir({});
    await expect(editFile({ path: join(dir, 'x.yaml'), edits: setReplicas })).rejects.toMatchObject({
      code: 'FILE_NOT_FOUND',
    });
    writeFileSync(join(dir, 'y.yaml'), 'a: 1\n');
  });
});

describe('unifiedDiff', () => {
  it('shows one hunk with context', () => {
    expect(unifiedDiff('a\nb\nc\nd\n', 'a\nb\nX\nd\n', 'f.yaml')).toBe(
      '--- a/f.yaml\n+++ b/f.yaml\n@@ -1,5 +1,5 @@\n a\n b\n-c\n+X\n d\n \n',
    );
    expect(unifiedDiff('same', 'same', 'f')).toBe('');
  });
});
