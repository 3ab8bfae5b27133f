import { AgentforgeError } from './errors.js';

/** The input size the loader accepts by default (see `LoadOptions.maxBytes`). */
export const DEFAULT_MAX_INPUT_BYTES = 10 * 1024 * 1024;

/**
 * Reads a stream (standard input) whole, but never more than `maxBytes`: the count is checked
 * as each chunk arrives, so endless input (`yes | agentforge … -`) is refused at the cap with
 * `INPUT_TOO_LARGE` instead of filling memory.
 * @example const text = await readStreamBounded(process.stdin, { file: '<stdin>' });
 */
export async function readStreamBounded(
  stream: AsyncIterable<unknown>,
  options: { file?: string; maxBytes?: number } = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    // Chunks of a byte stream are Buffers already: kept as they are, not copied.
    const buffer = Buffer.isBuffer(chunk)
      ? chunk
      : typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk as Uint8Array);
    total += buffer.byteLength;
    if (total > maxBytes) {
      // Stop reading: the producer gets EPIPE or SIGPIPE and ends.
      (stream as { destroy?: () => void }).destroy?.();
      throw new AgentforgeError(
        'INPUT_TOO_LARGE',
        `${options.file ?? '<stdin>'}: more than ${maxBytes} bytes; the limit protects memory (split the input or raise the limit)`,
        { details: { maxBytes } },
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}
