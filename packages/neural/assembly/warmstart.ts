/**
 * DeepGeCo's Warm-Start network (training/deepgeco_warmstart.py) in AssemblyScript, compiled to
 * WebAssembly with SIMD by scripts/build-wasm.mjs into src/deepgeco/warmstart-wasm.ts (ADR 0030).
 * It replaces onnxruntime-web for the Warm-Start: no session to create (a fifth of a second a
 * process) and no cost per call worth counting, which on short records was most of the time.
 *
 * The function: each context of C tokens is embedded (E numbers a token), read by a bidirectional
 * GRU (H a direction), whose outputs a second GRU layer reads forwards over the whole context and
 * backwards over the newest token alone (all the newest output of that direction has read); the
 * two at the newest token ("flat", 2H) feed a Dense layer of D with ReLU, and the logits of the
 * next token are a linear map of the Dense outputs plus one of flat. GRUs as ONNX's with
 * linear_before_reset (PyTorch's): z = σ(Wz x + Wbz + Rz h + Rbz), r = σ(Wr x + Wbr + Rr h + Rbr),
 * n = tanh(Wn x + Wbn + r ⊙ (Rn h + Rbn)), h' = (1 − z) ⊙ n + z ⊙ h.
 *
 * Why the numbers are the same on every machine: float32 throughout, every value made by the same
 * operations in the same order. Each sum starts at its bias and adds its terms over the input index
 * upwards, one rounded multiplication and one rounded addition a term (WebAssembly never fuses
 * them); SIMD computes four such sums side by side, one per lane, and pairs of contexts share
 * weight loads, so a context's numbers do not depend on the batch it is in. exp is ours (below),
 * from basic operations only. src/deepgeco/warmstart.ts computes the same bits in JavaScript.
 *
 * The host makes the memory, lays out the weights and scratch arrays in it and hands their byte
 * addresses to `bind` once; `prepare` then builds the first layer's input table, and `run` computes
 * a batch whose token ids the host has written.
 */

// the shape
let H: i32 = 0; // GRU width, a direction
let C: i32 = 0; // tokens of context
let E: i32 = 0; // embedding width
let D: i32 = 0; // Dense width
let V: i32 = 0; // vocabulary: 4^k tokens

// the weights, each W transposed to [in][out] (the host transposes them: no arithmetic)
let embedding: usize = 0; // [V][E]
let inputTable: usize = 0; // [2][V][3H]: the first layer's W x + Wb of every token, per direction
let firstW: usize = 0; // [2][E][3H]
let firstWb: usize = 0; // [2][3H]
let secondW: usize = 0; // [2][2H][3H]
let secondWb: usize = 0; // [2][3H]
let recurrentR: usize = 0; // [4][H][3H]: first forward, first backward, second forward, second backward
let recurrentRb: usize = 0; // [4][3H]
let denseW: usize = 0; // [2H][D]
let denseB: usize = 0; // [D]
let fromDenseW: usize = 0; // [D][V]
let fromDenseB: usize = 0; // [V]
let fromGruW: usize = 0; // [2H][V]
let fromGruB: usize = 0; // [V]

// a batch's scratch, rows of up to the host's batch size
let tokens: usize = 0; // i32 [rows][C]
let first: usize = 0; // [rows][C][2H]: the first layer's outputs, forward then backward
let state: usize = 0; // [rows][H]
let gi: usize = 0; // [rows][3H]: the input's part of the gates
let gh: usize = 0; // [rows][3H]: the state's part
let features: usize = 0; // [rows][D + 2H]: the Dense outputs (ReLU), then flat
let fromGru: usize = 0; // [rows][V]
let logits: usize = 0; // [rows][V]

export function bind(
  h: i32, c: i32, e: i32, d: i32, v: i32,
  embedding_: usize, inputTable_: usize, firstW_: usize, firstWb_: usize, secondW_: usize, secondWb_: usize,
  recurrentR_: usize, recurrentRb_: usize, denseW_: usize, denseB_: usize, fromDenseW_: usize, fromDenseB_: usize,
  fromGruW_: usize, fromGruB_: usize,
  tokens_: usize, first_: usize, state_: usize, gi_: usize, gh_: usize, features_: usize, fromGru_: usize, logits_: usize,
): void {
  H = h; C = c; E = e; D = d; V = v;
  embedding = embedding_; inputTable = inputTable_; firstW = firstW_; firstWb = firstWb_;
  secondW = secondW_; secondWb = secondWb_; recurrentR = recurrentR_; recurrentRb = recurrentRb_;
  denseW = denseW_; denseB = denseB_; fromDenseW = fromDenseW_; fromDenseB = fromDenseB_; fromGruW = fromGruW_; fromGruB = fromGruB_;
  tokens = tokens_; first = first_; state = state_; gi = gi_; gh = gh_; features = features_; fromGru = fromGru_; logits = logits_;
}

