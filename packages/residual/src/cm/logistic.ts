/**
 * The logistic domain every model speaks: probabilities are 12-bit integers (1..4095 = P(bit is 1)),
 * and `stretch(p) = ln(p / (1 - p))` is an integer in -2047..2047 (units of 1/256).
 *
 * Both tables are built by integer interpolation from 33 literal points, never by `Math.exp` or
 * `Math.log`: ECMAScript does not require those to be correctly rounded, so two engines could
 * build different tables and decode different bases. See ADR 0005.
 */

/** round(4096 / (1 + e^(-x))) for x = -8, -7.5, …, 8 — computed once, written down as literals. */
const POINTS = Int32Array.of(
  1, 2, 4, 6, 10, 17, 27, 45, 74, 120, 194, 311, 488, 747, 1102, 1546, 2048,
  2550, 2994, 3349, 3608, 3785, 3902, 3976, 4022, 4051, 4069, 4079, 4086, 4090, 4092, 4094, 4095,
);

function interpolate(d: number): number {
  const w = d & 127;
  const i = (d >> 7) + 16;
  return (POINTS[i]! * (128 - w) + POINTS[i + 1]! * w + 64) >> 7;
}

/** SQUASH[d + 2047] = the probability (1..4095) whose stretch is d. */
export const SQUASH = new Int32Array(4095);
/** STRETCH[p] for p in 0..4095, the inverse of SQUASH. */
export const STRETCH = new Int32Array(4096);

for (let d = -2047; d <= 2047; d++) SQUASH[d + 2047] = Math.min(4095, Math.max(1, interpolate(d)));
{
  let next = 0;
  for (let d = -2047; d <= 2047; d++) {
    const p = SQUASH[d + 2047]!;
    for (let j = next; j <= p; j++) STRETCH[j] = d;
    next = Math.max(next, p + 1);
  }
  for (let j = next; j < 4096; j++) STRETCH[j] = 2047;
}

/** squash with clamping: any integer in, a probability 1..4095 out. */
export function squash(d: number): number {
  if (d > 2047) d = 2047;
  else if (d < -2047) d = -2047;
  return SQUASH[d + 2047]!;
}
