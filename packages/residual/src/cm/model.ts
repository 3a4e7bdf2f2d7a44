/**
 * The context-mixing model of DNA. Every base is coded as two binary decisions on a 3-node tree
 * (node 0: is it G/T? node 1 or 2: which of the pair), so each model below predicts bits, the
 * predictions are mixed in the logistic domain by an online-trained network, refined by secondary
 * estimation, and handed to the binary arithmetic coder. (A model with `purineFirst` is given the
 * bases with their two bits swapped, so that its node 0 asks A/G or C/T.)
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
 * - optionally, repeat models: several earlier copies followed at once on either strand, kept
 *   through more mismatches, whose predictions are weighed against one another (ADR 0031);
 * - context models may also be sparse (chosen earlier bases) or "framed": keyed by the reading
 *   frame a detector infers from the recent bases (codon position × strand), which also selects
 *   the first mixer's weights (ADR 0009);
 * - optionally, a side-information model whose context is an external prediction of the base
 *   (the autoencoder's reconstruction, or the base an alignment to an earlier genome puts there),
 *   so a guess is weighed like any other model; with `aligned`, two more such models learn how far
 *   to trust the guess from how often it was right lately and in which codon position (ADR 0016);
 * - optionally, an outside predictor's probabilities for each binary decision (DeepGeCo's
 *   Warm-Start network in its fourth mode, ADR 0033), asked before each base with the bases so
 *   far, so that a decoder can ask it too.
 *
 * The encoder and the decoder run this same object in lock step; all arithmetic is on integers
 * below 2^53 so every engine computes the same probabilities (ADR 0005).
 *
 * The parts live beside this file: contexts.ts (the finite-context models), match.ts (both match
 * models), repeats.ts (the repeat models), frame.ts (the reading-frame detector), mixer.ts (the
 * mixers and secondary estimation), counters.ts (the bit counters they all learn with). This file
 * wires them into one prediction.
 */
import { ContextModels } from './contexts.js';
import { COUNTER_INIT, trainCounter } from './counters.js';
import { ReadingFrame } from './frame.js';
import { STRETCH } from './logistic.js';
import { lengthBucket, Match, MatchModel, popcount16, type MatchSpec } from './match.js';
import { MAX_MIXERS, Mixer } from './mixer.js';
import { RepeatModels, type RepeatSpec } from './repeats.js';

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

/**
 * An outside prediction of every base, for a model with `predicted` (CmOptions.predictor). Asked
 * once per base, before its first decision, with the record's bases so far (history[0..pos) hold
 * them; a decoder fills the rest as it goes), it writes the probability, 1..4095 of 4096, that each
 * of the three binary decisions is a 1: out[0] for node 0 (G or T rather than A or C), out[1] for
 * node 1 (C rather than A), out[2] for node 2 (T rather than G). It must compute the same numbers
 * at both ends, on every machine.
 */
export interface BasePredictor {
  predict(history: Uint8Array, pos: number, out: Int32Array): void;
}