/** The first layer's input part of the gates for every token: it depends on the token alone. */
export function prepare(): void {
  const n = 3 * H;
  for (let d = 0; d < 2; d++) {
    affine(V, E, n, embedding, E, firstW + <usize>(d * E * n) * 4, firstWb + <usize>(d * n) * 4, inputTable + <usize>(d * V * n) * 4, n);
  }
}

/**
 * out[r][j] = b[j] + Σ_i x[r][i] · w[i][j] for r < rows, j < n (a multiple of 16), i < depth, the
 * sum from b[j] over i upwards; strides in floats. Two rows at a time share the weights' loads.
 */
function affine(rows: i32, depth: i32, n: i32, x: usize, xStride: i32, w: usize, b: usize, out: usize, outStride: i32): void {
  const xs = <usize>xStride * 4;
  const os = <usize>outStride * 4;
  const ws = <usize>n * 4;
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const x0 = x + <usize>r * xs;
    const x1 = x0 + xs;
    const o0 = out + <usize>r * os;
    const o1 = o0 + os;
    for (let j = 0; j < n; j += 16) {
      const jb = <usize>j * 4;
      let a0 = v128.load(b + jb), a1 = v128.load(b + jb, 16), a2 = v128.load(b + jb, 32), a3 = v128.load(b + jb, 48);
      let c0 = a0, c1 = a1, c2 = a2, c3 = a3;
      let wi = w + jb;
      for (let i = 0; i < depth; i++, wi += ws) {
        const p = f32x4.splat(load<f32>(x0 + (<usize>i << 2)));
        const q = f32x4.splat(load<f32>(x1 + (<usize>i << 2)));
        const w0 = v128.load(wi), w1 = v128.load(wi, 16), w2 = v128.load(wi, 32), w3 = v128.load(wi, 48);
        a0 = f32x4.add(a0, f32x4.mul(p, w0)); a1 = f32x4.add(a1, f32x4.mul(p, w1));
        a2 = f32x4.add(a2, f32x4.mul(p, w2)); a3 = f32x4.add(a3, f32x4.mul(p, w3));
        c0 = f32x4.add(c0, f32x4.mul(q, w0)); c1 = f32x4.add(c1, f32x4.mul(q, w1));
        c2 = f32x4.add(c2, f32x4.mul(q, w2)); c3 = f32x4.add(c3, f32x4.mul(q, w3));
      }
      v128.store(o0 + jb, a0); v128.store(o0 + jb, a1, 16); v128.store(o0 + jb, a2, 32); v128.store(o0 + jb, a3, 48);
      v128.store(o1 + jb, c0); v128.store(o1 + jb, c1, 16); v128.store(o1 + jb, c2, 32); v128.store(o1 + jb, c3, 48);
    }
  }
  if (r < rows) {
    const x0 = x + <usize>r * xs;
    const o0 = out + <usize>r * os;
    for (let j = 0; j < n; j += 16) {
      const jb = <usize>j * 4;
      let a0 = v128.load(b + jb), a1 = v128.load(b + jb, 16), a2 = v128.load(b + jb, 32), a3 = v128.load(b + jb, 48);
      let wi = w + jb;
      for (let i = 0; i < depth; i++, wi += ws) {
        const p = f32x4.splat(load<f32>(x0 + (<usize>i << 2)));
        a0 = f32x4.add(a0, f32x4.mul(p, v128.load(wi))); a1 = f32x4.add(a1, f32x4.mul(p, v128.load(wi, 16)));
        a2 = f32x4.add(a2, f32x4.mul(p, v128.load(wi, 32))); a3 = f32x4.add(a3, f32x4.mul(p, v128.load(wi, 48)));
      }
      v128.store(o0 + jb, a0); v128.store(o0 + jb, a1, 16); v128.store(o0 + jb, a2, 32); v128.store(o0 + jb, a3, 48);
    }
  }
}

/**
 * e^x, four at a time: x clamped to [−87, 88], n = x·log2(e) rounded to the nearest integer (ties
 * to even), r = x − n·ln 2 in two parts (Cody and Waite), e^r by its Taylor polynomial of degree 6
 * (|r| ≤ 0.35: a relative error near 10^−7, float32's own), times 2^n made from its exponent bits.
 */
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(88.0)), f32x4.splat(-87.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269502)));
  // ln 2 = 0.693145751953125 (exact in float32, and n · it is exact) + 1.428606765330187e-6
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693145751953125)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(1.428606765330187e-6)));
  let p = f32x4.splat(<f32>(1.0 / 720.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 120.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 24.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(<f32>(1.0 / 6.0)));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(0.5));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.0));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, scale);
}

/** σ(x) = 1 / (1 + e^−x). */
// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), exp4(f32x4.neg(x))));
}

