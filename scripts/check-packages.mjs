// Checks what each published package would ship, from its real tarball file list
// (`npm pack --dry-run --json`, the same npm-packlist rules pnpm and changesets publish with):
//   - LICENSE is in the tarball and is the repository's LICENSE;
//   - every relative link in a Markdown file of the tarball points at a file in the tarball
//     (and, for a `#fragment` into a Markdown file of the tarball, at one of its headings);
//   - the manifest names no private workspace package (test helpers, examples) in any
//     dependency field: those cannot be installed from the registry.
// The root README and docs/ link only files of the repository. Exits 1 listing every problem. Run after `build` (the tarball's dist/ is listed as built).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const license = readFileSync(join(root, 'LICENSE'), 'utf8');

/** name → manifest, for every workspace package (packages/*, examples/*, scripts/test-utils). */
const workspace = new Map();
for (const parent of ['packages', 'examples', 'scripts']) {
  for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
    const file = join(root, parent, entry.name, 'package.json');
    if (entry.isDirectory() && existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      workspace.set(manifest.name, manifest);
    }
  }
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, duplicates numbered. */
function anchors(markdown) {
  const seen = new Map();
  const result = new Set();
  for (const match of stripFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = match[1]
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** Markdown without fenced code blocks, where `# x` is not a heading. */
function stripFences(markdown) {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown without fenced code blocks and inline code spans, where `[a](b)` is not a link. */
function stripCode(markdown) {
  return stripFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** Link targets of a Markdown text: inline links and images, reference definitions, HTML href/src. */
function links(markdown) {
  const text = stripCode(markdown);
  const targets = [];
  for (const match of text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]);
  for (const match of text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) targets.push(match[1]);
  for (const match of text.matchAll(/\b(?:href|src)\s*=\s*["']([^"']+)["']/g)) targets.push(match[1]);
  return targets;
}

const problems = [];
const packagesDir = join(root, 'packages');
for (const name of readdirSync(packagesDir).sort()) {
  const dir = join(packagesDir, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const report = (message) => problems.push(`${manifest.name}: ${message}`);

  for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dependency of Object.keys(manifest[field] ?? {})) {
      if (workspace.get(dependency)?.private)
        report(
          `${field} names the private workspace package ${dependency} (declare it in the root package.json)`,
        );
    }
  }

  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' },
    }),
  );
  const files = new Set(packed.files.map((file) => file.path));

  if (!files.has('LICENSE')) report('the tarball has no LICENSE');
  else if (readFileSync(join(dir, 'LICENSE'), 'utf8') !== license)
    report('LICENSE differs from the repository LICENSE');

  for (const file of [...files].filter((f) => f.endsWith('.md'))) {
    const markdown = readFileSync(join(dir, file), 'utf8');
    for (const target of links(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: … absolute URLs
      const [pathPart, fragment] = target.split('#', 2);
      const path = decodeURIComponent(pathPart.split('?')[0]);
      const resolved = path ? posix.normalize(posix.join(posix.dirname(file), path)) : file;
      if (resolved.startsWith('..')) {
        report(`${file} links ${target}, outside the package (use the repository URL)`);
        continue;
      }
      const isDirectory = [...files].some((f) => f.startsWith(`${resolved.replace(/\/$/, '')}/`));
      if (!files.has(resolved) && !isDirectory) {
        report(`${file} links ${target}, which is not in the tarball`);
        continue;
      }
      if (
        fragment &&
        resolved.endsWith('.md') &&
        !anchors(readFileSync(join(dir, resolved), 'utf8')).has(fragment)
      )
        report(`${file} links ${target}, but ${resolved} has no heading #${fragment}`);
    }
  }
  console.log(`${manifest.name}: ${files.size} files, LICENSE and README links checked`);
}

// The repository's own Markdown (README, docs/) links only files of the repository.
for (const file of ['README.md', ...readdirSync(join(root, 'docs')).map((name) => `docs/${name}`)]) {
  if (!file.endsWith('.md')) continue;
  for (const target of links(readFileSync(join(root, file), 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
    const resolved = posix.normalize(
      posix.join(posix.dirname(file), decodeURIComponent(target.split('#')[0])),
    );
    if (resolved.startsWith('..')) problems.push(`${file} links ${target}, outside the repository`);
    else if (!existsSync(join(root, resolved)))
      problems.push(`${file} links ${target}, which does not exist`);
  }
}

if (problems.length > 0) {
  console.error(`\n${problems.length} packaging problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