export interface ModelSpec {
  contexts: readonly ContextSpec[];
  /**
   * Match models (forward and reverse-complement); null for none. Their table has 2^hashBits
   * slots; with `step`, only the k-mers ending at every step-th base are put in it (default 1: all),
   * so that a table small enough for the processor's cache still reaches far back (ADR 0018); with
   * `maxMisses`, a match is followed through more substitutions before it is dropped (ADR 0035).
   */
  match: MatchSpec | null;
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
   * One more layer-1 mixer, whose weight set is chosen by the reading frame and the last base:
   * how much each input is worth in each codon position, learnt apart from the weights chosen by
   * the matches and the last bases (ADR 0037). Needs `phase` and all three context mixers.
   */
  frameMixer?: boolean;
  /**
   * Initial layer-1 weight of every input, in 1/65536 (default 19660, 0.3). Smaller suits many
   * inputs on a short sequence, where the first weights matter for a larger share of the bases.
   */
  mixerInit?: number;
  /**
   * For hints that are an alignment's bases (the reference codec's aligned groups): two more
   * side-information models, keyed by whether the last hints were right (the last 8, and how many
   * of the 8 before) and by the reading frame with the hints' record 1, 3, 6 and 9 bases back
   * (divergent genes differ mostly in the third codon position); and mixer 0's weights chosen by
   * how many hints in a row were right instead of by the match length, while a hint is given.
   */
  aligned?: boolean;
  /**
   * Repeat models: several earlier copies of the recent bases followed at once, each kept through
   * more mismatches than the match model's copy, as three more mixer inputs (ADR 0031).
   */
  repeats?: RepeatSpec;
  /**
   * A BasePredictor's probabilities as two more mixer inputs: stretched as they are, and through a
   * counter keyed by the probability (16 steps) and the last four bases, which learns how far the
   * record bears them out (ADR 0033). Such a model codes only with a predictor, and a predictor
   * only with such a model.
   */
  predicted?: boolean;
  /**
   * Code purine or pyrimidine first: the codec gives this model every base with its two bits
   * swapped (A C G T as 0 2 1 3), so that node 0 asks A/G against C/T and the second decision tells
   * the purines, or the pyrimidines, apart (ADR 0034). Not with hints, which name bases unswapped.
   */
  purineFirst?: boolean;
}

export class DnaModel {
  private readonly contexts: ContextModels;
  /** The repeat models, or null. */
  private readonly repeats: RepeatModels | null;
  /** Both match models, or null for a model without them (its two inputs stay silent). */
  private readonly matches: MatchModel | null;
  private readonly forward: Match;
  private readonly reverse: Match;
  private readonly frame: ReadingFrame | null;
  /** The reading frame for the next base (0 = none): the detector's, kept here for the hot path. */
  private phase = 0;
  private readonly mixer: Mixer;
  /** mixers = 0: context 0's counter is coded as it is. */
  private readonly direct: boolean;
  /** The confidence mixer's three contexts (highest orders first), or empty. */
  private readonly confident: Int32Array;
  private readonly prior: number;

  // History: the last 32 bases, newest in the low bits of h0.
  private h0 = 0;
  private h1 = 0;
  private pos = 0;

  // Side information (an external guess of each base), optional.
  private readonly hints: Uint8Array | null;
  private readonly hintTable: Int32Array;
  private hintSlot = 0;
  /** With `aligned`: the two extra side-information tables, their slots, and the hints' record. */
  private readonly aligned: boolean;
  private readonly agreementTable: Int32Array;
  private readonly codonTable: Int32Array;
  private agreementSlot = 0;
  private codonSlot = 0;
  /** The outside predictor (spec.predicted), its probabilities for the base being coded, and its counter's table and slot. */
  private readonly predictor: BasePredictor | null;
  private readonly predicted = new Int32Array(3);
  private readonly predictedTable: Int32Array;
  private predictedSlot = 0;
  /** The hint of the base being coded (4: none). */
  private hint = 4;
  /** Whether each of the last 16 hinted bases differed from its hint, newest in bit 0. */
  private misses = 0;
  /** Hinted bases in a row that equalled their hint. */
  private hits = 0;

