/**
 * Copies a reader has not made yet. Reading one genome of a group means reading every record
 * before it, because the token streams and the literal stream are adaptive through the group; but
 * its bases need only the bases it copies. A record read on the way to another
 * (RefGroupDecoder.skipRecord) writes its literal and substituted bases, which cost nothing to
 * keep, and leaves its copies here: the bytes they would have written are fresh memory, the
 * costliest part of rebuilding a group.
 *
 * A base of a copy not made is found by following copies back to a base that was written
 * (`baseAt`), and a copy that is made follows them a range at a time (`fill`), so the genome read
 * takes its bases straight from where they were last written, instead of making every copy in
 * between: genomes copy their closest earlier relative, so the copies behind the last of 50
 * genomes run through nearly all of the others. Copies only ever read bases before the ones they
 * write, so every step back moves to an earlier position.
 */
import { alignedBase, grow } from './tokens.js';

/** Writes the copy of `length` bases from reference `r` on `strand` to `a` (reverse: complemented, backwards). */
export function copyBases(history: Uint8Array, a: number, strand: number, r: number, length: number): void {
  // A forward copy that does not overlap what it writes is a memmove; an overlapping one repeats
  // the bases it has just written, so it goes base by base.
  if (strand === 0 && r + length <= a) history.copyWithin(a, r, r + length);
  else if (strand === 0) for (let j = 0; j < length; j++) history[a + j] = history[r + j]!;
  else for (let j = 0; j < length; j++) history[a + j] = 3 - history[r - j]!;
}

/**
 * Pieces a made copy may be walked back in, per base of it, before every copy is made instead. The
 * last of the 50 Chlamydia genomes (1 Mb) takes about 0.03 a base through 49 genomes (measured
 * in-process); a crafted file can make every piece one base long through every record.
 */
const PIECES_PER_BASE = 0.25;

export class DeferredCopies {
  // Each copy: target start, strand, reference, length, and whether it has been made; in the order
  // they were added, which is the order of their targets (records are read in order, and a
  // record's matches too), so targets are sorted and do not overlap.
  private target = new Int32Array(64);
  private strand = new Int32Array(64);
  private reference = new Int32Array(64);
  private length = new Int32Array(64);
  private made = new Uint8Array(64);
  private count = 0;
  /** Copies not made yet. */
  pending = 0;

  add(a: number, strand: number, r: number, length: number): void {
    const i = this.count;
    this.target = grow(this.target, i + 1);
    this.strand = grow(this.strand, i + 1);
    this.reference = grow(this.reference, i + 1);
    this.length = grow(this.length, i + 1);
    this.made = grow(this.made, i + 1);
    this.target[i] = a;
    this.strand[i] = strand;
    this.reference[i] = r;
    this.length[i] = length;
    this.made[i] = 0;
    this.count = i + 1;
    this.pending++;
  }

  /** tokens.ts's alignedBase (the base at `expected` + k, or its complement at - k), through the copies not made. */
  alignedBase(history: Uint8Array, strand: number, expected: number, k: number): number {
    if (this.pending === 0) return alignedBase(history, strand, expected, k);
    return strand === 0 ? this.baseAt(history, expected + k) : 3 - this.baseAt(history, expected - k);
  }

  /** The base at position `p` of the history, following copies not made back to a written base. */
  baseAt(history: Uint8Array, p: number): number {
    let flip = 0;
    for (;;) {
      const i = this.containing(p);
      if (i < 0) return history[p]! ^ flip; // 3 - x is x ^ 3 for a base
      const a = this.target[i]!;
      const r = this.reference[i]!;
      // a forward copy that overlaps itself repeats its first a - r bases: those are before it
      if (this.strand[i] === 0) p = r + (r + this.length[i]! > a ? (p - a) % (a - r) : p - a);
      else {
        p = r - (p - a);
        flip ^= 3;
      }
    }
  }

  /**
   * Makes a copy of the record being read (not one held here), taking its bases from where they
   * were written. A walk back that breaks the copy into more pieces than PIECES_PER_BASE allows
   * (only a crafted file does: real chains run through long copies) makes every copy held instead,
   * so that the work stays proportional to the group's bases, as it was before copies were held.
   */
  copy(history: Uint8Array, a: number, strand: number, r: number, length: number): void {
    if (this.pending > 0) {
      const budget = 64 + Math.ceil(length * PIECES_PER_BASE);
      // A forward copy that overlaps itself: the bases before its target, then the repeat of them.
      const overlapping = strand === 0 && r + length > a;
      const done = strand === 1 ? this.fill(history, a, r, -1, 3, length, budget) : this.fill(history, a, r, 1, 0, overlapping ? a - r : length, budget);
      if (done) {
        if (overlapping) for (let j = a - r; j < length; j++) history[a + j] = history[r + j]!;
        return;
      }
      this.materializeAll(history);
    }
    copyBases(history, a, strand, r, length);
  }

