/**
 * Difference sites: positions of a group's history where a record differed from what it copied.
 * In a collection of close genomes, a genome copying from another often stops where some genome
 * differed there before (a variant of the clade), so a match length is coded as "up to the k-th
 * difference site ahead in the reference" when it is one (tokens.ts, `matchLength`).
 *
 * Two sets, one per revision of the grammar (FORMAT.md, "Codec ref"); a group is read with the
 * one its file announces:
 * - `DifferenceSites` (revisions 10-13): only the record's own positions. Added in increasing
 *   order, a sorted list; a position not above the last is not added again.
 * - `SiteSet` (revision 14): the reference position a difference stands against becomes a site
 *   too, so a later genome that copies the reference, rather than the genome that differed, also
 *   stops there at the price of a site index. Positions come in any order: a bitmap of the history.
 */
import { grow } from './tokens.js';

export interface Sites {
  /** A position of the record being coded where it differed from what it copied. */
  add(position: number): void;
  /** A reference position that a difference stood against (ignored by revisions before 14). */
  addReference(position: number): void;
  /** Copies the sites of reference bases r.. (strand 0) or r, r-1, .. (strand 1) onto target a..a+length. */
  copy(strand: number, r: number, a: number, length: number): void;
  /** The k-th site (from 0) met reading the reference from `r` on `strand`, not counting r; -1 if none. */
  ahead(strand: number, r: number, k: number): number;
  /** k such that ahead(strand, r, k) is `position`, or -1 when `position` is not a site. */
  indexOf(strand: number, r: number, position: number): number;
  /** An independent copy (a group that continues another starts from the other's sites). */
  clone(): Sites;
}

/**
 * What a step of a record makes a site, the same for the writer and the reader (FORMAT.md,
 * "Difference sites"). New bases at `at` (a run from the literal stream) end the previous match,
 * whose alignment put reference `expected` there: both become sites, the reference while it lies
 * in the history (a reverse-strand alignment can run out below position 0).
 */
export function markRun(sites: Sites, at: number, expected: number): void {
  sites.add(at);
  if (expected >= 0) sites.addReference(expected);
}

/**
 * Base k of a substitution run at `at`, against the previous alignment (strand, expected): the
 * run's first base is a site, and so is a base that differs from its aligned base, with that base.
 */
export function markSubstitution(sites: Sites, at: number, k: number, differs: boolean, strand: number, expected: number): void {
  if (differs || k === 0) sites.add(at + k);
  if (differs) sites.addReference(strand === 0 ? expected + k : expected - k);
}

/** The sites of revisions 10-13: a sorted list of the records' own positions. */
export class DifferenceSites implements Sites {
  private sites = new Int32Array(1024);
  private size = 0;

  clone(): DifferenceSites {
    const copy = new DifferenceSites();
    copy.sites = this.sites.slice(0, Math.max(this.size, 1024));
    copy.size = this.size;
    return copy;
  }

  add(position: number): void {
    if (this.size > 0 && this.sites[this.size - 1]! >= position) return;
    this.sites = grow(this.sites, this.size + 1);
    this.sites[this.size++] = position;
  }

  addReference(_position: number): void {}

  copy(strand: number, r: number, a: number, length: number): void {
    if (strand === 0) {
      for (let i = this.lowerBound(r), end = r + length; i < this.size && this.sites[i]! < end; i++) this.add(a + this.sites[i]! - r);
    } else {
      for (let i = this.lowerBound(r + 1) - 1; i >= 0 && this.sites[i]! > r - length; i--) this.add(a + r - this.sites[i]!);
    }
  }

