/**
 * The inner loop of MinHash sketching (src/minhash.ts), in AssemblyScript, compiled to WebAssembly
 * by scripts/build-wasm.mjs (at the repository's root, `pnpm build:wasm`) into src/sketch-wasm.ts.
 *
 * Why WebAssembly: the loop rolls a k-mer's forward and reverse-complement codes over every base.
 * In JavaScript each code is two 32-bit halves (V8 has no fast 64-bit integers), and the loop took
 * about 5 ns a base, a fifth of the scale workflow's time; here a code is one i64 and the loop
 * takes about 2 (ADR 0017). The numbers are the JavaScript loop's, bit for bit: the same sampled
 * k-mers, the same hashes, so sketches written before stay comparable.
 *
 * Memory (the host writes the first and last parts):
 *   [0, 256)                 the class of each byte: A C G T (either case) = 0..3, then
 *                            OTHER (breaks the k-mer), NEWLINE (skipped), HEADER ('>')
 *   [OUT, OUT + 4 × OUT_CAP) the hashes found at or under the threshold, u32
 *   [INPUT, …)               the bytes to read
 */

const OTHER: u32 = 4;
const NEWLINE: u32 = 5;
export const OUT: usize = 256;
export const OUT_CAP: i32 = 4096;
export const INPUT: usize = OUT + (<usize>OUT_CAP << 2);

// The state between calls: the current k-mer's codes (2 bits a base, the first base most
// significant forward), how many bases it has so far (at most k), and what the last call found.
let forward: u64 = 0;
let reverse: u64 = 0;
let run: i32 = 0;
let found: i32 = 0;
let bases: i32 = 0;

let k: i32 = 21;
let mask: u64 = 0;
let top: u64 = 0;
let sampleShift: u32 = 0;

/** k (1..31) and the sample's shift (32 − log2 n; 32 sketches every k-mer); setState gives the k-mer. */
export function configure(kmer: i32, shift: u32): void {
  k = kmer;
  mask = (<u64>1 << (<u64>(2 * kmer))) - 1;
  top = <u64>(2 * kmer - 2);
  sampleShift = shift;
}

/** Sets the k-mer state (a host keeps one per sketch); the codes as 32-bit halves. */
export function setState(forwardLo: u32, forwardHi: u32, reverseLo: u32, reverseHi: u32, length: i32): void {
  forward = (<u64>forwardHi << 32) | <u64>forwardLo;
  reverse = (<u64>reverseHi << 32) | <u64>reverseLo;
  run = length;
}
export function forwardLo(): u32 { return <u32>forward; }
export function forwardHi(): u32 { return <u32>(forward >> 32); }
export function reverseLo(): u32 { return <u32>reverse; }
export function reverseHi(): u32 { return <u32>(reverse >> 32); }
export function runLength(): i32 { return run; }
/** Hashes written at OUT by the last scan. */
export function hashesFound(): i32 { return found; }
/** Bases (A, C, G, T) the last scan read. */
export function basesRead(): i32 { return bases; }

/** MurmurHash3's 32-bit finaliser, as src/minhash.ts computes it. */
// @ts-ignore: decorator
@inline function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >>> 16);
}

/**
 * The 31-bit hash of the canonical k-mer (the smaller of the two codes, as an unsigned number),
 * taken on its high and low 32 bits as src/minhash.ts does.
 */
// @ts-ignore: decorator
@inline function canonicalHash(f: u64, r: u64): u32 {
  const code = f < r ? f : r;
  return fmix32(<u32>code ^ fmix32(<u32>(code >> 32) ^ 0x9e3779b9)) >>> 1;
}

/**
 * Reads bytes INPUT + from .. INPUT + to, keeping at OUT the hashes of the k-mers it sketches that
 * are at most `threshold`. Stops at a '>' (the host decides whether it starts a header), or when
 * OUT is full; returns where it stopped (`to` when it read everything).
 */
export function scan(from: i32, to: i32, threshold: u32): i32 {
  let f = forward;
  let r = reverse;
  let length = run;
  let count = 0;
  // bytes read that are not bases (line ends, other letters): the bases read are the rest
  let skipped = 0;
  const kk = k;
  const m = mask;
  const t = top;
  const shift = sampleShift;
  const all = shift >= 32;
  const start = INPUT + <usize>from;
  let p = start;
  const end = INPUT + <usize>to;
  while (p < end) {
    const c = <u32>load<u8>(<usize>load<u8>(p));
    if (c > 3) {
      if (c != NEWLINE) {
        length = 0;
        if (c != OTHER) break; // '>'
      }
      skipped++;
      p++;
      continue;
    }
    f = (f << 2) | <u64>c;
    r = (r >> 2) | (<u64>(c ^ 3) << t);
    p++;
    if (++length < kk) continue;
    // A whole k-mer: from here every base makes a new one, until a byte that is not a base. This
    // loop keeps no count of the bases (they are the bytes read less those skipped) and no length
    // of the k-mer (it stays kk: only whether it has reached kk counts): 7% less time a base than
    // one loop that kept both.
    length = kk;
    let full = false;
    for (;;) {
      const fm = f & m;
      // the sample: a key that a strand swap leaves as it is (the low halves of both codes, XOR),
      // mixed, in one n-th of its range
      if (all || ((<u32>fm ^ <u32>r) * 0x9e3779b1) >>> shift == 0) {
        const h = canonicalHash(fm, r);
        if (h <= threshold) {
          store<u32>(OUT + (<usize>count << 2), h);
          if (++count == OUT_CAP) {
            full = true;
            break;
          }
        }
      }
      if (p >= end) break;
      const d = <u32>load<u8>(<usize>load<u8>(p));
      if (d > 3) break;
      f = (f << 2) | <u64>d;
      r = (r >> 2) | (<u64>(d ^ 3) << t);
      p++;
    }
    if (full) break;
  }
  forward = f;
  reverse = r;
  run = length;
  found = count;
  bases = <i32>(p - start) - skipped;
  return <i32>(p - INPUT);
}
