// Guards the kernels against copies: a second forbidden-key list or a second atomic writer in
// any package's source fails here, naming the file and line, so the fix is to import the kernel.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const packages = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.ts$/.test(e.name) && !/\.test(-d)?\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

const files = readdirSync(packages, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => {
    try {
      return sourceFiles(join(packages, e.name, 'src'));
    } catch {
      return [];
    }
  });

/** `file:line` of every line matching `pattern`, outside the files allowed to hold it. */
function occurrences(pattern: RegExp, allowed: readonly string[], text?: Record<string, string>): string[] {
  const out: string[] = [];
  for (const file of files) {
    const name = relative(packages, file);
    if (allowed.includes(name)) continue;
    const lines = (text?.[name] ?? readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      // Comments may name the keys they are about; only code is a copy.
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;
      if (pattern.test(line)) out.push(`${name}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

const guards = [
  {
    name: 'the forbidden-key guard (a quoted __proto__ key)',
    pattern: /['"]__proto__['"]/,
    allowed: ['schema/src/objects.ts'],
    fix: 'import FORBIDDEN_KEYS / isForbiddenKey / assertSafeKey / setOwnProperty from @agentforge/schema',
  },
  {
    name: 'the atomic writer (a rename)',
    // fs.rename / fs/promises rename; `renameSync` in dynamic-config's test support imitates
    // kubelet's ConfigMap swap and is not a writer.
    pattern: /\brename\s*\(/,
    allowed: ['schema/src/atomic-write.ts'],
    fix: 'import writeFileAtomic from @agentforge/schema',
  },
];

describe('one definition of each kernel', () => {
  it('scans the sources of every package', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith(join('schema', 'src', 'objects.ts')))).toBe(true);
  });

  it.each(guards)('no copy of $name outside its kernel', ({ pattern, allowed, fix }) => {
    const found = occurrences(pattern, allowed);
    expect(found, `copies found; ${fix}`).toEqual([]);
  });

  it.each(guards)('the guard for $name fails on a planted copy', ({ pattern, allowed }) => {
    const victim = relative(packages, files.find((f) => !allowed.includes(relative(packages, f)))!);
    const planted = pattern.source.includes('rename')
      ? 'await rename(temp, target);'
      : "if (key === '__proto__') return;";
    expect(occurrences(pattern, allowed, { [victim]: `const x = 1;\n${planted}\n` })).toEqual([
      `${victim}:2: ${planted}`,
    ]);
  });
});
