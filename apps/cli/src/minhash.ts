/**
 * MinHash sketches of genomes (Mash's method: Ondov et al. 2016), for choosing which genomes to
 * code together: the `s` smallest hashes of a genome's canonical k-mers (a k-mer and its reverse
 * complement count as one) estimate the Jaccard index of two genomes' k-mer sets, and from it the
 * Mash distance, which tracks 1 − average nucleotide identity for close genomes.
 *
 * Hashes are 31-bit: two 32-bit mixes (MurmurHash3's finaliser) of the k-mer's 2-bit code, which
 * JavaScript computes with Math.imul and no BigInt, less their low bit. With s = 1000 and bacterial genomes of a few
 * million k-mers the chance that two different k-mers of a pair share a kept hash is negligible
 * (Mash itself uses 32-bit hashes for k ≤ 16; the sketches are not Mash's own). Anything that is not A, C, G or T (either case),
 * N runs and IUPAC letters included, breaks the k-mers that span it; header lines are skipped.
 *
 * A sketch may also be taken of one k-mer in n (`sample`): the k-mers whose strand-independent
 * sample key falls in one n-th of its range, the same k-mers in every genome (as FracMinHash
 * chooses them by their hash, Irber et al. 2022), then the `s` smallest hashes of those. Two such
 * sketches estimate the Jaccard index of the two sampled sets, which is that of the whole sets up
 * to sampling noise; a genome needs about n × s k-mers to fill its sketch. The scale workflow
 * sketches at n = 32, where most bases cost only the rolling of two codes and the key's test.
 */

/** k-mers up to 31 bases: the 2k-bit code is kept in two halves, a high one of at most 30 bits (never negative as an int32). */
export const MAX_KMER = 31;

/** The largest `sample` of a sketch. */
export const MAX_SAMPLE = 1 << 16;

/** The reverse complement of the `m` bases in the low 2m bits of `code`, as an m-base code. */
function reverseComplement(code: number, m: number): number {
  let out = 0;
  for (let j = 0; j < m; j++) out = (out << 2) | (3 - ((code >>> (2 * j)) & 3));
  return out;
}

/** MurmurHash3's 32-bit finaliser: every input bit moves every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The hash of a k-mer code given as its high and low 32 bits: 31 bits, so that it stays a small
 * integer in V8 (a uint32 above 2^31 is a double, which made the loop twice as slow).
 */
function hashKmer(hi: number, lo: number): number {
  return fmix32(lo ^ fmix32(hi ^ 0x9e3779b9)) >>> 1;
}

/**
 * The hash of the canonical k-mer of a forward code and its reverse complement (high and low
 * halves), the one both sketch loops keep. The choice is made without a branch (which way it goes
 * is a coin toss, so a branch is mispredicted half the time): all ones where the forward code is
 * the smaller, comparing the low halves as unsigned (their sign bits flipped).
 */
function canonicalHash(fHi: number, fLo: number, rHi: number, rLo: number): number {
  const forward = -(+(fHi < rHi) | (+(fHi === rHi) & +((fLo ^ 0x80000000) <= (rLo ^ 0x80000000))));
  return hashKmer((fHi & forward) | (rHi & ~forward), (fLo & forward) | (rLo & ~forward));
}

/** A → 0, C → 1, G → 2, T → 3 in either case; the bytes that steer the reading above 3. */
const OTHER = 4; // breaks the k-mers that span it
const NEWLINE = 5; // skipped: a k-mer goes on over line breaks, and CR of CRLF
const HEADER = 6; // '>': a header line when at a line's start, else OTHER
const CODE = new Uint8Array(256).fill(OTHER);
CODE[10] = NEWLINE;
CODE[13] = NEWLINE;
CODE[62] = HEADER;
for (const [i, c] of ['A', 'C', 'G', 'T'].entries()) {
  CODE[c.charCodeAt(0)] = i;
  CODE[c.toLowerCase().charCodeAt(0)] = i;
}

/**
 * Keeps the `size` smallest distinct values seen. Values up to the threshold are gathered in a
 * buffer after the ones kept, which stay sorted; when it is full, the new ones are sorted and
 * merged with the kept ones, repeats dropped and the tail cut, and the threshold becomes one less
 * than the largest value kept. A sort every `size` values costs less than a heap and a set of
 * members updated on every one, and sorting only the new half, then merging, half of sorting it all.
 */
class BottomSet {
  private buffer: Uint32Array;
  private spare: Uint32Array;
  /** The first `kept` values of `buffer` are the smallest so far, ascending and distinct. */
  private kept = 0;
  private count = 0;
  /**
   * The largest value that can enter: one less than the largest of `size` kept values, once there
   * are that many. An int32 (2^31 as the bound of 31-bit hashes was a double, and comparing every
   * k-mer's hash with a double cost 5% of sketching).
   */
  threshold = 0x7fffffff;