  constructor(
    spec: ModelSpec,
    /** The symbol array being coded: read by the encoder, filled by the decoder as it goes. */
    private readonly history: Uint8Array,
    hints?: Uint8Array,
    predictor?: BasePredictor,
  ) {
    const n = spec.contexts.length;
    if (!(Number.isInteger(spec.mixers) && spec.mixers >= 0 && spec.mixers <= MAX_MIXERS)) throw new Error(`mixers must be 0..${MAX_MIXERS}`);
    this.direct = spec.mixers === 0;
    if (this.direct && (n !== 1 || spec.match !== null || spec.repeats || hints)) {
      throw new Error('a model without a mixer has exactly one context, no match or repeat models and no hints');
    }
    if (spec.purineFirst && hints) throw new Error('a model that codes purine or pyrimidine first takes no hints');
    if ((spec.predicted === true) !== (predictor !== undefined)) throw new Error(spec.predicted ? 'this model codes only with an outside predictor' : 'only a model with `predicted` takes an outside predictor');
    const priorCount = spec.priorCount ?? 0;
    this.prior = priorCount;
    this.contexts = new ContextModels(spec.contexts, priorCount, spec.phase !== undefined);
    this.frame = spec.phase ? new ReadingFrame(spec.phase.decay, spec.phase.order ?? 0) : null;
    this.matches = spec.match ? new MatchModel(spec.match, history) : null;
    this.forward = this.matches?.forward ?? new Match(1, 0);
    this.reverse = this.matches?.reverse ?? new Match(-1, 3);

    this.hints = hints ?? null;
    this.hintTable = new Int32Array(hints ? 5 * 256 * 4 : 0).fill(COUNTER_INIT);
    this.aligned = spec.aligned === true && hints !== undefined;
    this.agreementTable = new Int32Array(this.aligned ? 5 * 1024 * 4 : 0).fill(COUNTER_INIT);
    this.codonTable = new Int32Array(this.aligned ? 5 * 8 * 16 * 4 : 0).fill(COUNTER_INIT);

    const confidence = spec.confidence === true && !this.direct;
    this.confident = new Int32Array(
      confidence ? [...spec.contexts.keys()].sort((a, b) => spec.contexts[b]!.order - spec.contexts[a]!.order).slice(0, 3) : [],
    );
    if (confidence && this.confident.length < 3) throw new Error('the confidence mixer needs three contexts');
    const frameMixer = spec.frameMixer === true;
    if (frameMixer && (spec.phase === undefined || spec.mixers !== MAX_MIXERS)) throw new Error(`the frame mixer needs the reading frame and ${MAX_MIXERS} mixers`);
    this.repeats = spec.repeats ? new RepeatModels(spec.repeats, history) : null;
    this.predictor = predictor ?? null;
    this.predictedTable = new Int32Array(predictor ? 3 * 16 * 256 : 0).fill(COUNTER_INIT);
    // contexts, two match models, hints, repeat models, the predictor's two, bias
    const inputs = n + 2 + (hints ? 1 : 0) + (this.aligned ? 2 : 0) + (this.repeats ? RepeatModels.INPUTS : 0) + (predictor ? 2 : 0) + 1;
    this.mixer = new Mixer(inputs, spec.mixers + (frameMixer ? 1 : 0) + (confidence ? 1 : 0), spec.phase !== undefined, confidence, spec.mixerInit ?? 19660, spec.mixerRate, spec.mixerBoost ?? 0, frameMixer);
    this.contexts.select(0, 0, 0);
  }

  /** P(next bit is 1) as 1..4095, for tree node 0 (first bit) or 1 + first bit (second bit). */
  predict(node: number): number {
    const contexts = this.contexts;
    if (this.direct) return contexts.first(node);
    // The hint is read when its base is first predicted, not earlier: a reader of aligned groups
    // fills the hints of a copy only once the bases it copies are decoded.
    if (node === 0 && this.hints) this.selectHint();
    const mixer = this.mixer;
    const st = mixer.inputs;
    contexts.stretch(st, node);
    let i = contexts.count;
    st[i++] = this.forward.input(node);
    st[i++] = this.reverse.input(node);
    if (this.hints) st[i++] = STRETCH[this.hintTable[this.hintSlot + node]! >>> 20]!;
    if (this.aligned) {
      st[i++] = STRETCH[this.agreementTable[this.agreementSlot + node]! >>> 20]!;
      st[i++] = STRETCH[this.codonTable[this.codonSlot + node]! >>> 20]!;
    }
    if (this.repeats) {
      this.repeats.inputs(st, i, node);
      i += RepeatModels.INPUTS;
    }
    if (this.predictor) {
      if (node === 0) this.predictor.predict(this.history, this.pos, this.predicted);
      const p = this.predicted[node]!;
      st[i++] = STRETCH[p]!;
      this.predictedSlot = (((node << 4) | (p >> 8)) << 8) | (this.h0 & 255);
      st[i++] = STRETCH[this.predictedTable[this.predictedSlot]! >>> 20]!;
    }
    st[i++] = 256;

    if (this.confident.length > 0) this.selectConfidence(node);
    const lb = this.aligned && this.hint < 4 ? lengthBucket(this.hits) : this.matches !== null ? this.matches.longestBucket : 0;
    return mixer.mix(node, this.phase, lb, this.h0, this.forward.state, this.reverse.state);
  }

