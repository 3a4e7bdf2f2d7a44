/**
 * DeepGeCo's Supporter model: a one-layer transformer that starts untrained and learns the record
 * while it is coded (the adaptive half of PLUS), after TRACE, which the paper follows.
 *
 * For each stream, from the last `context` tokens: token embedding + position embedding; multi-head
 * self-attention read at the newest position (the only one whose output is needed: every position
 * is before the token to predict); a residual connection; a feed-forward layer with ReLU and a
 * residual connection; a linear map to the next token's logits. After each step the coder knows
 * the step's tokens, and one Adam step (β1 = 0, β2 = 0.999, as the paper) on the batch's mean
 * cross-entropy updates every weight, at both ends alike.
 *
 * The keys and values are linear in x_i = E[token_i] + P_i, so within a step (the weights fixed)
 * they are Wk E[t] + Wk P_i from per-step tables of every token and position, and their gradients
 * are gathered per token and position and turned into weight gradients once per step: the cost of
 * the context's 16 positions is paid once per batch instead of once per row.
 *
 * Decoding replays this training, so it must compute the same numbers on every engine: all of it is
 * + − × ÷ on doubles in a fixed order (no Math.exp or Math.sqrt: exact.ts), and the initial
 * weights come from a seeded stream. The gradients are written out by hand for this one shape.
 */
import { exp, sqrt } from '../exact.js';
import { Random } from '../generator.js';

/** A frozen Supporter configuration: a payload names it by number, like cm's models. */
export interface SupporterPreset {
  /** Tokens of context (the newest of the Warm-Start's context). */
  context: number;
  /** Embedding width, attention heads (each dim/heads wide), feed-forward width. */
  dim: number;
  heads: number;
  ffn: number;
  /** Adam's step size. */
  lr: number;
  /** Seeds the initial weights. */
  seed: number;
}

export class Supporter {
  readonly logits: Float64Array;
  private readonly p: Float64Array; // every weight
  private readonly g: Float64Array; // their gradients for the current step
  private readonly v: Float64Array; // Adam's second moments
  private beta2Power = 1;
  // offsets of each weight block in p (and g, v)
  private readonly oE: number;
  private readonly oP: number;
  private readonly oQ: number;
  private readonly oK: number;
  private readonly oV: number;
  private readonly oO: number;
  private readonly o1: number;
  private readonly ob1: number;
  private readonly o2: number;
  private readonly ob2: number;
  private readonly oOut: number;
  private readonly obOut: number;
  private readonly scale: number;
  // activations of the current batch, kept for the backward pass
  private readonly tokens: Int32Array;
  /** Per step: Wk E[t], Wv E[t] for every token, Wk P_i, Wv P_i for every position. */
  private readonly keyOfToken: Float64Array;
  private readonly valueOfToken: Float64Array;
  private readonly keyOfPosition: Float64Array;
  private readonly valueOfPosition: Float64Array;
  /** Per step: the keys' and values' gradients summed by token and by position. */
  private readonly dKeyOfToken: Float64Array;
  private readonly dValueOfToken: Float64Array;
  private readonly dKeyOfPosition: Float64Array;
  private readonly dValueOfPosition: Float64Array;
  private readonly x: Float64Array;
  private readonly k: Float64Array;
  private readonly vv: Float64Array;
  private readonly q: Float64Array;
  private readonly att: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly u: Float64Array;
  private readonly f: Float64Array;
  private rows = 0;
  // per-row scratch of the backward pass
  private readonly dl: Float64Array;
  private readonly df: Float64Array;
  private readonly dr: Float64Array;
  private readonly dh: Float64Array;
  private readonly dO: Float64Array;
  private readonly dq: Float64Array;
  private readonly dk: Float64Array;
  private readonly dv: Float64Array;
  private readonly dx: Float64Array;
  private readonly da: Float64Array;

