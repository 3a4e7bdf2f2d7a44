/**
 * The repeat models (ADR 0031): up to `copies` earlier occurrences of the recent bases followed at
 * once, on both strands, each predicting the base that comes next in its copy. The match model
 * (match.ts) follows one copy, the most recent, and drops it after 8 misses in 16; these follow
 * several, found by a k-mer seed, and keep each through up to `maxMisses` misses in 16, so that a
 * diverged copy (an old transposon, a paralogous gene, a related genome earlier in the input) still
 * predicts its conserved bases, and copies that disagree outvote one another.
 *
 * Each copy's prediction is weighed by how often copies in its state (misses among its last 16
 * predictions, and its current run of hits) were right; the mixer gets three inputs: the copies'
 * summed log-likelihood ratios for the bit, a counter of how often the bit went with the copies when
 * so many agreed and so many disagreed, and a counter keyed by the base the copies favour, by how
 * far, and the last two bases. All in integers, like the rest of the model (ADR 0005).
 */
import { STRETCH } from './logistic.js';
import { COUNTER_INIT, mix32, trainCounter } from './counters.js';

export interface RepeatSpec {
  /** Copies followed at once. */
  copies: number;
  /** Bases of the seed that finds a copy (≤ 16): the last k bases, found earlier on either strand. */
  k: number;
  /** Earlier occurrences of the seed tried per strand and base, most recent first. */
  seeds: number;
  /** log2 of the seed index's slots (it is shrunk to fit a short record). */
  hashBits: number;
  /** A copy is dropped when more of its last 16 predictions than this were wrong. */
  maxMisses: number;
}

/** A copy's state: misses among its last 16 predictions (0..16) × its run of hits, bucketed (0..7). */
const RUN_BUCKETS = 8;
const STATES = 17 * RUN_BUCKETS;

function runBucket(run: number): number {
  return run < 4 ? run : run < 8 ? 4 : run < 16 ? 5 : run < 32 ? 6 : 7;
}

/**
 * A copy right with probability p (12 bits) about its base, and wrong bases equally likely, makes
 * its first bit right with probability (1 + 2p) / 3, and, that bit right, its second with 3p / (1 + 2p):
 * the stretch of each, by p, so that the copies' votes add as log-likelihood ratios.
 */
const FIRST_BIT_LR = new Int32Array(4096);
const SECOND_BIT_LR = new Int32Array(4096);
for (let p = 0; p < 4096; p++) {
  FIRST_BIT_LR[p] = STRETCH[Math.min(4095, Math.trunc((4096 + 2 * p) / 3))]!;
  SECOND_BIT_LR[p] = STRETCH[Math.min(4095, Math.trunc((3 * p * 4096) / (4096 + 2 * p)))]!;
}

/** Links of the seed index's chain: 64 MB, a genome of 16 Mb whole. */
const CHAIN_SPAN = 2 ** 24;

/** Agreeing and disagreeing copies counted up to 15 each, per tree node. */
const VOTE_SLOTS = 3 * 16 * 16;
/** The favoured base (or none) × margin bucket (0..7) × the last two bases. */
const TOP_SLOTS = 5 * 8 * 16;

export class RepeatModels {
  /** The three mixer inputs this adds. */
  static readonly INPUTS = 3;

  private readonly copies: number;
  private readonly k: number;
  private readonly seeds: number;
  private readonly maxMisses: number;
  /** Per copy: where its next base is, its strand (+1, −1 reverse complement, 0 unused), ... */
  private readonly ptr: Int32Array;
  private readonly dir: Int8Array;
  /**
   * ... its last 16 predictions (1 = miss, newest in bit 0) and how many missed (counted as they
   * come: a popcount per copy and base took 2% of level 4's time), its run of hits, the base it
   * predicts, its state.
   */
  private readonly misses: Int32Array;
  private readonly missCount: Int32Array;
  private readonly run: Int32Array;
  private readonly predicted: Int8Array;
  private readonly state: Int32Array;
  /** P(a copy is right) by its state. */
  private readonly weights = new Int32Array(STATES).fill(COUNTER_INIT);

  /** Per base, summed over the copies that predict it: count, first-bit and second-bit votes, weight. */
  private readonly count = new Int32Array(4);
  private readonly firstVote = new Int32Array(4);
  private readonly secondVote = new Int32Array(4);
  private readonly support = new Int32Array(4);

  private readonly votes = new Int32Array(VOTE_SLOTS).fill(COUNTER_INIT);
  private readonly top = new Int32Array(TOP_SLOTS * 4).fill(COUNTER_INIT);
  private voteSlot = -1;
  private topSlot = 0;
  private node = 0;