  /** The confidence mixer's weight set: how often the three highest-order contexts were seen (0, 1, 2, 3+ each). */
  private selectConfidence(node: number): void {
    let b = 0;
    for (let j = 0; j < 3; j++) {
      const seen = this.contexts.seen(this.confident[j]!, node) - this.prior;
      b = b * 4 + (seen > 3 ? 3 : seen);
    }
    this.mixer.selectConfidence(node, b);
  }

  /** Learns the coded bit at `node` (the node last passed to predict). */
  update(node: number, bit: number): void {
    if (this.direct) {
      this.contexts.train(node, bit);
      return;
    }
    this.mixer.train(bit, this.pos);
    this.contexts.train(node, bit);
    this.forward.train(bit);
    this.reverse.train(bit);
    if (this.repeats) this.repeats.train(bit);
    if (this.predictor) this.predictedTable[this.predictedSlot] = trainCounter(this.predictedTable[this.predictedSlot]!, bit, 255);
    if (this.hints) this.hintTable[this.hintSlot + node] = trainCounter(this.hintTable[this.hintSlot + node]!, bit, 255);
    if (this.aligned) {
      this.agreementTable[this.agreementSlot + node] = trainCounter(this.agreementTable[this.agreementSlot + node]!, bit, 255);
      this.codonTable[this.codonSlot + node] = trainCounter(this.codonTable[this.codonSlot + node]!, bit, 255);
    }
  }

  /** Moves past the base just coded (already stored in the history array). */
  advance(sym: number): void {
    const i = this.pos;
    if (this.aligned && this.hint < 4) {
      const miss = this.hint === sym ? 0 : 1;
      this.misses = ((this.misses << 1) | miss) & 0xffff;
      this.hits = miss ? 0 : this.hits + 1;
    }
    this.h1 = (this.h1 << 2) | (this.h0 >>> 30);
    this.h0 = (this.h0 << 2) | sym;
    this.pos = i + 1;
    if (this.matches !== null) this.matches.advance(i, sym, this.h0);
    if (this.repeats !== null) this.repeats.advance(i, sym, this.h0);
    if (this.frame !== null) {
      this.frame.advance(i, sym, this.h0);
      this.phase = this.frame.frame;
    }
    this.contexts.advance(i, sym, this.history, this.h0, this.h1, this.phase);
  }

  /** The side-information models' slots for the next base: the hint, with the last 4 bases (and with `aligned`, the hints' record). */
  private selectHint(): void {
    const hint = this.pos < this.hints!.length ? Math.min(4, this.hints![this.pos]!) : 4;
    this.hint = hint;
    this.hintSlot = ((hint << 8) | (this.h0 & 255)) << 2;
    if (this.aligned) {
      const m = this.misses;
      const olderMisses = Math.min(3, popcount16(m >>> 8));
      this.agreementSlot = ((hint << 10) | ((m & 0xff) << 2) | olderMisses) << 2;
      const codon = (((m >> 8) & 1) << 3) | (((m >> 5) & 1) << 2) | (((m >> 2) & 1) << 1) | (m & 1);
      this.codonSlot = ((((hint << 3) | this.phase) << 4) | codon) << 2;
    }
  }
}
