/**
 * Adaptive binary models over the arithmetic coder, written once for both directions: every
 * `code*` call encodes the value it is given (writing) or ignores it and returns the decoded one
 * (reading). The token grammar of the reference codec (tokens.ts) is therefore a single function
 * of calls, and the encoder and decoder cannot drift apart.
 */
import { BinaryDecoder, BinaryEncoder } from '../cm/binary-coder.js';

/** One binary decision with P(1) in 1..4095 of 4096: encode `bit`, or decode and return it. */
export interface BitChannel {
  bit(p: number, bit: number): number;
}

export class EncodingChannel implements BitChannel {
  readonly coder: BinaryEncoder;
  constructor(expectedBytes: number) {
    this.coder = new BinaryEncoder(expectedBytes);
  }
  bit(p: number, bit: number): number {
    this.coder.encode(bit, p);
    return bit;
  }
}

export class DecodingChannel implements BitChannel {
  readonly coder: BinaryDecoder;
  constructor(stream: Uint8Array) {
    // Streams end with finishShort (one flush byte): the decoder reads 3 zeros after them.
    this.coder = new BinaryDecoder(stream, true);
  }
  bit(p: number): number {
    return this.coder.decode(p);
  }
}

/** Probabilities are 16-bit; they move 1/2^RATE of the way towards each observed bit. */
const RATE = 4;

/** A set of adaptive bit contexts. */
export class BitModels {
  private readonly p: Uint16Array;
  constructor(count: number) {
    this.p = new Uint16Array(count).fill(1 << 15);
  }

  code(io: BitChannel, ctx: number, bit: number): number {
    const p16 = this.p[ctx]!;
    const p12 = Math.min(4095, Math.max(1, p16 >>> 4));
    const b = io.bit(p12, bit);
    this.p[ctx] = b ? p16 + ((65536 - p16) >> RATE) : p16 - (p16 >> RATE);
    return b;
  }
}

/** The largest value `codeNumber` carries: 2^40 - 1, more than any record holds. */
const MAX_NUMBER_BITS = 40;

/**
 * Bit k (0..52) of a whole number below 2^53. `Math.floor(v / 2 ** k) % 2` gives the same bit, but
 * V8 computes `2 ** k` of a variable k with a call to its pow function: 3% of the time of a
 * workflow compress job (encoding and verifying), in the token streams' numbers and positions.
 */
function bitOf(v: number, k: number): number {
  return k < 32 ? (v >>> k) & 1 : (Math.floor(v / 4294967296) >>> (k - 32)) & 1;
}

/**
 * Elias-gamma coding of values ≥ 0 with adaptive contexts: the bit length of value + 1 in unary,
 * then its bits below the leading one, each under a context of (length, position). `sets` separate
 * kinds of numbers that follow different distributions.
 */
export class NumberModels {
  private readonly lengths: BitModels;
  private readonly mantissa: BitModels;
  constructor(sets: number) {
    this.lengths = new BitModels(sets * MAX_NUMBER_BITS);
    this.mantissa = new BitModels(sets * MAX_NUMBER_BITS * MAX_NUMBER_BITS);
  }

  /** Codes `value` (ignored when decoding) in context set `set`; returns it. */
  code(io: BitChannel, set: number, value: number): number {
    const v = value + 1;
    const n = v < 4294967296 ? 32 - Math.clz32(v) : 64 - Math.clz32(Math.floor(v / 4294967296));
    // unary: n - 1 ones and a zero, except at the largest length
    let length = 1;
    const base = set * MAX_NUMBER_BITS;
    while (length < MAX_NUMBER_BITS && this.lengths.code(io, base + length, length < n ? 1 : 0)) length++;
    let out = 1;
    const mbase = (set * MAX_NUMBER_BITS + length) * MAX_NUMBER_BITS;
    for (let k = length - 2; k >= 0; k--) {
      out = out * 2 + this.mantissa.code(io, mbase + k, bitOf(v, k));
    }
    return out - 1;
  }

}

/** Codes `bits` raw bits of `value` (most significant first) at probability 1/2. */
export function codeRaw(io: BitChannel, bits: number, value: number): number {
  let out = 0;
  for (let k = bits - 1; k >= 0; k--) out = out * 2 + io.bit(2048, bitOf(value, k));
  return out;
}
