import { describe, expect, it } from 'vitest';
import { EXAMPLE_NAMES, exampleDocument } from '../test/examples.js';
import { generate } from './generators.js';

// Every generated YAML file says where it came from and how to make it again, and generating
// twice gives the same bytes (no time stamps, no versions that change between runs).
const TYPES = ['docker-compose', 'k8s', 'helm'] as const;
const cases = TYPES.flatMap((type) => EXAMPLE_NAMES.map((name) => ({ type, name })));

/** The comment lines a file starts with. */
const headerOf = (content: string) => /^(?:#[^\n]*\n)+/.exec(content)?.[0] ?? '';

describe('generated YAML headers', () => {
  it.each(cases)('$type of $name: names the source environment and the command', ({ type, name }) => {
    const files = generate(type, exampleDocument(name)).filter((f) => /\.ya?ml$/.test(f.path));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const header = headerOf(file.content);
      // The base and components are shared by every environment: they name the command only.
      const shared = /^deployment\/k8s\/(base|components)\//.test(file.path);
      expect(header, file.path).toContain(
        `agentforge env generate ${shared ? '<env>' : name} --type ${type}`,
      );
      if (!shared) expect(header, file.path).toContain(`from environments/${name}.yaml`);
    }
  });

  it.each(cases)('$type of $name: byte-stable across runs', ({ type, name }) => {
    expect(generate(type, exampleDocument(name))).toEqual(generate(type, exampleDocument(name)));
  });
});