  constructor(private readonly size: number) {
    this.buffer = new Uint32Array(2 * size);
    this.spare = new Uint32Array(2 * size);
  }

  /** Takes a value at most `threshold` (the caller's loop checks, with the threshold in a local). */
  add(value: number): void {
    if (this.count === this.buffer.length) this.compact();
    this.buffer[this.count++] = value;
  }

  /** Merges the new values (sorted) with the kept ones into `spare`, keeps the `size` smallest distinct. */
  private compact(): void {
    const { buffer, spare, size } = this;
    const old = this.kept;
    const fresh = buffer.subarray(old, this.count).sort();
    let i = 0;
    let j = 0;
    let kept = 0;
    let last = -1;
    while (kept < size && (i < old || j < fresh.length)) {
      const value = j === fresh.length || (i < old && buffer[i]! <= fresh[j]!) ? buffer[i++]! : fresh[j++]!;
      if (value !== last) spare[kept++] = last = value;
    }
    this.buffer = spare;
    this.spare = buffer;
    this.kept = this.count = kept;
    if (kept === size) this.threshold = spare[kept - 1]! - 1;
  }

  sorted(): number[] {
    this.compact();
    return Array.from(this.buffer.subarray(0, this.kept));
  }
}

export interface Sketch {
  /** Bases (A, C, G, T) read, whether or not in a k-mer. */
  bases: number;
  /** The smallest hashes of the canonical k-mers, ascending, at most `size` of them. */
  hashes: number[];
}

/** Builds the sketch of one genome from its FASTA bytes, fed in pieces of any size. */
export class Sketcher {
  private readonly kept: BottomSet;
  /** Forward and reverse-complement codes of the current k-mer, high and low 32 bits. */
  private fHi = 0;
  private fLo = 0;
  private rHi = 0;
  private rLo = 0;
  /** Bases of the current k-mer so far (it is complete at k). */
  private run = 0;
  private bases = 0;
  /** Inside a header line (from '>' at a line start to its end). */
  private inHeader = false;
  private lineStart = true;
  private readonly hiMask: number;
  private readonly rcShift: number;
  /** A sampled sketch keeps k-mers whose sample key, mixed, has this many leading zero bits. */
  private readonly sampleShift: number;

  /**
   * `sample`: 1 sketches every k-mer; a power of two n sketches the k-mers of one n-th of all
   * possible k-mers (see updateSampled), which is several times faster.
   */
  constructor(
    private readonly k = 21,
    size = 1000,
    private readonly sample = 1,
  ) {
    if (!Number.isInteger(k) || k < 1 || k > MAX_KMER) throw new RangeError(`k must be 1..${MAX_KMER}`);
    if (!Number.isInteger(sample) || sample < 1 || sample > MAX_SAMPLE || (sample & (sample - 1)) !== 0) {
      throw new RangeError(`sample must be a power of two from 1 to ${MAX_SAMPLE}`);
    }
    this.kept = new BottomSet(size);
    // the code of a k-mer is 2k bits: up to 32 in lo, the rest in hi
    this.hiMask = k > 16 ? 2 ** (2 * k - 32) - 1 : 0;
    this.rcShift = 2 * k - 2;
    this.sampleShift = 32 - Math.log2(sample);
  }

  update(bytes: Uint8Array): void {
    let i = 0;
    if (this.inHeader) {
      // the rest of a header line that began in an earlier piece
      const end = bytes.indexOf(10);
      if (end < 0) return;
      this.inHeader = false;
      i = end + 1;
    }
    if (this.sample === 1) this.updateAll(bytes, i);
    else this.updateSampled(bytes, i);
    if (bytes.length > 0) this.lineStart = bytes[bytes.length - 1] === 10;
  }

  /**
   * At a '>' that is not a header (inside a line), or at another letter: the k-mer breaks. At a
   * header's '>': the k-mer breaks and the line is skipped; returns where the reading goes on (-1:
   * the header goes on into the next piece). Else (a line break): `i`, nothing broken.
   */
  private other(bytes: Uint8Array, i: number, c: number): number {
    if (c === HEADER && (i > 0 ? bytes[i - 1] === 10 : this.lineStart)) {
      const end = bytes.indexOf(10, i + 1);
      if (end < 0) this.inHeader = true;
      return end;
    }
    return i;
  }

