/**
 * The context-mixing model of DNA. Every base is coded as two binary decisions on a 3-node tree
 * (node 0: is it G/T? node 1 or 2: which of the pair), so each model below predicts bits, the
 * predictions are mixed in the logistic domain by an online-trained network, refined by secondary
 * estimation, and handed to the binary arithmetic coder.
 *
 * Inputs to the mixer:
 * - finite-context models of order k over the last k bases: low orders index a table directly,
 *   high orders are hashed (with a check value, so a foreign context is replaced, not shared).
 *   With `ir`, each model is also trained on the reverse-complement strand ("inverted repeats"):
 *   after base i, the context revcomp(x[i-k+1..i]) is updated with the symbol comp(x[i-k]).
 * - a match model that follows the most recent earlier occurrence of the last `minLength` bases
 *   and predicts the base that followed it, tolerating substitutions (it keeps following through
 *   mismatches until too many of the recent predictions failed);
 * - the same on the reverse-complement strand (a palindromic repeat read backwards);
 * - context models may also be sparse (chosen earlier bases) or "framed": keyed by the reading
 *   frame a detector infers from the recent bases (codon position × strand), which also selects
 *   the first mixer's weights (ADR 0009);
 * - optionally, a side-information model whose context is an external prediction of the base
 *   (the autoencoder's reconstruction), so a neural guess is weighed like any other model.
 *
 * The encoder and the decoder run this same object in lock step; all arithmetic is on integers
 * below 2^53 so every engine computes the same probabilities (ADR 0005).
 */
import { squash, STRETCH } from './logistic.js';

/** One finite-context model. */
export interface ContextSpec {
  /** Bases of context, 1..24. */
  order: number;
  /** log2 of the number of hashed contexts; omit to index 4^order contexts directly (order ≤ 12). */
  hashBits?: number;
  /** Adaptation limit: the counter's rate falls as 1/(n+1.5) until n reaches this. */
  limit: number;
  /** Also learn from the reverse-complement strand. */
  ir: boolean;
  /**
   * Sparse context: only the bases whose 2-bit fields are set in this mask of the last 16 bases
   * (newest in the low bits) form the context. Needs hashBits; not with ir.
   */
  mask?: number;
  /** Add the reading frame (ModelSpec.phase: 7 values) to the context. */
  phase?: boolean;
}

export interface ModelSpec {
  contexts: readonly ContextSpec[];
  /** Match models (forward and reverse-complement); null for none. */
  match: { minLength: number; hashBits: number } | null;
  /** Mixer learning rate (larger adapts faster). */
  mixerRate: number;
  /**
   * Extra mixer rate at the start, fading as 1/(1.5 + n) over blocks n of 4096 bases, so that short
   * sequences learn their weights quickly. Default 0.
   */
  mixerBoost?: number;
  /**
   * Layer-1 mixers, 0..3: by match length; then also by order-4 context; then by match agreement.
   * 0 = no mixing at all: the one context's counter is the probability (no match model, no
   * secondary estimation), which is about twice as fast (ADR 0010).
   */
  mixers: number;
  /**
   * Reading-frame detector: tracks which of the 6 frames (3 codon positions × 2 strands) explains
   * the recent bases best, and gives the frame to the first mixer's selector and to contexts
   * with `phase`. `decay` is the log2 of its memory in bases.
   */
  phase?: { decay: number; order?: number };
  /**
   * Context counters start as if they had already seen this many observations (default 0), so
   * their first observations move them less. A model without a mixer (mixers = 0) has nothing else
   * to hold back a young context's guess; with a mixer, it trusts young contexts sooner (ADR 0010).
   */
  priorCount?: number;
  /**
   * One more layer-1 mixer, whose weight set is chosen by how often the three highest-order
   * contexts have been seen at this node (0, 1, 2, 3+ times each), so that the weight a young
   * high-order context gets is learnt apart from the weight of a seasoned one (ADR 0011).
   */
  confidence?: boolean;
  /**
   * Initial layer-1 weight of every input, in 1/65536 (default 19660, 0.3). Smaller suits many
   * inputs on a short sequence, where the first weights matter for a larger share of the bases.
   */
  mixerInit?: number;
}

