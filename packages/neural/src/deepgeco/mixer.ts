/**
 * PLUS: the Supporter (supporter.ts) mixed with the frozen Warm-Start by the paper's threshold
 * controller and probability mixer, its equations 2 and 3:
 *
 *   Y' = softmax(γ · logits_w + (1 − γ) · logits_s),  γ = (1 − sin(i / T)) · (1 − δ)
 *
 * for batch (step) i = 1 .. T, where T = ts × the steps of the record (the paper's
 * ts · ⌈(n − k + s)/s⌉ / bs); after T, γ = 0 and the Warm-Start is no longer run, which is where
 * PLUS gains its speed. The Supporter learns from the mixed prediction's cross-entropy (the paper's
 * equation 4), so the gradient of its logits is (1 − γ)(Y' − y).
 */
import { sinUnit } from '../exact.js';
import { Supporter, type SupporterPreset } from './supporter.js';

/** A PLUS configuration: the Supporter's, and the mixer's ts (in percent of the steps) and δ. */
export interface PlusPreset extends SupporterPreset {
  tsPercent: number;
  delta: number;
}

/**
 * Every preset a payload can name (one byte). Frozen once published: a better one takes a new
 * number. Preset 1 is smaller than the paper's Supporter (embedding 64, 8 heads, hidden 256, FFN
 * 4096), which costs about 2 million multiply-adds a token to predict and train (ADR 0023).
 */
export const SUPPORTER_PRESETS: Readonly<Record<number, PlusPreset>> = {
  1: { context: 16, dim: 32, heads: 4, ffn: 128, lr: 0.003, seed: 1, tsPercent: 10, delta: 0 },
};
export const DEFAULT_PRESET = 1;

/** The steps that mix in the Warm-Start: T = ⌈steps · ts⌉. */
export function warmSteps(preset: PlusPreset, steps: number): number {
  return Math.ceil((steps * preset.tsPercent) / 100);
}

/** γ, the Warm-Start's weight at step `step` (0-based) of T = `threshold`: equation 3. */
export function warmWeight(preset: PlusPreset, step: number, threshold: number): number {
  return step < threshold ? (1 - sinUnit((step + 1) / threshold)) * (1 - preset.delta) : 0;
}

export class PlusMixer {
  private readonly supporter: Supporter;
  /** Steps that use the Warm-Start: T = ⌈steps · ts⌉. */
  private readonly threshold: number;
  private readonly mixed: Float64Array;
  private readonly dlogits: Float64Array;
  private gamma = 0;

  constructor(
    private readonly preset: PlusPreset,
    private readonly size: number,
    maxRows: number,
    steps: number,
  ) {
    this.supporter = new Supporter(preset, size, maxRows);
    this.threshold = warmSteps(preset, steps);
    this.mixed = new Float64Array(maxRows * size);
    this.dlogits = new Float64Array(maxRows * size);
  }

  /** Whether step `step` (0-based) mixes in the Warm-Start. */
  usesWarmStart(step: number): boolean {
    return step < this.threshold;
  }

  /** The mixed logits of the step's rows; `warm` is the Warm-Start's where usesWarmStart(step). */
  mix(input: Float32Array, rows: number, width: number, step: number, warm: Float32Array | Float64Array | undefined): Float64Array {
    const supporter = this.supporter;
    supporter.forward(input, rows, width);
    const gamma = warm ? warmWeight(this.preset, step, this.threshold) : 0;
    this.gamma = gamma;
    if (!warm) return supporter.logits;
    const { mixed } = this;
    const s = supporter.logits;
    for (let i = 0; i < rows * this.size; i++) mixed[i] = gamma * warm[i]! + (1 - gamma) * s[i]!;
    return mixed;
  }

  /** Trains the Supporter on the step's tokens, given the mixed probabilities it predicted them with. */
  learn(probabilities: Float64Array, tokens: Uint8Array, at: (row: number) => number, rows: number): void {
    const { dlogits, size } = this;
    const weight = 1 - this.gamma;
    for (let j = 0; j < rows; j++) {
      const token = tokens[at(j)]!;
      for (let i = 0; i < size; i++) dlogits[j * size + i] = weight * (probabilities[j * size + i]! - (i === token ? 1 : 0));
    }
    this.supporter.train(dlogits);
  }
}
