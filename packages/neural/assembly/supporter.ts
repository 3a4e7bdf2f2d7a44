/**
 * The Supporter's hot loops (src/deepgeco/supporter.ts): its matrix product, its Adam step and its
 * attention, forward and backward, in AssemblyScript, compiled to WebAssembly with SIMD by
 * scripts/build-wasm.mjs (at the repository's root) into src/deepgeco/supporter-wasm.ts (ADR 0029).
 *
 * Why WebAssembly: these loops are most of the Supporter's time, and the Supporter most of PLUS's
 * and ULTRA's. Here they run two to three times as fast as in JavaScript (no bounds checks, and
 * the product and Adam two doubles per instruction).
 *
 * Why the numbers stay the same, bit for bit: every value is computed by the same operations, in
 * the same order, as in supporter.ts; each sum from the same start over the same index upwards,
 * each step one rounded multiplication and one rounded addition. SIMD only computes two such sums
 * side by side (one per lane): an f64x2 multiplication or addition rounds each lane as the scalar
 * instruction would, and WebAssembly never fuses a multiplication into an addition. So the
 * decoder replays the encoder's training whichever of the two either end ran.
 *
 * The host hands over byte addresses in this module's memory (which it makes and owns), and
 * strides in elements: A's element [i][k] is at a + 8·(i·ai + k·ak), and so on, as in
 * supporter.ts's `product`.
 */

/**
 * C[i][j] += Σ_k A[i][k] B[k][j] for i < m, j < n, k < depth, each sum over k upwards from what C
 * holds. Blocked two i by four j, as the JavaScript loop: four pairs of sums.
 */
export function product(
  m: i32, n: i32, depth: i32,
  a: usize, ai: i32, ak: i32,
  b: usize, bk: i32, bj: i32,
  c: usize, ci: i32, cj: i32,
): void {
  const ai8 = <usize>ai << 3;
  const ak8 = <usize>ak << 3;
  const bk8 = <usize>bk << 3;
  const bj8 = <usize>bj << 3;
  const ci8 = <usize>ci << 3;
  const cj8 = <usize>cj << 3;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = a + <usize>i * ai8;
    const c0 = c + <usize>i * ci8;
    const c1 = c0 + ci8;
    let j = 0;
    for (; j + 3 < n; j += 4) {
      const o0 = <usize>j * cj8;
      const o1 = o0 + cj8;
      const o2 = o1 + cj8;
      const o3 = o2 + cj8;
      // lanes: row i columns j, j + 1 and j + 2, j + 3; then row i + 1
      let s00 = f64x2(load<f64>(c0 + o0), load<f64>(c0 + o1));
      let s02 = f64x2(load<f64>(c0 + o2), load<f64>(c0 + o3));
      let s10 = f64x2(load<f64>(c1 + o0), load<f64>(c1 + o1));
      let s12 = f64x2(load<f64>(c1 + o2), load<f64>(c1 + o3));
      let x = a0;
      let y = b + <usize>j * bj8;
      if (bj == 1) {
        // B's four columns side by side in memory (a backward pass, a weight gradient)
        for (let k = 0; k < depth; k++, x += ak8, y += bk8) {
          const x0 = f64x2.splat(load<f64>(x));
          const x1 = f64x2.splat(load<f64>(x + ai8));
          const y01 = v128.load(y);
          const y23 = v128.load(y, 16);
          s00 = f64x2.add(s00, f64x2.mul(x0, y01));
          s02 = f64x2.add(s02, f64x2.mul(x0, y23));
          s10 = f64x2.add(s10, f64x2.mul(x1, y01));
          s12 = f64x2.add(s12, f64x2.mul(x1, y23));
        }
      } else {
        // B's columns apart (a layer's weights, row by row): gathered two by two
        const bj16 = bj8 << 1;
        const bj24 = bj16 + bj8;
        for (let k = 0; k < depth; k++, x += ak8, y += bk8) {
          const x0 = f64x2.splat(load<f64>(x));
          const x1 = f64x2.splat(load<f64>(x + ai8));
          const y01 = f64x2.replace_lane(f64x2.splat(load<f64>(y)), 1, load<f64>(y + bj8));
          const y23 = f64x2.replace_lane(f64x2.splat(load<f64>(y + bj16)), 1, load<f64>(y + bj24));
          s00 = f64x2.add(s00, f64x2.mul(x0, y01));
          s02 = f64x2.add(s02, f64x2.mul(x0, y23));
          s10 = f64x2.add(s10, f64x2.mul(x1, y01));
          s12 = f64x2.add(s12, f64x2.mul(x1, y23));
        }
      }
      store<f64>(c0 + o0, f64x2.extract_lane(s00, 0));
      store<f64>(c0 + o1, f64x2.extract_lane(s00, 1));
      store<f64>(c0 + o2, f64x2.extract_lane(s02, 0));
      store<f64>(c0 + o3, f64x2.extract_lane(s02, 1));
      store<f64>(c1 + o0, f64x2.extract_lane(s10, 0));
      store<f64>(c1 + o1, f64x2.extract_lane(s10, 1));
      store<f64>(c1 + o2, f64x2.extract_lane(s12, 0));
      store<f64>(c1 + o3, f64x2.extract_lane(s12, 1));
    }
    for (; j < n; j++) {
      const cAt = <usize>j * cj8;
      let s0 = load<f64>(c0 + cAt);
      let s1 = load<f64>(c1 + cAt);
      let x = a0;
      let y = b + <usize>j * bj8;
      for (let k = 0; k < depth; k++, x += ak8, y += bk8) {
        const yk = load<f64>(y);
        s0 += load<f64>(x) * yk;
        s1 += load<f64>(x + ai8) * yk;
      }
      store<f64>(c0 + cAt, s0);
      store<f64>(c1 + cAt, s1);
    }
  }
  for (; i < m; i++) {
    const ci0 = c + <usize>i * ci8;
    for (let j = 0; j < n; j++) {
      let s = load<f64>(ci0 + <usize>j * cj8);
      let x = a + <usize>i * ai8;
      let y = b + <usize>j * bj8;
      for (let k = 0; k < depth; k++, x += ak8, y += bk8) s += load<f64>(x) * load<f64>(y);
      store<f64>(ci0 + <usize>j * cj8, s);
    }
  }
}

