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
 * the context's 16 positions is paid once per batch instead of once per row. Each layer is computed
 * for all of the step's rows at once, so that its products can be blocked for speed (the functions
 * at the end of this file), each sum still taken in one fixed order.
 *
 * Decoding replays this training, so it must compute the same numbers on every engine: all of it is
 * + − × ÷ on doubles in a fixed order (no Math.exp or Math.sqrt: exact.ts), and the initial
 * weights come from a seeded stream. The gradients are written out by hand for this one shape.
 * The product, Adam's step and the attention run in a WebAssembly kernel that computes the same
 * bits (kernels.ts, assembly/supporter.ts; ADR 0029); their JavaScript here is the fallback.
 */
import { exp, sqrt, sqrtMany } from '../exact.js';
import { Random } from '../generator.js';
import { allocate, type Product, type SupporterKernel } from './kernels.js';

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
  private readonly moving: Int32Array; // Adam's scratch: the weights with a gradient, and their √v̂
  private readonly roots: Float64Array;
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
  private rows = 0;
  // the current step's rows, layer by layer (row b of a layer of width w at b × w), kept for the backward pass
  private readonly tokens: Int32Array;
  private readonly x: Float64Array;
  private readonly q: Float64Array;
  private readonly att: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  /** The feed-forward layer after its ReLU (a unit is open where this is > 0, as its input was). */
  private readonly relu: Float64Array;
  private readonly f: Float64Array;
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
  // the backward pass's rows, layer by layer, and one row's attention scratch
  private readonly dl: Float64Array;
  private readonly df: Float64Array;
  private readonly dr: Float64Array;
  private readonly dh: Float64Array;
  private readonly dO: Float64Array;
  private readonly dq: Float64Array;
  private readonly dx: Float64Array;
  private readonly dk: Float64Array;
  private readonly dv: Float64Array;
  private readonly da: Float64Array;
  /** Per step: the embeddings' gradients through the key and value tables. */
  private readonly dEmbeddingOfKey: Float64Array;
  private readonly dEmbeddingOfValue: Float64Array;
  /** The WebAssembly kernel over these arrays (kernels.ts), or null where it cannot run. */
  private readonly kernel: SupporterKernel | null;
  /** The matrix product: the kernel's, or this file's. */
  private readonly product: Product;

  constructor(
    private readonly preset: SupporterPreset,
    private readonly vocab: number,
    maxRows: number,
    /** Whether to run the WebAssembly kernel where the engine can (the default); false runs the JavaScript loops, which give the same bits (tests). */
    useKernel = true,
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
    // every array the kernel touches lives in its memory (kernels.ts)
    const F = Float64Array;
    const { arrays, kernel } = allocate(useKernel, {
      p: [F, at], g: [F, at], v: [F, at],
      logits: [F, maxRows * vocab], x: [F, maxRows * d], q: [F, maxRows * d], att: [F, maxRows * heads * c], o: [F, maxRows * d],
      h: [F, maxRows * d], relu: [F, maxRows * ffn], f: [F, maxRows * d],
      keyOfToken: [F, vocab * d], valueOfToken: [F, vocab * d], keyOfPosition: [F, c * d], valueOfPosition: [F, c * d],
      dKeyOfToken: [F, vocab * d], dValueOfToken: [F, vocab * d], dKeyOfPosition: [F, c * d], dValueOfPosition: [F, c * d],
      dl: [F, maxRows * vocab], df: [F, maxRows * d], dr: [F, maxRows * ffn], dh: [F, maxRows * d], dO: [F, maxRows * d], dq: [F, maxRows * d],
      dx: [F, maxRows * d], dk: [F, c * d], dv: [F, c * d], da: [F, c],
      dEmbeddingOfKey: [F, Math.max(vocab, c) * d], dEmbeddingOfValue: [F, Math.max(vocab, c) * d],
      tokens: [Int32Array, maxRows * c],
    });
    ({
      p: this.p, g: this.g, v: this.v, logits: this.logits, x: this.x, q: this.q, att: this.att, o: this.o,
      h: this.h, relu: this.relu, f: this.f, keyOfToken: this.keyOfToken, valueOfToken: this.valueOfToken,
      keyOfPosition: this.keyOfPosition, valueOfPosition: this.valueOfPosition, dKeyOfToken: this.dKeyOfToken,
      dValueOfToken: this.dValueOfToken, dKeyOfPosition: this.dKeyOfPosition, dValueOfPosition: this.dValueOfPosition,
      dl: this.dl, df: this.df, dr: this.dr, dh: this.dh, dO: this.dO, dq: this.dq, dx: this.dx, dk: this.dk, dv: this.dv,
      da: this.da, dEmbeddingOfKey: this.dEmbeddingOfKey, dEmbeddingOfValue: this.dEmbeddingOfValue, tokens: this.tokens,
    } = arrays);
    this.kernel = kernel;
    this.product = kernel?.product ?? product;
    // the JavaScript Adam's scratch; the kernel's Adam needs none
    this.moving = new Int32Array(kernel ? 0 : at);
    this.roots = new Float64Array(kernel ? 0 : at);
    this.scale = 1 / sqrt(d / heads);
    this.initialise();
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
    const { p, x, q, att, o, h, relu, f, logits, tokens, vocab, keyOfToken, valueOfToken, keyOfPosition, valueOfPosition } = this;
    this.rows = rows;
    linear(this.product, p, this.oK, d, d, p, this.oE, keyOfToken, 0, vocab);
    linear(this.product, p, this.oV, d, d, p, this.oE, valueOfToken, 0, vocab);
    linear(this.product, p, this.oK, d, d, p, this.oP, keyOfPosition, 0, c);
    linear(this.product, p, this.oV, d, d, p, this.oP, valueOfPosition, 0, c);
    for (let b = 0; b < rows; b++) {
      for (let i = 0; i < c; i++) tokens[b * c + i] = input[b * width + width - c + i]!;
      const newest = this.oE + tokens[b * c + c - 1]! * d;
      for (let j = 0; j < d; j++) x[b * d + j] = p[newest + j]! + p[this.oP + (c - 1) * d + j]!;
    }
    linear(this.product, p, this.oQ, d, d, x, 0, q, 0, rows);
    // attention read at the newest position; a key (value) is Wk E[t] + Wk P_i from the tables
    if (this.kernel) this.kernel.attend(rows, c, d, heads, this.scale, tokens, q, keyOfToken, keyOfPosition, valueOfToken, valueOfPosition, att, o);
    else this.attendInJs(rows);
    // h = x + Wo o;  u = W1 h + b1;  f = h + b2 + W2 relu(u);  logits = Wout f + bout
    linear(this.product, p, this.oO, d, d, o, 0, h, 0, rows);
    for (let i = 0; i < rows * d; i++) h[i] = h[i]! + x[i]!;
    linear(this.product, p, this.o1, ffn, d, h, 0, relu, 0, rows);
    for (let b = 0; b < rows; b++) {
      for (let m = 0; m < ffn; m++) {
        const um = relu[b * ffn + m]! + p[this.ob1 + m]!;
        relu[b * ffn + m] = um > 0 ? um : 0;
      }
      for (let j = 0; j < d; j++) f[b * d + j] = p[this.ob2 + j]! + h[b * d + j]!;
    }
    // a unit the ReLU shut adds W2 × 0 = ±0 to f: the same sum (up to the sign of an exact zero, which no later value depends on)
    linearAdd(this.product, p, this.o2, d, ffn, relu, 0, f, 0, rows);
    linear(this.product, p, this.oOut, vocab, d, f, 0, logits, 0, rows);
    for (let b = 0; b < rows; b++) {
      for (let t = 0; t < vocab; t++) logits[b * vocab + t] = logits[b * vocab + t]! + p[this.obOut + t]!;
    }
  }

  /** Whether this Supporter runs the WebAssembly kernel (false: the JavaScript loops). */
  get runsKernel(): boolean {
    return this.kernel !== null;
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

  /**
   * The gradient of the mean loss of the last forward's rows with respect to every weight (see
   * train), layer by layer over the rows. A weight's gradient is summed over the rows in their
   * order, whichever way the loops are blocked, so it is the same number on every engine.
   */
  gradient(dlogits: Float64Array): Float64Array {
    const { context: c, dim: d, heads, ffn } = this.preset;
    const { p, g, x, q, att, o, h, relu, f, tokens, vocab, dl, df, dr, dh, dO, dq, dx, dk, dv, da } = this;
    const { keyOfToken, valueOfToken, keyOfPosition, valueOfPosition, dKeyOfToken, dValueOfToken, dKeyOfPosition, dValueOfPosition } = this;
    const rows = this.rows;
    g.fill(0);
    dKeyOfToken.fill(0);
    dValueOfToken.fill(0);
    dKeyOfPosition.fill(0);
    dValueOfPosition.fill(0);
    // logits = Wout f + bout, for the mean over the rows
    for (let i = 0; i < rows * vocab; i++) dl[i] = dlogits[i]! / rows;
    columnSums(dl, vocab, rows, g, this.obOut);
    outer(this.product, g, this.oOut, vocab, d, dl, f, rows);
    linearBack(this.product, p, this.oOut, vocab, d, dl, df, rows, false);
    // f = h + b2 + W2 relu(u);  u = W1 h + b1
    columnSums(df, d, rows, g, this.ob2);
    outer(this.product, g, this.o2, d, ffn, df, relu, rows);
    linearBack(this.product, p, this.o2, d, ffn, df, dr, rows, false);
    for (let i = 0; i < rows * ffn; i++) if (!(relu[i]! > 0)) dr[i] = 0; // through the ReLU
    columnSums(dr, ffn, rows, g, this.ob1);
    outer(this.product, g, this.o1, ffn, d, dr, h, rows);
    dh.set(df.subarray(0, rows * d));
    linearBack(this.product, p, this.o1, ffn, d, dr, dh, rows, true);
    // h = x + Wo o
    outer(this.product, g, this.oO, d, d, dh, o, rows);
    linearBack(this.product, p, this.oO, d, d, dh, dO, rows, false);
    // attention, row by row and head by head: o_h = Σ att_i v_i,h; att = softmax(scale q_h·k_i,h)
    if (this.kernel) {
      this.kernel.attendBack(rows, c, d, heads, this.scale, tokens, q, att, dO, keyOfToken, keyOfPosition, valueOfToken, valueOfPosition,
        dq, dk, dv, da, dKeyOfToken, dValueOfToken, dKeyOfPosition, dValueOfPosition);
    } else {
      this.attendBackInJs(rows);
    }
    // q = Wq x, x = E[newest] + P_last
    outer(this.product, g, this.oQ, d, d, dq, x, rows);
    dx.set(dh.subarray(0, rows * d));
    linearBack(this.product, p, this.oQ, d, d, dq, dx, rows, true);
    const lastPosition = this.oP + (c - 1) * d;
    for (let b = 0; b < rows; b++) {
      const newest = this.oE + tokens[b * c + c - 1]! * d;
      for (let j = 0; j < d; j++) {
        g[newest + j] = g[newest + j]! + dx[b * d + j]!;
        g[lastPosition + j] = g[lastPosition + j]! + dx[b * d + j]!;
      }
    }
    // k = Wk (E[t] + P_i), v = Wv (E[t] + P_i): once per step, for every token and position
    this.backThroughTables(this.oE, vocab, dKeyOfToken, dValueOfToken);
    this.backThroughTables(this.oP, c, dKeyOfPosition, dValueOfPosition);
    return g;
  }

  /** The attention of forward's rows, in JavaScript (the kernel's `attend` computes the same bits). */
  private attendInJs(rows: number): void {
    const { context: c, dim: d, heads } = this.preset;
    const { q, att, o, tokens, keyOfToken, valueOfToken, keyOfPosition, valueOfPosition } = this;
    const hd = d / heads;
    for (let b = 0; b < rows; b++) {
      for (let head = 0; head < heads; head++) {
        const a = (b * heads + head) * c;
        let max = -Infinity;
        for (let i = 0; i < c; i++) {
          const kt = tokens[b * c + i]! * d;
          let s = 0;
          for (let j = head * hd; j < (head + 1) * hd; j++) s += q[b * d + j]! * (keyOfToken[kt + j]! + keyOfPosition[i * d + j]!);
          s *= this.scale;
          att[a + i] = s;
          if (s > max) max = s;
        }
        let total = 0;
        for (let i = 0; i < c; i++) total += att[a + i] = exp(att[a + i]! - max);
        for (let i = 0; i < c; i++) att[a + i] = att[a + i]! / total;
        for (let j = head * hd; j < (head + 1) * hd; j++) {
          let s = 0;
          for (let i = 0; i < c; i++) s += att[a + i]! * (valueOfToken[tokens[b * c + i]! * d + j]! + valueOfPosition[i * d + j]!);
          o[b * d + j] = s;
        }
      }
    }
  }

  /** The attention's backward pass over the rows, in JavaScript (the kernel's `attendBack` computes the same bits). */
  private attendBackInJs(rows: number): void {
    const { context: c, dim: d, heads } = this.preset;
    const { q, att, tokens, dO, dq, dk, dv, da, keyOfToken, valueOfToken, keyOfPosition, valueOfPosition } = this;
    const { dKeyOfToken, dValueOfToken, dKeyOfPosition, dValueOfPosition } = this;
    const hd = d / heads;
    for (let b = 0; b < rows; b++) {
      for (let j = 0; j < d; j++) dq[b * d + j] = 0;
      for (let head = 0; head < heads; head++) {
        const a = (b * heads + head) * c;
        let mean = 0;
        for (let i = 0; i < c; i++) {
          const vt = tokens[b * c + i]! * d;
          let s = 0;
          for (let j = head * hd; j < (head + 1) * hd; j++) {
            s += dO[b * d + j]! * (valueOfToken[vt + j]! + valueOfPosition[i * d + j]!);
            dv[i * d + j] = att[a + i]! * dO[b * d + j]!;
          }
          da[i] = s;
          mean += att[a + i]! * s;
        }
        for (let i = 0; i < c; i++) {
          const kt = tokens[b * c + i]! * d;
          const ds = att[a + i]! * (da[i]! - mean) * this.scale;
          for (let j = head * hd; j < (head + 1) * hd; j++) {
            dq[b * d + j] = dq[b * d + j]! + ds * (keyOfToken[kt + j]! + keyOfPosition[i * d + j]!);
            dk[i * d + j] = ds * q[b * d + j]!;
          }
        }
      }
      // the keys' and values' gradients gathered by token and position
      for (let i = 0; i < c; i++) {
        const t = tokens[b * c + i]! * d;
        for (let j = 0; j < d; j++) {
          const gk = dk[i * d + j]!;
          const gv = dv[i * d + j]!;
          dKeyOfToken[t + j] = dKeyOfToken[t + j]! + gk;
          dValueOfToken[t + j] = dValueOfToken[t + j]! + gv;
          dKeyOfPosition[i * d + j] = dKeyOfPosition[i * d + j]! + gk;
          dValueOfPosition[i * d + j] = dValueOfPosition[i * d + j]! + gv;
        }
      }
    }
  }

  /**
   * For the keys' and values' tables of `count` embedding rows at `embedding` in p (k = Wk e,
   * v = Wv e): Wk's and Wv's gradients += Σ dk ⊗ e and Σ dv ⊗ e over the rows, and each row's
   * gradient += Wkᵀ dk, then += Wvᵀ dv.
   */
  private backThroughTables(embedding: number, count: number, dKey: Float64Array, dValue: Float64Array): void {
    const d = this.preset.dim;
    const { p, g, dEmbeddingOfKey, dEmbeddingOfValue } = this;
    const e = p.subarray(embedding, embedding + count * d);
    outer(this.product, g, this.oK, d, d, dKey, e, count);
    outer(this.product, g, this.oV, d, d, dValue, e, count);
    linearBack(this.product, p, this.oK, d, d, dKey, dEmbeddingOfKey, count, false);
    linearBack(this.product, p, this.oV, d, d, dValue, dEmbeddingOfValue, count, false);
    for (let i = 0; i < count * d; i++) g[embedding + i] = g[embedding + i]! + dEmbeddingOfKey[i]! + dEmbeddingOfValue[i]!;
  }

  /** Adam with β1 = 0 (the paper's setting): each weight moves by lr · g / (√v̂ + ε); a weight whose gradient is 0 stays. */
  private adam(): void {
    const { p, g, v, moving, roots } = this;
    const beta2 = 0.999;
    this.beta2Power *= beta2;
    const correction = 1 / (1 - this.beta2Power);
    const lr = this.preset.lr;
    if (this.kernel) {
      this.kernel.adam(p, g, v, beta2, 1 - beta2, correction, lr);
      return;
    }
    let n = 0;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i]!;
      const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
      v[i] = vi;
      if (gi !== 0) {
        moving[n] = i;
        roots[n++] = vi * correction;
      }
    }
    sqrtMany(roots, n);
    for (let j = 0; j < n; j++) {
      const i = moving[j]!;
      p[i] = p[i]! - (lr * g[i]!) / (roots[j]! + 1e-8);
    }
  }
}

