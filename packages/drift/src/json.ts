import { createHash } from 'node:crypto';

/** Plain JSON data as the drift engine sees it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Hex SHA-256 of a string: snapshot ids and document hashes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
