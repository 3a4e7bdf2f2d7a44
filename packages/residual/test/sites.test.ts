/** The difference-site sets of the ref codec against a plain sorted list of positions. */
import { describe, expect, it } from 'vitest';
import { DifferenceSites, SiteSet } from '../src/ref/sites.js';

/** What `ahead` and `indexOf` must answer, from the set's positions in increasing order. */
function expectedAhead(sorted: number[], strand: number, r: number, k: number): number {
  const side = strand === 0 ? sorted.filter((p) => p > r) : sorted.filter((p) => p < r).reverse();
  return side[k] ?? -1;
}

describe('SiteSet (revision 14)', () => {
  it('finds the k-th site ahead on both strands and counts the sites before one, like a sorted list, across empty stretches', () => {
    let seed = 7; // a linear congruential generator, as in the other tests here: failures replay
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const set = new SiteSet();
    const all = new Set<number>();
    // dense clusters and long empty stretches (several blocks of 1,024 positions), in any order
    for (let i = 0; i < 3000; i++) {
      const p = random() < 0.5 ? Math.floor(random() * 2000) : 50_000 + Math.floor(random() * 200_000);
      set.add(p);
      all.add(p);
    }
    set.addReference(300_017);
    all.add(300_017);
    const sorted = [...all].sort((a, b) => a - b);
    for (let t = 0; t < 3000; t++) {
      const r = Math.floor(random() * 320_000);
      const strand = random() < 0.5 ? 0 : 1;
      const k = Math.floor(random() * 40);
      const want = expectedAhead(sorted, strand, r, k);
      expect(set.ahead(strand, r, k)).toBe(want);
      if (want >= 0) expect(set.indexOf(strand, r, want)).toBe(k);
    }
    expect(set.indexOf(0, 10, 9)).toBe(-1); // behind r
    expect(set.ahead(0, 400_000, 0)).toBe(-1); // past the last site
    expect(set.ahead(1, 0, 0)).toBe(-1);
  });

  it('copies the sites of a reference range onto a target, on both strands; a clone is independent', () => {
    const set = new SiteSet();
    for (const p of [10, 15, 1030, 5000]) set.add(p);
    set.copy(0, 10, 100_000, 1025); // 10, 15, 1030 → 100,000, 100,005, 101,020
    set.copy(1, 5000, 200_000, 3971); // 5000, 1030 (reverse) → 200,000, 203,970
    const copy = set.clone();
    copy.add(300_000);
    const sites: number[] = [];
    for (let p = set.ahead(0, -1, 0); p >= 0; p = set.ahead(0, p, 0)) sites.push(p);
    expect(sites).toEqual([10, 15, 1030, 5000, 100_000, 100_005, 101_020, 200_000, 203_970]);
    expect(copy.ahead(0, 203_970, 0)).toBe(300_000);
    expect(set.ahead(0, 203_970, 0)).toBe(-1);
  });

  it('copies as the definition says: every site of the reference range, in order, also those a copy puts there', () => {
    let seed = 11;
    const random = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let round = 0; round < 20; round++) {
      const set = new SiteSet();
      const model = new Set<number>();
      const density = [0.001, 0.02, 0.3][round % 3]!;
      for (let p = 0; p < 5000; p++) {
        if (random() < density) {
          set.add(p);
          model.add(p);
        }
      }
      let end = 5000;
      for (let c = 0; c < 60; c++) {
        const strand = random() < 0.8 ? 0 : 1;
        const length = 1 + Math.floor(random() * (random() < 0.5 ? 40 : 3000));
        // a target after the range (word-aligned or not), or overlapping it (a repeat in tandem)
        const r = Math.floor(random() * end);
        const a = strand === 0 && random() < 0.3 ? r + 1 + Math.floor(random() * length) : Math.max(r + 1, end + Math.floor(random() * 100));
        if (strand === 1 && r - length + 1 < 0) continue;
        set.copy(strand, r, a, length);
        if (strand === 0) {
          for (let p = r; p < r + length; p++) if (model.has(p)) model.add(a + p - r);
        } else {
          for (let p = r; p > r - length; p--) if (model.has(p)) model.add(a + r - p);
        }
        end = Math.max(end, a + length);
      }
      const sorted = [...model].sort((x, y) => x - y);
      const listed: number[] = [];
      for (let p = set.ahead(0, -1, 0); p >= 0; p = set.ahead(0, p, 0)) listed.push(p);
      expect(listed, `round ${round}`).toEqual(sorted);
      // the counts per block, through the k-th site ahead from anywhere
      for (let t = 0; t < 200; t++) {
        const r = Math.floor(random() * (end + 100));
        const strand = random() < 0.5 ? 0 : 1;
        const k = Math.floor(random() * 60);
        expect(set.ahead(strand, r, k)).toBe(expectedAhead(sorted, strand, r, k));
      }
    }
  });
});

describe('DifferenceSites (revisions 10-13)', () => {
  it('keeps only positions above the last one added, and ignores reference positions', () => {
    const list = new DifferenceSites();
    for (const p of [5, 9, 7, 12]) list.add(p);
    list.addReference(100);
    expect([0, 1, 2, 3].map((k) => list.ahead(0, 0, k))).toEqual([5, 9, 12, -1]);
    expect(list.indexOf(1, 13, 5)).toBe(2);
  });
});
