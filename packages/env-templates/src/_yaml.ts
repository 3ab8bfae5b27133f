import yaml from 'js-yaml';

/** YAML text of `value`, deterministic (insertion order, no anchors, no line folding). */
export function toYaml(value: unknown): string {
  return yaml.dump(value, { lineWidth: -1, noRefs: true, quotingType: '"' });
}

/** Several YAML documents in one file, separated by `---`. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map(toYaml).join('---\n');
}

/** A generated file's first comment lines. */
export function header(lines: readonly string[]): string {
  return lines.map((line) => `# ${line}`.trimEnd()).join('\n') + '\n';
}
