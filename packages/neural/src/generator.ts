/**
 * The genome generator of the "Genome VAE Generator" project: the decoder of a variational
 * autoencoder turns a latent z drawn from N(0, I) into the logits of each token (a 6-mer) of a
 * chunk of sequence; a token is drawn from each position's softmax, and the chunks are joined.
 *
 * The same seed gives the same sequence on every machine on the canonical runtime (WASM, whose
 * arithmetic is exact to the bit): everything else here uses only +, −, × and ÷ on doubles, which
 * every engine rounds alike. Two JavaScript functions that engines may compute differently are
 * avoided: Math.exp (the softmax uses `exp` below) and Math.log, Math.cos (the normal draws are
 * sums of twelve uniforms, whose variance is 1, instead of Box–Muller).
 */
import type { LoadedModel } from '@seqcoder/runtime';
import { exp } from './exact.js';

/** The decoder's shape: bases per token (tokens do not overlap), tokens per chunk, latent size. */
export interface GeneratorShape {
  k: number;
  tokens: number;
  latent: number;
}

/** Chunks decoded in one run of the network. */
export const GENERATE_BATCH_CHUNKS = 8;

/** xoshiro128**: a seeded stream of uniforms in [0, 1), the same on every engine (32-bit integer arithmetic). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 spreads the seed over the four words
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
  }

  /** A uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result / 4294967296;
  }

  /** An approximately normal draw: the sum of twelve uniforms less 6 (mean 0, variance 1, within ±6). */
  normal(): number {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += this.uniform();
    return sum - 6;
  }
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

export class GenomeGenerator {
  constructor(
    private readonly model: LoadedModel,
    private readonly shape: GeneratorShape,
  ) {}

  /** `length` bases (upper-case A, C, G, T) drawn with `random`. */
  async generate(length: number, random: Random): Promise<Uint8Array> {
    const { k, tokens, latent } = this.shape;
    const out = new Uint8Array(length);
    const chunkBases = k * tokens;
    const chunks = Math.ceil(length / chunkBases);
    const weights = new Float64Array(4 ** k);
    for (let first = 0; first < chunks; first += GENERATE_BATCH_CHUNKS) {
      const n = Math.min(GENERATE_BATCH_CHUNKS, chunks - first);
      // all latents of the batch first, then the tokens: the draws come in one fixed order
      const z = new Float32Array(n * latent);
      for (let i = 0; i < z.length; i++) z[i] = random.normal();
      const { data: logits, dims } = await this.model.run({ data: z, dims: [n, latent] });
      if (dims.length !== 3 || dims[0] !== n || dims[1] !== tokens || dims[2] !== 4 ** k) {
        throw new RangeError(`the generator returned dims [${dims.join(', ')}], expected [${n}, ${tokens}, ${4 ** k}]`);
      }
      for (let c = 0; c < n; c++) {
        for (let t = 0; t < tokens; t++) {
          const at = (first + c) * chunkBases + t * k;
          if (at >= length) break;
          const token = draw(logits.subarray((c * tokens + t) * weights.length, (c * tokens + t + 1) * weights.length), weights, random);
          for (let i = 0; i < k && at + i < length; i++) out[at + i] = LETTERS[(token >>> (2 * (k - 1 - i))) & 3]!;
        }
      }
    }
    return out;
  }
}

const LETTERS = [65, 67, 71, 84];

/** A token drawn from the softmax of `logits` (in index order, so every engine draws the same). */
function draw(logits: Float32Array, weights: Float64Array, random: Random): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += weights[i] = exp(logits[i]! - max);
  let u = random.uniform() * total;
  let last = 0;
  for (let i = 0; i < logits.length; i++) {
    if (weights[i]! === 0) continue;
    u -= weights[i]!;
    if (u < 0) return i;
    last = i;
  }
  return last; // rounding left a little of u over: the last token with any weight
}
