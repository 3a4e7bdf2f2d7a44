/**
 * DeepGeCo's fourth mode (ADR 0033): the record is coded by `cm`'s level-4 model with the
 * Warm-Start's prediction of every base as two more inputs of its mixer (`cm` model 22), instead
 * of by the paper's token coder. The Warm-Start knows what other genomes look like, `cm` learns the
 * record, its repeats and its reading frame; mixed, they code smaller than either.
 *
 * `cm` codes base by base and asks this predictor before each base. At the first base of a token
 * it runs the network on the `context` tokens before it (padding before the record's start, as the
 * other modes' streams have), one row: the decoder knows those tokens only once it has decoded
 * them, so it cannot batch them (a single row gives a batch's logits to the bit, ADR 0030). The
 * logits become integer token weights as the token coder's are (coding.ts), and each binary
 * decision's probability is the weight of the tokens that continue with a 1 among those the bases
 * already coded leave possible: the same split the token coder codes with. The bases after the
 * last whole token get no prediction (1/2). Every step is exact, so both ends compute the same
 * probabilities on any machine.
 */
import type { BasePredictor } from '@seqcoder/residual';
import { bitProbability, cumulativeWeights, softmax } from './coding.js';
import { PADDING_TOKEN, toTokens, vocabulary } from './tokens.js';
import type { WarmStartNetwork } from './warmstart.js';

/** The `cm` model the fourth mode writes: model 19 (level 4) with the predictor's inputs. */
export const CM_MODE_MODEL = 22;

export class WarmStartBasePredictor implements BasePredictor {
  private readonly k: number;
  private readonly context: number;
  /** Bases in whole tokens: the record's, less its remainder. */
  private readonly tokenBases: number;
  private readonly input: Float32Array;
  private readonly probabilities: Float64Array;
  /** The integer weights of the current token's values (coding.ts). */
  private readonly cum: Float64Array;

  constructor(
    private readonly network: WarmStartNetwork,
    count: number,
  ) {
    const { k, context } = network.shape;
    this.k = k;
    this.context = context;
    this.tokenBases = count - (count % k);
    this.input = new Float32Array(context);
    this.probabilities = new Float64Array(vocabulary(k));
    this.cum = new Float64Array(vocabulary(k) + 1);
  }

  predict(history: Uint8Array, pos: number, out: Int32Array): void {
    if (pos >= this.tokenBases) {
      out.fill(2048);
      return;
    }
    const k = this.k;
    const j = pos % k; // the base's place in its token
    const start = pos - j;
    if (j === 0) this.predictToken(history, start / k);
    // The tokens the bases before this one in its token leave possible: lo .. lo + 2·half − 1.
    let prefix = 0;
    for (let i = start; i < pos; i++) prefix = (prefix << 2) | history[i]!;
    const half = 1 << (2 * (k - j) - 1);
    const lo = prefix << (2 * (k - j));
    out[0] = bitProbability(this.cum, lo, half);
    out[1] = bitProbability(this.cum, lo, half >> 1);
    out[2] = bitProbability(this.cum, lo + half, half >> 1);
  }

  /** The weights of token `t`'s values, from the network on the tokens before it. */
  private predictToken(history: Uint8Array, t: number): void {
    const { k, context, input } = this;
    // the tokens before t, at the end of the context; padding before the record's start
    const before = toTokens(history.subarray(Math.max(0, t - context) * k, t * k), k);
    input.fill(PADDING_TOKEN, 0, context - before.length);
    input.set(before, context - before.length);
    const { logits } = this.network.run(input, 1);
    softmax(logits, 0, this.probabilities.length, this.probabilities);
    cumulativeWeights(this.probabilities, 0, this.probabilities.length, this.cum);
  }
}
