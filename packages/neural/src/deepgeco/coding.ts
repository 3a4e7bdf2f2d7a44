/**
 * Coding a token with the network's distribution over its 4^k values, on the binary arithmetic
 * coder of `@seqcoder/residual`: the token's bits are coded from the most significant down, each
 * with P(1) = the weight of the tokens that continue with a 1 among those still possible.
 *
 * Every step from logits to the coder's 12-bit probabilities is exact on every engine: the
 * softmax uses our own exp (exact.ts, four at a time), the weights become integers, and the split
 * of each bit is an integer division. So the decoder computes the same probabilities as the
 * encoder did from the same logits, and the logits themselves come from networks that compute the
 * same bits on every engine (the Warm-Start's kernel, warmstart.ts; the Supporter).
 */
import type { BinaryDecoder, BinaryEncoder } from '@seqcoder/residual';
import { expShifted } from '../exact.js';

/** The integer weights sum to about this (every token gets at least 1, so none is impossible). */
const WEIGHT_SCALE = 1 << 20;

/** The softmax of row `row` of `logits` into the same row of `probabilities` (rows of `size` values), with our own exp. */
export function softmax(logits: ArrayLike<number>, row: number, size: number, probabilities: Float64Array): void {
  const base = row * size;
  let max = -Infinity;
  for (let i = 0; i < size; i++) if (logits[base + i]! > max) max = logits[base + i]!;
  if (!Number.isFinite(max)) throw new RangeError(`the network gave a non-finite logit (${max})`);
  expShifted(logits, max, probabilities, base, base + size);
  let total = 0;
  for (let i = 0; i < size; i++) total += probabilities[base + i]!;
  for (let i = 0; i < size; i++) probabilities[base + i] = probabilities[base + i]! / total;
}

/**
 * Cumulative integer weights of row `row` of `probabilities` (rows of `size`): cum[0] = 0,
 * cum[i + 1] − cum[i] = the weight of token i, 1 + floor(p_i · 2^20) ≥ 1.
 */
export function cumulativeWeights(probabilities: Float64Array, row: number, size: number, cum: Float64Array): void {
  const base = row * size;
  cum[0] = 0;
  for (let i = 0; i < size; i++) cum[i + 1] = cum[i]! + 1 + Math.floor(probabilities[base + i]! * WEIGHT_SCALE);
}

/**
 * P(the bit is 1) in 1..4095 when the tokens still possible are lo..lo + 2·half − 1 and a 1 keeps
 * the upper half. A token's bits, most significant first, are its bases' binary decisions in the
 * order `cm` codes them (first base first; of each, G/T against A/C, then which of the two), so
 * these are also the probabilities the fourth mode gives `cm` (cm-mode.ts).
 */
export function bitProbability(cum: Float64Array, lo: number, half: number): number {
  const zero = cum[lo + half]! - cum[lo]!;
  const one = cum[lo + 2 * half]! - cum[lo + half]!;
  const p = Math.floor((one * 4096) / (zero + one));
  return p < 1 ? 1 : p > 4095 ? 4095 : p;
}

/** Codes `token` (bits = log2 of the alphabet) with the weights `cum`. */
export function encodeToken(coder: BinaryEncoder, cum: Float64Array, bits: number, token: number): void {
  let lo = 0;
  for (let b = bits - 1; b >= 0; b--) {
    const half = 1 << b;
    const bit = (token >>> b) & 1;
    coder.encode(bit, bitProbability(cum, lo, half));
    if (bit) lo += half;
  }
}

/** Decodes a token coded by encodeToken with the same weights. */
export function decodeToken(coder: BinaryDecoder, cum: Float64Array, bits: number): number {
  let lo = 0;
  for (let b = bits - 1; b >= 0; b--) {
    const half = 1 << b;
    if (coder.decode(bitProbability(cum, lo, half))) lo += half;
  }
  return lo;
}