  constructor(
    private readonly preset: SupporterPreset,
    private readonly vocab: number,
    maxRows: number,
  ) {
    const { context: c, dim: d, heads, ffn } = preset;
    if (d % heads !== 0) throw new RangeError(`dim ${d} is not a multiple of heads ${heads}`);
    let at = 0;
    const block = (n: number) => ((at += n), at - n);
    this.oE = block(vocab * d);
    this.oP = block(c * d);
    this.oQ = block(d * d);
    this.oK = block(d * d);
    this.oV = block(d * d);
    this.oO = block(d * d);
    this.o1 = block(ffn * d);
    this.ob1 = block(ffn);
    this.o2 = block(d * ffn);
    this.ob2 = block(d);
    this.oOut = block(vocab * d);
    this.obOut = block(vocab);
    this.p = new Float64Array(at);
    this.g = new Float64Array(at);
    this.v = new Float64Array(at);
    this.scale = 1 / sqrt(d / heads);
    this.initialise();

    this.logits = new Float64Array(maxRows * vocab);
    this.tokens = new Int32Array(maxRows * c);
    this.keyOfToken = new Float64Array(vocab * d);
    this.valueOfToken = new Float64Array(vocab * d);
    this.keyOfPosition = new Float64Array(c * d);
    this.valueOfPosition = new Float64Array(c * d);
    this.dKeyOfToken = new Float64Array(vocab * d);
    this.dValueOfToken = new Float64Array(vocab * d);
    this.dKeyOfPosition = new Float64Array(c * d);
    this.dValueOfPosition = new Float64Array(c * d);
    this.x = new Float64Array(maxRows * d);
    this.k = new Float64Array(maxRows * c * d);
    this.vv = new Float64Array(maxRows * c * d);
    this.q = new Float64Array(maxRows * d);
    this.att = new Float64Array(maxRows * heads * c);
    this.o = new Float64Array(maxRows * d);
    this.h = new Float64Array(maxRows * d);
    this.u = new Float64Array(maxRows * ffn);
    this.f = new Float64Array(maxRows * d);
    this.dl = new Float64Array(vocab);
    this.df = new Float64Array(d);
    this.dr = new Float64Array(ffn);
    this.dh = new Float64Array(d);
    this.dO = new Float64Array(d);
    this.dq = new Float64Array(d);
    this.dk = new Float64Array(c * d);
    this.dv = new Float64Array(c * d);
    this.dx = new Float64Array(d);
    this.da = new Float64Array(c);
  }

  /** Uniform in ±1/√fan-in for the matrices, ±0.1 for the embeddings, zero biases; seeded. */
  private initialise(): void {
    const { dim: d, ffn } = this.preset;
    const random = new Random(this.preset.seed);
    const fill = (offset: number, n: number, bound: number) => {
      for (let i = 0; i < n; i++) this.p[offset + i] = (2 * random.uniform() - 1) * bound;
    };
    fill(this.oE, this.oQ - this.oE, 0.1); // token and position embeddings
    for (const o of [this.oQ, this.oK, this.oV, this.oO]) fill(o, d * d, 1 / sqrt(d));
    fill(this.o1, ffn * d, 1 / sqrt(d));
    fill(this.o2, d * ffn, 1 / sqrt(ffn));
    fill(this.oOut, this.vocab * d, 1 / sqrt(d));
  }

  /**
   * Logits (into `logits`, `rows` × vocab) for each row of `input`: rows of `width` token ids, of
   * which the newest `context` are read.
   */
  forward(input: Float32Array, rows: number, width: number): void {
    const { context: c, dim: d, heads, ffn } = this.preset;
    const { p, x, k, vv, q, att, o, h, u, f, logits, tokens, vocab } = this;
    const hd = d / heads;
    this.rows = rows;
    for (let t = 0; t < vocab; t++) {
      matVec(p, this.oK, d, d, p, this.oE + t * d, this.keyOfToken, t * d);
      matVec(p, this.oV, d, d, p, this.oE + t * d, this.valueOfToken, t * d);
    }
    for (let i = 0; i < c; i++) {
      matVec(p, this.oK, d, d, p, this.oP + i * d, this.keyOfPosition, i * d);
      matVec(p, this.oV, d, d, p, this.oP + i * d, this.valueOfPosition, i * d);
    }
    for (let b = 0; b < rows; b++) {
      const xb = b * c * d;
      for (let i = 0; i < c; i++) {
        const token = input[b * width + width - c + i]!;
        tokens[b * c + i] = token;
        for (let j = 0; j < d; j++) {
          k[xb + i * d + j] = this.keyOfToken[token * d + j]! + this.keyOfPosition[i * d + j]!;
          vv[xb + i * d + j] = this.valueOfToken[token * d + j]! + this.valueOfPosition[i * d + j]!;
        }
      }
      const newest = tokens[b * c + c - 1]!;
      for (let j = 0; j < d; j++) x[b * d + j] = p[this.oE + newest * d + j]! + p[this.oP + (c - 1) * d + j]!;
      const last = b * d;
      matVec(p, this.oQ, d, d, x, last, q, b * d);
      for (let head = 0; head < heads; head++) {
        const a = (b * heads + head) * c;
        let max = -Infinity;
        for (let i = 0; i < c; i++) {
          let s = 0;
          for (let j = head * hd; j < (head + 1) * hd; j++) s += q[b * d + j]! * k[xb + i * d + j]!;
          s *= this.scale;
          att[a + i] = s;
          if (s > max) max = s;
        }
        let total = 0;
        for (let i = 0; i < c; i++) total += att[a + i] = exp(att[a + i]! - max);
        for (let i = 0; i < c; i++) att[a + i] = att[a + i]! / total;
        for (let j = head * hd; j < (head + 1) * hd; j++) {
          let s = 0;
          for (let i = 0; i < c; i++) s += att[a + i]! * vv[xb + i * d + j]!;
          o[b * d + j] = s;
        }
      }
      matVec(p, this.oO, d, d, o, b * d, h, b * d);
      for (let j = 0; j < d; j++) h[b * d + j] = h[b * d + j]! + x[last + j]!;
      matVec(p, this.o1, ffn, d, h, b * d, u, b * ffn);
      for (let j = 0; j < ffn; j++) u[b * ffn + j] = u[b * ffn + j]! + p[this.ob1 + j]!;
      for (let j = 0; j < d; j++) {
        let s = p[this.ob2 + j]! + h[b * d + j]!;
        const row = this.o2 + j * ffn;
        for (let m = 0; m < ffn; m++) {
          const um = u[b * ffn + m]!;
          if (um > 0) s += p[row + m]! * um;
        }
        f[b * d + j] = s;
      }
      matVec(p, this.oOut, vocab, d, f, b * d, logits, b * vocab);
      for (let t = 0; t < vocab; t++) logits[b * vocab + t] = logits[b * vocab + t]! + p[this.obOut + t]!;
    }
  }

