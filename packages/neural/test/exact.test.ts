/**
 * The square roots that steer deepgeco's training (exact.ts): computed four at a time, they must be
 * the very numbers of the one-at-a-time function, since a decoder built before the batched version
 * replays the same training.
 */
import { describe, expect, it } from 'vitest';
import { sqrt, sqrtMany } from '../src/exact.js';

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
