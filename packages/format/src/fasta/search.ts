/**
 * Finding one byte (a line's end, a record's '>') in FASTA bytes, the parse's other hot loop.
 * `Uint8Array.prototype.indexOf` works everywhere, but V8 runs it as a plain loop behind a runtime
 * call; Node's `Buffer.indexOf` is memchr. On 126 MB of 70-base lines, finding every line's end
 * took 34 ms against 88 and a scan of the whole 13 ms against 73 (this machine, Node 20). The Node
 * entry installs Buffer's search through useByteSearch; either finds the same byte.
 */

/** What the parse asks of a byte array: the first `value` at or after `from`, or -1. */
export interface ByteSearch {
  indexOf(value: number, from: number): number;
}

const plain = (bytes: Uint8Array): ByteSearch => bytes;
let searching = plain;

/** Makes `view` give the search over a byte array (undefined: the array's own indexOf again). */
export function useByteSearch(view: ((bytes: Uint8Array) => ByteSearch) | undefined): void {
  searching = view ?? plain;
}

/** A search over `bytes`; made once per record or piece, it serves every search in it. */
export function searchable(bytes: Uint8Array): ByteSearch {
  return searching(bytes);
}
