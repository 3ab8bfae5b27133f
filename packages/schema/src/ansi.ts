import type { Severity } from './vocabulary.js';

const code = (open: number, close: number) => (enabled: boolean) => (text: string) =>
  enabled ? `\u001b[${open}m${text}\u001b[${close}m` : text;
const STYLES = {
  bold: code(1, 22),
  dim: code(2, 22),
  red: code(31, 39),
  green: code(32, 39),
  yellow: code(33, 39),
  blue: code(34, 39),
  magenta: code(35, 39),
  cyan: code(36, 39),
  gray: code(90, 39),
};

/** Text styles that are the identity when colour is off. */
export type Colors = { [K in keyof typeof STYLES]: (text: string) => string } & {
  severity(severity: Severity, text?: string): string;
};

/** Colour helpers for terminal output; pass `false` (e.g. `NO_COLOR`, not a TTY) for plain text. */
export function createColors(enabled: boolean): Colors {
  const colors = Object.fromEntries(
    Object.entries(STYLES).map(([name, style]) => [name, style(enabled)]),
  ) as Colors;
  const bySeverity: Record<Severity, (text: string) => string> = {
    critical: (t) => colors.bold(colors.magenta(t)),
    high: colors.red,
    medium: colors.yellow,
    low: colors.blue,
    info: colors.gray,
  };
  colors.severity = (severity, text = severity) => bySeverity[severity](text);
  return colors;
}

/** Whether to colour a stream: a TTY, and neither `NO_COLOR` nor `FORCE_COLOR=0` set. */
export function shouldColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return true;
  return stream.isTTY === true;
}
