import { createHmac } from 'node:crypto';

const SECRET_KEY =
  /(pass(words?|wd|phrase)?|secrets?|tokens?|api[-_]?keys?|private[-_]?key|credentials?|auth[-_]?key|access[-_]?key|client[-_]?secret|signing[-_]?key|bearer|dsn)$/i;
/** Keys that name a secret reference, not a secret. */
const REFERENCE_KEY = /^(secretRef|secretName|existingSecret|secretKeyRef|secretStoreRef|key)$/;

const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  ['PEM private key or certificate block', /-----BEGIN [A-Z0-9 ]*(PRIVATE KEY|CERTIFICATE)-----/],
  ['credentials inside a URL', /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i],
  ['OpenAI or Anthropic API key', /\bsk-(ant-)?[A-Za-z0-9_-]{16,}/],
  ['GitHub token', /\bgh[pousr]_[A-Za-z0-9]{30,}/],
  ['Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}\b/],
];

/** True when a key names a secret (`password`, `apiKey`, `DB_TOKEN`, …) rather than a reference to one. */
export function isSecretKey(key: string): boolean {
  return !REFERENCE_KEY.test(key) && SECRET_KEY.test(key);
}

// Every pattern in one case-insensitive alternation: a superset of them all, so the common
// value that is no secret is cleared by one test instead of eight.
const ANY_SECRET_VALUE = new RegExp(
  SECRET_VALUE_PATTERNS.map(([, pattern]) => `(?:${pattern.source})`).join('|'),
  'i',
);

/** Why a value looks like a secret (a PEM block, credentials in a URL, a known token format), or `undefined`. */
export function secretValueKind(value: string): string | undefined {
  if (!ANY_SECRET_VALUE.test(value)) return undefined;
  for (const [kind, pattern] of SECRET_VALUE_PATTERNS) if (pattern.test(value)) return kind;
  return undefined;
}

/** True when a string value looks like a secret whatever its key. */
export function looksLikeSecret(value: string): boolean {
  return secretValueKind(value) !== undefined;
}

let fingerprintKey = 'agentforge-fingerprint-v1';

/**
 * Sets the key fingerprints are computed with. Teams that store snapshots somewhere shared set
 * their own so a fingerprint cannot be brute-forced offline; the default is stable across runs.
 */
export function setFingerprintKey(key: string): void {
  fingerprintKey = key;
}

/** A short, stable fingerprint of a secret: equal values give equal fingerprints, and it reveals nothing else. */
export function fingerprint(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return createHmac('sha256', fingerprintKey)
    .update(text ?? '')
    .digest('hex')
    .slice(0, 12);
}

/** The placeholder a secret is replaced by. */
export function redactedMarker(value: unknown): string {
  return `«redacted:${fingerprint(value)}»`;
}

/** True for a marker written by {@link redactedMarker}. */
export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && /^«redacted:[0-9a-f]{12}»$/.test(value);
}

const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)([^/\s@]+)(@.*)$/i;

/** Redacts one string: whole when its key names a secret or it looks like one, only the password inside a URL. */
export function redactString(value: string, key?: string): string {
  // Already-redacted text stays as it is, so redacting twice gives the same result.
  if (isRedacted(value)) return value;
  if (key !== undefined && isSecretKey(key)) return redactedMarker(value);
  const url = URL_CREDENTIALS.exec(value);
  if (url) {
    const password = isRedacted(url[2]) ? url[2]! : redactedMarker(url[2]);
    return `${url[1]}${password}${redactString(url[3]!)}`;
  }
  return looksLikeSecret(value) ? redactedMarker(value) : value;
}

/**
 * A deep copy of `value` with every secret masked by a short fingerprint, so that a changed
 * secret is still visible as a changed marker. Secret references (`{ secretRef }`) are kept.
 * @example redact({ db: { password: 'hunter2' } }) // { db: { password: '«redacted:…»' } }
 */
export function redact<T>(value: T, key?: string): T {
  return redactValue(value, key, 0) as T;
}

function redactValue(value: unknown, key: string | undefined, depth: number): unknown {
  if (typeof value === 'string') return redactString(value, key);
  if (value === null || typeof value !== 'object') {
    return key !== undefined && isSecretKey(key) && value !== undefined ? redactedMarker(value) : value;
  }
  if (depth > 512) return '«redacted:too-deep»';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // Objects ignore their key: `password: { secretRef }` is a reference, not a value.
    out[k] = redactValue(v, k, depth + 1);
  }
  return out;
}