/** sqrt's Newton steps, as src/exact.ts takes them (a decoder must take exactly the encoder's). */
const NEWTON_STEPS = 7;

/**
 * One Adam step with β1 = 0 over `count` weights, as supporter.ts's `adam` computes it: for each
 * weight, v ← β2·v + (1 − β2)·g·g, and where g ≠ 0, p ← p − lr·g / (√(v·correction) + 1e-8), the
 * root taken as src/exact.ts's sqrt takes it (a first guess 2^⌊e/2⌋ from the exponent, then seven
 * Newton steps y ← (y + x/y) / 2). Two weights a lane each; the same operations on each as in
 * JavaScript, so the same bits. The halving is × 0.5 where JavaScript divides by 2: both round
 * the same real number, so they give the same double, and a division takes several times as
 * long. `oneMinusBeta2` is JavaScript's 1 − β2, handed over as it rounds.
 */
export function adam(p: usize, g: usize, v: usize, count: i32, beta2: f64, oneMinusBeta2: f64, correction: f64, lr: f64): void {
  const b2 = f64x2.splat(beta2);
  const w = f64x2.splat(oneMinusBeta2);
  const cor = f64x2.splat(correction);
  const rate = f64x2.splat(lr);
  const half = f64x2.splat(0.5);
  const epsilon = f64x2.splat(1e-8);
  const zero = f64x2.splat(0);
  const one = f64x2.splat(1);
  const exponentMask = i64x2.splat(0x7ff);
  const bias = i64x2.splat(1023);
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const at = <usize>i << 3;
    const gi = v128.load(g + at);
    const vi = f64x2.add(f64x2.mul(b2, v128.load(v + at)), f64x2.mul(f64x2.mul(w, gi), gi));
    v128.store(v + at, vi);
    const x = f64x2.mul(vi, cor);
    // x ≤ 0 exactly as exact.ts tests it (false for a NaN, which then stays a NaN, as there)
    const nonPositive = f64x2.le(x, zero);
    // 2^⌊e/2⌋ for x = m·2^e (the shift is arithmetic: ⌊e/2⌋ for a negative e too); 1 where x ≤ 0
    const e = i64x2.sub(v128.and(i64x2.shr_u(x, 52), exponentMask), bias);
    let y = v128.bitselect(one, i64x2.shl(i64x2.add(i64x2.shr_s(e, 1), bias), 52), nonPositive);
    for (let s = 0; s < NEWTON_STEPS; s++) y = f64x2.mul(f64x2.add(y, f64x2.div(x, y)), half);
    const root = v128.bitselect(zero, y, nonPositive);
    const pi = v128.load(p + at);
    const moved = f64x2.sub(pi, f64x2.div(f64x2.mul(rate, gi), f64x2.add(root, epsilon)));
    v128.store(p + at, v128.bitselect(moved, pi, f64x2.ne(gi, zero)));
  }
  for (; i < count; i++) {
    const at = <usize>i << 3;
    const gi = load<f64>(g + at);
    const vi = beta2 * load<f64>(v + at) + oneMinusBeta2 * gi * gi;
    store<f64>(v + at, vi);
    if (gi != 0) store<f64>(p + at, load<f64>(p + at) - (lr * gi) / (newtonRoot(vi * correction) + 1e-8));
  }
}