  /** Makes the copies held whose targets lie in `from..to`. */
  materialize(history: Uint8Array, from: number, to: number): void {
    if (this.pending === 0) return;
    for (let i = Math.max(0, this.lastAtOrBefore(from)); i < this.count && this.target[i]! < to; i++) {
      if (this.made[i] || this.target[i]! + this.length[i]! <= from) continue;
      this.make(history, i);
    }
  }

  /** Makes every copy held, in order (each then reads only bases already written). */
  materializeAll(history: Uint8Array): void {
    for (let i = 0; i < this.count && this.pending > 0; i++) {
      if (this.made[i]) continue;
      copyBases(history, this.target[i]!, this.strand[i]!, this.reference[i]!, this.length[i]!);
      this.made[i] = 1;
      this.pending--;
    }
  }

  private make(history: Uint8Array, i: number): void {
    if (this.made[i]) return;
    const a = this.target[i]!;
    const s = this.strand[i]!;
    const r = this.reference[i]!;
    const length = this.length[i]!;
    // `copy` never reads inside copy i's own target (where it overlaps itself, it writes the
    // repeat from what it has just written), so it can be made before it is marked.
    this.copy(history, a, s, r, length);
    // (copy may have made every copy held, this one included)
    if (!this.made[i]) {
      this.made[i] = 1;
      this.pending--;
    }
  }

  /**
   * history[t + j] = base(p + d·j) XOR c for j in 0..n, where base() follows copies not made; false
   * (with the range partly written) once it has taken `budget` pieces. A stack of ranges instead of
   * recursion: chains of copies are as deep as the group is long, more than a call stack holds.
   */
  private fill(history: Uint8Array, t: number, p: number, d: number, c: number, n: number, budget: number): boolean {
    const stack = [t, p, d, c, n];
    while (stack.length > 0) {
      n = stack.pop()!;
      c = stack.pop()!;
      d = stack.pop()!;
      p = stack.pop()!;
      t = stack.pop()!;
      while (n > 0) {
        if (--budget < 0) return false;
        const i = this.lastAtOrBefore(p);
        const a = i >= 0 ? this.target[i]! : 0;
        const end = i >= 0 ? a + this.length[i]! : 0;
        let k: number;
        if (i >= 0 && !this.made[i] && p < end) {
          // the bases of this range that copy i holds come from its reference
          const r = this.reference[i]!;
          const s = this.strand[i]!;
          k = Math.min(n, d > 0 ? end - p : p - a + 1);
          if (s === 0 && r + (end - a) > a) {
            // overlapping itself (a tandem repeat): its bases repeat its first period, a - r
            // bases before it; a piece goes as far as the period before it wraps around
            const phase = (p - a) % (a - r);
            k = Math.min(k, d > 0 ? a - r - phase : phase + 1);
            stack.push(t, r + phase, d, c, k);
          } else stack.push(t, s === 0 ? r + (p - a) : r - (p - a), s === 0 ? d : -d, c ^ (s === 0 ? 0 : 3), k);
        } else {
          // written bases, up to the next copy in the direction of travel
          if (d > 0) k = Math.min(n, i + 1 < this.count ? this.target[i + 1]! - p : n);
          else k = Math.min(n, i < 0 ? p + 1 : this.made[i] ? p - a + 1 : p - end + 1);
          if (d > 0 && c === 0) history.copyWithin(t, p, p + k);
          else for (let j = 0; j < k; j++) history[t + j] = history[p + d * j]! ^ c;
        }
        t += k;
        p += d * k;
        n -= k;
      }
    }
    return true;
  }

  /** The copy not made whose target holds position p, or -1. */
  private containing(p: number): number {
    const i = this.lastAtOrBefore(p);
    return i >= 0 && !this.made[i] && p < this.target[i]! + this.length[i]! ? i : -1;
  }

  /** The last copy whose target starts at or before p, or -1. */
  private lastAtOrBefore(p: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.target[mid]! <= p) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
