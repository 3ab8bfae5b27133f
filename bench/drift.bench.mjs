// Drift benchmark: @agentforge/drift's diffDocuments (canonicalise both sides — secrets masked,
// quantities and Kubernetes defaults normalised —, match keyed lists by key, classify) against
// the raw structural diffs deep-diff and microdiff on the same pair of documents. The peers do
// less work (no canonical form, no classification, lists by index); the goal bounds what that
// extra work may cost. Every contender is timed interleaved (harness `compare`), one call each
// per comparison on already-parsed documents. Run after a build: node bench/drift.bench.mjs
import { readFileSync } from 'node:fs';
import { loadDocument } from '@agentforge/schema';
import deepDiff from 'deep-diff';
import microdiff from 'microdiff';
import { diffDocuments } from '../packages/drift/dist/index.js';
import { goal, table } from './_harness.mjs';

const production = loadDocument(
  readFileSync(new URL('../examples/platform/environments/production.yaml', import.meta.url), 'utf8'),
).data;

function production5() {
  const after = structuredClone(production);
  after.services.swarm.image = 'ghcr.io/agentforge/swarm:1.9.0';
  after.services.swarm.replicas = 5;
  after.logging.level = 'debug';
  after.features['semantic-cache'] = false;
  after.security.tls.minVersion = '1.2';
  return { name: 'production example, 5 changes', before: production, after };
}

/**
 * 10,000 leaves, most of them in keyed lists as Kubernetes writes them: 100 services, each with
 * 45 `env` entries `{ name, value }` and 2 `ports` `{ name, containerPort, protocol }` keyed by
 * name, plus name/image/replicas. One env value per service changes: 100 changes, spread so that
 * every env list differs. Each side is built separately (as two parsed files are: no shared
 * objects).
 */
function keyedLists() {
  const build = (edit) => ({
    services: Array.from({ length: 100 }, (_, s) => ({
      name: `svc-${s}`,
      image: `ghcr.io/acme/svc-${s}:1.${s}.0`,
      replicas: 2,
      env: Array.from({ length: 45 }, (_, e) => ({
        name: `VAR_${e}`,
        value: edit && e === s % 45 ? `changed-${s}` : `value-${s}-${e}`,
      })),
      ports: [
        { name: 'http', containerPort: 8080 + s, protocol: 'TCP' },
        { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
      ],
    })),
  });
  return {
    name: '10,000 leaves in keyed lists, 100 changes',
    before: build(false),
    after: build(true),
    goal: 3,
  };
}

/** 20 sections × 25 groups × 20 leaves = 10,000 leaves in nested maps; every 100th leaf changes. */
function nestedMaps() {
  const build = (edit) => {
    const doc = {};
    let leaf = 0;
    for (let s = 0; s < 20; s++) {
      const section = {};
      doc[`section-${s}`] = section;
      for (let g = 0; g < 25; g++) {
        const group = {};
        section[`group-${g}`] = group;
        for (let l = 0; l < 20; l++, leaf++)
          group[`leaf-${l}`] =
            edit && leaf % 100 === 0 ? `changed-${leaf}` : l % 3 === 0 ? leaf : `value-${leaf}`;
      }
    }
    return doc;
  };
  return { name: '10,000 leaves in nested maps, 100 changes', before: build(false), after: build(true) };
}

function reorder() {
  const items = Array.from({ length: 1000 }, (_, i) => ({
    name: `item-${i}`,
    image: `registry/item:${i}`,
    port: 8000 + i,
    enabled: i % 2 === 0,
  }));
  const after = structuredClone(items);
  after.push(after.shift());
  after[500].image = 'registry/item:edited';
  return {
    name: '1,000-item keyed list, first moved to the end + 1 edit',
    before: { items },
    after: { items: after },
  };
}

const quick = process.argv.includes('--quick');
console.log('drift: diffDocuments vs raw deep-diff and microdiff, interleaved medians per comparison');
for (const { name, before, after, goal: max } of [production5(), keyedLists(), nestedMaps(), reorder()]) {
  const ours = diffDocuments(before, after);
  const kinds = Object.entries(ours.counts.byKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const counts = `ours ${kinds}; deep-diff ${(deepDiff.diff(before, after) ?? []).length}, microdiff ${microdiff(before, after).length} changes`;
  const results = table(
    `${name} (${counts})`,
    [
      ['microdiff', () => microdiff(before, after)],
      ['deep-diff', () => deepDiff.diff(before, after)],
      ['@agentforge/drift diffDocuments', () => diffDocuments(before, after)],
    ],
    quick ? { rounds: 3, blockMs: 100 } : undefined,
  );
  if (max !== undefined) goal(`drift: ${name} vs microdiff`, results[2].ratio, max);
}
