import { parseDuration, parseQuantity } from '@agentforge/schema/kernel';

// Factor of each quantity suffix, read from parseQuantity itself so the two cannot disagree;
// indexed by the suffix's character code (`Ki` under `K`, as the binary suffixes all end in `i`).
const SI: number[] = [];
const BINARY: number[] = [];
for (const suffix of ['n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E'])
  SI[suffix.charCodeAt(0)] = parseQuantity(`1${suffix}`)!;
for (const suffix of ['K', 'M', 'G', 'T', 'P', 'E'])
  BINARY[suffix.charCodeAt(0)] = parseQuantity(`1${suffix}i`)!;
const I = 'i'.charCodeAt(0);

/**
 * The value of the commonest quantity spelling, up to 15 digits and an optional suffix (`512Mi`,
 * `250m`, `2`), read without a regular expression or a substring; `undefined` for anything else,
 * which the general parser then reads. Equal to `parseQuantity` where it answers: the digits are
 * an exact integer and the factor is parseQuantity's own.
 */
function plainQuantity(text: string): number | undefined {
  const length = text.length;
  let n = 0;
  let i = 0;
  for (; i < length && i < 15; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    n = n * 10 + (c - 48);
  }
  if (i === 0) return undefined;
  if (i === length) return n;
  const factor =
    i + 1 === length
      ? SI[text.charCodeAt(i)]
      : i + 2 === length && text.charCodeAt(i + 1) === I
        ? BINARY[text.charCodeAt(i)]
        : undefined;
  return factor === undefined ? undefined : n * factor;
}

/** Numbers as they are, quantities (`512Mi`) and durations (`30s`) as numbers. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  return plainQuantity(value) ?? parseQuantity(value) ?? parseDuration(value);
}