/*
 * The matrix products, for `rows` rows at once. Each output is a sum taken in one fixed order (from
 * 0, or from the value already there, over the inner index upwards: a weight's gradient over the
 * rows in their order), so blocking the loops changes the speed and never a bit of the result.
 */

/** Y[b][r] = Σ_c W[r][c] X[b][c] for the out × inn matrix W at `w` in p; X's rows at xAt + b·inn, Y's at yAt + b·out. */
function linear(product: Product, p: Float64Array, w: number, out: number, inn: number, X: Float64Array, xAt: number, Y: Float64Array, yAt: number, rows: number): void {
  Y.fill(0, yAt, yAt + rows * out);
  linearAdd(product, p, w, out, inn, X, xAt, Y, yAt, rows);
}

/** As linear, adding W X[b] to what Y holds. */
function linearAdd(product: Product, p: Float64Array, w: number, out: number, inn: number, X: Float64Array, xAt: number, Y: Float64Array, yAt: number, rows: number): void {
  product(rows, out, inn, X, xAt, inn, 1, p, w, 1, inn, Y, yAt, out, 1);
}

/**
 * For Y = W X: DX[b][c] = Σ_r DY[b][r] W[r][c] (from 0, or from what DX holds when `add`); DY's
 * rows at b·out, DX's at b·inn.
 */
