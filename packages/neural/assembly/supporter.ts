/**
 * The Supporter's matrix product (src/deepgeco/supporter.ts), in AssemblyScript, compiled to
 * WebAssembly with SIMD by scripts/build-wasm.mjs (at the repository's root) into
 * src/deepgeco/supporter-wasm.ts.
 *
 * Why WebAssembly: the product is most of the Supporter's time, and the Supporter most of PLUS's
 * and ULTRA's. Here it runs about three times as fast as the JavaScript loop (no bounds checks,
 * two doubles per instruction).
 *
 * Why the numbers stay the same, bit for bit: every output is the same sum as in JavaScript, taken
 * from the value already there over k upwards, each step one rounded multiplication and one
 * rounded addition. SIMD only computes two such sums side by side (one per lane): an f64x2
 * multiplication or addition rounds each lane as the scalar instruction would, and WebAssembly
 * never fuses a multiplication into an addition. So the decoder replays the encoder's training
 * whichever of the two products either end ran.
 *
 * The host hands over byte addresses in this module's memory, and strides in elements: A's
 * element [i][k] is at a + 8·(i·ai + k·ak), and so on, as in supporter.ts's `product`.
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
 * the same real number, so they give the same double, and a division takes several times as long. `oneMinusBeta2` is JavaScript's 1 − β2, handed over as it rounds.
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
    const positive = f64x2.gt(x, zero);
    // 2^⌊e/2⌋ for x = m·2^e (the shift is arithmetic: ⌊e/2⌋ for a negative e too); 1 where x ≤ 0
    const e = i64x2.sub(v128.and(i64x2.shr_u(x, 52), exponentMask), bias);
    let y = v128.bitselect(i64x2.shl(i64x2.add(i64x2.shr_s(e, 1), bias), 52), one, positive);
    for (let s = 0; s < NEWTON_STEPS; s++) y = f64x2.mul(f64x2.add(y, f64x2.div(x, y)), half);
    const root = v128.bitselect(y, zero, positive);
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
