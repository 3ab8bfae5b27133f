import { nodeCrypto } from './_builtins.js';

// The one secret detector every package uses. Written here rather than taken from secretlint
// (@secretlint/secretlint-rule-preset-recommend): its rules lint a whole source text through an
// async rule context and report ranges, while every caller here asks a synchronous question
// about one key and one value on a hot path (the validator walks every scalar of every
// document). The lists below learn from secretlint's preset, gitleaks' rules and allowlists,
// and detect-secrets' keyword and high-entropy plugins — including their known false positives.

// ---------------------------------------------------------------------------------------------
// Key names
// ---------------------------------------------------------------------------------------------

/**
 * Tokens that make a key a secret wherever they appear in it (`DB_PASSWORD`, `githubToken`,
 * `SENTRY_DSN`, `PASSWORD_SALT`). Matched against whole tokens, so `tokenizer`, `author` and
 * `bypass` are not secrets.
 */
const SECRET_TOKENS = new Set([
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'token',
  'credential',
  'credentials',
  'creds',
  'apikey',
  'apikeys',
  'auth',
  'authorization',
  'bearer',
  'dsn',
  'salt',
  'hmac',
  'cookie',
  'jwt',
  // `APIKEY`, `secretkey`, `PRIVATEKEY` written as one word.
  'secretkey',
  'privatekey',
  'accesskey',
  'authkey',
  'sessionkey',
  'masterkey',
  'signingkey',
  'encryptionkey',
  'hmackey',
  'clientsecret',
  'authtoken',
  'accesstoken',
  'refreshtoken',
]);

/**
 * `key`/`keys` names a secret when something qualifies it (`SECRET_KEY`, `ENCRYPTION_KEY`,
 * `SESSION_KEY`, `MASTER_KEY`, `AZURE_BATCH_KEY`, `OCI_CLI_KEY_CONTENT`) — except after these
 * qualifiers, which name keys of a data structure or a public key (gitleaks' and
 * detect-secrets' most reported false positives).
 */
const PLAIN_KEY_QUALIFIERS = new Set([
  'public',
  'primary',
  'foreign',
  'partition',
  'sort',
  'range',
  'hash',
  'cache',
  'routing',
  'shard',
  'idempotency',
  'dedup',
  'dedupe',
  'lookup',
  'group',
  'object',
  'composite',
  'unique',
  'index',
  'map',
  'kv',
  'i18n',
  'translation',
  'label',
  'annotation',
  'metric',
  'config',
  'feature',
  'flag',
  'storage', // `STORAGE_KEY` of a browser store; Azure's account key is caught by its value format
  'sequence',
  'sticky',
  'affinity',
]);

/**
 * A last token that makes the key describe a secret rather than hold it: `*_KEY_ID`,
 * `TOKEN_URL`, `SECRET_NAME`, `PASSWORD_FILE`, `JWT_ISSUER`, `SESSION_TIMEOUT`,
 * `COOKIE_DOMAIN`, `AUTH_ENABLED`, `SALT_ROUNDS`, `PASSWORD_MIN_LENGTH`.
 */
const DESCRIBING_LAST_TOKENS = new Set([
  'id',
  'ids',
  'arn',
  'ref',
  'refs',
  'name',
  'names',
  'file',
  'files',
  'path',
  'paths',
  'dir',
  'url',
  'urls',
  'uri',
  'endpoint',
  'host',
  'hostname',
  'port',
  'domain',
  'realm',
  'issuer',
  'audience',
  'aud',
  'iss',
  'scope',
  'scopes',
  'header',
  'prefix',
  'suffix',
  'env',
  'var',
  'variable',
  'field',
  'type',
  'kind',
  'mode',
  'method',
  'scheme',
  'strategy',
  'provider',
  'backend',
  'store',
  'format',
  'algorithm',
  'alg',
  'enabled',
  'disabled',
  'enable',
  'required',
  'secure',
  'httponly',
  'samesite',
  'age',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'lifetime',
  'timeout',
  'duration',
  'interval',
  'period',
  'days',
  'hours',
  'minutes',
  'seconds',
  'ms',
  'leeway',
  'length',
  'size',
  'count',
  'rounds',
  'iterations',
  'cost',
  'version',
  'rotation',
  'location',
  'region',
  'mount',
  'policy',
  'pattern',
  'regex',
  'limit',
  'max',
  'min',
  'user',
  'username',
  'usernames',
  'login',
  'email',
  'service',
  'server',
  'sha',
  'digest',
  'checksum',
  'fingerprint',
  'vault',
  'manager',
  'keyring',
]);

