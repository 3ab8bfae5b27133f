import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readStreamBounded } from './read-stream.js';

describe('readStreamBounded', () => {
  it('reads a stream under the cap whole', async () => {
    const text = await readStreamBounded(Readable.from(['a: b\n', 'c: d\n']), { maxBytes: 100 });
    expect(text.toString()).toBe('a: b\nc: d\n');
  });

  it('refuses endless input at the cap while streaming', async () => {
    let produced = 0;
    // `yes 'a: b'`: never ends on its own.
    const endless = new Readable({
      read() {
        produced += 64 * 1024;
        this.push(Buffer.alloc(64 * 1024, 'a: b\n'));
      },
    });
    await expect(
      readStreamBounded(endless, { maxBytes: 1024 * 1024, file: '<stdin>' }),
    ).rejects.toMatchObject({
      code: 'INPUT_TOO_LARGE',
      message: expect.stringContaining('<stdin>'),
    });
    // It stopped reading at the cap (a chunk or a few of read-ahead), not at the end of memory.
    expect(produced).toBeLessThan(4 * 1024 * 1024);
  });
});
