/** Copies left unmade (ref/deferred.ts) give the bases that making them in order gives. */
import { describe, expect, it } from 'vitest';
import { copyBases, DeferredCopies } from '../src/ref/deferred.js';

/** A seeded generator of integers below n. */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % n;
  };
}

/**
 * A history of `size` bases: a written start, then copies (forward, reverse-complement, and
 * forward ones that overlap themselves) with a written base between some, as records would have.
 * Returns the copies and the written bases, and the history made eagerly for comparison.
 */
function scenario(seed: number, size: number, maxLength: number) {
  const next = random(seed);
  const eager = new Uint8Array(size);
  const written = new Uint8Array(size); // the bases a skipped record writes itself
  const copies: [number, number, number, number][] = [];
  let at = 64;
  for (let i = 0; i < at; i++) eager[i] = written[i] = next(4);
  while (at < size) {
    if (next(3) === 0) {
      eager[at] = written[at] = next(4); // a substituted or literal base
      at++;
      continue;
    }
    const length = Math.min(size - at, 1 + next(maxLength));
    const kind = next(3);
    let strand = 0;
    let r: number;
    if (kind === 0) {
      strand = 1;
      r = length - 1 + next(at - length + 1 > 0 ? at - length + 1 : 1);
      if (r >= at || r - length + 1 < 0) continue;
    } else if (kind === 1) r = next(Math.max(1, at - length)); // forward, not overlapping
    else r = at - 1 - next(Math.min(at, 8)); // forward, overlapping itself (a tandem repeat)
    copyBases(eager, at, strand, r, length);
    copies.push([at, strand, r, length]);
    at += length;
  }
  return { eager, written, copies };
}

describe('DeferredCopies', () => {
  for (const [seed, maxLength] of [[1, 40], [2, 400], [3, 3]] as const) {
    it(`gives every base through baseAt, copy and materialize as made in order (seed ${seed}, copies up to ${maxLength})`, () => {
      const size = 20000;
      const { eager, written, copies } = scenario(seed, size, maxLength);
      // baseAt: every position, with every copy held
      const held = new DeferredCopies();
      for (const c of copies) held.add(...c);
      const history = written.slice();
      for (let p = 0; p < size; p += 7) expect(held.baseAt(history, p)).toBe(eager[p]);
      // materialize a range in the middle, then one at the end: exactly those bases are right
      held.materialize(history, 9000, 9100);
      expect(history.subarray(9000, 9100)).toEqual(eager.subarray(9000, 9100));
      held.materialize(history, size - 500, size);
      expect(history.subarray(size - 500)).toEqual(eager.subarray(size - 500));
      // a new record's copy of the last 3000 bases, forward and reverse, through the held copies
      const grown = new Uint8Array(size + 6000);
      grown.set(history);
      const reference = new Uint8Array(size + 6000);
      reference.set(eager);
      held.copy(grown, size, 0, size - 3000, 3000);
      held.copy(grown, size + 3000, 1, size - 1, 3000);
      copyBases(reference, size, 0, size - 3000, 3000);
      copyBases(reference, size + 3000, 1, size - 1, 3000);
      expect(grown.subarray(size)).toEqual(reference.subarray(size));
      // and what is left, all at once
      held.materializeAll(grown);
      expect(held.pending).toBe(0);
      expect(grown).toEqual(reference);
    });
  }

  it('reads a tandem repeat held (a copy that overlaps itself) by its period, on either strand', () => {
    const eager = new Uint8Array(1000);
    for (let i = 0; i < 100; i++) eager[i] = (i * 7 + 3) & 3;
    const held = new DeferredCopies();
    const copies: [number, number, number, number][] = [
      [100, 0, 70, 300], // period 30, 300 bases
      [400, 1, 399, 250], // the other strand, backwards through it
      [650, 0, 150, 200], // forward from its middle
      [850, 0, 847, 150], // period 3
    ];
    for (const c of copies) {
      copyBases(eager, ...c);
      held.add(...c);
    }
    const history = new Uint8Array(1300);
    history.set(eager.subarray(0, 100));
    for (let p = 0; p < 1000; p++) expect(held.baseAt(history, p)).toBe(eager[p]);
    const reference = new Uint8Array(1300);
    reference.set(eager);
    // backwards from the middle copy through the other strand's and the period-30 tandem (a short
    // period takes a piece or two for each repeat, and a long run of them goes past the walk's bound)
    held.copy(history, 1000, 1, 849, 300);
    copyBases(reference, 1000, 1, 849, 300);
    expect(history.subarray(1000)).toEqual(reference.subarray(1000));
    expect(held.pending).toBe(4); // taken through the copies held, none made
  });

  it('makes every copy held when a walk back breaks into too many pieces (a crafted chain), with the same bases', () => {
    // 4,000 one-base copies, each of the base before it, alternately on either strand
    const size = 4064;
    const eager = new Uint8Array(size);
    for (let i = 0; i < 64; i++) eager[i] = i & 3;
    const held = new DeferredCopies();
    for (let a = 64; a < size; a++) {
      const strand = a & 1;
      copyBases(eager, a, strand, a - 1, 1);
      held.add(a, strand, a - 1, 1);
    }
    const history = new Uint8Array(size + 200);
    history.set(eager.subarray(0, 64));
    // a copy of 200 bases spread over 200 one-base copies, each a chain back to the start
    held.copy(history, size, 0, size - 200, 200);
    expect(held.pending).toBe(0); // the walk gave up: everything was made
    expect(history.subarray(0, size)).toEqual(eager);
    expect(history.subarray(size)).toEqual(eager.subarray(size - 200));
  });
});
