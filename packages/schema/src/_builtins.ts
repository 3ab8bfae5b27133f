// Node modules loaded on first use. node:crypto and node:child_process (which brings net and
// dgram) cost a cold start about 10 ms to load, and most commands neither hash nor spawn.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

export const nodeCrypto = (): typeof import('node:crypto') => load('node:crypto');
export const childProcess = (): typeof import('node:child_process') => load('node:child_process');
