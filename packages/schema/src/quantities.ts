/** A Kubernetes resource quantity: a decimal number with an optional SI, binary or exponent suffix. */
export const QUANTITY_PATTERN =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** True for a Kubernetes resource quantity such as `250m`, `0.5`, `512Mi` or `1e3`. */
export function isQuantity(value: string): boolean {
  return QUANTITY_PATTERN.test(value);
}

/**
 * The numeric value of a Kubernetes quantity (`100m` → 0.1, `1Gi` → 1073741824), or
 * `undefined` when the text is not one. Numbers pass through.
 */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const match = QUANTITY_PATTERN.exec(value.trim());
  if (!match) return undefined;
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  return base * SUFFIX[match[3] ?? '']!;
}

/** A duration such as `250ms`, `30s`, `5m`, `1h` or `7d`. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const DURATION_MS: Record<string, number> = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3 };

/** Milliseconds of a duration such as `30s`, `5m`, `250ms`, `1h`, `7d`; `undefined` when malformed. */
export function parseDuration(value: string): number | undefined {
  const match = DURATION_PATTERN.exec(value.trim());
  return match ? Number(match[1]) * DURATION_MS[match[2]!]! : undefined;
}
