/**
 * Mixing the sub-models' predictions: layer-1 mixers, each an online-trained weighting of every
 * input in the logistic (stretch) domain whose weight set is chosen by a small context, a final
 * mixer of their outputs, and secondary estimation (APMs) that refines the result.
 *
 * Speed note: `mix` and `train` are each one large function that V8 calls rather than inlines, so
 * that the small helpers of the per-bit path (match inputs, counter training) stay inlined.
 */
import { squash, STRETCH } from './logistic.js';
import { DT } from './counters.js';
import { MATCH_LENGTH_BUCKETS } from './match.js';

/** Layer-1 mixers chosen by context, at most; the confidence mixer may come on top. */
export const MAX_MIXERS = 3;
/** Weight sets of each layer-1 mixer: by match length; by the last 4 bases; by the matches' states. */
const MIXER_SETS = [3 * MATCH_LENGTH_BUCKETS, 3 * 256, 3 * 9];
const MIXER_OFFSETS = [0, MIXER_SETS[0]!, MIXER_SETS[0]! + MIXER_SETS[1]!];
/** With a reading-frame detector, mixer 0 has one more block of sets per frame, after the others. */
const PHASE_SETS_OFFSET = MIXER_OFFSETS[2]! + MIXER_SETS[2]!;
/** The confidence mixer's sets: 3 nodes × 4^3 count buckets. */
const CONFIDENCE_SETS = 3 * 64;
/** The frame mixer's sets: 3 nodes × 7 reading frames (or none yet) × the last base. */
const FRAME_MIXER_SETS = 3 * 7 * 4;

export class Mixer {
  /** The inputs of the next mix (stretch domain), filled by the model. */
  readonly inputs: Int32Array;
  private readonly weights: Int32Array; // layer 1: one weight set per selector context
  private readonly wBase = new Int32Array(MAX_MIXERS + 2); // chosen set of each layer-1 mixer
  private readonly mixOut = new Int32Array(MAX_MIXERS + 2); // their outputs (stretch domain)
  private readonly mixP = new Int32Array(MAX_MIXERS + 2); // and as probabilities, for their training
  private readonly finalWeights: Int32Array;
  private readonly confidenceOffset: number;
  /** The frame mixer's first set, and its place among the layer-1 mixers (-1: none). */
  private readonly frameMixerOffset: number;
  private readonly frameMixer: number;
  private finalBase = 0;
  private pMix = 2048;
  // Secondary estimation of the mixed probability: by the last 4 bases, and by the matches.
  private readonly apmOrder4 = new Apm(256 * 3, 7);
  private readonly apmMatch = new Apm(MATCH_LENGTH_BUCKETS * 3 * 3, 7);

  /**
   * `mixers`: the layer-1 mixers in use, those chosen by context, then the frame mixer when on,
   * then the confidence mixer when on (always the last). The frame mixer needs `framed`.
   */
  constructor(
    private readonly nIn: number,
    private readonly mixers: number,
    framed: boolean,
    confidence: boolean,
    initialWeight: number,
    private readonly rate: number,
    private readonly boost: number,
    frameMixer = false,
  ) {
    this.inputs = new Int32Array(nIn);
    const sets = MIXER_OFFSETS[2]! + MIXER_SETS[2]! + (framed ? 6 * MIXER_SETS[0]! : 0);
    this.confidenceOffset = sets;
    this.frameMixerOffset = sets + (confidence ? CONFIDENCE_SETS : 0);
    this.frameMixer = frameMixer ? mixers - 1 - (confidence ? 1 : 0) : -1;
    this.weights = new Int32Array(nIn * (this.frameMixerOffset + (frameMixer ? FRAME_MIXER_SETS : 0))).fill(initialWeight);
    this.finalWeights = new Int32Array(3 * mixers).fill(Math.floor(65536 / Math.max(1, mixers)));
  }

  /** The confidence mixer's set for the next mix: `bucket` (0..63) of how often the three highest orders were seen. */
  selectConfidence(node: number, bucket: number): void {
    this.wBase[this.mixers - 1] = (this.confidenceOffset + node * 64 + bucket) * this.nIn;
  }

  /**
   * Mixes the inputs for tree `node` and refines the result: P(1) as 1..4095. The weight sets:
   * mixer 0's by the reading frame and the longest match's length bucket, mixer 1's by the last 4
   * bases, mixer 2's by the two matches' states (`fState` * 3 + `rState`); the frame mixer's by the
   * reading frame and the last base; the confidence mixer's as selectConfidence set it.
   */
  mix(node: number, frame: number, lengthBucket: number, h0: number, fState: number, rState: number): number {
    const w = this.weights;
    const st = this.inputs;
    const nIn = this.nIn;
    const wBase = this.wBase;
    const frameSets = frame === 0 ? MIXER_OFFSETS[0]! : PHASE_SETS_OFFSET + (frame - 1) * MIXER_SETS[0]!;
    wBase[0] = (frameSets + node * MATCH_LENGTH_BUCKETS + lengthBucket) * nIn;
    wBase[1] = (MIXER_OFFSETS[1]! + node * 256 + (h0 & 255)) * nIn;
    wBase[2] = (MIXER_OFFSETS[2]! + node * 9 + fState * 3 + rState) * nIn;
    if (this.frameMixer >= 0) wBase[this.frameMixer] = (this.frameMixerOffset + (node * 7 + frame) * 4 + (h0 & 3)) * nIn;
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
    const p1 = this.apmOrder4.refine(pMix, (h0 & 255) * 3 + node);
    const p2 = this.apmMatch.refine(pMix, (lengthBucket * 3 + fState) * 3 + node);
    const p = (2 * pMix + p1 + p2 + 2) >> 2;
    return p < 1 ? 1 : p > 4095 ? 4095 : p;
  }

  /** A gradient step on coding cost for the final mixer and each layer-1 mixer, and the APMs' update; `pos` is the base's position. */
  train(bit: number, pos: number): void {
    const fw = this.finalWeights;
    const fb = this.finalBase;
    const errFinal = ((bit << 12) - this.pMix) * 2;
    const mixers = this.mixers;
    for (let k = 0; k < mixers; k++) fw[fb + k]! += (this.mixOut[k]! * errFinal + 0x8000) >> 16;
    const w = this.weights;
    const st = this.inputs;
    const nIn = this.nIn;
    // The boost fades as 1/(1.5 + n) over blocks n of 4096 bases, so short sequences learn quickly.
    const rate = this.boost === 0 ? this.rate : this.rate + ((this.boost * DT[Math.min(1023, pos >> 12)]!) >> 15);
    for (let k = 0; k < mixers; k++) {
      const err = ((bit << 12) - this.mixP[k]!) * rate;
      const b = this.wBase[k]!;
      for (let j = 0; j < nIn; j++) w[b + j]! += (st[j]! * err + 0x8000) >> 16;
    }
    this.apmOrder4.update(bit);
    this.apmMatch.update(bit);
  }
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