/** Tokens that name something public or a reference wherever they appear (`NEXT_PUBLIC_API_KEY`, `existingSecret`). */
const NEVER_SECRET_TOKENS = new Set(['public', 'existing', 'publishable', 'ref', 'refs']);

/**
 * Whole keys that look like secrets and are not: the references Kubernetes and the document use
 * (`secretKeyRef.key`, `{ secretRef }`) and the shell's working directories (`PWD`, `OLDPWD`).
 */
const NEVER_SECRET_KEYS = new Set([
  'key',
  'keys',
  'secretref',
  'secretname',
  'existingsecret',
  'secretkeyref',
  'secretstoreref',
  'pwd',
  'oldpwd',
]);

/**
 * The allowlist of look-alikes, for documentation and tests: keys that contain a secret-like
 * token but name something that is not a secret.
 */
export const SECRET_KEY_LOOKALIKES: readonly string[] = [
  'PUBLIC_KEY',
  'NEXT_PUBLIC_API_KEY',
  'STRIPE_PUBLISHABLE_KEY',
  'AWS_ACCESS_KEY_ID',
  'TOKEN_URL',
  'SECRET_NAME',
  'DB_PASSWORD_FILE',
  'JWT_ISSUER',
  'SESSION_TIMEOUT',
  'COOKIE_DOMAIN',
  'AUTH_ENABLED',
  'SALT_ROUNDS',
  'PRIMARY_KEY',
  'CACHE_KEY',
  'PWD',
  'secretRef',
  'existingSecret',
  'maxTokens',
  'tokenizer',
  'author',
];

// `STRIPE_SECRET_KEY` → stripe/secret/key, `dbPassword` → db/password, `APIKey` → api/key.
const TOKEN = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

function keyTokens(key: string): string[] {
  return (key.match(TOKEN) ?? []).map((t) => t.toLowerCase());
}

const keyVerdicts = new Map<string, boolean>();

/**
 * True when a key names a secret — by token, case-insensitive: `password`, `DB_PASSWD`,
 * `GITHUB_TOKEN`, `SECRET_KEY`, `DJANGO_SECRET_KEY`, `ENCRYPTION_KEY`, `SESSION_KEY`,
 * `MASTER_KEY`, `HMAC_KEY`, `PASSWORD_SALT`, `SENTRY_DSN`, `apiKey`, `AZURE_BATCH_KEY`,
 * `OCI_CLI_KEY_CONTENT` — and false for the documented look-alikes
 * ({@link SECRET_KEY_LOOKALIKES}: `PUBLIC_KEY`, `*_KEY_ID`, `TOKEN_URL`, `secretRef`, …).
 */
export function isSecretKey(key: string): boolean {
  // Keys repeat across services and documents; the verdict is a pure function of the key.
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = classifyKey(key);
    if (keyVerdicts.size >= 10_000) keyVerdicts.clear();
    keyVerdicts.set(key, verdict);
  }
  return verdict;
}

function classifyKey(key: string): boolean {
  if (NEVER_SECRET_KEYS.has(key.toLowerCase())) return false;
  const tokens = keyTokens(key);
  const last = tokens.at(-1);
  if (last === undefined || DESCRIBING_LAST_TOKENS.has(last)) return false;
  let qualified = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (NEVER_SECRET_TOKENS.has(token)) return false;
    if (SECRET_TOKENS.has(token)) qualified = true;
    else if ((token === 'key' || token === 'keys') && i > 0 && !PLAIN_KEY_QUALIFIERS.has(tokens[i - 1]!))
      qualified = true;
  }
  return qualified;
}

// ---------------------------------------------------------------------------------------------
// Value formats
// ---------------------------------------------------------------------------------------------

