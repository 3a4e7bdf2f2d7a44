import { describe, expect, it } from 'vitest';
import { QMAX, QuantiserError, dequantise, deserialise, quantise, serialise } from '../src/index.js';

/** Deterministic pseudo-random floats in ±amplitude. */
function values(n: number, amplitude: number, seed = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * amplitude;
  }
  return out;
}

describe('quantise / dequantise', () => {
  it('keeps every value within half a step of its channel scale', () => {
    const channels = 4;
    const length = 80;
    const x = values(channels * length * 5, 3);
    // Give each channel its own range, so a shared scale would fail the bound.
    for (let i = 0; i < x.length; i++) x[i]! *= 1 + (Math.floor(i / length) % channels) * 10;
    const q = quantise(x, channels, length);
    const y = dequantise(q);
    for (let i = 0; i < x.length; i++) {
      const scale = q.scales[Math.floor(i / length) % channels]!;
      expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(scale / 2 + Math.abs(x[i]!) * 2 ** -23);
    }
    // The largest magnitude of each channel maps to ±127.
    for (let c = 0; c < channels; c++) {
      let max = 0;
      for (let i = 0; i < q.codes.length; i++) if (Math.floor(i / length) % channels === c) max = Math.max(max, Math.abs(q.codes[i]!));
      expect(max).toBe(QMAX);
    }
  });

  it('is symmetric: x and −x get opposite codes', () => {
    const x = values(64, 1);
    const q = quantise(x, 1, 64);
    const qn = quantise(x.map((v) => -v), 1, 64);
    expect(Array.from(qn.codes)).toEqual(Array.from(q.codes, (c) => (c === 0 ? 0 : -c)));
    expect(Math.min(...q.codes)).toBeGreaterThanOrEqual(-QMAX);
  });

  it('gives an all-zero channel scale 0 and zero codes, without dividing by zero', () => {
    const x = values(2 * 8, 1);
    for (let i = 8; i < 16; i++) x[i] = 0;
    const q = quantise(x, 2, 8);
    expect(q.scales[1]).toBe(0);
    expect(Array.from(q.codes.subarray(8))).toEqual(new Array(8).fill(0));
    expect(Array.from(dequantise(q).subarray(8))).toEqual(new Array(8).fill(0));
  });

  it('handles extreme finite values and subnormals', () => {
    const x = Float32Array.of(3.4e38, -3.4e38, 1e-45, 0, 1.17e-38, -2e-40);
    const q = quantise(x, 1, 6);
    expect(Array.from(q.codes.subarray(0, 4))).toEqual([127, -127, 0, 0]);
    const y = dequantise(q);
    expect(Number.isFinite(y[0]!)).toBe(true);
    expect(Math.abs(y[0]! - 3.4e38) / 3.4e38).toBeLessThan(1e-6);
    // A channel whose largest magnitude is below 127 × the smallest float32 gets scale 0: its
    // values become 0, an error under 2e-43.
    const tiny = quantise(Float32Array.of(1e-45, -1e-45, 0), 1, 3);
    expect(tiny.scales[0]).toBe(0);
    expect(Array.from(dequantise(tiny))).toEqual([0, 0, 0]);
  });

  it('refuses NaN, infinities and shapes that are not whole blocks', () => {
    expect(() => quantise(Float32Array.of(1, NaN), 1, 2)).toThrow(QuantiserError);
    expect(() => quantise(Float32Array.of(Infinity, 1), 1, 2)).toThrow(/finite/);
    expect(() => quantise(new Float32Array(7), 2, 4)).toThrow(/whole blocks/);
    expect(() => quantise(new Float32Array(8), 0, 4)).toThrow(QuantiserError);
  });

  it('dequantises to the same bits as q · scale in float32 (what every engine computes)', () => {
    const q = quantise(values(4 * 80, 7.3, 9), 4, 80);
    const y = dequantise(q);
    for (let i = 0; i < y.length; i++) expect(y[i]).toBe(Math.fround(q.codes[i]! * q.scales[Math.floor(i / 80) % 4]!));
  });
});

describe('serialise / deserialise', () => {
  it('round-trips codes, scales and shape exactly', () => {
    const q = quantise(values(4 * 80 * 3, 2), 4, 80);
    const back = deserialise(serialise(q));
    expect(back.channels).toBe(4);
    expect(back.length).toBe(80);
    expect(Array.from(back.scales)).toEqual(Array.from(q.scales));
    expect(Array.from(back.codes)).toEqual(Array.from(q.codes));
    expect(serialise(q).length).toBe(10 + 4 * 4 + q.codes.length);
  });

  it('pins the byte layout (golden bytes)', () => {
    const q = quantise(Float32Array.of(1, -0.5, 0, 2), 2, 2);
    expect(Array.from(serialise(q))).toEqual([
      1, 2, 2, 0, 0, 0, 4, 0, 0, 0,
      ...new Uint8Array(Float32Array.of(1 / 127, 2 / 127).buffer),
      127, 0xc0, 0, 127, // −0.5 / (1/127) = −63.5 rounds away from zero to −64
    ]);
  });

  it('refuses damaged bytes with a typed error before allocating', () => {
    const good = serialise(quantise(values(2 * 4, 1), 2, 4));
    const corrupt = (mutate: (b: Uint8Array, v: DataView) => void) => {
      const b = good.slice();
      mutate(b, new DataView(b.buffer));
      return () => deserialise(b);
    };
    expect(() => deserialise(good.subarray(0, 5))).toThrow(/shorter/);
    expect(corrupt((b) => (b[0] = 9))).toThrow(/layout/);
    expect(corrupt((_, v) => v.setUint32(6, 0xffffffff, true))).toThrow(/declares/);
    expect(corrupt((_, v) => v.setUint32(2, 3, true))).toThrow(/whole blocks/);
    expect(corrupt((_, v) => v.setFloat32(10, NaN, true))).toThrow(/scale/);
    expect(corrupt((_, v) => v.setFloat32(10, -1, true))).toThrow(/scale/);
    expect(corrupt((b) => (b[b.length - 1] = 0x80))).toThrow(/−128/);
    expect(() => deserialise(good.subarray(0, 12))).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
  });
});