  /**
   * Seed index: the latest end (bases known) of each hashed k-mer, and a chain from each end to the
   * one before it in the same slot. The chain is a ring of CHAIN_SPAN ends, so that its memory stays
   * bounded on a long record: an end older than that is reached only as a slot's latest.
   */
  private readonly head: Int32Array;
  private readonly chain: Int32Array;
  private readonly chainMask: number;
  private readonly shift: number;
  private readonly kmerMask: number;
  /** Reverse complement of the last k bases, as a forward k-mer. */
  private rcKmer = 0;

  constructor(
    spec: RepeatSpec,
    /** The symbols coded so far (all of them on the encoder's side); length = the record's. */
    private readonly history: Uint8Array,
  ) {
    if (!(spec.k >= 4 && spec.k <= 16 && spec.copies >= 1 && spec.seeds >= 1 && spec.maxMisses >= 0 && spec.maxMisses < 16)) {
      throw new Error('repeat models need 4 ≤ k ≤ 16, copies ≥ 1, seeds ≥ 1 and 0 ≤ maxMisses < 16');
    }
    this.copies = spec.copies;
    this.k = spec.k;
    this.seeds = spec.seeds;
    this.maxMisses = spec.maxMisses;
    this.ptr = new Int32Array(spec.copies);
    this.dir = new Int8Array(spec.copies);
    this.misses = new Int32Array(spec.copies);
    this.missCount = new Int32Array(spec.copies);
    this.run = new Int32Array(spec.copies);
    this.predicted = new Int8Array(spec.copies);
    this.state = new Int32Array(spec.copies);
    this.shift = 32 - spec.hashBits;
    this.kmerMask = spec.k === 16 ? -1 : (1 << (2 * spec.k)) - 1;
    this.head = new Int32Array(2 ** spec.hashBits);
    const span = Math.min(CHAIN_SPAN, 2 ** (32 - Math.clz32(history.length)));
    this.chain = new Int32Array(span);
    this.chainMask = span - 1;
  }

  /** The three inputs at tree `node` into st[at..at + 3). */
  inputs(st: Int32Array, at: number, node: number): void {
    this.node = node;
    const count = this.count;
    let vote: number;
    let agree: number;
    let disagree: number;
    if (node === 0) {
      // Bases 2 and 3 (G, T) have first bit 1.
      vote = this.firstVote[2]! + this.firstVote[3]! - this.firstVote[0]! - this.firstVote[1]!;
      agree = count[2]! + count[3]!;
      disagree = count[0]! + count[1]!;
    } else {
      // Node 1 decides A/C, node 2 G/T: the copies that predicted the other pair are silent.
      const zero = 2 * (node - 1);
      vote = this.secondVote[zero + 1]! - this.secondVote[zero]!;
      agree = count[zero + 1]!;
      disagree = count[zero]!;
    }
    st[at] = vote > 2047 ? 2047 : vote < -2047 ? -2047 : vote;
    if (agree + disagree === 0) {
      this.voteSlot = -1;
      st[at + 1] = 0;
    } else {
      this.voteSlot = (node * 16 + (agree > 15 ? 15 : agree)) * 16 + (disagree > 15 ? 15 : disagree);
      st[at + 1] = STRETCH[this.votes[this.voteSlot]! >>> 20]!;
    }
    st[at + 2] = STRETCH[this.top[this.topSlot + node]! >>> 20]!;
  }

  /** Learns the coded bit at the node last passed to inputs(). */
  train(bit: number): void {
    if (this.voteSlot >= 0) this.votes[this.voteSlot] = trainCounter(this.votes[this.voteSlot]!, bit, 255);
    const t = this.topSlot + this.node;
    this.top[t] = trainCounter(this.top[t]!, bit, 255);
  }

  /** Moves past base i (`sym`, newest in `h0`): scores and moves the copies, drops failing ones, seeds new ones. */
  advance(i: number, sym: number, h0: number): void {
    const { copies, dir, ptr, misses, missCount, run, weights } = this;
    for (let r = 0; r < copies; r++) {
      const d = dir[r]!;
      if (d === 0) continue;
      const miss = this.predicted[r] === sym ? 0 : 1;
      const s = this.state[r]!;
      weights[s] = trainCounter(weights[s]!, 1 - miss, 1023);
      const old = misses[r]!;
      misses[r] = ((old << 1) | miss) & 0xffff;
      const count = missCount[r]! + miss - (old >>> 15);
      missCount[r] = count;
      run[r] = miss ? 0 : run[r]! + 1;
      const next = ptr[r]! + d;
      if (count > this.maxMisses || next < 0) dir[r] = 0;
      else ptr[r] = next;
    }
    this.seed(i, sym, h0);
    this.tally(h0);
  }

