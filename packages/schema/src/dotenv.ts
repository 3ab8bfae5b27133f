/** One variable of a dotenv file with where its name starts (1-based). */
export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
  column: number;
}

// The grammar of the `dotenv` package (lib/main.js LINE): optional `export `, a key, `=` or `:`,
// then a single-, double- or back-quoted value (which may span lines) or a bare value up to `#`.
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

/**
 * Parses dotenv text by the `dotenv` package's rules (quotes, `\n` in double quotes, `export `,
 * comments, multi-line quoted values), keeping the line and column of each key. Later keys win.
 */
export function parseDotenv(text: string): DotenvEntry[] {
  const source = text.replace(/\r\n?/g, '\n');
  const lineStarts = computeLineStarts(source);
  const entries: DotenvEntry[] = [];
  LINE.lastIndex = 0;
  for (let match = LINE.exec(source); match !== null; match = LINE.exec(source)) {
    if (match[0].length === 0) {
      LINE.lastIndex++;
      continue;
    }
    const key = match[1]!;
    const keyOffset = match.index + match[0].indexOf(key);
    let value = (match[2] ?? '').trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    const { line, column } = offsetToLineColumn(lineStarts, keyOffset);
    entries.push({ key, value, line, column });
  }
  return entries;
}

/** Offsets at which each line of `text` starts. */
export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset, by binary search over line starts. */
export function offsetToLineColumn(
  lineStarts: readonly number[],
  offset: number,
): { line: number; column: number } {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low + 1, column: offset - lineStarts[low]! + 1 };
}
