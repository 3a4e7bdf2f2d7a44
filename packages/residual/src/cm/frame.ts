/**
 * The reading-frame detector (ADR 0009): which of the 6 frames (3 codon positions × 2 strands)
 * explains the recent bases best. Its frame selects the first mixer's weights and is part of the
 * context of "framed" context models. It learns codon statistics in the frame it picks, so they
 * settle on the genome's own codon usage.
 */
import { COUNTER_INIT, trainCounter } from './counters.js';

const MOD3 = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1, 2);

export class ReadingFrame {
  /** P(base | codon position, the `order` bases before it), as counters. */
  private readonly codonCounters: Int32Array;
  /** P(base) of each codon counter slot, from its counters as the detector scores it (x 4096). */
  private readonly codonP: Int32Array;
  private readonly score = new Int32Array(6);
  /** The best frame for the next base: 0 = none yet, else 1 + strand * 3 + codon position. */
  frame = 0;

  constructor(
    /** log2 of the detector's memory in bases. */
    private readonly decay: number,
    /** Bases of context of the codon statistics. */
    private readonly order: number,
  ) {
    this.codonCounters = new Int32Array(3 * 4 ** order * 4).fill(COUNTER_INIT);
    // Every counter at 1/2: each base 1/4 (1024 of 4096).
    this.codonP = new Int32Array(this.codonCounters.length).fill(1024);
  }

  /**
   * Scores the 6 reading frames on base i (`sym`, newest in `h0`) and picks the best for base i + 1.
   * Frame h < 3 puts base i at codon position (i + h) % 3 of a gene on this strand; h ≥ 3 reads the
   * complement strand, where positions run backwards.
   */
  advance(i: number, sym: number, h0: number): void {
    const o = this.order;
    if (i < o) return;
    const codonP = this.codonP;
    const score = this.score;
    const decay = this.decay;
    const stride = 4 << (2 * o); // slots per codon position
    // Forward frames: base i in the context of the o bases before it.
    const fAt = ((h0 >>> 2) & ((1 << (2 * o)) - 1)) * 4 + sym;
    // Reverse frames: reading the complement strand backwards, base i - o follows bases i .. i-o+1.
    let rCtx = 0;
    for (let j = 0; j < o; j++) rCtx = (rCtx << 2) | (3 - ((h0 >>> (2 * j)) & 3));
    const rSym = 3 - ((h0 >>> (2 * o)) & 3);
    const rAt = rCtx * 4 + rSym;
    const fr = i % 3; // frame h puts base i at codon position (fr + h) % 3
    const rr = (i - o) % 3; // and, reversed, base i - o at 2 - (rr + h) % 3 (i ≥ o here)
    let best = 0;
    let bestScore = -1;
    let bestAt = 0;
    for (let h = 0; h < 6; h++) {
      const at = h < 3 ? MOD3[fr + h]! * stride + fAt : (2 - MOD3[rr + h - 3]!) * stride + rAt;
      const v = score[h]! - (score[h]! >> decay) + codonP[at]!;
      score[h] = v;
      if (v > bestScore) {
        bestScore = v;
        best = h;
        bestAt = at;
      }
    }
    // Learn the base in the winning frame, then refresh that slot's four probabilities.
    const x = best < 3 ? sym : rSym;
    const cc = this.codonCounters;
    const t = bestAt - x;
    cc[t] = trainCounter(cc[t]!, x >> 1, 1023);
    cc[t + 1 + (x >> 1)] = trainCounter(cc[t + 1 + (x >> 1)]!, x & 1, 1023);
    const p1 = cc[t]! >>> 20;
    const p2 = cc[t + 1]! >>> 20;
    const p3 = cc[t + 2]! >>> 20;
    codonP[t] = ((4096 - p1) * (4096 - p2)) >> 12;
    codonP[t + 1] = ((4096 - p1) * p2) >> 12;
    codonP[t + 2] = (p1 * (4096 - p3)) >> 12;
    codonP[t + 3] = (p1 * p3) >> 12;
    // The frame of base i + 1: 1 + codon position on this strand, 4 + codon position on the other.
    this.frame = best < 3 ? 1 + MOD3[fr + best + 1]! : 4 + 2 - MOD3[fr + best - 3 + 1]!;
  }
}
