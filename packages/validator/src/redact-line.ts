import { isSecretKey, redactedMarker, redactString } from '@agentforge/schema/kernel';

/** What is known about a source line beyond its text. */
export interface RedactLineContext {
  /**
   * The line holds a value a secret rule flagged: everything after its key is hidden, whatever
   * the key's name (`value: …` of an `env` entry named `STRIPE_SECRET_KEY`).
   */
  secret?: boolean;
  /**
   * The lines just above, nearest last, so that a block-style `env` entry (`- name:
   * DB_PASSWORD` above `value: …`) is recognised by its name.
   */
  previous?: readonly string[];
}

const MARKER = redactedMarker(undefined);
const KEY_VALUE = /^(\s*(?:-\s+)?(?:"[^"]*"|'[^']*'|[^\s:#'"{}[\],][^:#{}[\],]*?)\s*[:=])(\s*)(.*)$/;
const NAME_LINE = /^(\s*)(-\s+)?["']?name["']?\s*:\s*["']?([^"'\s#]+)["']?\s*(?:#.*)?$/;
const VALUE_LINE = /^(\s*)(-\s+)?["']?value["']?\s*:/;

/**
 * A source line safe to print: the value after a secret-named key (`password: x`,
 * `API_KEY=x`, `"token": "x"`), the value of a `name`/`value` pair whose name is a secret
 * (flow style on the line, block style through `context.previous`), the whole value of a
 * line a secret rule flagged (`context.secret`), and every token that looks like a secret are
 * replaced by a marker, so the human reporter's source excerpt never shows a secret.
 */
export function redactLine(line: string, context: RedactLineContext = {}): string {
  if (context.secret || secretValueLine(line, context.previous)) {
    const pair = KEY_VALUE.exec(line);
    // No key on the line (a continuation of a multi-line value): hide all of it.
    if (!pair) return line.trim() === '' ? line : `${/^\s*/.exec(line)![0]}${MARKER}`;
    return pair[3] === '' || /^[|>][-+0-9]*\s*(?:#.*)?$/.test(pair[3]!)
      ? line
      : `${pair[1]}${pair[2]}${MARKER}`;
  }
  return redactTokens(line);
}

/** A block-style `value:` line under a `name:` line of the same entry naming a secret. */
function secretValueLine(line: string, previous: readonly string[] | undefined): boolean {
  if (!previous || previous.length === 0) return false;
  const value = VALUE_LINE.exec(line);
  if (!value || value[2]) return false;
  const indent = value[1]!.length;
  for (let i = previous.length - 1; i >= 0; i--) {
    const above = previous[i]!;
    if (above.trim() === '' || above.trim().startsWith('#')) continue;
    const name = NAME_LINE.exec(above);
    const aboveIndent = /^\s*/.exec(above)![0].length + (name?.[2]?.length ?? 0);
    if (name && aboveIndent === indent) return isSecretKey(name[3]!);
    // Left the entry: a line less indented, or a new list item at this level.
    if (aboveIndent < indent || /^\s*-\s/.test(above)) return false;
  }
  return false;
}

function redactTokens(line: string): string {
  const tokens = line.split(/([\s,{}[\]"'`]+)/);
  let redactNext = false;
  let previous = '';
  // Flow-style `{ name: DB_PASSWORD, value: x }`: the name makes the value a secret.
  let namedSecret = false;
  let nameNext = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i % 2 === 1) {
      // `password: { secretRef: x }` is a reference, not a value.
      if (/[{[]/.test(token)) redactNext = false;
      continue;
    }
    if (token === '') continue;
    if (nameNext) {
      namedSecret = isSecretKey(token);
      nameNext = false;
    }
    // A quoted key (`"password": "x"`) leaves its separator as a token of its own.
    if (token === ':' || token === '=') {
      if (isSecretKey(previous) || (previous === 'value' && namedSecret)) redactNext = true;
      else if (previous === 'name') nameNext = true;
      continue;
    }
    previous = token;
    if (redactNext) {
      tokens[i] = MARKER;
      redactNext = false;
      continue;
    }
    const assignment = /^(?:export\s+)?([^:=]+)([:=])(.*)$/.exec(token);
    if (assignment) {
      const [, key, sep, value] = assignment as unknown as [string, string, string, string];
      if (isSecretKey(key) || (key === 'value' && namedSecret)) {
        if (value === '') redactNext = true;
        else tokens[i] = `${key}${sep}${MARKER}`;
        continue;
      }
      if (key === 'name') {
        if (value === '') nameNext = true;
        else namedSecret = isSecretKey(value);
      }
      previous = key;
    }
    tokens[i] = redactString(token);
  }
  return tokens.join('');
}
