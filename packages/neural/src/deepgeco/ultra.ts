/**
 * ULTRA, DeepGeCo's semi-adaptive mode: the Warm-Start is fine-tuned on the record before it is
 * coded, then frozen, and what the decoder needs of the fine-tuning travels in the payload.
 *
 * What is fine-tuned here is the Warm-Start's output layer, the linear map from its last features
 * z (the Dense layer's ReLU outputs and the GRU outputs, `features` of them) to the logits, as a
 * low-rank change:
 *
 *   logits' = logits + U (V z) + b      U: size × rank, V: rank × features, b: size
 *
 * Why only that layer, and why low rank (ADR 0024): every stored parameter costs a byte that the
 * change must win back. The whole network has 50,176 parameters, more bytes than fine-tuning its
 * output layer alone saved on any genome measured; and the mixer gives the Warm-Start a falling
 * share of the first tenth of the steps only. The writer fits several ranks side by side and keeps
 * the one that pays best; on most records only the bias b pays, or nothing.
 *
 * The encoder fits U, V and b by Adam on the record's own tokens where the mixer uses the
 * Warm-Start, in the order the coder walks them (`HeadTuner`), and stores them as int8 with one
 * float32 scale per matrix. Both ends then rebuild the same doubles from those bytes
 * (`HeadAdaptation.read`) and apply them with + and × in a fixed order, so the decoder sees the
 * encoder's logits to the bit.
 */
import { CorruptError } from '@seqcoder/format';
import { exp, log2, sqrt } from '../exact.js';
import { softmax } from './coding.js';

/** The forms the writer fits side by side and chooses from: the rank of U V, 0 = the bias b alone. */
export const ULTRA_RANKS = [0, 1, 2, 4, 8] as const;
export const MAX_RANK = 32;
/** Adam's step size for the fit (measured on HePy: 0.003 and 0.01 within 0.001 bits a base). */
const STEP_SIZE = 0.003;
/**
 * A fitted change is tried only when its estimated gain, in bytes, is at least this many times what
 * it costs to store. The estimate (HeadTuner.gainBits) leaves out that the Supporter, mixed in at
 * 1 − γ, learns part of the same thing, so the codec codes the record both ways and keeps the smaller.
 */
const KEEP_FACTOR = 1;

/** The fine-tuned output layer's change, as both ends use it. */
export class HeadAdaptation {
  private readonly hidden: Float64Array;

  private constructor(
    /** The rank of U V; −1: no change at all. */
    readonly rank: number,
    private readonly size: number,
    private readonly width: number,
    /** size × rank, row-major. */
    readonly u: Float64Array,
    /** rank × width, row-major. */
    readonly v: Float64Array,
    /** size; empty for no change. */
    readonly b: Float64Array,
    /** The bytes this change was read from (what the payload holds). */
    readonly bytes: Uint8Array,
  ) {
    this.hidden = new Float64Array(Math.max(0, rank));
  }

  /**
   * The change stored in `bytes` from `at`: a form byte, 0 = no change, else 1 + the rank r of U V
   * (0 = the bias alone). Then the float32 LE scale of b, and of U and V when r > 0; then b, U and V
   * as int8, each value its int8 times its matrix's scale.
   */
  static read(bytes: Uint8Array, at: number, size: number, width: number): HeadAdaptation {
    if (at >= bytes.length) throw new CorruptError('a deepgeco ULTRA payload ends before its fine-tuned layer');
    const rank = bytes[at]! - 1;
    if (rank > MAX_RANK) throw new CorruptError(`deepgeco ULTRA rank ${rank} is above ${MAX_RANK}`);
    const end = at + HeadAdaptation.byteLength(rank, size, width);
    if (end > bytes.length) throw new CorruptError(`a deepgeco ULTRA payload of ${bytes.length} bytes is shorter than its fine-tuned layer`);
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, end - at);
    let from = rank > 0 ? 13 : 5;
    const values = (count: number, scaleAt: number) => {
      const scale = view.getFloat32(scaleAt, true);
      if (!Number.isFinite(scale)) throw new CorruptError('a deepgeco ULTRA layer has a scale that is not a finite number');
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt8(from++) * scale;
      return out;
    };
    const none = new Float64Array(0);
    const b = rank >= 0 ? values(size, 1) : none;
    const u = rank > 0 ? values(size * rank, 5) : none;
    const v = rank > 0 ? values(rank * width, 9) : none;
    return new HeadAdaptation(rank, size, width, u, v, b, bytes.slice(at, end));
  }

  static byteLength(rank: number, size: number, width: number): number {
    if (rank < 0) return 1;
    return rank === 0 ? 5 + size : 13 + size + size * rank + rank * width;
  }

  /** `logits` (rows × size) changed by the layer, into `into`; the rows' features are rows × width. */
  apply(logits: Float32Array, features: Float32Array, rows: number, into: Float64Array): Float64Array {
    for (let j = 0; j < rows; j++) changeRow(this, this.size, this.width, logits, features, j, this.hidden, into, j * this.size);
    return into;
  }
}