/**
 * A counter is one int32: the probability of a 1 in the top 16 bits, the number of observations
 * in the low 16. Kept within int32 so that V8 stays on its fast integer paths.
 */
const COUNTER_INIT = 0x8000 << 16;
/** DT[n] = 32768 / (n + 1.5): after n observations the counter moves this fraction (of 32768) towards the bit. */
const DT = new Int32Array(1024);
for (let n = 0; n < 1024; n++) DT[n] = Math.floor(65536 / (2 * n + 3));

const MATCH_LENGTH_BUCKETS = 16;
/** Layer-1 mixers, each choosing its weight set by a different context (see predict). */
const MAX_MIXERS = 3;
const MIXER_SETS = [3 * MATCH_LENGTH_BUCKETS, 3 * 256, 3 * 9];
/** The confidence mixer's sets: 3 nodes × 4^3 count buckets. */
const CONFIDENCE_SETS = 3 * 64;
const MIXER_OFFSETS = [0, MIXER_SETS[0]!, MIXER_SETS[0]! + MIXER_SETS[1]!];
/** With a reading-frame detector, mixer 0 has one more block of sets per frame, after the others. */
const PHASE_SETS_OFFSET = MIXER_OFFSETS[2]! + MIXER_SETS[2]!;
const MOD3 = Int32Array.of(0, 1, 2, 0, 1, 2, 0, 1, 2);
const MAX_MATCH_MISSES = 8; // of the last 16 predictions; more and the match is dropped

function lengthBucket(len: number): number {
  if (len === 0) return 0;
  if (len < 16) return 1 + (len >> 2); // 1..4
  if (len < 32) return 5 + ((len - 16) >> 3); // 5..6
  return Math.min(15, 2 + (31 - Math.clz32(len))); // 32..63 → 7, doubling after
}

function popcount16(x: number): number {
  x &= 0xffff;
  x -= (x >> 1) & 0x5555;
  x = (x & 0x3333) + ((x >> 2) & 0x3333);
  x = (x + (x >> 4)) & 0x0f0f;
  return (x + (x >> 8)) & 0x1f;
}

/** murmur3's finaliser: spreads every input bit over the whole word. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Adaptive probability map (secondary estimation): refines p given a small context. */
class Apm {
  private readonly t: Int32Array;
  private index = 0;

  constructor(contexts: number, private readonly rate: number) {
    this.t = new Int32Array(contexts * 33);
    for (let c = 0; c < contexts; c++) {
      for (let j = 0; j < 33; j++) this.t[c * 33 + j] = squash((j - 16) * 128) * 16;
    }
  }

  refine(p: number, cx: number): number {
    const s = STRETCH[p]! + 2048; // 1..4095
    const lo = s >> 7;
    const w = s & 127;
    const base = cx * 33 + lo;
    this.index = w < 64 ? base : base + 1;
    return (this.t[base]! * (128 - w) + this.t[base + 1]! * w) >> 11;
  }

  update(bit: number): void {
    const g = (bit << 16) + (bit << this.rate) - bit - bit;
    this.t[this.index]! += (g - this.t[this.index]!) >> this.rate;
  }
}

