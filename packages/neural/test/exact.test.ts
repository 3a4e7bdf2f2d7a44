/**
 * The square roots that steer deepgeco's training and the exps of its softmax (exact.ts): computed
 * four at a time, they must be the very numbers of the one-at-a-time functions, since a decoder
 * built before the batched versions replays the same training and the same probabilities.
 */
import { describe, expect, it } from 'vitest';
import { exp, expShifted, sqrt, sqrtMany } from '../src/exact.js';

describe('sqrt', () => {
  it('is Math.sqrt to within an ulp over the range Adam uses, and 0 at and below 0', () => {
    let worst = 0;
    for (let e = -300; e <= 300; e += 0.37) {
      const x = 10 ** e;
      worst = Math.max(worst, Math.abs(sqrt(x) - Math.sqrt(x)) / Math.sqrt(x));
    }
    expect(worst).toBeLessThanOrEqual(2 ** -52);
    expect([sqrt(0), sqrt(-0), sqrt(-4)]).toEqual([0, 0, 0]);
  });
});

describe('sqrtMany', () => {
  it('gives sqrt\'s numbers bit for bit, in every lane and in the tail', () => {
    const special = [0, -0, -1, Number.MIN_VALUE, 2 ** -1074 * 3, 1e-300, 0.25, 1, 2, 3, 1e300, Number.MAX_VALUE, Infinity, NaN];
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    const values = [...special, ...Array.from({ length: 1000 }, () => 10 ** (random() * 40 - 30))];
    for (const n of [values.length, 1, 2, 3, 5, 6, 7]) {
      const xs = Float64Array.from(values);
      sqrtMany(xs, n);
      const expected = Float64Array.from(values, (x, i) => (i < n ? sqrt(x) : x));
      expect(Buffer.from(xs.buffer)).toEqual(Buffer.from(expected.buffer));
    }
  });
});

describe('expShifted', () => {
  it('gives exp\'s numbers bit for bit, in every lane and in the tail, in place too', () => {
    const special = [0, -0, -1e-300, -0.5, -0.34657359027997264, -0.34657359027997275, -1, -2, -699.9, -700, -700.0001, -745, -1e300, -Infinity];
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
    // logits of a softmax row: the shift is their maximum, so every argument is at most 0
    const logits = [...special.map((x) => x + 3.25), ...Array.from({ length: 1000 }, () => 3.25 - (random() < 0.1 ? random() * 800 : random() * 30))];
    const expected = Float64Array.from(logits, (x) => exp(x - 3.25));
    for (const [from, to] of [[0, logits.length], [0, 1], [0, 3], [1, 6], [2, 9], [5, 1000]] as const) {
      const out = new Float64Array(logits.length).fill(-1);
      expShifted(Float32Array.from(logits), 3.25, out, from, to);
      const fromFloat32 = Float64Array.from(Float32Array.from(logits), (x, i) => (i >= from && i < to ? exp(x - 3.25) : -1));
      expect(Buffer.from(out.buffer)).toEqual(Buffer.from(fromFloat32.buffer));
      const inPlace = Float64Array.from(logits);
      expShifted(inPlace, 3.25, inPlace, from, to);
      const want = Float64Array.from(logits, (x, i) => (i >= from && i < to ? expected[i]! : x));
      expect(Buffer.from(inPlace.buffer)).toEqual(Buffer.from(want.buffer));
    }
  });
});
