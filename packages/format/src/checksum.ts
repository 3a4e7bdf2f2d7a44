/**
 * CRC32C (Castagnoli), the checksum of every frame and of the original content.
 * Chosen over xxhash64 because it is standard in storage formats (iSCSI, ext4, Btrfs, zstd's
 * peers), detects every single-bit and burst error up to 32 bits, and the `crc-32` package
 * computes it in pure JavaScript far faster than any decode path it guards (ADR 0002).
 */
import CRC32C from 'crc-32/crc32c.js';

/** CRC32C of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start). */
export function crc32c(data: Uint8Array, previous = 0): number {
  return CRC32C.buf(data, previous | 0) >>> 0;
}

/** Running CRC32C over a stream of byte arrays. */
export class Crc32c {
  private state: number;
  /** `previous`: the CRC32C of bytes this stream continues (0 to start). */
  constructor(previous = 0) {
    this.state = previous | 0;
  }
  update(data: Uint8Array): void {
    this.state = CRC32C.buf(data, this.state);
  }
  digest(): number {
    return this.state >>> 0;
  }
}
