import { isSecretKey, redactedMarker, redactString } from '@agentforge/schema';

/**
 * A source line safe to print: the value after a secret-named key (`password: x`,
 * `API_KEY=x`, `"token": "x"`) and every token that looks like a secret are replaced by a
 * fingerprint marker, so the human reporter's source excerpt never shows a secret.
 */
export function redactLine(line: string): string {
  const tokens = line.split(/([\s,{}[\]"'`]+)/);
  let redactNext = false;
  let previous = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i % 2 === 1) {
      // `password: { secretRef: x }` is a reference, not a value.
      if (/[{[]/.test(token)) redactNext = false;
      continue;
    }
    if (token === '') continue;
    // A quoted key (`"password": "x"`) leaves its separator as a token of its own.
    if ((token === ':' || token === '=') && isSecretKey(previous)) {
      redactNext = true;
      continue;
    }
    previous = token;
    if (redactNext) {
      tokens[i] = redactedMarker(token);
      redactNext = false;
      continue;
    }
    const assignment = /^(?:export\s+)?([^:=]+)([:=])(.*)$/.exec(token);
    if (assignment) {
      const [, key, sep, value] = assignment as unknown as [string, string, string, string];
      if (isSecretKey(key)) {
        if (value === '') redactNext = true;
        else tokens[i] = `${key}${sep}${redactedMarker(value)}`;
        continue;
      }
    }
    tokens[i] = redactString(token);
  }
  return tokens.join('');
}
