/**
 * Arithmetic that every JavaScript engine computes to the same bit, for values that steer an
 * entropy coder or a seeded draw. +, −, ×, ÷ on doubles are IEEE-754 exact-rounded everywhere;
 * Math.exp, Math.log and the other library functions are not (an engine may differ in the last
 * bit), so what needs them is built here from the four operations.
 */
/** ln 2, the double nearest it. */
const LN2 = 0.6931471805599453;
const LN2_HI = 0.6931471803691238; // ln 2 split so that n × LN2_HI is exact for |n| < 2^20
const LN2_LO = 1.9082149292705877e-10;
const SCALE = new DataView(new ArrayBuffer(8));

/**
 * e^x for x ≤ 0 from + − × ÷ only (Math.exp may differ between engines in its last bit): x = n ln 2
 * + r with |r| ≤ ln 2 / 2, a degree-12 Taylor polynomial for e^r (error below 2^-52 there), times
 * 2^n built from its exponent bits. Below −700 it returns 0, which a softmax does not miss.
 */
export function exp(x: number): number {
  if (x < -700) return 0;
  const n = Math.round(x / LN2);
  const r = x - n * LN2_HI - n * LN2_LO;
  let p = 1;
  for (let i = 12; i >= 1; i--) p = 1 + (p * r) / i;
  SCALE.setUint32(0, (n + 1023) << 20);
  SCALE.setUint32(4, 0);
  return p * SCALE.getFloat64(0);
}

/** 2^n for n = −1022 … 0 at POW2[n + 1022], built from exponent bits as exp builds it (the same doubles). */
const POW2 = new Float64Array(1023);
for (let n = -1022; n <= 0; n++) {
  SCALE.setUint32(0, (n + 1023) << 20);
  SCALE.setUint32(4, 0);
  POW2[n + 1022] = SCALE.getFloat64(0);
}

/**
 * out[i] ← exp(xs[i] − shift) for from ≤ i < to, where every xs[i] ≤ shift (a softmax's exps), the
 * same numbers as exp one by one, four at a time: each exp is a chain of twelve divisions, and four
 * independent chains keep the divider busy (as sqrtMany does). xs and out may be the same array.
 */
export function expShifted(xs: ArrayLike<number>, shift: number, out: Float64Array, from: number, to: number): void {
  let i = from;
  for (; i + 3 < to; i += 4) {
    const x0 = xs[i]! - shift, x1 = xs[i + 1]! - shift, x2 = xs[i + 2]! - shift, x3 = xs[i + 3]! - shift;
    const n0 = Math.round(x0 / LN2), n1 = Math.round(x1 / LN2);
    const n2 = Math.round(x2 / LN2), n3 = Math.round(x3 / LN2);
    const r0 = x0 - n0 * LN2_HI - n0 * LN2_LO, r1 = x1 - n1 * LN2_HI - n1 * LN2_LO;
    const r2 = x2 - n2 * LN2_HI - n2 * LN2_LO, r3 = x3 - n3 * LN2_HI - n3 * LN2_LO;
    let p0 = 1, p1 = 1, p2 = 1, p3 = 1;
    for (let k = 12; k >= 1; k--) {
      p0 = 1 + (p0 * r0) / k;
      p1 = 1 + (p1 * r1) / k;
      p2 = 1 + (p2 * r2) / k;
      p3 = 1 + (p3 * r3) / k;
    }
    out[i] = x0 < -700 ? 0 : p0 * POW2[n0 + 1022]!;
    out[i + 1] = x1 < -700 ? 0 : p1 * POW2[n1 + 1022]!;
    out[i + 2] = x2 < -700 ? 0 : p2 * POW2[n2 + 1022]!;
    out[i + 3] = x3 < -700 ? 0 : p3 * POW2[n3 + 1022]!;
  }
  for (; i < to; i++) out[i] = exp(xs[i]! - shift);
}

/** sqrt's Newton steps: fixed, since a decoder must take exactly the encoder's. */
const NEWTON_STEPS = 7;

/**
 * √x for x ≥ 0 from + × ÷ only (the language leaves Math.sqrt's last bit to the engine): a first
 * guess from halving the exponent, then Newton steps y ← (y + x/y) / 2, a fixed number of them.
 */
export function sqrt(x: number): number {
  if (x <= 0) return 0;
  let y = sqrtGuess(x); // within a factor of 2 of √x
  for (let i = 0; i < NEWTON_STEPS; i++) y = (y + x / y) / 2;
  return y;
}

/** 2^⌊e/2⌋ for x = m · 2^e: sqrt's first guess. */
function sqrtGuess(x: number): number {
  SCALE.setFloat64(0, x);
  const exponent = ((SCALE.getUint32(0) >>> 20) & 0x7ff) - 1023;
  SCALE.setUint32(0, ((Math.floor(exponent / 2) + 1023) << 20) >>> 0);
  SCALE.setUint32(4, 0);
  return SCALE.getFloat64(0);
}

/**
 * xs[i] ← sqrt(xs[i]) for i < n, the same numbers as sqrt one by one, four at a time: each Newton
 * step waits for a division, and four independent ones keep the divider busy (Adam takes a root
 * for every weight of every step).
 */
export function sqrtMany(xs: Float64Array, n: number): void {
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = xs[i]!, x1 = xs[i + 1]!, x2 = xs[i + 2]!, x3 = xs[i + 3]!;
    let y0 = x0 <= 0 ? 1 : sqrtGuess(x0);
    let y1 = x1 <= 0 ? 1 : sqrtGuess(x1);
    let y2 = x2 <= 0 ? 1 : sqrtGuess(x2);
    let y3 = x3 <= 0 ? 1 : sqrtGuess(x3);
    for (let k = 0; k < NEWTON_STEPS; k++) {
      y0 = (y0 + x0 / y0) / 2;
      y1 = (y1 + x1 / y1) / 2;
      y2 = (y2 + x2 / y2) / 2;
      y3 = (y3 + x3 / y3) / 2;
    }
    xs[i] = x0 <= 0 ? 0 : y0;
    xs[i + 1] = x1 <= 0 ? 0 : y1;
    xs[i + 2] = x2 <= 0 ? 0 : y2;
    xs[i + 3] = x3 <= 0 ? 0 : y3;
  }
  for (; i < n; i++) xs[i] = sqrt(xs[i]!);
}

/** sin x for 0 ≤ x ≤ 1 from + − × ÷ only: its Taylor series to x^17 (error below 2^-60 there). */
export function sinUnit(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 3; n <= 17; n += 2) {
    term = (-term * x2) / ((n - 1) * n);
    sum += term;
  }
  return sum;
}

/**
 * log2 x for x > 0 from + − × ÷ only: x = m · 2^e with m in [1, 2), and ln m = 2 atanh(s),
 * s = (m − 1)/(m + 1) ≤ 1/3, summed to s^41 (error below 2^-60).
 */
export function log2(x: number): number {
  SCALE.setFloat64(0, x);
  const high = SCALE.getUint32(0);
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  SCALE.setUint32(0, ((high & 0x800fffff) | (1023 << 20)) >>> 0);
  const m = SCALE.getFloat64(0);
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  let term = s;
  let sum = 0;
  for (let n = 1; n <= 41; n += 2) {
    sum += term / n;
    term *= s2;
  }
  return exponent + (2 * sum) / LN2;
}
