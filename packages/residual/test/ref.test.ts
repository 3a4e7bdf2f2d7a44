import { describe, expect, it } from 'vitest';
import { ALIGNED_DIVERGENCE, RefGroupDecoder, RefGroupEncoder } from '../src/index.js';

/** A seeded random genome of `n` bases (0..3). */
function genome(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 30;
  }
  return out;
}

/** `g` with one base in `every` changed (a transition, at seeded random places), a few indels and a tandem duplication. */
function relative(g: Uint8Array, every: number): Uint8Array {
  let s = every;
  const x = g.map((b) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % every === 0 ? b ^ 2 : b;
  });
  const dup = x.subarray(3000, 3150); // a tandem repeat: an aligned copy that overlaps itself
  return Uint8Array.from([...x.subarray(0, 1000), ...x.subarray(1010, 3150), ...dup, ...x.subarray(3150, 6000), 1, 2, 3, ...x.subarray(6000)]);
}

function roundTrip(records: Uint8Array[], options: ConstructorParameters<typeof RefGroupEncoder>[0]): { aligned: boolean; bytes: number } {
  const encoder = new RefGroupEncoder(options);
  for (const r of records) encoder.encodeRecord(r);
  const aligned = encoder.aligned;
  const { shared, records: payloads } = encoder.finish();
  const decoder = new RefGroupDecoder(shared, records.reduce((sum, r) => sum + r.length, 0));
  records.forEach((r, i) => expect(decoder.decodeRecord(payloads[i]!, r.length)).toEqual(r));
  decoder.finish();
  return { aligned, bytes: shared.length + payloads.reduce((sum, p) => sum + p.length, 0) };
}

describe('aligned reference groups', () => {
  const first = genome(20_000, 11);
  const divergent = [first, relative(first, 25), relative(relative(first, 25), 40)];

  it('codes divergent genomes aligned, smaller than as token streams, and reads them back', () => {
    const aligned = roundTrip(divergent, { level: 2 });
    const tokens = roundTrip(divergent, { level: 2, aligned: false });
    expect(aligned.aligned).toBe(true);
    expect(tokens.aligned).toBe(false);
    expect(aligned.bytes).toBeLessThan(tokens.bytes);
  });

  it('keeps close genomes as token streams, and level 1 never aligns', () => {
    // one difference in 1,000 aligned bases is under ALIGNED_DIVERGENCE
    expect(1 / 1000).toBeLessThan(ALIGNED_DIVERGENCE);
    expect(roundTrip([first, relative(first, 1000)], { level: 2 }).aligned).toBe(false);
    expect(roundTrip(divergent, { level: 1 }).aligned).toBe(false);
  });

  it('refuses an aligned group whose base count is not the group size', () => {
    const encoder = new RefGroupEncoder({ level: 2 });
    for (const r of divergent) encoder.encodeRecord(r);
    const { shared } = encoder.finish();
    const total = divergent.reduce((sum, r) => sum + r.length, 0);
    expect(() => new RefGroupDecoder(shared, total + 1)).toThrow(/aligned reference group/);
  });
});
