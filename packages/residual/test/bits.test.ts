/** The token streams' numbers: every bit of a value up to 2^40 goes out and comes back. */
import { describe, expect, it } from 'vitest';
import { codeRaw, DecodingChannel, EncodingChannel, NumberModels, type BitChannel } from '../src/ref/bits.js';

/** The bits a call sends, in order (a channel that codes nothing). */
class Recorder implements BitChannel {
  readonly bits: number[] = [];
  bit(_p: number, bit: number): number {
    this.bits.push(bit);
    return bit;
  }
}

const VALUES = [0, 1, 2, 3, 1000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 2 ** 32, 2 ** 33 + 5, 2 ** 39 + 123456789, 2 ** 40 - 2];

/** Bit k of v, as the format defines it (most significant first in the stream). */
const bitOf = (v: number, k: number) => Math.floor(v / 2 ** k) % 2;

describe('ref numbers', () => {
  it('codeRaw sends the bits of the value, most significant first, also above 2^32', () => {
    for (const v of VALUES) {
      const io = new Recorder();
      expect(codeRaw(io, 41, v)).toBe(v);
      expect(io.bits).toEqual(Array.from({ length: 41 }, (_, i) => bitOf(v, 40 - i)));
    }
  });

  it('NumberModels.code sends a length and the bits below the leading one, also above 2^32', () => {
    for (const v of VALUES) {
      const io = new Recorder();
      expect(new NumberModels(1).code(io, 0, v)).toBe(v);
      const n = Math.floor(Math.log2(v + 1)) + 1; // bits of v + 1
      const mantissa = n > 1 ? io.bits.slice(-(n - 1)) : [];
      expect(mantissa, `value ${v}`).toEqual(Array.from({ length: n - 1 }, (_, i) => bitOf(v + 1, n - 2 - i)));
    }
  });

  it('every value comes back through the arithmetic coder', () => {
    const encoder = new EncodingChannel(64);
    const models = new NumberModels(2);
    for (const v of VALUES) {
      models.code(encoder, v & 1, v);
      codeRaw(encoder, 40, v);
    }
    const decoder = new DecodingChannel(encoder.coder.finishShort().slice());
    const again = new NumberModels(2);
    for (const v of VALUES) {
      expect(again.code(decoder, v & 1, 0)).toBe(v);
      expect(codeRaw(decoder, 40, 0)).toBe(v);
    }
  });
});
