import { parseDuration, parseQuantity } from '@agentforge/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toNumber } from './_numbers.js';

const general = (text: string) => parseQuantity(text) ?? parseDuration(text);
const suffixes = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

describe('toNumber', () => {
  it.each([
    [4, 4],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    ['2', 2],
    ['007', 7],
    ['250m', 0.25],
    ['512Mi', 512 * 2 ** 20],
    ['2Gi', 2 * 2 ** 30],
    ['1.5', 1.5],
    [' 3k ', 3000],
    ['1e3', 1000],
    ['-2', -2],
    ['30s', 30_000],
    ['5ms', 5],
    ['2d', 172_800_000],
    ['1234567890123456789', Number('1234567890123456789')],
    ['12Xi', undefined],
    ['Mi', undefined],
    ['', undefined],
    [true, undefined],
    [null, undefined],
  ])('%j is %j', (input, expected) => {
    expect(toNumber(input)).toBe(expected);
  });

  it('reads every string as parseQuantity, then parseDuration, does', () => {
    const quantityLike = fc
      .tuple(
        fc.stringMatching(/^[0-9]{0,20}$/),
        fc.constantFrom(...suffixes, 'i', 's', 'ms', 'h', 'Kx', 'mi'),
      )
      .map(([digits, suffix]) => digits + suffix);
    fc.assert(
      fc.property(fc.oneof(quantityLike, fc.string()), (text) => {
        expect(toNumber(text)).toBe(general(text));
      }),
      { numRuns: 2000 },
    );
  });
});