const SECRET_VALUE_PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  // OpenSSH, PKCS#1/#8, EC, DSA, encrypted and PGP blocks; 3 to 5 dashes, as gitleaks accepts.
  ['PEM private key', /-{3,5}\s*BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?\s*-{3,5}/],
  ['credentials inside a URL', /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:(?!\$\{|\$\(|\u00abredacted)[^/\s@]+@/i],
  ['Stripe secret key', /\b(?:sk|rk)_(?:live|test)_[0-9a-zA-Z]{10,}/],
  ['Stripe webhook secret', /\bwhsec_[0-9a-zA-Z]{20,}/],
  ['Anthropic API key', /\bsk-ant-[A-Za-z0-9_-]{16,}/],
  ['OpenAI API key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/],
  ['GitHub token', /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/],
  ['GitLab token', /\bglpat-[A-Za-z0-9_-]{20,}/],
  ['Slack token', /\bxox[abposre]-[A-Za-z0-9-]{10,}/],
  ['Slack webhook', /hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9+/]{20,}/],
  ['AWS access key id', /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/],
  ['Google API key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['npm token', /\bnpm_[A-Za-z0-9]{36}\b/],
  ['SendGrid API key', /\bSG\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/],
  ['Shopify token', /\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b/],
  ['Linear API key', /\blin_api_[A-Za-z0-9]{40}\b/],
  ['1Password service account token', /\bops_eyJ[A-Za-z0-9+/=_-]{40,}/],
  ['HashiCorp Vault token', /\bhv[sbr]\.[A-Za-z0-9_-]{24,}/],
  ['Azure storage account key', /AccountKey=[A-Za-z0-9+/]{40,}={0,2}/],
  ['JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
];

// Every case-sensitive pattern in one alternation and the case-insensitive ones in another: a
// superset of them all, so the common value that is no secret is cleared by two regex tests
// instead of twenty. Kept apart because one `i` flag over the whole alternation made its first
// test (V8 compiles a regex on first use) cost a CLI run about 2 ms more.
const anyOf = (caseInsensitive: boolean) =>
  new RegExp(
    SECRET_VALUE_PATTERNS.filter(([, pattern]) => pattern.ignoreCase === caseInsensitive)
      .map(([, pattern]) => `(?:${pattern.source})`)
      .join('|'),
    caseInsensitive ? 'i' : '',
  );
const ANY_SECRET_VALUE = anyOf(false);
const ANY_SECRET_VALUE_CASELESS = anyOf(true);

/** Why a value looks like a secret (a PEM private key, credentials in a URL, a known token format), or `undefined`. */
export function secretValueKind(value: string): string | undefined {
  // The shortest format (an AWS key id) has 20 characters; a PEM header 31.
  if (value.length < 16 || !(ANY_SECRET_VALUE.test(value) || ANY_SECRET_VALUE_CASELESS.test(value)))
    return undefined;
  for (const [kind, pattern] of SECRET_VALUE_PATTERNS) if (pattern.test(value)) return kind;
  return undefined;
}

/** True when a string value looks like a secret whatever its key. */
export function looksLikeSecret(value: string): boolean {
  return secretValueKind(value) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Entropy (detect-secrets' high-entropy plugins, made stricter for configuration values)
// ---------------------------------------------------------------------------------------------

const RANDOM_LOOKING = /^[A-Za-z0-9+/=_-]{24,512}$/;
const HEX = /^[0-9a-fA-F]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * True for a long value that looks random: 24+ characters of one token alphabet, letters and
 * digits mixed, and Shannon entropy above 4.0 bits per character (3.0 for hex, 32+ characters).
 * Meant for free-form variable maps (`services.*.env`, Kubernetes `env`, ConfigMap data), where
 * a random value under an innocent name is most likely a credential. Paths, URLs, UUIDs,
 * words joined by separators and repeated characters stay below the bar.
 */
export function isHighEntropySecret(value: string): boolean {
  // The length test first: most values are short, and a call per value adds up in a document walk.
  if (value.length < 24 || !RANDOM_LOOKING.test(value) || UUID.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  if (HEX.test(value)) return value.length >= 32 && shannonEntropy(value) >= 3.0;
  // `my-service-name-with-many-words` style values: separators between lower-case words.
  if (/^[a-z0-9]+(?:[-_][a-z0-9]+)+$/.test(value) && /[-_][a-z]{3,}/.test(value)) return false;
  return shannonEntropy(value) >= 4.0;
}

// ---------------------------------------------------------------------------------------------
// One verdict for a key and a value
// ---------------------------------------------------------------------------------------------

/** A secret reference (`{ secretRef: name }`), never a secret itself. */
export function isSecretRef(value: unknown): value is { secretRef: string; key?: string } {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as { secretRef?: unknown }).secretRef === 'string'
  );
}

/** Options of {@link detectSecret}. */
export interface DetectSecretOptions {
  /** Also flag long random-looking values (see {@link isHighEntropySecret}); for variable maps. @default false */
  entropy?: boolean;
}

/**
 * Why `value` under `key` is a literal secret, or `undefined`: its format (a PEM private key,
 * a Stripe/AWS/GitHub/Slack/Google/OpenAI/Anthropic key, a JWT, a URL with a password), its
 * key's name (for a non-empty string or a number), or — with `entropy` — its randomness.
 * Secret references, redaction markers, `${VAR}` placeholders, booleans and empty values are
 * never secrets.
 * @example detectSecret('STRIPE_SECRET_KEY', 'sk_live_…') // 'Stripe secret key'
 */
export function detectSecret(
  key: string | undefined,
  value: unknown,
  options: DetectSecretOptions = {},
): string | undefined {
  if (typeof value === 'number') {
    return key !== undefined && isSecretKey(key) ? `the key ${key} names a secret` : undefined;
  }
  if (typeof value !== 'string' || value === '' || isRedacted(value) || isPlaceholder(value))
    return undefined;
  const kind = secretValueKind(value);
  if (kind) return kind;
  if (key !== undefined && isSecretKey(key)) return `the key ${key} names a secret`;
  if (options.entropy && isHighEntropySecret(value)) return 'a long random-looking value';
  return undefined;
}

// `${DB_PASSWORD}`, `$(cat /run/secrets/x)`: a reference resolved elsewhere, not a value.
const PLACEHOLDER =
  /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?+][^}]*)?\}|\$\([^)]*\)|<[a-z0-9 _-]+>|changeme|CHANGE_ME)$/;
