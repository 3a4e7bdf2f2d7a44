/**
 * The finite-context models: each predicts the next bit from the last k bases. Low orders index a
 * table directly; high orders are hashed, with a check value, so that a foreign context is
 * replaced rather than shared. With `ir`, a model also learns from the reverse-complement strand
 * ("inverted repeats"): after base i, the context revcomp(x[i-k+1..i]) is trained with the symbol
 * comp(x[i-k]). A context may also be sparse (chosen earlier bases) or framed (keyed by the reading
 * frame too).
 */
import { STRETCH } from './logistic.js';
import { COUNTER_INIT, DT, mix32, trainCounter } from './counters.js';
import type { ContextSpec } from './model.js';

export class ContextModels {
  readonly count: number;
  private readonly orders: Int32Array;
  private readonly shifts: Int32Array; // 32 - hashBits, or 0 for direct
  private readonly limits: Int32Array;
  private readonly irFlags: Uint8Array;
  /** Whether any model learns from the other strand (the fast models do not: advance skips it). */
  private readonly learnsOtherStrand: boolean;
  private readonly masks: Int32Array; // 0 = contiguous context
  private readonly phaseFlags: Uint8Array;
  private readonly tables: Int32Array[] = [];
  private readonly counterInit: number; // a fresh context counter: p = 1/2, n = the prior count
  private readonly slot: Int32Array; // the current context's offset (a multiple of 4) per model
  private readonly irLo: Int32Array; // reverse-complement context, low 16 bases
  private readonly irHi: Int32Array; // and bases 17..order

  constructor(specs: readonly ContextSpec[], priorCount: number, framed: boolean) {
    const n = specs.length;
    this.count = n;
    this.orders = new Int32Array(n);
    this.shifts = new Int32Array(n);
    this.limits = new Int32Array(n);
    this.irFlags = new Uint8Array(n);
    this.masks = new Int32Array(n);
    this.phaseFlags = new Uint8Array(n);
    this.counterInit = COUNTER_INIT + priorCount;
    for (let m = 0; m < n; m++) {
      const c = specs[m]!;
      // Reverse-complement training rebuilds the plain context of the other strand.
      if (c.ir && (c.mask !== undefined || c.phase)) throw new Error('a sparse or framed context cannot also be trained on the other strand');
      if (c.mask !== undefined && !c.hashBits) throw new Error('a sparse context needs hashBits');
      if (c.phase && !framed) throw new Error('a framed context needs the reading-frame detector (spec.phase)');
      if (!(priorCount >= 0 && priorCount <= c.limit && c.limit < DT.length)) throw new Error('counter limits are 0..1023, and the prior count at most the limit');
      this.orders[m] = c.order;
      this.shifts[m] = c.hashBits ? 32 - c.hashBits : 0;
      this.limits[m] = c.limit;
      this.irFlags[m] = c.ir ? 1 : 0;
      this.masks[m] = c.mask ?? 0;
      this.phaseFlags[m] = c.phase ? 1 : 0;
      const contexts = c.hashBits ? 2 ** c.hashBits : 4 ** c.order * (c.phase ? 7 : 1);
      this.tables.push(new Int32Array(contexts * 4).fill(this.counterInit));
    }
    this.learnsOtherStrand = this.irFlags.includes(1);
    this.slot = new Int32Array(n);
    this.irLo = new Int32Array(n);
    this.irHi = new Int32Array(n);
  }

  /** Each model's prediction at tree `node`, stretched, into st[0..count). */
  stretch(st: Int32Array, node: number): void {
    const tables = this.tables;
    const slot = this.slot;
    for (let i = 0; i < this.count; i++) st[i] = STRETCH[tables[i]![slot[i]! + node]! >>> 20]!;
  }

  /** Model 0's probability at `node` as it is (1..4095), for a model without a mixer. */
  first(node: number): number {
    const p = this.tables[0]![this.slot[0]! + node]! >>> 20;
    return p < 1 ? 1 : p;
  }

