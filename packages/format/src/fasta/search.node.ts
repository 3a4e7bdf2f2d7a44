/** Node's byte search for the FASTA parse (search.ts): a Buffer over the same bytes, whose indexOf is memchr. */
import type { ByteSearch } from './search.js';

export function bufferSearch(bytes: Uint8Array): ByteSearch {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
