import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fingerprint,
  isRedacted,
  isSecretKey,
  looksLikeSecret,
  redact,
  redactString,
  secretValueKind,
} from './secrets.js';

describe('secret detection', () => {
  it.each([
    'password',
    'dbPassword',
    'DB_PASSWORD',
    'apiKey',
    'api_key',
    'GITHUB_TOKEN',
    'clientSecret',
    'privateKey',
    'credentials',
    'passphrase',
  ])('treats the key %s as secret', (key) => expect(isSecretKey(key)).toBe(true));
  it.each(['secretRef', 'existingSecret', 'key', 'replicas', 'tokenizer', 'author'])(
    'does not treat the key %s as secret',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
  it.each([
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE...', /PEM/],
    ['postgres://app:s3cr3t@db:5432/app', /URL/],
    ['sk-ant-api03-abcdefghijklmnopqrstuv', /API key/],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', /GitHub/],
    ['AKIAABCDEFGHIJKLMNOP', /AWS/],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnop', /JSON Web Token/],
  ])('recognises %s', (value, kind) => expect(secretValueKind(value)).toMatch(kind));
  it.each([
    'info',
    'https://api.example.com/v1',
    'postgres://app@db:5432/app',
    'ghcr.io/agentforge/swarm:1.8.2@sha256:3b1f0c8e9d2a4b5c',
  ])('leaves %s alone', (value) => expect(looksLikeSecret(value)).toBe(false));
});

describe('redact', () => {
  it('masks secret keys, secret-looking values and URL passwords, keeping references', () => {
    const out = redact({
      db: { password: 'hunter2', url: 'postgres://app:s3cr3t@db/app', apiKey: { secretRef: 'llm-key' } },
      env: { LOG_LEVEL: 'info', TOKEN: 'abc', pem: '-----BEGIN PRIVATE KEY-----x' },
      list: ['sk-abcdefghijklmnopqrstuvwxyz'],
    });
    expect(isRedacted(out.db.password)).toBe(true);
    expect(out.db.url).toMatch(/^postgres:\/\/app:«redacted:[0-9a-f]{12}»@db\/app$/);
    expect(out.db.apiKey).toEqual({ secretRef: 'llm-key' });
    expect(out.env.LOG_LEVEL).toBe('info');
    expect(isRedacted(out.env.TOKEN)).toBe(true);
    expect(isRedacted(out.env.pem)).toBe(true);
    expect(isRedacted(out.list[0])).toBe(true);
  });

  it('is idempotent: redacting a redacted document changes nothing', () => {
    const once = redact({
      url: 'postgres://app:s3cr3t@db/app',
      password: 'x',
      token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
    });
    expect(redact(once)).toEqual(once);
  });

  it('shows that a secret changed without showing it', () => {
    expect(redactString('one', 'password')).toBe(redactString('one', 'password'));
    expect(redactString('one', 'password')).not.toBe(redactString('two', 'password'));
    expect(fingerprint('one')).toMatch(/^[0-9a-f]{12}$/);
  });

  const secret = fc
    .string({ minLength: 6, maxLength: 40, unit: 'grapheme-ascii' })
    .filter((s) => /^[!-~]+$/.test(s) && !/[@/:]/.test(s));
  it('never returns a secret value, wherever it is placed', () => {
    fc.assert(
      fc.property(
        secret,
        fc.constantFrom('password', 'DB_PASSWORD', 'apiKey', 'token', 'client_secret'),
        fc.constantFrom('key', 'url', 'list', 'nested'),
        (value, key, placement) => {
          const doc =
            placement === 'key'
              ? { [key]: value }
              : placement === 'url'
                ? { url: `redis://user:${value}@host:6379/0` }
                : placement === 'list'
                  ? { [key]: [value, value] }
                  : { a: { b: [{ [key]: value }] } };
          expect(JSON.stringify(redact(doc))).not.toContain(value);
        },
      ),
      { numRuns: 500 },
    );
  });
});
