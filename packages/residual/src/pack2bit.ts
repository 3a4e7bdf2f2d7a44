/**
 * 2-bit packing: four bases per byte, first base in the two most significant bits
 * (the order UCSC's .2bit uses, so a hex dump reads left to right).
 *
 * This is the coder behind the `pack` codec: no model, exactly 2 bits per base,
 * and random access for free because base `i` lives in byte `i >> 2`.
 */

/** Number of bytes that hold `count` packed bases. */
export function packedLength(count: number): number {
  return Math.ceil(count / 4);
}

import { PackedPaddingError } from './errors.js';

export { PackedPaddingError };

/** Packs symbols 0..3 (one per byte) into 2-bit form. Values above 3 are masked to their low 2 bits. */
export function pack2bit(symbols: Uint8Array): Uint8Array {
  const n = symbols.length;
  const out = new Uint8Array(packedLength(n));
  const whole = n & ~3;
  let o = 0;
  for (let i = 0; i < whole; i += 4) {
    out[o++] =
      ((symbols[i] & 3) << 6) | ((symbols[i + 1] & 3) << 4) | ((symbols[i + 2] & 3) << 2) | (symbols[i + 3] & 3);
  }
  if (whole < n) {
    let last = 0;
    for (let i = whole; i < n; i++) last |= (symbols[i] & 3) << (6 - 2 * (i - whole));
    out[o] = last;
  }
  return out;
}

/**
 * Unpacks bases `start` (inclusive) to `end` (exclusive) of a stream of `count` packed bases,
 * one symbol per output byte. Only the bytes covering the range are read.
 *
 * @throws RangeError if the range is outside `0..count` or `packed` is too short for `count`.
 * @throws PackedPaddingError if the bits after the last base are not zero (a sign of corruption).
 */
export function unpack2bit(packed: Uint8Array, count: number, start = 0, end = count): Uint8Array {
  if (!(start >= 0 && start <= end && end <= count)) {
    throw new RangeError(`base range ${start}..${end} is outside 0..${count}`);
  }
  if (packed.length !== packedLength(count)) {
    throw new RangeError(`2-bit stream holds ${packed.length} bytes, expected ${packedLength(count)} for ${count} bases`);
  }
  const tail = count & 3;
  if (tail !== 0 && (packed[packed.length - 1] & (0xff >> (2 * tail))) !== 0) throw new PackedPaddingError();

  const out = new Uint8Array(end - start);
  let i = start;
  let o = 0;
  // Leading bases up to a byte boundary, then whole bytes, then the trailing bases.
  while (i < end && (i & 3) !== 0) {
    out[o++] = (packed[i >> 2] >> (6 - 2 * (i & 3))) & 3;
    i++;
  }
  const wholeEnd = end & ~3;
  for (let b = i >> 2; i < wholeEnd; i += 4, b++) {
    const v = packed[b];
    out[o] = v >> 6;
    out[o + 1] = (v >> 4) & 3;
    out[o + 2] = (v >> 2) & 3;
    out[o + 3] = v & 3;
    o += 4;
  }
  while (i < end) {
    out[o++] = (packed[i >> 2] >> (6 - 2 * (i & 3))) & 3;
    i++;
  }
  return out;
}