/** src/exact.ts's sqrt: 0 for x ≤ 0, else the guess 2^⌊e/2⌋ and seven Newton steps. */
function newtonRoot(x: f64): f64 {
  if (x <= 0) return 0;
  const e = <i64>((reinterpret<u64>(x) >> 52) & 0x7ff) - 1023;
  let y = reinterpret<f64>(((e >> 1) + 1023) << 52);
  for (let s = 0; s < NEWTON_STEPS; s++) y = (y + x / y) * 0.5;
  return y;
}

/**
 * The attention of `rows` rows, read at the newest position, as supporter.ts's `forward` computes
 * it: for each row and head, the scores scale · q·(key of token + key of position) over the `c`
 * positions, their softmax (src/exact.ts's exp), and o = Σ att_i (value of token + value of
 * position). Each sum in the same order as there. `tokens` holds i32 ids, `c` per row.
 */
export function attend(
  rows: i32, c: i32, d: i32, heads: i32, scale: f64, tokens: usize,
  q: usize, keyOfToken: usize, keyOfPosition: usize, valueOfToken: usize, valueOfPosition: usize,
  att: usize, o: usize,
): void {
  const hd = d / heads;
  for (let b = 0; b < rows; b++) {
    const row = tokens + ((<usize>(b * c)) << 2);
    for (let head = 0; head < heads; head++) {
      const a = att + ((<usize>((b * heads + head) * c)) << 3);
      let max = -Infinity;
      for (let i = 0; i < c; i++) {
        const kt = keyOfToken + ((<usize>(load<i32>(row + (<usize>i << 2)) * d)) << 3);
        const kp = keyOfPosition + ((<usize>(i * d)) << 3);
        let s: f64 = 0;
        for (let j = head * hd; j < (head + 1) * hd; j++) {
          const at = <usize>j << 3;
          s += load<f64>(q + ((<usize>(b * d)) << 3) + at) * (load<f64>(kt + at) + load<f64>(kp + at));
        }
        s *= scale;
        store<f64>(a + (<usize>i << 3), s);
        if (s > max) max = s;
      }
      let total: f64 = 0;
      for (let i = 0; i < c; i++) {
        const e = exactExp(load<f64>(a + (<usize>i << 3)) - max);
        store<f64>(a + (<usize>i << 3), e);
        total += e;
      }
      for (let i = 0; i < c; i++) store<f64>(a + (<usize>i << 3), load<f64>(a + (<usize>i << 3)) / total);
      for (let j = head * hd; j < (head + 1) * hd; j++) {
        let s: f64 = 0;
        for (let i = 0; i < c; i++) {
          const vt = valueOfToken + ((<usize>(load<i32>(row + (<usize>i << 2)) * d + j)) << 3);
          s += load<f64>(a + (<usize>i << 3)) * (load<f64>(vt) + load<f64>(valueOfPosition + ((<usize>(i * d + j)) << 3)));
        }
        store<f64>(o + ((<usize>(b * d + j)) << 3), s);
      }
    }
  }
}

/**
 * The attention's backward pass over `rows` rows, as supporter.ts's `gradient` computes it: from
 * dO, each row's dq, and the keys' and values' gradients gathered by token and by position (dk,
 * dv and da are one row's scratch). Each sum in the same order as there.
 */
