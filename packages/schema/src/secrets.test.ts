import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvironmentDocumentSchema } from './environment.js';
import { toJsonSchema } from './json-schema.js';
import {
  createFingerprintKey,
  detectSecret,
  fingerprint,
  isHighEntropySecret,
  isRedacted,
  isSecretKey,
  looksLikeSecret,
  markerKeyId,
  markersComparable,
  redact,
  redactedMarker,
  redactString,
  SECRET_KEY_LOOKALIKES,
  secretValueKind,
} from './secrets.js';

// Canary values are assembled at run time so that this file itself trips no secret scanner.
const j = (...parts: string[]) => parts.join('');

describe('isSecretKey', () => {
  it.each([
    'password',
    'dbPassword',
    'DB_PASSWORD',
    'DB_PASSWD',
    'MYSQL_PWD',
    'DB_PASS',
    'passphrase',
    'apiKey',
    'api_key',
    'APIKEY',
    'x-api-key',
    'GITHUB_TOKEN',
    'clientSecret',
    'privateKey',
    'PRIVATE_KEY',
    'credentials',
    'GOOGLE_APPLICATION_CREDENTIALS_JSON',
    'STRIPE_SECRET_KEY',
    'SECRET_KEY',
    'DJANGO_SECRET_KEY',
    'SECRET_KEY_BASE',
    'ENCRYPTION_KEY',
    'SESSION_KEY',
    'MASTER_KEY',
    'HMAC_KEY',
    'HMAC',
    'SIGNING_KEY',
    'ACCESS_KEY',
    'AWS_SECRET_ACCESS_KEY',
    'AZURE_BATCH_KEY',
    'OCI_CLI_KEY_CONTENT',
    'PASSWORD_SALT',
    'SENTRY_DSN',
    'SESSION_COOKIE',
    'JWT',
    'BASIC_AUTH',
    'authorization',
    'SLACK_WEBHOOK_SECRET',
    'NPM_AUTH_TOKEN',
    'refreshToken',
  ])('treats the key %s as secret', (key) => expect(isSecretKey(key)).toBe(true));

  it.each([
    ...SECRET_KEY_LOOKALIKES,
    'key',
    'replicas',
    'secretKeyRef',
    'secretStoreRef',
    'secretName',
    'AWS_KEY_ID',
    'JWT_AUDIENCE',
    'PASSWORD_MIN_LENGTH',
    'TOKEN_TTL',
    'COOKIE_NAME',
    'AUTH_URL',
    'SECRETS_BACKEND',
    'REDIS_KEY_PREFIX',
    'PARTITION_KEY',
    'MAX_TOKENS',
    'keyboard',
    'monkey',
    'bypass',
    'OLDPWD',
  ])('does not treat the key %s as secret', (key) => expect(isSecretKey(key)).toBe(false));

  it('flags no setting of the AgentForge document by its name alone', () => {
    // Every property name the schema knows: a false positive here would flag every document.
    const names = new Set<string>();
    const walk = (node: unknown) => {
      if (node === null || typeof node !== 'object') return;
      const properties = (node as { properties?: Record<string, unknown> }).properties;
      if (properties) for (const name of Object.keys(properties)) names.add(name);
      for (const child of Object.values(node)) walk(child);
    };
    walk(toJsonSchema(EnvironmentDocumentSchema));
    // The schema's own secret settings hold `{ secretRef }` objects (references), and
    // `secrets:` is a section; objects are walked, never flagged as values.
    const secretSettings = ['apiKey', 'password', 'credentials', 'adminPassword', 'secrets'];
    expect([...names].filter((n) => isSecretKey(n) && !secretSettings.includes(n))).toEqual([]);
  });
});

