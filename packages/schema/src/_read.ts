// Reading input within the loader's limits, shared by load.ts and bulk-load.ts (neither imports zod or `yaml` here).
import { readFile, stat } from './_fs.js';
import { fail, SourceText } from './_source.js';
import { AgentforgeError } from './errors.js';

/** The loader's limits when none are given. */
export const DEFAULTS = { maxBytes: 10 * 1024 * 1024, maxDepth: 256, maxAliasExpansion: 100_000 };

/** Reads a file whole, refusing a missing, irregular or oversized one before reading it. */
export async function readBounded(
  path: string,
  options: { file?: string; maxBytes?: number },
): Promise<Buffer> {
  const file = options.file ?? path;
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new AgentforgeError('FILE_UNREADABLE', `${file} is not a regular file`);
    if (info.size > maxBytes) throw tooLarge(file, info.size, maxBytes);
    return await readFile(path);
  } catch (error) {
    if (error instanceof AgentforgeError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new AgentforgeError('FILE_NOT_FOUND', `${file}: no such file`, { cause: error });
    throw new AgentforgeError('FILE_UNREADABLE', `${file}: cannot be read (${code ?? String(error)})`, {
      cause: error,
    });
  }
}

function tooLarge(file: string, size: number, maxBytes: number): AgentforgeError {
  return new AgentforgeError(
    'INPUT_TOO_LARGE',
    `${file} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit (raise maxBytes to accept it)`,
    { location: { file, line: 1, column: 1 } },
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** Input as text: UTF-8 (no BOM), within `maxBytes`, without NUL bytes, else a located error. */
export function decode(input: string | Uint8Array, file: string, maxBytes: number): string {
  let text: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes || Buffer.byteLength(input) > maxBytes)
      throw tooLarge(file, Buffer.byteLength(input), maxBytes);
    text = input;
  } else {
    if (input.byteLength > maxBytes) throw tooLarge(file, input.byteLength, maxBytes);
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      const offset = firstInvalidUtf8(input);
      const prefix = new TextDecoder().decode(input.subarray(0, offset));
      fail(
        'INVALID_ENCODING',
        `invalid UTF-8 byte 0x${input[offset]?.toString(16).padStart(2, '0')}; save the file as UTF-8`,
        new SourceText(file, prefix).at(prefix.length),
      );
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const nul = text.indexOf('\u0000');
  if (nul !== -1)
    fail(
      'BINARY_INPUT',
      'NUL byte: this looks like a binary file, not configuration text',
      new SourceText(file, text).at(nul),
    );
  return text;
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const size =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0 || i + size > bytes.length) return i;
    for (let k = 1; k < size; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    // Overlong three- and four-byte forms, surrogates and code points past U+10FFFF.
    const b1 = bytes[i + 1]!;
    if (
      (b === 0xe0 && b1 < 0xa0) ||
      (b === 0xed && b1 >= 0xa0) ||
      (b === 0xf0 && b1 < 0x90) ||
      (b === 0xf4 && b1 >= 0x90)
    )
      return i;
    i += size;
  }
  return bytes.length;
}
