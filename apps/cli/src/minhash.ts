/**
 * MinHash sketches of genomes (Mash's method: Ondov et al. 2016), for choosing which genomes to
 * code together: the `s` smallest hashes of a genome's canonical k-mers (a k-mer and its reverse
 * complement count as one) estimate the Jaccard index of two genomes' k-mer sets, and from it the
 * Mash distance, which tracks 1 − average nucleotide identity for close genomes.
 *
 * Hashes are 31-bit: two 32-bit mixes (MurmurHash3's finaliser) of the k-mer's 2-bit code (its high
 * and low 32 bits), less their low bit. With s = 1000 and bacterial genomes of a few
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
 *
 * The loop over the bases is WebAssembly (assembly/sketch.ts, compiled into sketch-wasm.ts), where a
 * k-mer's code is one 64-bit integer: 2.5 times as fast as it was in JavaScript (ADR 0017). This
 * module keeps what is per sketch: the smallest hashes, headers, and the state between pieces.
 */

import { CliError } from './errors.js';
import { SKETCH_WASM } from './sketch-wasm.js';

/** k-mers up to 31 bases: the 2k-bit code fits one 64-bit integer, and the high half of a hash's input is at most 30 bits. */
export const MAX_KMER = 31;

/** The largest `sample` of a sketch. */
export const MAX_SAMPLE = 1 << 16;

/** The counts of a radix sort's four passes (one byte of the values each), reused. */
const RADIX_COUNTS = new Uint32Array(4 * 256);

/**
 * Sorts 32-bit unsigned values ascending: a radix sort, a byte a pass from the least significant,
 * through `temp` (of the same length) and back. One read counts the bytes of all four passes. A
 * compaction sorts up to a thousand values; TypedArray.prototype.sort (which compares them as
 * numbers) took 8% of sketching 1,000 synthetic genomes, this about half as long (the sketch job
 * 4% less in all).
 */