describe('secretValueKind', () => {
  it.each([
    [j('-----BEGIN RSA PRIVATE', ' KEY-----\nMIIEowIBAAKCAQEA'), /PEM/],
    [j('---BEGIN PRIVATE', ' KEY---\nMIIEowIBAAKCAQEA'), /PEM/],
    [j('-----BEGIN OPENSSH PRIVATE', ' KEY-----\nb3BlbnNzaC1rZXk'), /PEM/],
    [j('-----BEGIN PGP PRIVATE', ' KEY BLOCK-----\n'), /PEM/],
    ['postgres://app:s3cr3t@db:5432/app', /URL/],
    ['https://deploy:tok3n-value@git.example.com/repo.git', /URL/],
    [j('sk_live_', '51HxAbCdEfGhIjKlMnOpQr'), /Stripe/],
    [j('rk_live_', '51HxAbCdEfGhIjKlMnOpQr'), /Stripe/],
    [j('sk-ant-', 'api03-abcdefghijklmnopqrstuv'), /Anthropic/],
    [j('sk-proj-', 'abcdefghijklmnopqrstuvwxyz012345'), /OpenAI/],
    [j('sk-', 'abcdefghijklmnopqrstuvwxyz012345'), /OpenAI/],
    [j('ghp_', 'abcdefghijklmnopqrstuvwxyz0123456789'), /GitHub/],
    [j('gho_', 'abcdefghijklmnopqrstuvwxyz0123456789'), /GitHub/],
    [j('github_pat_', '11ABCDEFG0abcdefghijkl_mnopqrstuvwxyz'), /GitHub/],
    [j('xoxb-', '123456789012-abcdefghijkl'), /Slack/],
    [j('xoxp-', '123456789012-abcdefghijkl'), /Slack/],
    [j('AKIA', 'ABCDEFGHIJKLMNOP'), /AWS/],
    [j('ASIA', 'ABCDEFGHIJKLMNOP'), /AWS/],
    [j('AIza', 'SyA1234567890abcdefghijklmnopqrstuv'), /Google/],
    [j('eyJhbGciOiJIUzI1NiJ9', '.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop'), /JSON Web Token/],
    [j('npm_', 'abcdefghijklmnopqrstuvwxyz0123456789'), /npm/],
    [j('glpat-', 'abcdefghijklmnopqrst'), /GitLab/],
  ])('recognises %s', (value, kind) => expect(secretValueKind(value)).toMatch(kind));

  it.each([
    'info',
    'https://api.example.com/v1',
    'postgres://app@db:5432/app',
    'postgres://app:${DB_PASSWORD}@db:5432/app',
    'ghcr.io/agentforge/swarm:1.8.2@sha256:3b1f0c8e9d2a4b5c',
    '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE',
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0B',
    'sk-short',
    'task-runner-queue-name',
    'AKIA-not-a-key',
    'mailto:ops@example.com',
  ])('leaves %s alone', (value) => expect(looksLikeSecret(value)).toBe(false));
});

describe('isHighEntropySecret', () => {
  it.each([
    'Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB',
    'q8Jw2mVt9ZpLx4RkHs7NcYd3GfBa6Ue1',
    '3f9a7c2e1b8d4f6a0c5e9b2d7f1a3c8e',
    'aGVsbG8gd29ybGQgdGhpcyBpcyBzZWNyZXQ0Mg==',
  ])('flags the random value %s', (value) => expect(isHighEntropySecret(value)).toBe(true));
  it.each([
    'info',
    'production',
    'https://api.example.com/v1/endpoint',
    '/var/lib/agentforge/data/cache',
    '123e4567-e89b-12d3-a456-426614174000',
    'swarm-orchestrator-memory-gateway-v2',
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'abcdefghijklmnopqrstuvwxyzabcdef',
    '1234567890123456789012345678',
    'agentforge_route_engine_timeout_ms_30000',
  ])('leaves the plain value %s alone', (value) => expect(isHighEntropySecret(value)).toBe(false));
});

describe('detectSecret', () => {
  it.each([
    { name: 'secret key name', key: 'STRIPE_SECRET_KEY', value: 'anything', entropy: false, hit: true },
    { name: 'numeric password', key: 'password', value: 123456, entropy: false, hit: true },
    {
      name: 'value format under a plain key',
      key: 'NOTE',
      value: j('sk_live_', 'abcdefghijklmnop'),
      entropy: false,
      hit: true,
    },
    {
      name: 'entropy in a variable map',
      key: 'X',
      value: 'Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB',
      entropy: true,
      hit: true,
    },
    {
      name: 'entropy off outside maps',
      key: 'X',
      value: 'Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB',
      entropy: false,
      hit: false,
    },
    { name: 'a reference', key: 'password', value: { secretRef: 'db' }, entropy: false, hit: false },
    { name: 'an empty value', key: 'password', value: '', entropy: false, hit: false },
    { name: 'a placeholder', key: 'password', value: '${DB_PASSWORD}', entropy: false, hit: false },
    { name: 'a marker', key: 'password', value: '«redacted»', entropy: false, hit: false },
    { name: 'a boolean', key: 'AUTH', value: true, entropy: false, hit: false },
    { name: 'plain setting', key: 'LOG_LEVEL', value: 'debug', entropy: true, hit: false },
  ])('$name', ({ key, value, entropy, hit }) =>
    expect(detectSecret(key, value, { entropy }) !== undefined).toBe(hit),
  );
});