/** A change of the output layer: U (size × rank), V (rank × width), b (size; empty for no change). */
interface LowRankChange {
  readonly rank: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly b: Float64Array;
}

/**
 * Row j of `logits` changed by `change` into `out` from `outAt`: h = V z_j, then
 * (l_o + b_o) + Σ_r U[o][r] · h_r, summed in this order. The decoder, the encoder and the fit all
 * compute it here, so they agree to the bit.
 */
function changeRow(change: LowRankChange, size: number, width: number, logits: Float32Array, features: Float32Array, j: number, hidden: Float64Array, out: Float64Array, outAt: number): void {
  const { rank, u, v, b } = change;
  const z = j * width;
  for (let r = 0; r < rank; r++) {
    let sum = 0;
    for (let i = 0, w = r * width; i < width; i++, w++) sum += v[w]! * features[z + i]!;
    hidden[r] = sum;
  }
  for (let o = 0, row = j * size; o < size; o++) {
    let sum = logits[row + o]! + (b.length > 0 ? b[o]! : 0);
    for (let r = 0; r < rank; r++) sum += u[o * rank + r]! * hidden[r]!;
    out[outAt + o] = sum;
  }
}

/**
 * The writer's candidate: the fitted change whose estimated gain exceeds KEEP_FACTOR times its bytes
 * by the most, as the payload stores it; undefined when none does. With `always`, the one with the
 * best margin whether or not it pays.
 */
export function chooseAdaptation(tuners: readonly HeadTuner[], always = false): Uint8Array | undefined {
  let best: HeadTuner | undefined;
  let bestMargin = always ? -Infinity : 0;
  for (const tuner of tuners) {
    const margin = tuner.gainBits / 8 - KEEP_FACTOR * tuner.byteLength;
    if (margin > bestMargin) [best, bestMargin] = [tuner, margin];
  }
  return best?.bytes();
}

/**
 * The encoder's fit: Adam on the mean cross-entropy of each step's rows, one step at a time, U
 * started small and seeded (V and b at 0, so the first logits are the Warm-Start's own). It also
 * counts how many bits the changed layer saves on each step's rows, before it learns from them.
 */
export class HeadTuner implements LowRankChange {
  /** U, then V, then b (the change's parameters, one array for Adam); u, v and b are views of it. */
  private readonly params: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly b: Float64Array;
  private readonly grad: Float64Array;
  private readonly second: Float64Array;
  private readonly hidden: Float64Array;
  private readonly dHidden: Float64Array;
  private readonly p: Float64Array;
  private readonly base: Float64Array;
  private readonly first: Float64Array;
  /** β1^t and β2^t after t updates. */
  private decay1 = 1;
  private decay2 = 1;
  /** Bits saved so far against the Warm-Start alone, counted before each update. */
  gainBits = 0;

  constructor(
    private readonly size: number,
    private readonly width: number,
    readonly rank: number,
    seed = 1,
  ) {
    const count = size * rank + rank * width + size;
    this.params = new Float64Array(count);
    this.u = this.params.subarray(0, size * rank);
    this.v = this.params.subarray(size * rank, size * rank + rank * width);
    this.b = this.params.subarray(size * rank + rank * width);
    this.grad = new Float64Array(count);
    this.first = new Float64Array(count);
    this.second = new Float64Array(count);
    this.hidden = new Float64Array(rank);
    this.dHidden = new Float64Array(rank);
    this.p = new Float64Array(size);
    this.base = new Float64Array(size);
    let state = seed >>> 0 || 1;
    for (let i = 0; i < size * rank; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      this.params[i] = ((state >>> 0) / 2 ** 32 - 0.5) * 0.02;
    }
  }

