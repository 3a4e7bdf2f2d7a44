/**
 * CRC32C (Castagnoli), the checksum of every frame and of the original content.
 * Chosen over xxhash64 because it is standard in storage formats (iSCSI, ext4, Btrfs, zstd's
 * peers) and detects every single-bit and burst error up to 32 bits (ADR 0002).
 *
 * Everywhere it is computed by the `crc-32` package in pure JavaScript (~350 MB/s here). The Node
 * entry point swaps in `@node-rs/crc32`, which uses the processor's CRC instructions (~3 GB/s),
 * when its native binary is installed: the same function, so the same values, only faster.
 */
import CRC32C from 'crc-32/crc32c.js';

/** CRC32C of `data` continuing from `previous` (the CRC of the bytes before it), unsigned. */
export type Crc32cFunction = (data: Uint8Array, previous: number) => number;

const portable: Crc32cFunction = (data, previous) => CRC32C.buf(data, previous | 0) >>> 0;
let implementation = portable;

/** Makes `fn` compute every CRC32C of this package (undefined: the portable one again). */
export function useCrc32c(fn: Crc32cFunction | undefined): void {
  implementation = fn ?? portable;
}

/** CRC32C of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start). */
export function crc32c(data: Uint8Array, previous = 0): number {
  return implementation(data, previous);
}

/** Running CRC32C over a stream of byte arrays. */
export class Crc32c {
  private state: number;
  /** `previous`: the CRC32C of bytes this stream continues (0 to start). */
  constructor(previous = 0) {
    this.state = previous >>> 0;
  }
  update(data: Uint8Array): void {
    this.state = implementation(data, this.state);
  }
  digest(): number {
    return this.state;
  }
}