  /** Every weight, in one array (for tests: a gradient is checked against finite differences). */
  get weights(): Float64Array {
    return this.p;
  }

  /**
   * One Adam step on the mean loss of the last forward's rows, given ∂loss/∂logits of each row
   * (`dlogits`, rows × vocab, for that row's loss).
   */
  train(dlogits: Float64Array): void {
    this.gradient(dlogits);
    this.adam();
  }

  /** The gradient of the mean loss of the last forward's rows with respect to every weight (see train). */
  gradient(dlogits: Float64Array): Float64Array {
    const { context: c, dim: d, heads, ffn } = this.preset;
    const { p, g, x, k, vv, q, att, o, h, u, f, tokens, vocab, dl, df, dr, dh, dO, dq, dk, dv, dx, da } = this;
    const hd = d / heads;
    const rows = this.rows;
    g.fill(0);
    this.dKeyOfToken.fill(0);
    this.dValueOfToken.fill(0);
    this.dKeyOfPosition.fill(0);
    this.dValueOfPosition.fill(0);
    for (let b = 0; b < rows; b++) {
      const xb = b * c * d;
      const last = b * d;
      // logits = Wout f + bout, for the mean over the rows
      for (let t = 0; t < vocab; t++) {
        const gl = dlogits[b * vocab + t]! / rows;
        dl[t] = gl;
        g[this.obOut + t] = g[this.obOut + t]! + gl;
      }
      outerAndBack(p, g, this.oOut, vocab, d, dl, 0, f, b * d, df);
      // f = h + W2 relu(u) + b2;  u = W1 h + b1
      dr.fill(0);
      for (let j = 0; j < d; j++) {
        const gj = df[j]!;
        g[this.ob2 + j] = g[this.ob2 + j]! + gj;
        const row = this.o2 + j * ffn;
        for (let m = 0; m < ffn; m++) {
          const um = u[b * ffn + m]!;
          if (um > 0) {
            g[row + m] = g[row + m]! + gj * um;
            dr[m] = dr[m]! + gj * p[row + m]!;
          }
        }
      }
      for (let m = 0; m < ffn; m++) {
        if (!(u[b * ffn + m]! > 0)) dr[m] = 0; // through the ReLU
        g[this.ob1 + m] = g[this.ob1 + m]! + dr[m]!;
      }
      for (let j = 0; j < d; j++) dh[j] = df[j]!;
      outerAndBackAdd(p, g, this.o1, ffn, d, dr, 0, h, b * d, dh);
      // h = x_last + Wo o
      outerAndBack(p, g, this.oO, d, d, dh, 0, o, b * d, dO);
      // attention, head by head: o_h = Σ att_i v_i,h; att = softmax(scale q_h·k_i,h)
      dq.fill(0);
      for (let head = 0; head < heads; head++) {
        const a = (b * heads + head) * c;
        let mean = 0;
        for (let i = 0; i < c; i++) {
          let s = 0;
          for (let j = head * hd; j < (head + 1) * hd; j++) {
            s += dO[j]! * vv[xb + i * d + j]!;
            dv[i * d + j] = att[a + i]! * dO[j]!;
          }
          da[i] = s;
          mean += att[a + i]! * s;
        }
        for (let i = 0; i < c; i++) {
          const ds = att[a + i]! * (da[i]! - mean) * this.scale;
          for (let j = head * hd; j < (head + 1) * hd; j++) {
            dq[j] = dq[j]! + ds * k[xb + i * d + j]!;
            dk[i * d + j] = ds * q[b * d + j]!;
          }
        }
      }
      // q = Wq x_last, x_last = E[newest] + P_last; the keys' and values' gradients gathered by token and position
      for (let j = 0; j < d; j++) dx[j] = dh[j]!;
      outerAndBackAdd(p, g, this.oQ, d, d, dq, 0, x, last, dx);
      const newest = this.oE + tokens[b * c + c - 1]! * d;
      const lastPosition = this.oP + (c - 1) * d;
      for (let j = 0; j < d; j++) {
        g[newest + j] = g[newest + j]! + dx[j]!;
        g[lastPosition + j] = g[lastPosition + j]! + dx[j]!;
      }
      for (let i = 0; i < c; i++) {
        const t = tokens[b * c + i]! * d;
        for (let j = 0; j < d; j++) {
          const gk = dk[i * d + j]!;
          const gv = dv[i * d + j]!;
          this.dKeyOfToken[t + j] = this.dKeyOfToken[t + j]! + gk;
          this.dValueOfToken[t + j] = this.dValueOfToken[t + j]! + gv;
          this.dKeyOfPosition[i * d + j] = this.dKeyOfPosition[i * d + j]! + gk;
          this.dValueOfPosition[i * d + j] = this.dValueOfPosition[i * d + j]! + gv;
        }
      }
    }
    // k = Wk (E[t] + P_i), v = Wv (E[t] + P_i): once per step, for every token and position
    for (let t = 0; t < vocab; t++) {
      this.backThrough(this.oK, this.dKeyOfToken, t * d, this.oE + t * d);
      this.backThrough(this.oV, this.dValueOfToken, t * d, this.oE + t * d);
    }
    for (let i = 0; i < c; i++) {
      this.backThrough(this.oK, this.dKeyOfPosition, i * d, this.oP + i * d);
      this.backThrough(this.oV, this.dValueOfPosition, i * d, this.oP + i * d);
    }
    return g;
  }

