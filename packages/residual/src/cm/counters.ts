/**
 * The adaptive bit counters every sub-model of the DNA model learns with, and the hash they share.
 *
 * A counter is one int32: the probability of a 1 in the top 16 bits, the number of observations in
 * the low 16. Kept within int32 so that V8 stays on its fast integer paths.
 */

export const COUNTER_INIT = 0x8000 << 16;

/** DT[n] = 32768 / (n + 1.5): after n observations the counter moves this fraction (of 32768) towards the bit. */
export const DT = new Int32Array(1024);
for (let n = 0; n < 1024; n++) DT[n] = Math.floor(65536 / (2 * n + 3));

/** The counter after seeing `bit`; its count stops rising at `limit`, so it keeps adapting. */
export function trainCounter(v: number, bit: number, limit: number): number {
  const n = v & 0xffff;
  const p = v >>> 16;
  const q = p + ((((bit << 16) - bit - p) * DT[n]!) >> 15);
  return (q << 16) | (n < limit ? n + 1 : n);
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