export function radixSort(values: Uint32Array, temp: Uint32Array): void {
  const n = values.length;
  const counts = RADIX_COUNTS;
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    counts[v & 255]!++;
    counts[256 + ((v >>> 8) & 255)]!++;
    counts[512 + ((v >>> 16) & 255)]!++;
    counts[768 + (v >>> 24)]!++;
  }
  let from = values;
  let to = temp;
  for (let pass = 0; pass < 4; pass++) {
    const offset = pass << 8;
    const shift = pass << 3;
    // where each byte's values start in `to`
    let at = 0;
    for (let b = offset; b < offset + 256; b++) {
      const c = counts[b]!;
      counts[b] = at;
      at += c;
    }
    for (let i = 0; i < n; i++) {
      const v = from[i]!;
      to[counts[offset + ((v >>> shift) & 255)]!++] = v;
    }
    const swap = from;
    from = to;
    to = swap;
  }
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

  /** Room for radixSort: as many values as can be new at once. */
  private readonly scratch: Uint32Array;

  constructor(private readonly size: number) {
    this.buffer = new Uint32Array(2 * size);
    this.spare = new Uint32Array(2 * size);
    this.scratch = new Uint32Array(2 * size);
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
    const fresh = buffer.subarray(old, this.count);
    radixSort(fresh, this.scratch.subarray(0, fresh.length));
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

/** The class of each byte, as the kernel reads it: A C G T (either case) = 0..3, then these. */
const OTHER = 4; // breaks the k-mers that span it
const NEWLINE = 5; // skipped: a k-mer goes on over line breaks, and CR of CRLF
const HEADER = 6; // '>': a header line when at a line's start, else OTHER
const CLASSES = new Uint8Array(256).fill(OTHER);
CLASSES[10] = NEWLINE;
CLASSES[13] = NEWLINE;
CLASSES[62] = HEADER;
for (const [i, c] of ['A', 'C', 'G', 'T'].entries()) {
  CLASSES[c.charCodeAt(0)] = i;
  CLASSES[c.toLowerCase().charCodeAt(0)] = i;
}

/** The kernel's exports (assembly/sketch.ts). */
interface Kernel {
  memory: WebAssembly.Memory;
  OUT: WebAssembly.Global;
  OUT_CAP: WebAssembly.Global;
  INPUT: WebAssembly.Global;
  configure(k: number, shift: number): void;
  setState(forwardLo: number, forwardHi: number, reverseLo: number, reverseHi: number, length: number): void;
  forwardLo(): number;
  forwardHi(): number;
  reverseLo(): number;
  reverseHi(): number;
  runLength(): number;
  hashesFound(): number;
  basesRead(): number;
  scan(from: number, to: number, threshold: number): number;
}

let instance: Kernel | undefined;

/** The most bytes copied into the kernel's memory at once (a larger piece is fed in parts): bounds its memory. */
const WINDOW = 1 << 24;

/** The kernel, instantiated on first use (synchronously: the module is under a kilobyte). */
function kernel(): Kernel {
  if (!instance) {
    const module = new WebAssembly.Module(Buffer.from(SKETCH_WASM, 'base64'));
    let exports: Kernel;
    try {
      exports = new WebAssembly.Instance(module, {
        env: { abort: () => { throw new Error('the sketch kernel aborted'); } },
      }).exports as unknown as Kernel;
    } catch (e) {
      // V8 reserves several GB of address space for a WebAssembly memory (its bounds checks are
      // guard pages), which a limit on virtual memory refuses
      if (!(e instanceof RangeError)) throw e;
      throw new CliError(
        `cannot reserve the sketching kernel's memory (${e.message}): where virtual memory is limited ` +
          '(ulimit -v, a scheduler\'s h_vmem), run Node with --disable-wasm-trap-handler, e.g. NODE_OPTIONS=--disable-wasm-trap-handler',
      );
    }
    growTo(exports, exports.INPUT.value as number);
    new Uint8Array(exports.memory.buffer, 0, 256).set(CLASSES);
    instance = exports;
  }
  return instance;
}

/** Grows the kernel's memory to at least `bytes` (its pages are 64 KiB). */
function growTo(wasm: Kernel, bytes: number): void {
  const missing = bytes - wasm.memory.buffer.byteLength;
  if (missing > 0) wasm.memory.grow(Math.ceil(missing / 65536));
}

/** Builds the sketch of one genome from its FASTA bytes, fed in pieces of any size. */
export class Sketcher {
  private readonly kept: BottomSet;
  /** The current k-mer's forward and reverse-complement codes (32-bit halves) and its bases so far, between pieces. */
  private state: [forwardLo: number, forwardHi: number, reverseLo: number, reverseHi: number, length: number] = [0, 0, 0, 0, 0];
  private bases = 0;
  /** Inside a header line (from '>' at a line start to its end). */
  private inHeader = false;
  private lineStart = true;
  /** A sampled sketch keeps k-mers whose sample key, mixed, has this many leading zero bits (32: every k-mer). */
  private readonly sampleShift: number;

  /**
   * `sample`: 1 sketches every k-mer; a power of two n sketches the k-mers of one n-th of all
   * possible k-mers (see the module's comment), which is several times faster.
   */
  constructor(
    private readonly k = 21,
    size = 1000,
    sample = 1,
  ) {
    if (!Number.isInteger(k) || k < 1 || k > MAX_KMER) throw new RangeError(`k must be 1..${MAX_KMER}`);
    if (!Number.isInteger(sample) || sample < 1 || sample > MAX_SAMPLE || (sample & (sample - 1)) !== 0) {
      throw new RangeError(`sample must be a power of two from 1 to ${MAX_SAMPLE}`);
    }
    this.kept = new BottomSet(size);
    this.sampleShift = 32 - Math.log2(sample);
  }

  update(bytes: Uint8Array): void {
    if (bytes.length > WINDOW) {
      for (let at = 0; at < bytes.length; at += WINDOW) this.update(bytes.subarray(at, at + WINDOW));
      return;
    }
    let i = 0;
    if (this.inHeader) {
      // the rest of a header line that began in an earlier piece
      const end = bytes.indexOf(10);
      if (end < 0) return;
      this.inHeader = false;
      i = end + 1;
    }
    const wasm = kernel();
    const input = wasm.INPUT.value as number;
    const out = wasm.OUT.value as number;
    growTo(wasm, input + bytes.length);
    new Uint8Array(wasm.memory.buffer, input, bytes.length).set(bytes);
    wasm.configure(this.k, this.sampleShift);
    wasm.setState(...this.state);
    const kept = this.kept;
    const capacity = wasm.OUT_CAP.value as number;
    while (i < bytes.length) {
      i = wasm.scan(i, bytes.length, kept.threshold);
      this.bases += wasm.basesRead();
      const found = wasm.hashesFound();
      for (const h of new Uint32Array(wasm.memory.buffer, out, found)) if (h <= kept.threshold) kept.add(h);
      // Stopped with its buffer full: go on. Else at a '>', where it broke the k-mer: a header
      // when at a line's start (its line is skipped), another letter inside a line.
      if (found === capacity || i === bytes.length) continue;
      if (i > 0 ? bytes[i - 1] === 10 : this.lineStart) {
        const end = bytes.indexOf(10, i + 1);
        if (end < 0) {
          this.inHeader = true;
          break;
        }
        i = end + 1;
      } else {
        i++;
      }
    }
    this.state = [wasm.forwardLo(), wasm.forwardHi(), wasm.reverseLo(), wasm.reverseHi(), wasm.runLength()];
    if (bytes.length > 0) this.lineStart = bytes[bytes.length - 1] === 10;
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