export function attendBack(
  rows: i32, c: i32, d: i32, heads: i32, scale: f64, tokens: usize,
  q: usize, att: usize, dO: usize, keyOfToken: usize, keyOfPosition: usize, valueOfToken: usize, valueOfPosition: usize,
  dq: usize, dk: usize, dv: usize, da: usize,
  dKeyOfToken: usize, dValueOfToken: usize, dKeyOfPosition: usize, dValueOfPosition: usize,
): void {
  const hd = d / heads;
  for (let b = 0; b < rows; b++) {
    const row = tokens + ((<usize>(b * c)) << 2);
    const qb = q + ((<usize>(b * d)) << 3);
    const dOb = dO + ((<usize>(b * d)) << 3);
    const dqb = dq + ((<usize>(b * d)) << 3);
    for (let j = 0; j < d; j++) store<f64>(dqb + (<usize>j << 3), 0);
    for (let head = 0; head < heads; head++) {
      const a = att + ((<usize>((b * heads + head) * c)) << 3);
      let mean: f64 = 0;
      for (let i = 0; i < c; i++) {
        const vt = valueOfToken + ((<usize>(load<i32>(row + (<usize>i << 2)) * d)) << 3);
        const vp = valueOfPosition + ((<usize>(i * d)) << 3);
        const ai = load<f64>(a + (<usize>i << 3));
        let s: f64 = 0;
        for (let j = head * hd; j < (head + 1) * hd; j++) {
          const at = <usize>j << 3;
          const g = load<f64>(dOb + at);
          s += g * (load<f64>(vt + at) + load<f64>(vp + at));
          store<f64>(dv + ((<usize>(i * d)) << 3) + at, ai * g);
        }
        store<f64>(da + (<usize>i << 3), s);
        mean += ai * s;
      }
      for (let i = 0; i < c; i++) {
        const kt = keyOfToken + ((<usize>(load<i32>(row + (<usize>i << 2)) * d)) << 3);
        const kp = keyOfPosition + ((<usize>(i * d)) << 3);
        const ds = load<f64>(a + (<usize>i << 3)) * (load<f64>(da + (<usize>i << 3)) - mean) * scale;
        for (let j = head * hd; j < (head + 1) * hd; j++) {
          const at = <usize>j << 3;
          store<f64>(dqb + at, load<f64>(dqb + at) + ds * (load<f64>(kt + at) + load<f64>(kp + at)));
          store<f64>(dk + ((<usize>(i * d)) << 3) + at, ds * load<f64>(qb + at));
        }
      }
    }
    // the keys' and values' gradients gathered by token and position, positions in order
    for (let i = 0; i < c; i++) {
      const t = (<usize>(load<i32>(row + (<usize>i << 2)) * d)) << 3;
      const p = (<usize>(i * d)) << 3;
      for (let j = 0; j < d; j++) {
        const at = <usize>j << 3;
        const gk = load<f64>(dk + p + at);
        const gv = load<f64>(dv + p + at);
        store<f64>(dKeyOfToken + t + at, load<f64>(dKeyOfToken + t + at) + gk);
        store<f64>(dValueOfToken + t + at, load<f64>(dValueOfToken + t + at) + gv);
        store<f64>(dKeyOfPosition + p + at, load<f64>(dKeyOfPosition + p + at) + gk);
        store<f64>(dValueOfPosition + p + at, load<f64>(dValueOfPosition + p + at) + gv);
      }
    }
  }
}

// ln 2 split as src/exact.ts splits it
const LN2_HI: f64 = 0.6931471803691238;
const LN2_LO: f64 = 1.9082149292705877e-10;

/** src/exact.ts's exp (x ≤ 0): n = Math.round(x / ln 2), a degree-12 Taylor polynomial of the rest, times 2^n. */
function exactExp(x: f64): f64 {
  if (x < -700) return 0;
  const v = x / 0.6931471805599453;
  // JavaScript's Math.round: the nearest integer, halves upwards (v − ⌊v⌋ is exact)
  const f = Math.floor(v);
  const n = v - f >= 0.5 ? f + 1 : f;
  const r = x - n * LN2_HI - n * LN2_LO;
  let p: f64 = 1;
  for (let i = 12; i >= 1; i--) p = 1 + (p * r) / <f64>i;
  return p * reinterpret<f64>((<i64>(<i32>n + 1023)) << 52);
}
