import { describe, expect, it } from 'vitest';
import { isSeqCoderError } from '@seqcoder/errors';
import { pack2bit, packedLength, PackedPaddingError, unpack2bit } from '../src/index.js';

function randomSymbols(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) & 3;
  }
  return out;
}

describe('pack2bit', () => {
  it('packs the first base into the most significant bits', () => {
    // A C G T -> 00 01 10 11
    expect(Array.from(pack2bit(Uint8Array.of(0, 1, 2, 3)))).toEqual([0b00011011]);
    // T alone -> 11 000000
    expect(Array.from(pack2bit(Uint8Array.of(3)))).toEqual([0b11000000]);
  });

  it('round-trips every length from 0 to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const s = randomSymbols(n, n + 7);
      const packed = pack2bit(s);
      expect(packed.length).toBe(packedLength(n));
      expect(unpack2bit(packed, n)).toEqual(s);
    }
  });

  it('decodes any sub-range without the rest', () => {
    const s = randomSymbols(103, 42);
    const packed = pack2bit(s);
    for (let start = 0; start <= 103; start += 5) {
      for (let end = start; end <= 103; end += 7) {
        expect(unpack2bit(packed, 103, start, end)).toEqual(s.subarray(start, end));
      }
    }
  });

  it('rejects non-zero padding, wrong lengths and bad ranges', () => {
    expect(() => unpack2bit(Uint8Array.of(0b00000001), 3)).toThrow(PackedPaddingError);
    let caught: unknown;
    try {
      unpack2bit(Uint8Array.of(0b00000001), 3);
    } catch (e) {
      caught = e;
    }
    expect(isSeqCoderError(caught, 'PACKED_PADDING')).toBe(true);
    expect(() => unpack2bit(Uint8Array.of(0, 0), 4)).toThrow(RangeError);
    expect(() => unpack2bit(Uint8Array.of(0), 4, 2, 5)).toThrow(RangeError);
    expect(() => unpack2bit(Uint8Array.of(0), 4, 3, 2)).toThrow(RangeError);
  });
});
