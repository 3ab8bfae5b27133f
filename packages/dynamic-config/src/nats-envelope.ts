import { AgentforgeError, canonicalJson, isPlainObject, safeLoadDocument } from '@agentforge/schema';
import { hashConfig } from './_data.js';

/**
 * What the publisher stores next to the document. KV values carry no headers on the servers
 * this toolkit supports (2.9), so the metadata travels inside the value.
 */
export interface PublishedMeta {
  /** Format version of the envelope. */
  v: 1;
  /** Content hash of `document` (canonical JSON). */
  hash: string;
  /** The environment the document belongs to. */
  environment?: string;
  publishedAt?: string;
  /** Who published (the `AGENTFORGE_ACTOR`, git or OS user name). */
  by?: string;
  /** The revision this publish rolled back to. */
  rollbackOf?: number;
}

/** A decoded KV value: the document and, when the CLI published it, its metadata. */
export interface PublishedValue {
  document: Record<string, unknown>;
  meta: PublishedMeta | undefined;
  hash: string;
}

const META_KEY = '$agentforge';

/**
 * The canonical JSON stored in the bucket: `{"$agentforge":{…meta},"document":{…}}`, keys
 * sorted so equal documents give equal bytes.
 */
export function encodePublished(
  document: Record<string, unknown>,
  meta: Omit<PublishedMeta, 'v' | 'hash'>,
): string {
  const hash = hashConfig(document);
  return canonicalJson({ [META_KEY]: { v: 1, hash, ...meta }, document });
}

/**
 * Reads a KV value: the envelope written by `agentforge config publish`, or a bare JSON
 * document written by any other tool. Hostile JSON (`__proto__` keys, too deep, too large) is
 * refused by the shared loader; the result is an `AgentforgeError` naming `name`.
 */
export function decodePublished(bytes: Uint8Array | string, name: string): PublishedValue {
  const loaded = safeLoadDocument(bytes, { file: name, format: 'json' });
  if (!loaded.success) throw loaded.error;
  const data = loaded.data.data;
  if (!isPlainObject(data))
    throw new AgentforgeError('PARSE_ERROR', `${name}: the value is not a JSON object`);
  const meta = data[META_KEY];
  if (isPlainObject(meta) && isPlainObject(data.document)) {
    const document = data.document as Record<string, unknown>;
    return { document, meta: meta as unknown as PublishedMeta, hash: hashConfig(document) };
  }
  return { document: data, meta: undefined, hash: hashConfig(data) };
}
