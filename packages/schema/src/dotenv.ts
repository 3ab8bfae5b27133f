/** One variable of a dotenv file with where its name starts (1-based). */
export interface DotenvEntry {
  key: string;
  value: string;
  line: number;
  column: number;
}

// The grammar of the `dotenv` package (lib/main.js LINE): optional `export `, a key, `=` or `:`,
// then a single-, double- or back-quoted value (which may span lines) or a bare value up to `#`.
// dotenv matches it with one regular expression, which backtracks quadratically on runs of
// blank lines and on unterminated quotes (200 KB took 28 s); this scanner reads the same
// grammar in one pass. One deliberate difference, on input no writer produces: an escaped
// quote (`\'`) never closes a quoted value.
const KEY_START = /[ \t]*(?:export[ \t]+)?([\w.-]+)(?:\s*=|:\s)/y;
const BLANKS = /\s*/y;
const BLANK_TAIL = /[ \t\r]*(?:#[^\n]*)?(?=\n|$)/y;

/**
 * Parses dotenv text by the `dotenv` package's rules (quotes, `\n` in double quotes, `export `,
 * comments, multi-line quoted values), keeping the line and column of each key. Later keys win.
 * Linear in the text.
 */
export function parseDotenv(text: string): DotenvEntry[] {
  const source = text.replace(/\r\n?/g, '\n');
  const lineStarts = computeLineStarts(source);
  const entries: DotenvEntry[] = [];
  // Where the next unescaped quote of each kind is, per kind: only ever moves forward, so the
  // search for closing quotes is linear over the whole text.
  const next: Record<string, number> = { "'": -1, '"': -1, '`': -1 };
  const closing = (quote: string, from: number): number => {
    let at = next[quote]!;
    if (at >= from) return at;
    at = from;
    for (;;) {
      at = source.indexOf(quote, at);
      if (at === -1 || source[at - 1] !== '\\') break;
      at++;
    }
    next[quote] = at === -1 ? Number.POSITIVE_INFINITY : at;
    return at;
  };
  let position = 0;
  while (position < source.length) {
    let lineEnd = source.indexOf('\n', position);
    if (lineEnd === -1) lineEnd = source.length;
    KEY_START.lastIndex = position;
    const key = KEY_START.exec(source);
    if (!key) {
      position = lineEnd + 1;
      continue;
    }
    const keyOffset = position + key[0].lastIndexOf(key[1]!, key[0].length - 1);
    let valueStart = KEY_START.lastIndex;
    // `KEY\n=value` and `KEY:\nvalue` are dotenv too: the value's line is the one it starts on.
    if (source.lastIndexOf('\n', valueStart - 1) >= position) {
      lineEnd = source.indexOf('\n', valueStart);
      if (lineEnd === -1) lineEnd = source.length;
    }
    // `KEY: value` consumed one blank after the colon; the value's leading blanks are trimmed.
    while (source[valueStart] === ' ' || source[valueStart] === '\t') valueStart++;
    let raw: string | undefined;
    let end = lineEnd;
    // As in dotenv, a quoted value may open after blank lines below `KEY=`. Each blank run is
    // scanned once: it follows one key line at most.
    BLANKS.lastIndex = valueStart;
    BLANKS.test(source);
    const open = BLANKS.lastIndex;
    const quote = source[open];
    if (quote === "'" || quote === '"' || quote === '`') {
      const close = closing(quote, open + 1);
      if (close !== -1 && Number.isFinite(close)) {
        BLANK_TAIL.lastIndex = close + 1;
        if (BLANK_TAIL.test(source)) {
          raw = source.slice(open, close + 1);
          end = BLANK_TAIL.lastIndex;
        }
      }
    }
    if (raw === undefined) {
      // Look for `#` on this line only: `indexOf('#', valueStart)` would scan to the end of the
      // text on every line without one (1 MB of `A=b` lines took 14 s).
      let hash = valueStart;
      while (hash < lineEnd && source.charCodeAt(hash) !== 35 /* # */) hash++;
      raw = source.slice(valueStart, hash);
    }
    let value = raw.trim();
    const first = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    if (first === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    const { line, column } = offsetToLineColumn(lineStarts, keyOffset);
    entries.push({ key: key[1]!, value, line, column });
    position = end + 1;
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
  lineStarts: ArrayLike<number>,
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