  /** Index of the first site at or after `position`. */
  private lowerBound(position: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sites[mid]! < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  ahead(strand: number, r: number, k: number): number {
    const i = strand === 0 ? this.lowerBound(r + 1) + k : this.lowerBound(r) - 1 - k;
    return i >= 0 && i < this.size ? this.sites[i]! : -1;
  }

  indexOf(strand: number, r: number, position: number): number {
    const j = this.lowerBound(position);
    if (j >= this.size || this.sites[j] !== position) return -1;
    return strand === 0 ? j - this.lowerBound(r + 1) : this.lowerBound(r) - 1 - j;
  }
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Bits of a word at or above bit `b` (0..31), and at or below it. */
const fromBit = (b: number): number => ~0 << b;
const toBit = (b: number): number => (b === 31 ? ~0 : (1 << (b + 1)) - 1);

/** Position of the k-th (from 0) lowest set bit of word `x` of index `w`, or the k-th highest. */
function lowest(w: number, x: number, k: number): number {
  for (; k > 0; k--) x &= x - 1;
  return (w << 5) + (31 - Math.clz32(x & -x));
}
function highest(w: number, x: number, k: number): number {
  for (; k > 0; k--) x &= ~(1 << (31 - Math.clz32(x)));
  return (w << 5) + (31 - Math.clz32(x));
}

/**
 * The sites of revision 14: one bit per position of the history (an eighth of the history's own
 * size), added in any order, and a count per block of 32 words (1,024 positions), so that finding
 * the k-th site ahead skips empty stretches a block at a time: past the last site of the history a
 * word-by-word search read 2,900 words per match on 50 Chlamydia, a quarter of the parse's time.
 */
export class SiteSet implements Sites {
  private bits = new Int32Array(1024);
  private counts = new Int32Array(32);

  /**
   * Makes room for sites at positions below `positions` at once (the group's bases, when known):
   * growing by doubling copied the bitmap about twice over, 5% of the time of reading the last of
   * 50 Chlamydia genomes. A hint: without memory for it, the set grows as before.
   */
  reserve(positions: number): this {
    const words = (positions + 31) >>> 5;
    try {
      // one word more: a copy ORs its bits into the word after its last position's (copyWords),
      // and a bitmap reserved without it doubled at a group's last copy (its 15 MB copied into
      // 31 MB: 36 ms of verifying a batch of 500 genomes)
      this.room(words);
    } catch {
      // no room: grow as sites come
    }
    return this;
  }

  /** Makes room for word `w` of the bitmap, and for the count of its block. */
  private room(w: number): void {
    if (w >= this.bits.length) {
      this.bits = grow(this.bits, w + 1);
      this.counts = grow(this.counts, (this.bits.length + 31) >>> 5);
    }
  }

  clone(): SiteSet {
    const copy = new SiteSet();
    copy.bits = this.bits.slice();
    copy.counts = this.counts.slice();
    return copy;
  }

  add(position: number): void {
    const w = position >>> 5;
    this.room(w);
    this.orWord(w, 1 << (position & 31));
  }

  addReference(position: number): void {
    this.add(position);
  }

  copy(strand: number, r: number, a: number, length: number): void {
    if (strand === 0 && r + length <= a) {
      this.copyWords(r, a, length);
    } else if (strand === 0) {
      // overlapping: a site copied into the range is met again further on, as the bases are
      for (let p = this.forward(r, 0); p >= 0 && p < r + length; p = this.forward(p + 1, 0)) this.add(a + p - r);
    } else {
      for (let p = this.backward(r, 0); p >= 0 && p > r - length; p = this.backward(p - 1, 0)) this.add(a + r - p);
    }
  }

  /**
   * A forward copy whose target lies after its reference range, 32 positions at a time: the bits
   * of r.. shifted onto a... Site by site, each copy looked for the next site, which reads up to a
   * block of words when sites are sparse: a fifth of the time of decoding a batch of 500 genomes.
   */
  private copyWords(r: number, a: number, length: number): void {
    if (length <= 0) return;
    // one word past the target's last: a piece's high part is written to the word after its own,
    // and the reference, which ends before the target, is read a word ahead
    this.room(((a + length - 1) >>> 5) + 1);
    const bits = this.bits;
    for (let done = 0; done < length; done += 32) {
      const n = Math.min(32, length - done);
      // the n sites of the reference from r + done, as the low bits of x
      const from = r + done;
      const w = from >>> 5;
      const o = from & 31;
      let x = o === 0 ? bits[w]! : (bits[w]! >>> o) | (bits[w + 1]! << (32 - o));
      if (n < 32) x &= (1 << n) - 1;
      if (x === 0) continue;
      const to = a + done;
      const t = to >>> 5;
      const shift = to & 31;
      this.orWord(t, x << shift);
      if (shift !== 0) this.orWord(t + 1, x >>> (32 - shift));
    }
  }

  /** Sets the bits of `x` in word `w`, counting those that were not set. */
  private orWord(w: number, x: number): void {
    const before = this.bits[w]!;
    const after = before | x;
    if (after !== before) {
      this.bits[w] = after;
      this.counts[w >>> 5]! += popcount(after ^ before);
    }
  }

  ahead(strand: number, r: number, k: number): number {
    return strand === 0 ? this.forward(r + 1, k) : this.backward(r - 1, k);
  }

  indexOf(strand: number, r: number, position: number): number {
    if (strand === 0 ? position <= r : position >= r) return -1;
    const w = position >>> 5;
    if (w >= this.bits.length || (this.bits[w]! & (1 << (position & 31))) === 0) return -1;
    // the sites strictly between r and position
    return strand === 0 ? this.count(r + 1, position - 1) : this.count(position + 1, r - 1);
  }

  /** The k-th site (from 0) at or after `from`, or -1. */
  private forward(from: number, k: number): number {
    const { bits, counts } = this;
    let w = from >>> 5;
    if (w >= bits.length) return -1;
    // the rest of from's block, word by word
    let x = bits[w]! & fromBit(from & 31);
    const blockEnd = Math.min(bits.length, ((w >>> 5) + 1) << 5);
    for (;;) {
      const c = popcount(x);
      if (c > k) return lowest(w, x, k);
      k -= c;
      if (++w >= blockEnd) break;
      x = bits[w]!;
    }
    if (w >= bits.length) return -1;
    // whole blocks, then the words of the block that holds it
    let b = w >>> 5;
    while (b < counts.length && counts[b]! <= k) k -= counts[b++]!;
    if (b >= counts.length) return -1;
    for (w = b << 5; ; w++) {
      x = bits[w]!;
      const c = popcount(x);
      if (c > k) return lowest(w, x, k);
      k -= c;
    }
  }

  /** The k-th site (from 0) at or before `from`, going down, or -1. */
  private backward(from: number, k: number): number {
    if (from < 0) return -1;
    const { bits, counts } = this;
    let w = from >>> 5;
    let x: number;
    if (w >= bits.length) {
      w = bits.length - 1;
      x = bits[w]!;
    } else x = bits[w]! & toBit(from & 31);
    const blockStart = (w >>> 5) << 5;
    for (;;) {
      const c = popcount(x);
      if (c > k) return highest(w, x, k);
      k -= c;
      if (--w < blockStart) break;
      x = bits[w]!;
    }
    let b = (w + 1 >>> 5) - 1;
    while (b >= 0 && counts[b]! <= k) k -= counts[b--]!;
    if (b < 0) return -1;
    for (w = (b << 5) + 31; ; w--) {
      x = bits[w]!;
      const c = popcount(x);
      if (c > k) return highest(w, x, k);
      k -= c;
    }
  }

  /** Sites in lo..hi. */
  private count(lo: number, hi: number): number {
    if (lo > hi) return 0;
    const { bits, counts } = this;
    const last = Math.min(hi >>> 5, bits.length - 1);
    let w = lo >>> 5;
    if (w > last) return 0;
    const lastMask = last === hi >>> 5 ? toBit(hi & 31) : ~0;
    if (w === last) return popcount(bits[w]! & fromBit(lo & 31) & lastMask);
    let n = popcount(bits[w++]! & fromBit(lo & 31));
    // words up to a block boundary, whole blocks, then the words of the last block
    for (; w < last && (w & 31) !== 0; w++) n += popcount(bits[w]!);
    for (; w + 32 <= last; w += 32) n += counts[w >>> 5]!;
    for (; w < last; w++) n += popcount(bits[w]!);
    return n + popcount(bits[last]! & lastMask);
  }
}

/** No difference sites: the token streams of aligned groups code match lengths as plain numbers. Never added to. */
export const NO_SITES: Pick<Sites, 'ahead' | 'indexOf'> = { ahead: () => -1, indexOf: () => -1 };