  /** Starts following the earlier occurrences of the last k bases, on both strands, not followed yet. */
  private seed(i: number, sym: number, h0: number): void {
    const k = this.k;
    this.rcKmer = (this.rcKmer >>> 2) | ((3 - sym) << (2 * k - 2));
    const n = i + 1; // bases known
    if (n < k) return;
    const h = mix32(h0 & this.kmerMask) >>> this.shift;
    // The same k-mer ending at c earlier: its next base, history[c], is predicted next.
    let c = this.head[h]!;
    for (let j = 0; c > 0; c = this.previous(c, n)) {
      if (this.forwardMatch(c, i)) this.start(c, 1);
      if (++j === this.seeds) break;
    }
    // A k-mer ending at c that is the reverse complement of ours: the complement of the base before
    // it comes next, and the copy is read backwards.
    c = this.head[mix32(this.rcKmer & this.kmerMask) >>> this.shift]!;
    for (let j = 0; c > 0; c = this.previous(c, n)) {
      if (c > k && this.reverseMatch(c - k, i)) this.start(c - k - 1, -1);
      if (++j === this.seeds) break;
    }
    this.chain[n & this.chainMask] = this.head[h]!;
    this.head[h] = n;
  }

  /** The end before c in its slot, or 0 when there is none or the ring no longer holds c's link (n: bases known). */
  private previous(c: number, n: number): number {
    return c > n - this.chain.length ? this.chain[c & this.chainMask]! : 0;
  }

  /** Whether the k bases before c equal the k bases ending at i (the index is hashed). */
  private forwardMatch(c: number, i: number): boolean {
    const h = this.history;
    for (let j = 1; j <= this.k; j++) if (h[c - j] !== h[i + 1 - j]) return false;
    return true;
  }

  /** Whether the k bases from `start` are the reverse complement of the k bases ending at i. */
  private reverseMatch(start: number, i: number): boolean {
    const h = this.history;
    for (let j = 0; j < this.k; j++) if (h[start + j] !== 3 - h[i - j]!) return false;
    return true;
  }

  /** Follows the copy whose next base is at p on strand d, unless it is followed already; replaces a failing copy when all are in use. */
  private start(p: number, d: number): void {
    let free = -1;
    let worst = -1;
    let worstMisses = 1; // a copy with 0 or 1 misses in 16 is never replaced
    for (let r = 0; r < this.copies; r++) {
      if (this.dir[r] === 0) {
        if (free < 0) free = r;
      } else if (this.ptr[r] === p && this.dir[r] === d) {
        return;
      } else if (this.missCount[r]! > worstMisses) {
        worstMisses = this.missCount[r]!;
        worst = r;
      }
    }
    const slot = free >= 0 ? free : worst; // a free slot beats any replacement
    if (slot < 0) return;
    this.ptr[slot] = p;
    this.dir[slot] = d;
    this.misses[slot] = 0;
    this.missCount[slot] = 0;
    this.run[slot] = 0;
  }

  /** Each copy's prediction and state for the next base, summed per base, and the favoured base's counter slot. */
  private tally(h0: number): void {
    const { count, firstVote, secondVote, support } = this;
    for (let b = 0; b < 4; b++) {
      count[b] = 0;
      firstVote[b] = 0;
      secondVote[b] = 0;
      support[b] = 0;
    }
    for (let r = 0; r < this.copies; r++) {
      const d = this.dir[r]!;
      if (d === 0) continue;
      const b = this.history[this.ptr[r]!]!;
      const e = d > 0 ? b : 3 - b;
      this.predicted[r] = e;
      const s = this.missCount[r]! * RUN_BUCKETS + runBucket(this.run[r]!);
      this.state[r] = s;
      const p = this.weights[s]! >>> 20;
      count[e]!++;
      firstVote[e]! += FIRST_BIT_LR[p]!;
      secondVote[e]! += SECOND_BIT_LR[p]!;
      support[e]! += p;
    }
    let best = 4;
    let first = 0;
    let second = 0;
    for (let b = 0; b < 4; b++) {
      const v = support[b]!;
      if (v > first) {
        second = first;
        first = v;
        best = b;
      } else if (v > second) second = v;
    }
    const margin = best === 4 ? 0 : Math.min(7, 32 - Math.clz32(((first - second) >> 8) + 1));
    this.topSlot = ((best * 8 + margin) * 16 + (h0 & 15)) * 4;
  }
}