  /** Observations of model m's current context at `node` (its prior count included). */
  seen(m: number, node: number): number {
    return this.tables[m]![this.slot[m]! + node]! & 0xffff;
  }

  /** Learns the coded bit at `node` in every model. */
  train(node: number, bit: number): void {
    const tables = this.tables;
    const slot = this.slot;
    const limits = this.limits;
    for (let m = 0; m < this.count; m++) {
      const t = tables[m]!;
      const k = slot[m]! + node;
      t[k] = trainCounter(t[k]!, bit, limits[m]!);
    }
  }

  /**
   * Moves past base i (`sym`, newest in h0): the other-strand training of the models with `ir`,
   * then the context slots for the next base, from the history (h0, h1) and the reading frame.
   */
  advance(i: number, sym: number, history: Uint8Array, h0: number, h1: number, frame: number): void {
    if (this.learnsOtherStrand) this.learnOtherStrand(i, sym, history);
    this.select(h0, h1, frame);
  }

  /** Reverse-complement training after base i (`sym`) of `history`, for the models with `ir`. */
  private learnOtherStrand(i: number, sym: number, history: Uint8Array): void {
    const comp = 3 - sym;
    for (let m = 0; m < this.count; m++) {
      if (!this.irFlags[m]) continue;
      const k = this.orders[m]!;
      let lo: number;
      let hi = 0;
      if (k <= 16) {
        lo = (this.irLo[m]! >>> 2) | (comp << (2 * k - 2));
      } else {
        const h = this.irHi[m]!;
        lo = (this.irLo[m]! >>> 2) | ((h & 3) << 30);
        hi = (h >>> 2) | (comp << (2 * k - 34));
        this.irHi[m] = hi;
      }
      this.irLo[m] = lo;
      if (i < k) continue;
      const c = 3 - history[i - k]!;
      const t = this.tables[m]!;
      const s = this.locate(m, t, lo, hi);
      const b1 = c >> 1;
      t[s] = trainCounter(t[s]!, b1, this.limits[m]!);
      t[s + 1 + b1] = trainCounter(t[s + 1 + b1]!, c & 1, this.limits[m]!);
    }
  }

  /** Finds each model's context slot for the next base, from the history (h0, h1) and the reading frame. */
  select(h0: number, h1: number, frame: number): void {
    for (let m = 0; m < this.count; m++) {
      const k = this.orders[m]!;
      const mask = this.masks[m]!;
      const lo = mask !== 0 ? h0 & mask : k >= 16 ? h0 : h0 & ((1 << (2 * k)) - 1);
      let hi = k <= 16 || mask !== 0 ? 0 : h1 & ((1 << (2 * k - 32)) - 1);
      if (this.phaseFlags[m]) {
        if (this.shifts[m] === 0) {
          this.slot[m] = (frame * (1 << (2 * k)) + lo) * 4;
          continue;
        }
        hi ^= Math.imul(frame + 1, 0x2545f491);
      }
      this.slot[m] = this.locate(m, this.tables[m]!, lo, hi);
    }
  }

  /** Offset of the 4-counter slot for context (lo, hi) in model m's table. */
  private locate(m: number, t: Int32Array, lo: number, hi: number): number {
    const shift = this.shifts[m]!;
    if (shift === 0) return (lo >>> 0) * 4;
    const h = mix32(lo ^ mix32(hi + Math.imul(this.orders[m]!, 0x9e3779b1)));
    const s = (h >>> shift) << 2;
    const check = (h & 0xffff) | 0x10000; // never equal to COUNTER_INIT, so a fresh table misses
    if (t[s + 3] !== check) {
      t[s] = this.counterInit;
      t[s + 1] = this.counterInit;
      t[s + 2] = this.counterInit;
      t[s + 3] = check;
    }
    return s;
  }
}