function linearBack(product: Product, p: Float64Array, w: number, out: number, inn: number, DY: Float64Array, DX: Float64Array, rows: number, add: boolean): void {
  if (!add) DX.fill(0, 0, rows * inn);
  product(rows, inn, out, DY, 0, out, 1, p, w, inn, 1, DX, 0, inn, 1);
}

/** For Y = W X: W's gradient (at `w` in g) += Σ_b DY[b] ⊗ X[b], over the rows in their order. */
function outer(product: Product, g: Float64Array, w: number, out: number, inn: number, DY: Float64Array, X: Float64Array, rows: number): void {
  product(out, inn, rows, DY, 0, 1, out, X, 0, inn, 1, g, w, inn, 1);
}

/**
 * C[i][j] += Σ_k A[i][k] B[k][j] for i < m, j < n, k < depth, each sum over k upwards from what C
 * holds. Each matrix is given by its offset and the steps of its two indices (A's element [i][k] is
 * at a + i·ai + k·ak), so the one loop serves a layer, its backward pass and its weights' gradient.
 * Blocked two i by four j: eight independent sums for the processor to overlap.
 *
 * Where WebAssembly SIMD runs, the Supporter uses this loop's twin, assembly/supporter.ts (through
 * kernels.ts), which computes the same bits three times as fast; this one is the fallback, and the
 * reference a test holds the kernel to.
 */