export class DnaModel {
  // Finite-context models.
  private readonly nCtx: number;
  private readonly orders: Int32Array;
  private readonly shifts: Int32Array; // 32 - hashBits, or 0 for direct
  private readonly limits: Int32Array;
  private readonly irFlags: Uint8Array;
  private readonly masks: Int32Array; // 0 = contiguous context
  private readonly phaseFlags: Uint8Array;
  // Reading frame: P(base | codon position) in the gene's frame, and a recent score per frame.
  private readonly phaseOn: boolean;
  private readonly phaseDecay: number;
  private readonly codonCounters: Int32Array;
  private readonly codonOrder: number;
  /** P(base) of each codon counter slot, from its counters as the detector scores it (x 4096). */
  private readonly codonP: Int32Array;
  private readonly frameScore = new Int32Array(6);
  private frame = 0; // best frame for the next base: 0 = none yet, else 1 + strand * 3 + codon position
  private readonly tables: Int32Array[];
  private readonly counterInit: number; // a fresh context counter: p = 1/2, n = the prior count
  private readonly slot: Int32Array; // the current context's offset (a multiple of 4) per model
  private readonly irLo: Int32Array; // reverse-complement context, low 16 bases
  private readonly irHi: Int32Array; // and bases 17..order

  // History: the last 32 bases, newest in the low bits of h0.
  private h0 = 0;
  private h1 = 0;
  private pos = 0;

  // Match models share one hash table of 16-mer end positions.
  private readonly matchOn: boolean;
  private readonly minLength: number;
  private readonly matchShift: number;
  private readonly matchTable: Int32Array;
  private readonly kmer: number; // bases hashed to find a match candidate (≤ 16)
  private rcKmer = 0; // reverse complement of the last `kmer` bases, as a forward k-mer
  private fPtr = 0;
  private fLen = 0;
  private fMiss = 0;
  private fExp = -1; // the base the forward match predicts, or -1
  private rPtr = 0;
  private rLen = 0;
  private rMiss = 0;
  private rExp = -1;
  private readonly matchCounters = new Int32Array(2 * 2 * MATCH_LENGTH_BUCKETS * 4).fill(COUNTER_INIT);
  // Per-base match contexts (length bucket × recent misses), set once in advanceMatches.
  private fContext = 0;
  private rContext = 0;
  private longestBucket = 0; // length bucket of the longer of the two matches
  private fCounter = -1; // counter index used for the current bit, or -1 when the input was silent
  private rCounter = -1;
  private fBit = 0;
  private rBit = 0;

  // Side information (an external guess of each base), optional.
  private readonly hints: Uint8Array | null;
  private readonly hintTable: Int32Array;
  private hintSlot = 0;

  // Mixer.
  private readonly nIn: number;
  private readonly st: Int32Array;
  private readonly weights: Int32Array; // layer 1: one weight set per selector context
  private readonly mixerRate: number;
  private readonly mixerBoost: number;
  private readonly wBase = new Int32Array(MAX_MIXERS + 1); // chosen set of each layer-1 mixer
  private readonly mixOut = new Int32Array(MAX_MIXERS + 1); // their outputs (stretch domain)
  private readonly mixP = new Int32Array(MAX_MIXERS + 1); // and as probabilities, for their training
  /** Layer-1 mixers in use: spec.mixers, plus the confidence mixer. */
  private readonly mixers: number;
  /** The confidence mixer's three contexts (highest orders first), or empty; and its set offset. */
  private readonly confident: Int32Array;
  private readonly confidenceOffset: number;
  private readonly prior: number;
  /** mixers = 0: context 0's counter is coded as it is. */
  private readonly direct: boolean;
  private readonly finalWeights: Int32Array;
  private finalBase = 0;
  private pMix = 2048;

  // Secondary estimation.
  private readonly apmOrder4 = new Apm(256 * 3, 7);
  private readonly apmMatch = new Apm(MATCH_LENGTH_BUCKETS * 3 * 3, 7);

