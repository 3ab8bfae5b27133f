// Drift benchmark: @agentforge/drift (canonicalise + keyed diff + classify) against raw deep-diff
// and microdiff on the same document pairs. Run after a build: node bench/drift.bench.mjs
import { readFileSync } from 'node:fs';
import { loadDocument } from '@agentforge/schema';
import deepDiff from 'deep-diff';
import microdiff from 'microdiff';
import { diffDocuments } from '../packages/drift/dist/index.js';
import { measure } from './_harness.mjs';

const production = loadDocument(
  readFileSync(new URL('../examples/platform/environments/production.yaml', import.meta.url), 'utf8'),
).data;

function scenarioA() {
  const after = structuredClone(production);
  after.services.swarm.image = 'ghcr.io/agentforge/swarm:1.9.0';
  after.services.swarm.replicas = 5;
  after.logging.level = 'debug';
  after.features['semantic-cache'] = false;
  after.security.tls.minVersion = '1.2';
  return { name: '(a) production example, 5 changes', before: production, after };
}

function scenarioB() {
  // 20 sections × 25 groups × 20 leaves = 10,000 leaves; every 100th leaf changes.
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
  return { name: '(b) 10,000-leaf document, 100 changes', before: build(false), after: build(true) };
}

function scenarioC() {
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
    name: '(c) 1,000-item keyed list, first moved to the end + 1 edit',
    before: { items },
    after: { items: after },
  };
}

const rows = [];
for (const { name, before, after } of [scenarioA(), scenarioB(), scenarioC()]) {
  const ours = diffDocuments(before, after);
  const counts = {
    ours: ours.changes.length,
    deepDiff: (deepDiff.diff(before, after) ?? []).length,
    microdiff: microdiff(before, after).length,
  };
  const kinds = Object.entries(ours.counts.byKind)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const t = {
    ours: measure(() => diffDocuments(before, after)),
    deepDiff: measure(() => deepDiff.diff(before, after)),
    microdiff: measure(() => microdiff(before, after)),
  };
  rows.push({ name, counts, kinds, t });
}

const ms = (v) => `${v.toFixed(3)} ms`;
console.log('drift: @agentforge/drift diffDocuments vs raw deep-diff and microdiff (median per comparison)');
for (const { name, counts, kinds, t } of rows) {
  console.log(`\n${name}`);
  console.log(
    `  @agentforge/drift  ${ms(t.ours).padStart(12)}  ${String(counts.ours).padStart(5)} changes (${kinds})`,
  );
  console.log(
    `  deep-diff          ${ms(t.deepDiff).padStart(12)}  ${String(counts.deepDiff).padStart(5)} changes`,
  );
  console.log(
    `  microdiff          ${ms(t.microdiff).padStart(12)}  ${String(counts.microdiff).padStart(5)} changes`,
  );
  console.log(
    `  ratio: ${(t.ours / t.microdiff).toFixed(2)}× microdiff, ${(t.ours / t.deepDiff).toFixed(2)}× deep-diff`,
  );
}