  /**
   * One step: `logits` and `features` of `rows` rows, whose tokens are `tokens[at(j)]`; the bits the
   * change saves on them before the update count `weight` times in gainBits (unless `count` is
   * false: a pass whose estimate is not used need not pay for it).
   */
  step(logits: Float32Array, features: Float32Array, tokens: Uint8Array, at: (row: number) => number, rows: number, weight = 1, count = true): void {
    const { size, width, rank, params, grad, hidden, dHidden, p, base } = this;
    const vAt = size * rank;
    const bAt = vAt + rank * width;
    grad.fill(0);
    for (let j = 0; j < rows; j++) {
      const z = j * width;
      changeRow(this, size, width, logits, features, j, hidden, p, 0);
      const token = tokens[at(j)]!;
      if (count) {
        base.set(logits.subarray(j * size, (j + 1) * size));
        this.gainBits += weight * (crossEntropyBits(base, size, token) - crossEntropyBits(p, size, token));
      }
      softmax(p, 0, size, p);
      dHidden.fill(0);
      for (let o = 0; o < size; o++) {
        const g = (p[o]! - (o === token ? 1 : 0)) / rows;
        grad[bAt + o] += g;
        for (let r = 0; r < rank; r++) {
          grad[o * rank + r] += g * hidden[r]!;
          dHidden[r] += g * params[o * rank + r]!;
        }
      }
      for (let r = 0; r < rank; r++) {
        const d = dHidden[r]!;
        for (let i = 0; i < width; i++) grad[vAt + r * width + i] += d * features[z + i]!;
      }
    }
    this.adam();
  }

  /** Adam (β1 = 0.9, β2 = 0.999, ε = 1e-8) with bias correction. */
  private adam(): void {
    const { params, grad, first, second } = this;
    this.decay1 *= 0.9;
    this.decay2 *= 0.999;
    const scale = (STEP_SIZE * sqrt(1 - this.decay2)) / (1 - this.decay1);
    for (let i = 0; i < params.length; i++) {
      const g = grad[i]!;
      first[i] = 0.9 * first[i]! + 0.1 * g;
      second[i] = 0.999 * second[i]! + 0.001 * g * g;
      params[i] -= (scale * first[i]!) / (sqrt(second[i]!) + 1e-8);
    }
  }

  get byteLength(): number {
    return HeadAdaptation.byteLength(this.rank, this.size, this.width);
  }

  /** The fitted change as the payload stores it (see HeadAdaptation.read). */
  bytes(): Uint8Array {
    const { size, width, rank, params } = this;
    const out = new Uint8Array(this.byteLength);
    const view = new DataView(out.buffer);
    out[0] = rank + 1;
    const uEnd = size * rank;
    const vEnd = uEnd + rank * width;
    // b, then U and V, each with its scale (b's at 1, U's at 5, V's at 9)
    const parts = rank > 0 ? [params.subarray(vEnd), params.subarray(0, uEnd), params.subarray(uEnd, vEnd)] : [params.subarray(vEnd)];
    let at = rank > 0 ? 13 : 5;
    parts.forEach((values, m) => {
      let largest = 0;
      for (const x of values) largest = Math.max(largest, Math.abs(x));
      const scale = Math.fround(largest / 127) || 1;
      view.setFloat32(1 + 4 * m, scale, true);
      for (const x of values) view.setInt8(at++, Math.max(-127, Math.min(127, Math.round(x / scale))));
    });
    return out;
  }
}

/** −log2 of `token`'s softmax probability under `logits` (size of them). */
function crossEntropyBits(logits: Float64Array, size: number, token: number): number {
  let top = -Infinity;
  for (let o = 0; o < size; o++) top = Math.max(top, logits[o]!);
  let sum = 0;
  for (let o = 0; o < size; o++) sum += exp(logits[o]! - top);
  return log2(sum) - (logits[token]! - top) / Math.LN2;
}
