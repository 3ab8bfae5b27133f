/**
 * JSON text that is equal for equal data whatever the key order: the input of every content
 * hash (snapshot ids, configuration hashes).
 *
 * Values follow `JSON.stringify` exactly — `toJSON()` is honoured (a `Date` becomes its ISO
 * string), `undefined`, functions and symbols are dropped from objects and become `null` in
 * lists, non-finite numbers become `null` — and object keys are sorted by UTF-16 code unit at
 * every depth, as RFC 8785 (JCS) orders them. A value with no JSON form at the top (`undefined`)
 * gives `null`, so the result is always a string. A `bigint` or a cycle throws a `TypeError`,
 * as it does in `JSON.stringify`.
 *
 * Hand-written rather than a library (safe-stable-stringify, canonicalize): ~25 lines with
 * no dependency, and one recursion without a replacer call per value nor an
 * `Object.fromEntries` copy per object.
 * @example canonicalJson({ b: 1, a: [true, undefined] }) // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return serialize(value, new Set()) ?? 'null';
}

function serialize(value: unknown, path: Set<object>): string | undefined {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    value = (value as { toJSON: () => unknown }).toJSON();
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: a bigint has no JSON form');
    return JSON.stringify(value);
  }
  if (path.has(value)) throw new TypeError('canonicalJson: the value contains a cycle');
  path.add(value);
  let text: string;
  if (Array.isArray(value)) {
    text = `[${value.map((item) => serialize(item, path) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const member = serialize(record[key], path);
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${member}`);
    }
    text = `{${parts.join(',')}}`;
  }
  path.delete(value);
  return text;
}