/** tanh(x) = 2 / (1 + e^−2x) − 1. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const e = exp4(f32x4.mul(x, f32x4.splat(-2.0)));
  return f32x4.sub(f32x4.div(f32x4.splat(2.0), f32x4.add(f32x4.splat(1.0), e)), f32x4.splat(1.0));
}

/**
 * One GRU step of direction `dir` (0..3) for `rows` rows: gi holds the input's part of the gates;
 * the state's part is computed here (from a zero state: its bias alone, the same numbers, as every
 * term adds ±0), and the state is replaced by the new one.
 */
function step(rows: i32, dir: i32, zero: bool): void {
  const n = 3 * H;
  const rb = recurrentRb + <usize>(dir * n) * 4;
  if (zero) {
    for (let r = 0; r < rows; r++) memory.copy(gh + <usize>(r * n) * 4, rb, <usize>n * 4);
  } else {
    affine(rows, H, n, state, H, recurrentR + <usize>(dir * H * n) * 4, rb, gh, n);
  }
  for (let r = 0; r < rows; r++) {
    const i = gi + <usize>(r * n) * 4;
    const g = gh + <usize>(r * n) * 4;
    const s = state + <usize>(r * H) * 4;
    for (let j = 0; j < H; j += 4) {
      const zj = <usize>j * 4;
      const rj = <usize>(H + j) * 4;
      const nj = <usize>(2 * H + j) * 4;
      const z = sigmoid4(f32x4.add(v128.load(i + zj), v128.load(g + zj)));
      const reset = sigmoid4(f32x4.add(v128.load(i + rj), v128.load(g + rj)));
      const candidate = tanh4(f32x4.add(v128.load(i + nj), f32x4.mul(reset, v128.load(g + nj))));
      const previous = zero ? f32x4.splat(0.0) : v128.load(s + zj);
      v128.store(s + zj, f32x4.add(f32x4.mul(f32x4.sub(f32x4.splat(1.0), z), candidate), f32x4.mul(z, previous)));
    }
  }
}

/** The first layer's direction `dir` (0 forward, 1 backward) over the contexts, its outputs into `first`. */
function firstLayer(rows: i32, dir: i32): void {
  const n = 3 * H;
  const table = inputTable + <usize>(dir * V * n) * 4;
  for (let s = 0; s < C; s++) {
    const t = dir == 0 ? s : C - 1 - s;
    for (let r = 0; r < rows; r++) {
      const token = load<i32>(tokens + <usize>(r * C + t) * 4);
      memory.copy(gi + <usize>(r * n) * 4, table + <usize>(token * n) * 4, <usize>n * 4);
    }
    step(rows, dir, s == 0);
    for (let r = 0; r < rows; r++) {
      memory.copy(first + <usize>((r * C + t) * 2 * H + dir * H) * 4, state + <usize>(r * H) * 4, <usize>H * 4);
    }
  }
}

/** The logits (and features) of `rows` contexts whose token ids the host wrote into `tokens`. */
export function run(rows: i32): void {
  const n = 3 * H;
  const width = D + 2 * H;
  firstLayer(rows, 0);
  firstLayer(rows, 1);
  // the second layer forwards over the context
  for (let t = 0; t < C; t++) {
    affine(rows, 2 * H, n, first + <usize>(t * 2 * H) * 4, C * 2 * H, secondW, secondWb, gi, n);
    step(rows, 2, t == 0);
  }
  for (let r = 0; r < rows; r++) memory.copy(features + <usize>(r * width + D) * 4, state + <usize>(r * H) * 4, <usize>H * 4);
  // and backwards over the newest token alone
  affine(rows, 2 * H, n, first + <usize>((C - 1) * 2 * H) * 4, C * 2 * H, secondW + <usize>(2 * H * n) * 4, secondWb + <usize>n * 4, gi, n);
  step(rows, 3, true);
  for (let r = 0; r < rows; r++) memory.copy(features + <usize>(r * width + D + H) * 4, state + <usize>(r * H) * 4, <usize>H * 4);
  // Dense with ReLU, then the two linear maps, added
  const flat = features + <usize>D * 4;
  affine(rows, 2 * H, D, flat, width, denseW, denseB, features, width);
  for (let r = 0; r < rows; r++) {
    const row = features + <usize>(r * width) * 4;
    for (let j = 0; j < D; j += 4) v128.store(row + <usize>j * 4, f32x4.max(v128.load(row + <usize>j * 4), f32x4.splat(0.0)));
  }
  affine(rows, D, V, features, width, fromDenseW, fromDenseB, logits, V);
  affine(rows, 2 * H, V, flat, width, fromGruW, fromGruB, fromGru, V);
  for (let r = 0; r < rows; r++) {
    const a = logits + <usize>(r * V) * 4;
    const b = fromGru + <usize>(r * V) * 4;
    for (let j = 0; j < V; j += 4) v128.store(a + <usize>j * 4, f32x4.add(v128.load(a + <usize>j * 4), v128.load(b + <usize>j * 4)));
  }
}