  constructor(
    spec: ModelSpec,
    /** The symbol array being coded: read by the encoder, filled by the decoder as it goes. */
    private readonly history: Uint8Array,
    hints?: Uint8Array,
  ) {
    const n = spec.contexts.length;
    this.nCtx = n;
    if (!(Number.isInteger(spec.mixers) && spec.mixers >= 0 && spec.mixers <= MAX_MIXERS)) throw new Error(`mixers must be 0..${MAX_MIXERS}`);
    this.direct = spec.mixers === 0;
    if (this.direct && (n !== 1 || spec.match !== null || hints)) throw new Error('a model without a mixer has exactly one context, no match model and no hints');
    this.orders = new Int32Array(n);
    this.shifts = new Int32Array(n);
    this.limits = new Int32Array(n);
    this.irFlags = new Uint8Array(n);
    this.masks = new Int32Array(n);
    this.phaseFlags = new Uint8Array(n);
    this.phaseOn = spec.phase !== undefined;
    this.phaseDecay = spec.phase?.decay ?? 0;
    this.codonOrder = spec.phase?.order ?? 0;
    this.codonCounters = new Int32Array(this.phaseOn ? 3 * 4 ** this.codonOrder * 4 : 0).fill(COUNTER_INIT);
    // Every counter at 1/2: each base 1/4 (1024 of 4096).
    this.codonP = new Int32Array(this.codonCounters.length).fill(1024);
    this.tables = [];
    const priorCount = spec.priorCount ?? 0;
    this.counterInit = COUNTER_INIT + priorCount;
    for (let m = 0; m < n; m++) {
      const c = spec.contexts[m]!;
      // Reverse-complement training rebuilds the plain context of the other strand.
      if (c.ir && (c.mask !== undefined || c.phase)) throw new Error('a sparse or framed context cannot also be trained on the other strand');
      if (c.mask !== undefined && !c.hashBits) throw new Error('a sparse context needs hashBits');
      if (c.phase && !spec.phase) throw new Error('a framed context needs the reading-frame detector (spec.phase)');
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
    this.slot = new Int32Array(n);
    this.irLo = new Int32Array(n);
    this.irHi = new Int32Array(n);

    this.matchOn = spec.match !== null;
    this.minLength = spec.match?.minLength ?? 0;
    this.kmer = Math.min(16, this.minLength);
    this.matchShift = 32 - (spec.match?.hashBits ?? 1);
    this.matchTable = new Int32Array(spec.match ? 2 ** spec.match.hashBits : 0);

    this.hints = hints ?? null;
    this.hintTable = new Int32Array(hints ? 5 * 256 * 4 : 0).fill(COUNTER_INIT);

    this.nIn = n + 2 + (hints ? 1 : 0) + 1; // contexts, two match models, hint, bias
    this.st = new Int32Array(this.nIn);
    const sets = MIXER_OFFSETS[2]! + MIXER_SETS[2]! + (this.phaseOn ? 6 * MIXER_SETS[0]! : 0);
    this.confidenceOffset = sets;
    const confidence = spec.confidence === true && !this.direct;
    this.confident = new Int32Array(
      confidence ? [...spec.contexts.keys()].sort((a, b) => spec.contexts[b]!.order - spec.contexts[a]!.order).slice(0, 3) : [],
    );
    if (confidence && this.confident.length < 3) throw new Error('the confidence mixer needs three contexts');
    this.prior = priorCount;
    this.weights = new Int32Array(this.nIn * (sets + (confidence ? CONFIDENCE_SETS : 0))).fill(spec.mixerInit ?? 19660);
    this.mixerRate = spec.mixerRate;
    this.mixerBoost = spec.mixerBoost ?? 0;
    this.mixers = spec.mixers + (confidence ? 1 : 0);
    this.finalWeights = new Int32Array(3 * this.mixers).fill(Math.floor(65536 / Math.max(1, this.mixers)));
    this.beginSymbol();
  }

  /** P(next bit is 1) as 1..4095, for tree node 0 (first bit) or 1 + first bit (second bit). */
  predict(node: number): number {
    if (this.direct) {
      const p = this.tables[0]![this.slot[0]! + node]! >>> 20;
      return p < 1 ? 1 : p;
    }
    const st = this.st;
    const tables = this.tables;
    const slot = this.slot;
    let i = 0;
    for (; i < this.nCtx; i++) st[i] = STRETCH[tables[i]![slot[i]! + node]! >>> 20]!;

    // Forward match: speaks only if its predicted base is still possible at this node.
    const fExp = this.fExp;
    if (fExp >= 0 && (node === 0 || node - 1 === fExp >> 1)) {
      this.fBit = node === 0 ? fExp >> 1 : fExp & 1;
      this.fCounter = (node === 0 ? 0 : 1) * MATCH_LENGTH_BUCKETS * 4 + this.fContext;
      const s = STRETCH[this.matchCounters[this.fCounter]! >>> 20]!;
      st[i++] = this.fBit ? s : -s;
    } else {
      this.fCounter = -1;
      st[i++] = 0;
    }
    const rExp = this.rExp;
    if (rExp >= 0 && (node === 0 || node - 1 === rExp >> 1)) {
      this.rBit = node === 0 ? rExp >> 1 : rExp & 1;
      this.rCounter = (2 + (node === 0 ? 0 : 1)) * MATCH_LENGTH_BUCKETS * 4 + this.rContext;
      const s = STRETCH[this.matchCounters[this.rCounter]! >>> 20]!;
      st[i++] = this.rBit ? s : -s;
    } else {
      this.rCounter = -1;
      st[i++] = 0;
    }
    if (this.hints) st[i++] = STRETCH[this.hintTable[this.hintSlot + node]! >>> 20]!;
    st[i++] = 256;

    const lb = this.longestBucket;
    const fState = this.fCounter >= 0 ? 1 + this.fBit : 0;
    const rState = this.rCounter >= 0 ? 1 + this.rBit : 0;
    const w = this.weights;
    const nIn = this.nIn;
    const wBase = this.wBase;
    const frameSets = this.frame === 0 ? MIXER_OFFSETS[0]! : PHASE_SETS_OFFSET + (this.frame - 1) * MIXER_SETS[0]!;
    wBase[0] = (frameSets + node * MATCH_LENGTH_BUCKETS + lb) * nIn;
    wBase[1] = (MIXER_OFFSETS[1]! + node * 256 + (this.h0 & 255)) * nIn;
    wBase[2] = (MIXER_OFFSETS[2]! + node * 9 + fState * 3 + rState) * nIn;
    if (this.confident.length > 0) {
      let b = 0;
      for (let j = 0; j < 3; j++) {
        const m = this.confident[j]!;
        const seen = (tables[m]![slot[m]! + node]! & 0xffff) - this.prior;
        b = b * 4 + (seen > 3 ? 3 : seen);
      }
      wBase[this.mixers - 1] = (this.confidenceOffset + node * 64 + b) * nIn;
    }
    const fw = this.finalWeights;
    const mixers = this.mixers;
    const fb = node * mixers;
    this.finalBase = fb;
    let final = 0;
    for (let k = 0; k < mixers; k++) {
      const b = wBase[k]!;
      let dot = 0;
      for (let j = 0; j < nIn; j++) dot += w[b + j]! * st[j]!;
      let d = Math.trunc(dot / 65536);
      if (d > 2047) d = 2047;
      else if (d < -2047) d = -2047;
      this.mixOut[k] = d;
      this.mixP[k] = squash(d);
      final += fw[fb + k]! * d;
    }
    const pMix = squash(Math.trunc(final / 65536));
    this.pMix = pMix;

    const p1 = this.apmOrder4.refine(pMix, ((this.h0 & 255) * 3 + node));
    const p2 = this.apmMatch.refine(pMix, (lb * 3 + fState) * 3 + node);
    let p = (2 * pMix + p1 + p2 + 2) >> 2;
    if (p < 1) p = 1;
    else if (p > 4095) p = 4095;
    return p;
  }

  /** Learns the coded bit at `node` (the node last passed to predict). */
  update(node: number, bit: number): void {
    if (this.direct) {
      const t = this.tables[0]!;
      const k = this.slot[0]! + node;
      t[k] = trainCounter(t[k]!, bit, this.limits[0]!);
      return;
    }
    // Mixers: a gradient step on coding cost, for the final mixer and each layer-1 mixer.
    const fw = this.finalWeights;
    const fb = this.finalBase;
    const errFinal = ((bit << 12) - this.pMix) * 2;
    const mixers = this.mixers;
    for (let k = 0; k < mixers; k++) fw[fb + k]! += (this.mixOut[k]! * errFinal + 0x8000) >> 16;
    const w = this.weights;
    const st = this.st;
    const nIn = this.nIn;
    const rate = this.mixerBoost === 0 ? this.mixerRate : this.mixerRate + ((this.mixerBoost * DT[Math.min(1023, this.pos >> 12)]!) >> 15);
    for (let k = 0; k < mixers; k++) {
      const err = ((bit << 12) - this.mixP[k]!) * rate;
      const b = this.wBase[k]!;
      for (let j = 0; j < nIn; j++) w[b + j]! += (st[j]! * err + 0x8000) >> 16;
    }

    const tables = this.tables;
    const slot = this.slot;
    const limits = this.limits;
    for (let m = 0; m < this.nCtx; m++) {
      const t = tables[m]!;
      const k = slot[m]! + node;
      t[k] = trainCounter(t[k]!, bit, limits[m]!);
    }
    if (this.fCounter >= 0) this.matchCounters[this.fCounter] = trainCounter(this.matchCounters[this.fCounter]!, bit === this.fBit ? 1 : 0, 255);
    if (this.rCounter >= 0) this.matchCounters[this.rCounter] = trainCounter(this.matchCounters[this.rCounter]!, bit === this.rBit ? 1 : 0, 255);
    if (this.hints) this.hintTable[this.hintSlot + node] = trainCounter(this.hintTable[this.hintSlot + node]!, bit, 255);
    this.apmOrder4.update(bit);
    this.apmMatch.update(bit);
  }

  /** Moves past the base just coded (already stored in the history array). */
  advance(sym: number): void {
    const i = this.pos;
    this.h1 = (this.h1 << 2) | (this.h0 >>> 30);
    this.h0 = (this.h0 << 2) | sym;
    this.pos = i + 1;
    const comp = 3 - sym;

    // Reverse-complement training of the context models.
    const history = this.history;
    for (let m = 0; m < this.nCtx; m++) {
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

    if (this.matchOn) this.advanceMatches(i, sym, comp);
    if (this.phaseOn) this.advanceFrame(i, sym);
    this.beginSymbol();
  }

  private advanceMatches(i: number, sym: number, comp: number): void {
    const history = this.history;
    const k = this.kmer;
    this.rcKmer = (this.rcKmer >>> 2) | (comp << (2 * k - 2));
    if (this.fExp >= 0) {
      if (sym === this.fExp) {
        if (this.fLen < 65535) this.fLen++;
        this.fMiss <<= 1;
      } else {
        this.fMiss = (this.fMiss << 1) | 1;
        if (popcount16(this.fMiss) > MAX_MATCH_MISSES) this.fLen = 0;
      }
      this.fPtr++;
    }
    if (this.rExp >= 0) {
      if (sym === this.rExp) {
        if (this.rLen < 65535) this.rLen++;
        this.rMiss <<= 1;
      } else {
        this.rMiss = (this.rMiss << 1) | 1;
        if (popcount16(this.rMiss) > MAX_MATCH_MISSES) this.rLen = 0;
      }
      this.rPtr--;
      if (this.rPtr < 0) this.rLen = 0;
    }

    const n = i + 1; // bases known
    if (n >= k) {
      const key = mix32(k === 16 ? this.h0 : this.h0 & ((1 << (2 * k)) - 1)) >>> this.matchShift;
      // Look for a candidate when there is no match, or when the current one just failed.
      if (this.fLen === 0 || (this.fMiss & 1) !== 0) {
        const cand = this.matchTable[key]!;
        if (cand > 0 && cand !== this.fPtr) {
          // Verify: how many bases before cand agree with the bases before n?
          let len = 0;
          while (len < 32 && len < cand && history[cand - 1 - len] === history[i - len]) len++;
          if (len >= this.minLength) {
            this.fPtr = cand;
            this.fLen = len;
            this.fMiss = 0;
          }
        }
      }
      if (this.rLen === 0 || (this.rMiss & 1) !== 0) {
        const end = this.matchTable[mix32(this.rcKmer) >>> this.matchShift]!;
        // A forward 16-mer ending at `end` equals revcomp of our last 16 bases; the base before it,
        // complemented, is the prediction, and the pointer walks backwards.
        if (end > k) {
          let len = 0;
          const start = end - k;
          while (len < 32 && start + len < n && history[start + len] === 3 - history[i - len]!) len++;
          if (len >= this.minLength && start - 1 !== this.rPtr) {
            this.rPtr = start - 1;
            this.rLen = len;
            this.rMiss = 0;
          }
        }
      }
      this.matchTable[key] = n;
    }
    this.fExp = this.fLen > 0 ? history[this.fPtr]! : -1;
    this.rExp = this.rLen > 0 ? 3 - history[this.rPtr]! : -1;
    this.fContext = lengthBucket(this.fLen) * 4 + Math.min(3, popcount16(this.fMiss));
    this.rContext = lengthBucket(this.rLen) * 4 + Math.min(3, popcount16(this.rMiss));
    this.longestBucket = lengthBucket(this.fLen > this.rLen ? this.fLen : this.rLen);
  }

  /**
   * Scores the 6 reading frames on base i and picks the best for base i + 1. Frame h < 3 puts base i
   * at codon position (i + h) % 3 of a gene on this strand; h ≥ 3 reads the complement strand, where
   * positions run backwards. The codon statistics are learnt in the winning frame (so they settle
   * on the genome's own codon usage).
   */
  private advanceFrame(i: number, sym: number): void {
    const o = this.codonOrder;
    if (i < o) return;
    const codonP = this.codonP;
    const score = this.frameScore;
    const decay = this.phaseDecay;
    const h0 = this.h0;
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

  /** Finds each model's context slot for the next base. */
  private beginSymbol(): void {
    const h0 = this.h0;
    const h1 = this.h1;
    for (let m = 0; m < this.nCtx; m++) {
      const k = this.orders[m]!;
      const mask = this.masks[m]!;
      const lo = mask !== 0 ? h0 & mask : k >= 16 ? h0 : h0 & ((1 << (2 * k)) - 1);
      let hi = k <= 16 || mask !== 0 ? 0 : h1 & ((1 << (2 * k - 32)) - 1);
      if (this.phaseFlags[m]) {
        if (this.shifts[m] === 0) {
          this.slot[m] = (this.frame * (1 << (2 * k)) + lo) * 4;
          continue;
        }
        hi ^= Math.imul(this.frame + 1, 0x2545f491);
      }
      this.slot[m] = this.locate(m, this.tables[m]!, lo, hi);
    }
    if (this.hints) {
      const hint = this.pos < this.hints.length ? Math.min(4, this.hints[this.pos]!) : 4;
      this.hintSlot = ((hint << 8) | (h0 & 255)) << 2;
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

function trainCounter(v: number, bit: number, limit: number): number {
  const n = v & 0xffff;
  const p = v >>> 16;
  const q = p + ((((bit << 16) - bit - p) * DT[n]!) >> 15);
  return (q << 16) | (n < limit ? n + 1 : n);
}