function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value);
}

// ---------------------------------------------------------------------------------------------
// Fingerprints and markers
// ---------------------------------------------------------------------------------------------

/**
 * The key secret fingerprints are computed with. Made by {@link createFingerprintKey}; the
 * workspace keeps one in `.agentforge/` (see `loadFingerprintKey` in the workspace model).
 */
export interface FingerprintKey {
  /** A public id of the key (16 hex characters), written beside each fingerprint so that fingerprints made under different keys are known to be incomparable. */
  readonly id: string;
  /** The key material (≥ 32 bytes). */
  readonly material: Uint8Array;
}

/**
 * A fingerprint key from given material (hex or base64 text of at least 32 bytes, or raw
 * bytes), or a fresh random 256-bit key when none is given.
 */
export function createFingerprintKey(material?: string | Uint8Array): FingerprintKey {
  let bytes: Uint8Array;
  if (material === undefined) bytes = nodeCrypto().randomBytes(32);
  else if (typeof material === 'string') {
    const text = material.trim();
    bytes =
      /^[0-9a-fA-F]+$/.test(text) && text.length % 2 === 0
        ? Buffer.from(text, 'hex')
        : Buffer.from(text, 'base64');
  } else bytes = material;
  if (bytes.length < 32)
    throw new RangeError('a fingerprint key needs at least 32 bytes (64 hex characters)');
  const id = nodeCrypto()
    .createHmac('sha256', bytes)
    .update('agentforge fingerprint key id')
    .digest('hex')
    .slice(0, 16);
  return Object.freeze({ id, material: Uint8Array.from(bytes) });
}

/**
 * A keyed fingerprint of a secret (HMAC-SHA-256 truncated to 128 bits, 32 hex characters):
 * equal values give equal fingerprints under one key; without the key a fingerprint reveals
 * nothing and cannot be tested against guesses.
 */
export function fingerprint(value: unknown, key: FingerprintKey): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return nodeCrypto()
    .createHmac('sha256', key.material)
    .update(text ?? '')
    .digest('hex')
    .slice(0, 32);
}

/**
 * The placeholder a secret is replaced by: `«redacted»` for display, or
 * `«redacted:<key id>:<fingerprint>»` when a key is given, so that a stored or compared copy
 * still shows that a secret changed.
 */