describe('fingerprints', () => {
  const key = createFingerprintKey();
  it('are 128-bit HMACs under a key, with the key id in the marker', () => {
    expect(fingerprint('one', key)).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprint('one', key)).toBe(fingerprint('one', key));
    expect(fingerprint('one', key)).not.toBe(fingerprint('two', key));
    const marker = redactedMarker('one', key);
    expect(isRedacted(marker)).toBe(true);
    expect(markerKeyId(marker)).toBe(key.id);
  });
  it('differ between keys, and markers of two keys are not comparable', () => {
    const other = createFingerprintKey();
    expect(fingerprint('one', key)).not.toBe(fingerprint('one', other));
    expect(markersComparable(redactedMarker('one', key), redactedMarker('two', key))).toBe(true);
    expect(markersComparable(redactedMarker('one', key), redactedMarker('one', other))).toBe(false);
    expect(markersComparable('«redacted:0123456789ab»', '«redacted:0123456789ab»')).toBe(false);
    expect(markersComparable('«redacted»', '«redacted»')).toBe(false);
  });
  it('take key material as hex, and refuse short keys', () => {
    const hex = 'ab'.repeat(32);
    expect(createFingerprintKey(hex).id).toBe(createFingerprintKey(hex).id);
    expect(() => createFingerprintKey('abcd')).toThrow(/32 bytes/);
  });
});

describe('redact', () => {
  it('masks secret keys, secret-looking values and URL passwords, keeping references', () => {
    const out = redact({
      db: { password: 'hunter2', url: 'postgres://app:s3cr3t@db/app', apiKey: { secretRef: 'llm-key' } },
      env: { LOG_LEVEL: 'info', TOKEN: 'abc', pem: j('-----BEGIN PRIVATE', ' KEY-----x') },
      list: [j('sk-', 'abcdefghijklmnopqrstuvwxyz')],
      containers: [{ name: 'DB_PASSWORD', value: 'hunter3' }],
    });
    expect(isRedacted(out.db.password)).toBe(true);
    expect(out.db.url).toBe('postgres://app:«redacted»@db/app');
    expect(out.db.apiKey).toEqual({ secretRef: 'llm-key' });
    expect(out.env.LOG_LEVEL).toBe('info');
    expect(isRedacted(out.env.TOKEN)).toBe(true);
    expect(isRedacted(out.env.pem)).toBe(true);
    expect(isRedacted(out.list[0])).toBe(true);
    expect(out.containers[0]).toEqual({ name: 'DB_PASSWORD', value: '«redacted»' });
  });

  it('is idempotent: redacting a redacted document changes nothing', () => {
    const key = createFingerprintKey();
    const once = redact(
      {
        url: 'postgres://app:s3cr3t@db/app',
        password: 'x',
        token: j('ghp_', 'abcdefghijklmnopqrstuvwxyz0123456789'),
      },
      undefined,
      { fingerprintKey: key },
    );
    expect(redact(once, undefined, { fingerprintKey: key })).toEqual(once);
  });

  it('shows that a secret changed without showing it, given a key', () => {
    const options = { fingerprintKey: createFingerprintKey() };
    expect(redactString('one', 'password', options)).toBe(redactString('one', 'password', options));
    expect(redactString('one', 'password', options)).not.toBe(redactString('two', 'password', options));
  });

  const secret = fc
    .string({ minLength: 6, maxLength: 40, unit: 'grapheme-ascii' })
    .filter((s) => /^[!-~]+$/.test(s) && !/[@/:$]/.test(s));
  it('never returns a secret value, wherever it is placed', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('password', 'DB_PASSWORD', 'apiKey', 'token', 'client_secret', 'SECRET_KEY'),
        fc.constantFrom('key', 'url', 'list', 'nested', 'pair'),
        (value, key, placement) => {
          const doc =
            placement === 'key'
              ? { [key]: value }
              : placement === 'url'
                ? { url: `redis://user:${value}@host:6379/0` }
                : placement === 'list'
                  ? { [key]: [value, value] }
                  : placement === 'pair'
                    ? { env: [{ name: key, value }] }
                    : { a: { b: [{ [key]: value }] } };
          expect(
            JSON.stringify(redact(doc, undefined, { fingerprintKey: createFingerprintKey() })),
          ).not.toContain(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});
