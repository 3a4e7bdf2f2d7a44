/**
 * The match models: one follows the most recent earlier occurrence of the last `minLength` bases
 * and predicts the base that followed it; the other does the same on the reverse-complement strand
 * (a palindromic repeat read backwards). Both tolerate substitutions: a match is followed through
 * mismatches until too many of its recent predictions failed.
 */
import { STRETCH } from './logistic.js';
import { COUNTER_INIT, mix32, trainCounter } from './counters.js';

export const MATCH_LENGTH_BUCKETS = 16;
/**
 * Of the last 16 predictions; more misses and the match is dropped (the default: a model's
 * `match.maxMisses` may keep its matches through more, ADR 0035).
 */
const MAX_MATCH_MISSES = 8;

export function lengthBucket(len: number): number {
  if (len === 0) return 0;
  if (len < 16) return 1 + (len >> 2); // 1..4
  if (len < 32) return 5 + ((len - 16) >> 3); // 5..6
  return Math.min(15, 2 + (31 - Math.clz32(len))); // 32..63 → 7, doubling after
}

/** Set bits among the low 16 bits of x. */
export function popcount16(x: number): number {
  x &= 0xffff;
  x -= (x >> 1) & 0x5555;
  x = (x & 0x3333) + ((x >> 2) & 0x3333);
  x = (x + (x >> 4)) & 0x0f0f;
  return (x + (x >> 8)) & 0x1f;
}

/** One match, on either strand: the same code for both, the strand given by `step` and `flip`. */
export class Match {
  /** The position of the predicted base in the history. */
  private ptr = 0;
  len = 0;
  /** The last predictions, newest in bit 0: 1 for a miss. */
  miss = 0;
  /** The base it predicts next, or -1. */
  private exp = -1;
  /** Its counter context for the next base: length bucket × recent misses. */
  private context = 0;
  /** The counter used for the current bit, or -1 when the match was silent. */
  private counter = -1;
  private bit = 0;
  /** Confidence counters: 2 tree levels × length buckets × miss counts. */
  private readonly counters = new Int32Array(2 * MATCH_LENGTH_BUCKETS * 4).fill(COUNTER_INIT);

  constructor(
    /** +1 forward; -1 on the reverse-complement strand, where the pointer walks backwards. */
    private readonly step: 1 | -1,
    /** 0 forward; 3 on the reverse strand, where the prediction is the complement (3 - x = 3 ^ x). */
    private readonly flip: 0 | 3,
    /** Misses among the last 16 predictions beyond which the match is dropped. */
    private readonly maxMisses: number = MAX_MATCH_MISSES,
  ) {}

  /** Whether to look for a new candidate: there is no match, or the current one just failed. */
  get wantsCandidate(): boolean {
    return this.len === 0 || (this.miss & 1) !== 0;
  }

  /** Whether `ptr` is where the match already points. */
  pointsAt(ptr: number): boolean {
    return ptr === this.ptr;
  }

  start(ptr: number, len: number): void {
    this.ptr = ptr;
    this.len = len;
    this.miss = 0;
  }

  /** Follows the match past the base just coded. */
  follow(sym: number): void {
    if (this.exp < 0) return;
    if (sym === this.exp) {
      if (this.len < 65535) this.len++;
      this.miss <<= 1;
    } else {
      this.miss = (this.miss << 1) | 1;
      if (popcount16(this.miss) > this.maxMisses) this.len = 0;
    }
    this.ptr += this.step;
    if (this.ptr < 0) this.len = 0;
  }

  /** Sets the prediction for the next base. */
  settle(history: Uint8Array): void {
    if (this.len === 0) {
      this.exp = -1; // silent: its context is not read
      return;
    }
    this.exp = history[this.ptr]! ^ this.flip;
    this.context = lengthBucket(this.len) * 4 + Math.min(3, popcount16(this.miss));
  }

  /** Its mixer input at tree `node` (stretch domain): silent (0) unless its base is still possible. */
  input(node: number): number {
    const exp = this.exp;
    if (exp >= 0 && (node === 0 || node - 1 === exp >> 1)) {
      this.bit = node === 0 ? exp >> 1 : exp & 1;
      this.counter = (node === 0 ? 0 : 1) * MATCH_LENGTH_BUCKETS * 4 + this.context;
      const s = STRETCH[this.counters[this.counter]! >>> 20]!;
      return this.bit ? s : -s;
    }
    this.counter = -1;
    return 0;
  }

  /** For the mixer's selector: 0 silent, 1 + the bit it predicted. */
  get state(): number {
    return this.counter >= 0 ? 1 + this.bit : 0;
  }

  train(bit: number): void {
    const c = this.counter;
    if (c >= 0) this.counters[c] = trainCounter(this.counters[c]!, bit === this.bit ? 1 : 0, 255);
  }
}