export function redactedMarker(value: unknown, key?: FingerprintKey): string {
  return key === undefined ? '«redacted»' : `«redacted:${key.id}:${fingerprint(value, key)}»`;
}

// The 12-hex form is what snapshots written before keyed fingerprints hold. `\u00ab…\u00bb` is
// «…»: esbuild leaves regex literals as written, and the CLI's bundle stays ASCII (read faster).
const MARKER = /^\u00abredacted(?::(?:[0-9a-f]{12}|[0-9a-f]{16}:[0-9a-f]{32}|too-deep))?\u00bb$/;

/** True for a marker written by {@link redactedMarker} (or by an earlier version). */
export function isRedacted(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('«redacted') && MARKER.test(value);
}

/**
 * The id of the key a marker was made with: `undefined` for a marker without a fingerprint or
 * made before keyed fingerprints (both incomparable with anything), else the key id.
 */
export function markerKeyId(marker: string): string | undefined {
  const match = /^\u00abredacted:([0-9a-f]{16}):[0-9a-f]{32}\u00bb$/.exec(marker);
  return match?.[1];
}

/**
 * Whether two markers can be compared: `true` only when both carry a fingerprint made under the
 * same key. A change between markers that are not comparable is "not comparable", never a change.
 */
export function markersComparable(a: string, b: string): boolean {
  const id = markerKeyId(a);
  return id !== undefined && id === markerKeyId(b);
}

/** Options of {@link redact} and {@link redactString}. */
export interface RedactOptions {
  /** Fingerprint secrets with this key (`«redacted:<id>:<fingerprint>»`); without one, markers carry no fingerprint. */
  fingerprintKey?: FingerprintKey;
}

const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)([^/\s@]+)(@.*)$/is;

/** Redacts one string: whole when its key names a secret or it looks like one, only the password inside a URL. */
export function redactString(value: string, key?: string, options: RedactOptions = {}): string {
  // Already-redacted text stays as it is, so redacting twice gives the same result.
  if (isRedacted(value)) return value;
  const fpKey = options.fingerprintKey;
  if (key !== undefined && isSecretKey(key) && value !== '' && !isPlaceholder(value))
    return redactedMarker(value, fpKey);
  // Most values have no `://`; the search is cheaper than the regex (this runs on every value of a drift walk).
  const url = value.includes('://') ? URL_CREDENTIALS.exec(value) : null;
  if (url && !isPlaceholder(url[2]!)) {
    const password = isRedacted(url[2]) ? url[2]! : redactedMarker(url[2], fpKey);
    return `${url[1]}${password}${redactString(url[3]!, undefined, options)}`;
  }
  return looksLikeSecret(value) ? redactedMarker(value, fpKey) : value;
}

/**
 * A deep copy of `value` with every secret masked, so that a changed secret is still visible
 * as a changed marker when a fingerprint key is given. Secret references (`{ secretRef }`) are
 * kept; `{ name: DB_PASSWORD, value: … }` pairs (Kubernetes `env`) are masked by the name.
 * @example redact({ db: { password: 'hunter2' } }) // { db: { password: '«redacted»' } }
 */
export function redact<T>(value: T, key?: string, options: RedactOptions = {}): T {
  return redactValue(value, key, 0, options.fingerprintKey) as T;
}

function redactValue(
  value: unknown,
  key: string | undefined,
  depth: number,
  fpKey?: FingerprintKey,
): unknown {
  if (typeof value === 'string') return redactString(value, key, { fingerprintKey: fpKey });
  if (value === null || typeof value !== 'object') {
    return key !== undefined && typeof value === 'number' && isSecretKey(key)
      ? redactedMarker(value, fpKey)
      : value;
  }
  if (depth > 512) return '«redacted:too-deep»';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, depth + 1, fpKey));
  const record = value as Record<string, unknown>;
  const pairName = typeof record.name === 'string' && isSecretKey(record.name) ? record.name : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    // Objects ignore their key: `password: { secretRef }` is a reference, not a value.
    out[k] = redactValue(v, k === 'value' && pairName !== undefined ? pairName : k, depth + 1, fpKey);
  }
  return out;
}
