import { formatPointer, pointerToPath } from '@agentforge/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { showPath } from './_show.js';

describe('showPath', () => {
  it.each([
    { segments: [], shown: 'the document' },
    { segments: ['services', 'swarm', 'replicas'], shown: 'services.swarm.replicas' },
    { segments: ['env', 'a.b'], shown: 'env.a\\.b' },
    { segments: ['x', 'a/b', '~'], shown: 'x.a/b.~' },
    { segments: ['list', 0, 1.5], shown: 'list.0.1\\.5' },
  ])('$shown', ({ segments, shown }) => {
    expect(showPath(segments)).toBe(shown);
  });

  it('is the dotted form of the pointer of the segments, whatever they hold', () => {
    const segment = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'B', '.', '/', '~', '\\', '0', '1', '-', ' ') }),
      fc.integer(),
      fc.double({ noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        expect(showPath(segments)).toBe(pointerToPath(formatPointer(segments)));
      }),
      { numRuns: 1000 },
    );
  });
});
