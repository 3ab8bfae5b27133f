import {
  detectSecret,
  type EnvironmentDocument,
  EnvironmentDocumentSchema,
  formatPointer,
  isPlainObject,
  looksLikeSecret,
  PROCESS_CONTRACT,
  parseWithSchema,
  redactedMarker,
  redactString,
  SERVICE_NAMES,
  type ServiceName,
  secretScope,
  toEnvSegment,
} from '@agentforge/schema';
import type { Logger } from './files.js';

/** Where one secret comes from and the variable a process reads it from. */
export interface SecretBinding {
  /** JSON pointer of the setting in the document. */
  pointer: string;
  /** `platform` for the shared secrets (LLM key, dependency passwords), else the one service that uses it. */
  scope: 'platform' | ServiceName;
  /** The variable a process reads the value from, e.g. `LLM_API_KEY`. */
  variable: string;
  /** The Secret (or external secret) that holds the value. */
  secretName: string;
  /** The key inside that Secret. */
  key: string;
}

/** A document made safe to write out, with every secret turned into a binding. */
export interface PreparedDocument {
  document: EnvironmentDocument;
  secrets: SecretBinding[];
}

const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^/\s:@]*):[^/\s@]+@/i;
const isSecretRef = (value: unknown): value is { secretRef: string; key?: string } =>
  isPlainObject(value) && typeof value.secretRef === 'string';

// The literal a development document wrote for a secret, kept beside its binding rather than in
// it, so that no generator can write it by serialising bindings; only the development `.env`
// asks for it (see literalSecret).
const literals = new WeakMap<SecretBinding, string>();

/**
 * The literal value a document wrote for `binding` (a secret under `services.*.env`), or
 * `undefined`. Only the `.env.<name>` of a development-tier environment writes it.
 */
export function literalSecret(binding: SecretBinding): string | undefined {
  return literals.get(binding);
}

/**
 * Parses `input` with the schema (defaults applied; a typed SCHEMA_VIOLATION error otherwise),
 * then removes every secret value it finds: passwords inside URLs are cut out, and plain
 * service variables that look secret (`API_TOKEN: sk-…`) become `{ secretRef: <service>-env,
 * key: API_TOKEN }` references bound to a `<service>-env` Secret (mounted where the secret
 * resolver reads it). Only JSON pointers are logged, never values.
 */
export function prepareDocument(input: unknown, logger?: Logger): PreparedDocument {
  const parsed = parseWithSchema(EnvironmentDocumentSchema, input, { what: 'environment document' });
  const document = structuredClone(parsed) as EnvironmentDocument;
  const secrets: SecretBinding[] = [];

  for (const service of SERVICE_NAMES) {
    const env = document.services[service].env;
    for (const [name, value] of Object.entries(env ?? {})) {
      const pointer = formatPointer(['services', service, 'env', name]);
      if (isSecretRef(value)) {
        secrets.push({
          pointer,
          scope: service,
          variable: name,
          secretName: value.secretRef,
          key: value.key ?? name,
        });
      } else if (detectSecret(name, value, { entropy: true }) !== undefined) {
        const binding: SecretBinding = {
          pointer,
          scope: service,
          variable: name,
          secretName: `${service}-env`,
          key: name,
        };
        // A reference to the key the generators mount (`<secretsDir>/<service>-env/<NAME>`), not
        // a removal: the service still reads the setting, now resolved at run time.
        env![name] = { secretRef: binding.secretName, key: binding.key };
        literals.set(binding, value);
        secrets.push(binding);
        logger?.warn(
          { pointer },
          'a plain value that looks secret was replaced by a { secretRef } to the <service>-env Secret; write { secretRef } instead',
        );
      }
    }
  }
  collectPlatformSecrets(document, [], secrets);
  scrubStrings(document, [], logger);
  return { document, secrets };
}

function collectPlatformSecrets(node: unknown, segments: string[], out: SecretBinding[]): void {
  if (!isPlainObject(node) || segments[0] === 'services') return;
  for (const [key, value] of Object.entries(node)) {
    const path = [...segments, key];
    if (isSecretRef(value)) {
      const named = path[0] === 'dependencies' || path[0] === 'monitoring' ? path.slice(1) : path;
      out.push({
        pointer: formatPointer(path),
        // Only the monitoring service talks to Grafana's admin API; everything else is shared.
        scope: secretScope(path),
        variable: named.map(toEnvSegment).join('_'),
        secretName: value.secretRef,
        key: value.key ?? key,
      });
    } else collectPlatformSecrets(value, path, out);
  }
}

/** Cuts passwords out of URLs and replaces any other secret-looking string by a redaction marker. */
function scrubStrings(node: unknown, segments: string[], logger?: Logger): void {
  if (!isPlainObject(node) && !Array.isArray(node)) return;
  const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node);
  for (const [key, value] of entries) {
    const path = [...segments, key];
    if (typeof value === 'string') {
      if (key === 'secretRef' || redactString(value, Array.isArray(node) ? undefined : key) === value)
        continue;
      const stripped = value.replace(URL_CREDENTIALS, (_match, prefix: string) =>
        prefix.endsWith('//') ? prefix : `${prefix}@`,
      );
      (node as Record<string, unknown>)[key] =
        URL_CREDENTIALS.test(value) && !looksLikeSecret(stripped) ? stripped : redactedMarker(value);
      logger?.warn(
        { pointer: formatPointer(path) },
        'a secret value in the document was left out of the generated files',
      );
    } else scrubStrings(value, path, logger);
  }
}

/** The conventional connection variables most client libraries read, without any password. */
export function connectionVariables(document: EnvironmentDocument): Record<string, string> {
  const { redis, nats, postgres } = document.dependencies;
  const redisUrl = new URL(redis.url);
  const redisWithDb =
    redisUrl.pathname === '' || redisUrl.pathname === '/'
      ? `${redis.url.replace(/\/$/, '')}/${redis.db}`
      : redis.url;
  const withMode = /[?&]sslmode=/.test(postgres.url)
    ? postgres.url
    : `${postgres.url}${postgres.url.includes('?') ? '&' : '?'}sslmode=${postgres.sslmode}`;
  // verify-ca/verify-full need the CA: the mounted caCert Secret (docs/process-contract.md).
  const databaseUrl = postgres.caCert
    ? `${withMode}&sslrootcert=${PROCESS_CONTRACT.secretsDir}/${postgres.caCert.secretRef}/${postgres.caCert.key ?? 'caCert'}`
    : withMode;
  return {
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: document.logging.level,
    NATS_URL: nats.url,
    NODE_ENV: document.tier === 'development' ? 'development' : 'production',
    REDIS_URL: redisWithDb,
  };
}

/** Secrets that a service's processes need: the platform ones plus its own. */
export function secretsFor(secrets: readonly SecretBinding[], service: ServiceName): SecretBinding[] {
  return secrets.filter((secret) => secret.scope === 'platform' || secret.scope === service);
}