  /** For y = W e, e the embedding row at `embedding` in p: W's gradient += dy ⊗ e, e's gradient += Wᵀ dy. */
  private backThrough(w: number, dy: Float64Array, dyAt: number, embedding: number): void {
    const d = this.preset.dim;
    const { p, g, dx } = this;
    dx.fill(0);
    outerAndBackAdd(p, g, w, d, d, dy, dyAt, p, embedding, dx);
    for (let j = 0; j < d; j++) g[embedding + j] = g[embedding + j]! + dx[j]!;
  }

  /** Adam with β1 = 0 (the paper's setting): each weight moves by lr · g / (√v̂ + ε). */
  private adam(): void {
    const { p, g, v } = this;
    const beta2 = 0.999;
    this.beta2Power *= beta2;
    const correction = 1 / (1 - this.beta2Power);
    const lr = this.preset.lr;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
      v[i] = vi;
      if (gi !== 0) p[i] = p[i]! - (lr * gi) / (sqrt(vi * correction) + 1e-8);
    }
  }
}

/** y[yAt + r] = Σ_c W[r][c] x[xAt + c] for the rows × cols matrix W at `w` in `p`. */
function matVec(p: Float64Array, w: number, rows: number, cols: number, x: Float64Array, xAt: number, y: Float64Array, yAt: number): void {
  for (let r = 0; r < rows; r++) {
    let s = 0;
    const row = w + r * cols;
    for (let c = 0; c < cols; c++) s += p[row + c]! * x[xAt + c]!;
    y[yAt + r] = s;
  }
}

/** For y = W x: adds dy ⊗ x to W's gradient and writes Wᵀ dy into dx. */
function outerAndBack(p: Float64Array, g: Float64Array, w: number, rows: number, cols: number, dy: Float64Array, dyAt: number, x: Float64Array, xAt: number, dx: Float64Array): void {
  dx.fill(0, 0, cols);
  outerAndBackAdd(p, g, w, rows, cols, dy, dyAt, x, xAt, dx);
}

/** As outerAndBack, adding Wᵀ dy to dx. */
function outerAndBackAdd(p: Float64Array, g: Float64Array, w: number, rows: number, cols: number, dy: Float64Array, dyAt: number, x: Float64Array, xAt: number, dx: Float64Array): void {
  for (let r = 0; r < rows; r++) {
    const gr = dy[dyAt + r]!;
    if (gr === 0) continue;
    const row = w + r * cols;
    for (let c = 0; c < cols; c++) {
      g[row + c] = g[row + c]! + gr * x[xAt + c]!;
      dx[c] = dx[c]! + gr * p[row + c]!;
    }
  }
}