function product(
  m: number, n: number, depth: number,
  A: Float64Array, a: number, ai: number, ak: number,
  B: Float64Array, b: number, bk: number, bj: number,
  C: Float64Array, c: number, ci: number, cj: number,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = a + i * ai;
    const a1 = a0 + ai;
    const c0 = c + i * ci;
    const c1 = c0 + ci;
    const bj2 = 2 * bj;
    const bj3 = 3 * bj;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const j0 = j * cj, j1 = j0 + cj, j2 = j1 + cj, j3 = j2 + cj;
      let s00 = C[c0 + j0]!, s01 = C[c0 + j1]!, s02 = C[c0 + j2]!, s03 = C[c0 + j3]!;
      let s10 = C[c1 + j0]!, s11 = C[c1 + j1]!, s12 = C[c1 + j2]!, s13 = C[c1 + j3]!;
      // running offsets of A[i][k], A[i + 1][k] and B[k][j]
      for (let k = 0, x = a0, y = b + j * bj; k < depth; k++, x += ak, y += bk) {
        const x0 = A[x]!;
        const x1 = A[x + ai]!;
        const y0 = B[y]!, y1 = B[y + bj]!, y2 = B[y + bj2]!, y3 = B[y + bj3]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
      }
      C[c0 + j0] = s00;
      C[c0 + j1] = s01;
      C[c0 + j2] = s02;
      C[c0 + j3] = s03;
      C[c1 + j0] = s10;
      C[c1 + j1] = s11;
      C[c1 + j2] = s12;
      C[c1 + j3] = s13;
    }
    for (; j < n; j++) {
      let s0 = C[c0 + j * cj]!, s1 = C[c1 + j * cj]!;
      for (let k = 0; k < depth; k++) {
        const y = B[b + j * bj + k * bk]!;
        s0 += A[a0 + k * ak]! * y;
        s1 += A[a1 + k * ak]! * y;
      }
      C[c0 + j * cj] = s0;
      C[c1 + j * cj] = s1;
    }
  }
  for (; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = C[c + i * ci + j * cj]!;
      for (let k = 0; k < depth; k++) s += A[a + i * ai + k * ak]! * B[b + j * bj + k * bk]!;
      C[c + i * ci + j * cj] = s;
    }
  }
}

/** g[at + j] += Σ_b M[b][j] for the rows × width matrix M, over the rows in their order. */
function columnSums(M: Float64Array, width: number, rows: number, g: Float64Array, at: number): void {
  for (let j = 0; j < width; j++) {
    let s = g[at + j]!;
    for (let b = 0; b < rows; b++) s += M[b * width + j]!;
    g[at + j] = s;
  }
}