  /** Every k-mer: the forward and reverse codes rolled on whole, high and low halves. */
  private updateAll(bytes: Uint8Array, from: number): void {
    const k = this.k;
    const hiMask = this.hiMask;
    const rcShift = this.rcShift;
    const kept = this.kept;
    const n = bytes.length;
    let { fHi, fLo, rHi, rLo, run, bases } = this;
    let threshold = kept.threshold;
    for (let i = from; i < n; i++) {
      const c = CODE[bytes[i]!]!;
      if (c > 3) {
        if (c !== NEWLINE) {
          run = 0; // a k-mer never spans two records, nor another letter
          i = this.other(bytes, i, c);
          if (i < 0) break;
        }
        continue;
      }
      bases++;
      // The codes stay int32 (no `>>> 0`): V8 keeps them in registers as small integers.
      if (k > 16) {
        // forward: shift the 2k-bit code left by 2 and add c
        fHi = ((fHi << 2) | (fLo >>> 30)) & hiMask;
        fLo = (fLo << 2) | c;
        // reverse complement: shift right by 2 and put 3 − c on top
        rLo = (rLo >>> 2) | ((rHi & 3) << 30);
        rHi = (rHi >>> 2) | ((3 - c) << (rcShift - 32));
      } else {
        fLo = (fLo << 2) | c;
        if (k < 16) fLo &= (1 << (2 * k)) - 1;
        rLo = (rLo >>> 2) | ((3 - c) << rcShift);
      }
      if (++run < k) continue;
      const h = canonicalHash(fHi, fLo, rHi, rLo);
      if (h <= threshold) {
        kept.add(h);
        threshold = kept.threshold;
      }
    }
    Object.assign(this, { fHi, fLo, rHi, rLo, run, bases });
  }

  /**
   * One k-mer in `sample`, the same for every genome and on both strands: a k-mer is sketched when
   * its sample key, the low 32 bits of its forward code XOR those of its reverse complement (which
   * a strand swap exchanges), mixed by a multiplication, falls in one `sample`-th of its range.
   * The sketch is then the `size` smallest hashes (the same hash as updateAll's) of those k-mers:
   * a MinHash of a fixed subset of all k-mers, which estimates the same Jaccard index. Only the
   * two low halves are rolled on; the high halves are rebuilt from them for the k-mers sampled.
   * At 32 a base costs about 60% of what updateAll spends on it (5.5 against 9 ns, ADR 0017).
   */
  private updateSampled(bytes: Uint8Array, from: number): void {
    const k = this.k;
    const kept = this.kept;
    const n = bytes.length;
    const long = k > 16;
    const loMask = k >= 16 ? -1 : (1 << (2 * k)) - 1;
    // The base that enters the reverse code's low half, complemented, at its top: for k ≤ 16 the
    // base just read (the forward code's lowest), for k > 16 the one k − 16 bases back (which the
    // forward low half still holds), as the low half holds the first 16 bases of the k-mer.
    const lag = long ? 2 * (k - 16) : 0;
    const top = long ? 30 : this.rcShift;
    const sampleShift = this.sampleShift;
    let { fLo, rLo, run, bases } = this;
    let threshold = kept.threshold;
    for (let i = from; i < n; i++) {
      const c = CODE[bytes[i]!]!;
      if (c > 3) {
        if (c !== NEWLINE) {
          run = 0;
          i = this.other(bytes, i, c);
          if (i < 0) break;
        }
        continue;
      }
      bases++;
      fLo = ((fLo << 2) | c) & loMask;
      rLo = (rLo >>> 2) | (((~fLo >>> lag) & 3) << top);
      if (++run < k || Math.imul(fLo ^ rLo, 0x9e3779b1) >>> sampleShift !== 0) continue;
      // the high halves: the first k − 16 bases forward are the reverse complement of the reverse
      // code's lowest ones, and the reverse code's top bases that of the forward code's lowest
      const fHi = long ? reverseComplement(rLo, k - 16) : 0;
      const rHi = long ? reverseComplement(fLo, k - 16) : 0;
      const h = canonicalHash(fHi, fLo, rHi, rLo);
      if (h <= threshold) {
        kept.add(h);
        threshold = kept.threshold;
      }
    }
    Object.assign(this, { fLo, rLo, run, bases });
  }

  digest(): Sketch {
    return { bases: this.bases, hashes: this.kept.sorted() };
  }
}

/**
 * The Jaccard estimate of two sketches of one size: among the `size` smallest hashes of their
 * union, the share that both hold (Mash's estimate); 0 when either is empty.
 */
export function jaccard(a: readonly number[], b: readonly number[], size: number): number {
  let i = 0;
  let j = 0;
  let seen = 0;
  let shared = 0;
  while (seen < size && i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
    seen++;
  }
  const union = Math.min(size, seen + (a.length - i) + (b.length - j));
  return union === 0 ? 0 : shared / union;
}

/** Mash distance from a Jaccard index for k-mers of length k: −ln(2J / (1 + J)) / k; 1 when nothing is shared. */
export function mashDistance(j: number, k: number): number {
  return j === 0 ? 1 : Math.min(1, Math.max(0, -Math.log((2 * j) / (1 + j)) / k));
}
