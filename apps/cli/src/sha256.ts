/**
 * SHA-256, for the files that `--json` reports and catalogues list. node:crypto is loaded on first
 * use: loading it took 7-10 ms of every command's start, and most commands never hash.
 */
import { createRequire } from 'node:module';
import type { Hash } from 'node:crypto';

const require = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;

export function sha256(): Hash {
  crypto ??= require('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256');
}