/** What a model's match models are (ModelSpec.match). */
export interface MatchSpec {
  /** Bases that must agree before a candidate becomes the match (the first ≤ 16 are hashed). */
  minLength: number;
  /** The table has 2^hashBits slots. */
  hashBits: number;
  /** Only the k-mers ending at every step-th base are put in the table (default 1: all; ADR 0018). */
  step?: number;
  /** Misses among a match's last 16 predictions beyond which it is dropped (default 8; ADR 0035). */
  maxMisses?: number;
}

/** Both matches and the hash table of k-mer end positions they share. */
export class MatchModel {
  readonly forward: Match;
  readonly reverse: Match;
  /** Length bucket of the longer of the two matches. */
  longestBucket = 0;
  private readonly table: Int32Array;
  private readonly shift: number;
  /** Bases hashed to find a candidate (≤ 16). */
  private readonly kmer: number;
  /** Bases that must agree before a candidate becomes the match. */
  private readonly minLength: number;
  /** Reverse complement of the last `kmer` bases, as a forward k-mer. */
  private rcKmer = 0;

  /**
   * An entry holds a position in its low `positionBits` bits and, above them, bits of its k-mer's
   * hash that the index did not use (`checkMask`). A slot that some other k-mer wrote last is then
   * rejected without reading the history at the position it holds: that read was a cache miss on
   * most bases of a large genome, and the verification would have rejected the candidate anyway
   * (it needs the same k-mer, hence the same hash), so the coded bytes do not change.
   */
  private readonly positionBits: number;
  private readonly positionMask: number;
  private readonly checkMask: number;

  /** Only k-mers ending at every `step`-th base are put in the table (all are looked up). */
  private readonly step: number;

  constructor(
    spec: MatchSpec,
    private readonly history: Uint8Array,
  ) {
    this.forward = new Match(1, 0, spec.maxMisses);
    this.reverse = new Match(-1, 3, spec.maxMisses);
    this.kmer = Math.min(16, spec.minLength);
    this.minLength = spec.minLength;
    this.step = spec.step ?? 1;
    this.shift = 32 - spec.hashBits;
    this.table = new Int32Array(2 ** spec.hashBits);
    // Positions are at most history.length; the sign bit stays clear.
    this.positionBits = 32 - Math.clz32(history.length);
    this.positionMask = this.positionBits >= 31 ? 0x7fffffff : (1 << this.positionBits) - 1;
    this.checkMask = 0x7fffffff & ~this.positionMask;
  }

  /** The check bits an entry for a k-mer of hash `h` carries above its position. */
  private check(h: number): number {
    return (h << this.positionBits) & this.checkMask;
  }

  /** The position a slot holds for a k-mer of hash `h`, or 0 when another k-mer wrote it last. */
  private candidate(h: number): number {
    const entry = this.table[h >>> this.shift]!;
    return (entry & this.checkMask) === this.check(h) ? entry & this.positionMask : 0;
  }

  /** Moves both matches past base i (`sym`, newest in `h0`), looking for new ones where needed. */
  advance(i: number, sym: number, h0: number): void {
    const history = this.history;
    const k = this.kmer;
    const { forward, reverse } = this;
    this.rcKmer = (this.rcKmer >>> 2) | ((3 - sym) << (2 * k - 2));
    forward.follow(sym);
    reverse.follow(sym);

    const n = i + 1; // bases known
    if (n >= k) {
      const h = mix32(k === 16 ? h0 : h0 & ((1 << (2 * k)) - 1));
      if (forward.wantsCandidate) {
        const cand = this.candidate(h);
        if (cand > 0 && !forward.pointsAt(cand)) {
          // Verify: how many bases before cand agree with the bases before n?
          let len = 0;
          while (len < 32 && len < cand && history[cand - 1 - len] === history[i - len]) len++;
          if (len >= this.minLength) forward.start(cand, len);
        }
      }
      if (reverse.wantsCandidate) {
        const end = this.candidate(mix32(this.rcKmer));
        // A forward k-mer ending at `end` equals revcomp of our last k bases; the base before it,
        // complemented, is the prediction, and the pointer walks backwards.
        if (end > k) {
          let len = 0;
          const start = end - k;
          while (len < 32 && start + len < n && history[start + len] === 3 - history[i - len]!) len++;
          if (len >= this.minLength && !reverse.pointsAt(start - 1)) reverse.start(start - 1, len);
        }
      }
      if (n % this.step === 0) this.table[h >>> this.shift] = this.check(h) | n;
    }
    forward.settle(history);
    reverse.settle(history);
    this.longestBucket = lengthBucket(forward.len > reverse.len ? forward.len : reverse.len);
  }
}
