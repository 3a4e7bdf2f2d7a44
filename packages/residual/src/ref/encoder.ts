/**
 * The reference codec's writer: codes the records of a group one after another, each against
 * every base of the group before it (the earlier records and its own beginning), on both strands.
 *
 * A greedy parse finds long matches through an index of sampled 16-mers of the history (a hash
 * table with chains, newest first, so the most recent genomes are tried first; of a copy, only
 * the k-mers at its two ends) and keeps the candidate that extends furthest; after a difference
 * it first tries to resume the previous alignment (a substitution), then a nearby one (an indel),
 * then a new one. What matches nothing becomes literal bases, which all records of the group
 * share in one `cm` stream, so the model of what is new keeps learning across genomes. Time and
 * size follow what is new, not the input.
 *
 * A group of divergent genomes is instead coded "aligned" (ADR 0016): the token streams only
 * describe the alignment (a run of substitutions no longer ends a match), and every base of the
 * group goes through one `cm` stream with the base its alignment puts there as a hint, so cm's
 * models weigh each difference in its context. The parse is the same; its matches are kept while
 * the group is read (so record payloads are only known at its end), and finish() writes the
 * aligned description from them when at least ALIGNED_DIVERGENCE of the bases the matches align
 * differ from the base aligned with them.
 */
import { InvalidInputError } from '../errors.js';
import { cmEncodeSteps, runSteps, type CodingStep } from '../cm/codec.js';
import { CM_ALIGNED_LEVELS } from '../cm/levels.js';
import { EncodingChannel } from './bits.js';
import { alignedBase, Alignments, classifyMatch, GRAMMAR_R14, grow, NEAR_RANGE, positionBits, substituted, TokenModels, type TokenGrammar } from './tokens.js';
import { DifferenceSites, markRun, markSubstitution, SiteSet, type Sites } from './sites.js';
import { writeSharedHead, type RefHistory } from './shared.js';
import { AlignedRecord } from './aligned.js';

/** k-mer length of the index: 16 bases fill one 32-bit code exactly. */
const K = 16;
/**
 * Every STEP-th position of literal bases is indexed, every SPARSE_STEP-th of copied ones; a match
 * of K + STEP - 1 bases against new material is always found.
 */
const STEP = 4;
const SPARSE_STEP = 16;
/**
 * Of a copy, only the k-mers that start in its first and last COPY_EDGE bases are indexed: on the
 * grid of SPARSE_STEP, one k-mer at each end, and the one at its end spans the difference after
 * it, where a later genome that shares that difference looks (a lookup at a difference tries
 * every k-mer that holds it). The others are its source's k-mers, which the index already holds.
 * Indexing every copy whole was much of the parse's memory traffic: without the interiors a batch
 * of 500 genomes of the scale workflow compresses in 10-16% less time and 0.3% larger, the 50
 * Chlamydia in 11% less time and 0.1% smaller (ADR 0026). Edges of 16 bases instead of 64 then
 * made the workflow's synthetic set 0.27% smaller in 3% less time, the collections at level 2
 * 0.06% smaller (ADR 0026's addendum). What is lost is the newest genome that holds a k-mer
 * through a copy: the lookup finds the copy's source instead, an older genome, which may part
 * from the record sooner.
 */
const COPY_EDGE = 16;
/**
 * The index's head table has 2^HEAD_BITS slots (16 MB); once the index holds more entries than
 * half of them (new material of about 8 Mb), it grows to 2^LARGE_HEAD_BITS (64 MB), its chains
 * rebuilt as they were. With 16 MB throughout, 15 unrelated genomes (51 Mb, 8.1 M entries) walked
 * chains that held other k-mers of the same hash, each one a cache miss at its position, and took
 * about 1.5 times as long (ADR 0017, sixteenth addendum). Close collections (a batch of 500 synthetic
 * genomes: 0.9 M entries) and the divergent drafts (1.1 M) never reach it: 64 MB of fresh memory
 * costs them more (its first touch, 80-180 ms here) than the shorter chains save.
 *
 * A group whose capacity (RefOptions) is small starts with a table to match, at most half full
 * if every base were new material, and at least 2^MIN_HEAD_BITS slots: the 16 MB table's fresh
 * memory took about 30 ms to allocate and touch here, more than coding a few kilobases takes
 * (the command line's warm-up codes such a group before a large archive, ADR 0039). Outgrown,
 * it grows to 2^HEAD_BITS, chains rebuilt the same way.
 */
const MIN_HEAD_BITS = 16;
const HEAD_BITS = 22;
const LARGE_HEAD_BITS = 24;
/**
 * The k-mers in the index are also marked in a bitmap, by a second hash, so that a lookup reads
 * the table only for a k-mer that is likely there. Most lookups are of k-mers that hold a new
 * difference, which nothing earlier has: 79% of the table's entries they read were empty, and a
 * further share held other k-mers of the same hash, each a cache and TLB miss in a 16 MB table
 * where the bitmap's read is most often a hit. The parse of a batch of 500 synthetic genomes, and
 * of 50 Chlamydia, takes about 15% less time (ADR 0017). It has PRESENT_EXTRA_BITS more bits than
 * the head table (1 MB, then 4 MB), so that it is as sparse in a large index.
 */
const PRESENT_EXTRA_BITS = 1;

/** The bit of a k-mer in a bitmap of 2^(32 - shift) bits. */
function markKmer(code: number, shift: number): number {
  return Math.imul(code, 0x85ebca6b) >>> shift;
}
/**
 * Deep in a run of new bases (LONG_RUN since the last match), the parse looks up every
 * LONG_RUN_STEP-th position instead of every one: nothing has matched for a while, and a match
 * found late is extended backwards over the bases it skipped ("take back"). A step of 3, prime to
 * the index's grids of 4 and 16, still meets every entry's phase: matches of 27 bases against new
 * material and of 63 against copies are always found there (19 and 31 elsewhere). Unrelated
 * genomes (15 bacteria, 50 MB, level 1) then compress in 36% less time and 0.14% larger; close and
 * divergent collections change by at most 0.07% (ADR 0026).
 */
const LONG_RUN = 1024;
const LONG_RUN_STEP = 3;
/** The most bases reserved at once for a group's history (its index reserves 8 bytes per 4 bases; memory is only touched where used). */
const MAX_RESERVE = 2 ** 30;
/** Candidates tried per lookup, newest first. */
const DEPTH = 32;
/** A resumed alignment must match this many bases (else the bases join a substitution run). */
const DIAGONAL_MIN = 8;
/** A new alignment must save this many bits over coding its bases as literals (~2 bits each). */
const MIN_GAIN_BITS = 12;
/** A match this long is taken without looking for a longer one. */
const GOOD_ENOUGH = 1 << 12;
/**
 * A group is coded aligned when at least this share of the bases its matches align (copies and
 * substitutions) differ from the base aligned with them. Aligned groups cost cm's time on every
 * base, so close genomes (50 Chlamydia: 0.05%) keep the token streams, which are much faster and
 * there as small; divergent ones (E. faecalis drafts 0.9%, Listeria drafts 3.4%, Blochmannia)
 * are 0.5-6% smaller aligned (ADR 0016).
 */
export const ALIGNED_DIVERGENCE = 0.005;

/** The slot of a k-mer in a head table of 2^(32 - shift) slots. */
function hashKmer(code: number, shift: number): number {
  return Math.imul(code, 0x9e3779b1) >>> shift;
}

export interface RefOptions {
  /** cm level (1..4) of the literal stream; default 2. */
  level?: number;
  /**
   * Whether finish() may code the group aligned (its cm model is then one of CM_ALIGNED_LEVELS,
   * which an older reader lacks); default true. Level 1 never does.
   */
  aligned?: boolean;
  /**
   * Bases the group will most likely hold (the writer's budget): the history and the index are
   * reserved for that many at once, a hint, not a limit. Reserving costs nothing until a page is
   * written, while growing by doubling copied every base once or twice and wrote fresh memory
   * twice: about 0.4 s of a 1.5 s parse of 50 Chlamydia (53 MB).
   */
  capacity?: number;
  /**
   * The grammar of the token streams: GRAMMAR_R14 (the default), or GRAMMAR_R10 for a group of a
   * file that does not announce revision 14's (an archive appended to). A group that continues
   * another is in the same file, so it has the grammar of the group it continues.
   */
  grammar?: TokenGrammar;
}

/** What a finished group is written as: its shared bytes and each record's token stream, in order. */
export interface RefGroupCoding {
  shared: Uint8Array;
  records: Uint8Array[];
}

export class RefGroupEncoder {
  private history: Uint8Array = new Uint8Array(1 << 16);
  /** The history's bytes read four at a time by `extend` (2.6x faster than byte by byte, measured). */
  private view = new DataView(this.history.buffer);
  private size = 0;
  private literals: Uint8Array = new Uint8Array(1 << 16);
  private literalCount = 0;
  /**
   * The index: each hash's newest entry, each entry linked to the one before it with the same hash.
   * Entry i is nodes[2i] (the position it indexes) and nodes[2i + 1] (the entry before it with the
   * same hash, -1: none), in the order they were added: an entry's position and link share a cache
   * line, and the nodes take only as much fresh memory as there are entries. Links kept in tables
   * by position (one for copies by p / SPARSE_STEP, one for literals by p / STEP) were sparse in a
   * close collection, where most of the group is copies and literals are few and scattered: with
   * the workflow's huge pages, each first write there zeroed 2 MB, 8% of the time of compressing a
   * batch of 500 genomes (ADR 0017, fifteenth addendum).
   *
   * `head` holds each newest entry plus one, so that 0 is "none" and the table starts as the fresh
   * zeroed memory it is allocated as: filling 16 MB with -1 touched every page before the first
   * record, which took 12 ms of a workflow job that compresses a small batch (288 -> 276 ms).
   * It grows with the entries (HEAD_BITS); `headShift` is 32 minus its bits.
   */
  private head: Int32Array;
  private headShift: number;
  /** Whether the head table may still grow: not once it is large, nor once memory for it was refused. */
  private mayGrow = true;
  /** The k-mers indexed, by markKmer: a bit set for each (a Bloom filter of one hash). */
  private present: Int32Array;
  private presentShift: number;
  /** The marks of the k-mers whose hashes are in `batch` (link). */
  private readonly marks = new Int32Array(256);
  private nodes = new Int32Array(1 << 14);
  private nodeCount = 0;
  private readonly grammar: TokenGrammar;
  private readonly tokens: TokenModels;
  private readonly sites: Sites;
  private readonly batch = new Int32Array(256);
  /** The index's newest entries for the k-mers one position of the parse looks up. */
  private readonly heads = new Int32Array(2 * SPARSE_STEP);
  /** Each record's token stream. */
  private readonly payloads: Uint8Array[] = [];
  /**
   * What the aligned description needs of each record: where it starts, its length and its
   * matches (start, strand, reference, length; four numbers each). The description itself is
   * written in finish(), only for a group that turns out aligned: built during the parse, its
   * per-base hints alone touched as much fresh memory as the history, for groups that mostly
   * are not aligned.
   */
  private readonly parses: { base: number; n: number; matches: number[] }[] = [];
  /** The cm model of an aligned group, or undefined where this group cannot be aligned. */
  private readonly alignedModel: number | undefined;
  /** Where this group's own bases start in the history (after a continued group's). */
  private readonly start: number;
  /** Bases that matches aligned (copied or substituted), and the substituted ones that differ. */
  private alignedBases = 0;
  private differing = 0;
  /** Set by finish(), which lets the index go: the group takes no more records. */
  private finished = false;

  /**
   * `continues`: what the group this one continues left (its decoder's `continuation()`): its bases
   * are the start of this group's history, indexed whole, every SPARSE_STEP-th position as copies
   * are: where its copies start and end is not known there, and most of it is copies. Every 4th
   * position instead gave 0.5-2% smaller continuations and took 1.5x the time (ADR 0013).
   */
  constructor(
    private readonly options: RefOptions = {},
    continues?: RefHistory,
  ) {
    const grammar = options.grammar ?? GRAMMAR_R14;
    this.grammar = grammar;
    this.tokens = new TokenModels(grammar);
    this.alignedModel = options.aligned === false ? undefined : CM_ALIGNED_LEVELS[options.level ?? 2];
    const before = continues?.bases.length ?? 0;
    if (before > 2 ** 31) throw new InvalidInputError('a chain of reference groups holds at most 2^31 bases');
    const reserve = Math.max(before, Math.min(MAX_RESERVE, before + Math.max(0, options.capacity ?? 0))) + 4;
    const bits = options.capacity === undefined ? HEAD_BITS : Math.max(MIN_HEAD_BITS, Math.min(HEAD_BITS, Math.ceil(Math.log2((2 * reserve) / STEP))));
    this.head = new Int32Array(1 << bits);
    this.headShift = 32 - bits;
    this.present = new Int32Array(1 << (bits + PRESENT_EXTRA_BITS - 5));
    this.presentShift = 32 - (bits + PRESENT_EXTRA_BITS);
    this.sites = continues ? continues.sites.clone() : grammar.referenceSites ? new SiteSet().reserve(reserve) : new DifferenceSites();
    if (reserve > this.history.length) {
      try {
        const history = new Uint8Array(reserve);
        // as many entries as a group of new material indexes (every STEP-th base); a close
        // collection touches a small part of it
        this.nodes = new Int32Array(2 * (Math.floor(reserve / STEP) + 1));
        this.history = history;
        this.view = new DataView(history.buffer);
      } catch {
        // no room to reserve (a small machine, a browser): grow as the records come
      }
    }
    if (continues) {
      // + 4: `extend` reads whole words, up to 3 bytes past the last base
      this.history = grow(this.history, before + 4);
      this.view = new DataView(this.history.buffer);
      this.history.set(continues.bases);
      this.size = before;
      this.index(0, before, true);
    }
    this.start = this.size;
  }

  /** Codes the next record of the group; finish() returns its payload (the token stream). */
  encodeRecord(symbols: Uint8Array): void {
    if (this.finished) throw new InvalidInputError('a reference group takes no record after finish()');
    const n = symbols.length;
    const base = this.size;
    // Positions are int32 in the index and the difference sites, and the format caps a group at 2^31.
    if (base + n > 2 ** 31) throw new InvalidInputError('a reference group (with the groups it continues) holds at most 2^31 bases');
    // + 4: `extend` reads whole words, up to 3 bytes past the last base
    if (base + n + 4 > this.history.length) {
      this.history = grow(this.history, base + n + 4);
      this.view = new DataView(this.history.buffer);
    }
    const history = this.history;
    history.set(symbols, base);
    // Every symbol must be 0..3: OR-ed a word (four symbols) at a time where the history's words
    // align, four words a turn, the ends byte by byte (the history is a buffer of its own, so its
    // words are aligned from 0). Through DataView reads at any offset this took 60 ms of 115 MB,
    // through aligned words 20 ms (measured).
    const end = base + n;
    // arithmetic, not masks: positions reach 2^31, past int32
    const first = base + ((4 - (base % 4)) % 4); // the first aligned position
    const last = end - (end % 4); // past the last whole word
    let any = 0;
    for (let j = base; j < Math.min(first, end); j++) any |= history[j]!;
    if (first < last) {
      const words = new Uint32Array(history.buffer, first, (last - first) >>> 2);
      const count = words.length;
      let w = 0;
      for (; w + 4 <= count; w += 4) any |= words[w]! | words[w + 1]! | words[w + 2]! | words[w + 3]!;
      for (; w < count; w++) any |= words[w]!;
    }
    for (let j = Math.max(first, last); j < end; j++) any |= history[j]!;
    if ((any & 0xfcfcfcfc) !== 0) throw new InvalidInputError(`symbol ${symbols.find((x) => x > 3)} is not 0..3`);
    this.size = base + n;
    const io = new EncodingChannel(64 + (n >> 6));
    const tokens = this.tokens;
    const matches: number[] | undefined = this.alignedModel !== undefined ? [] : undefined;
    if (matches) this.parses.push({ base, n, matches });

    let pos = 0;
    let litStart = 0;
    let previous = -1; // kind of the previous match, -1 before the first
    let strand = 0;
    let expected = 0; // reference position aligned with target position `prevEnd` on the previous diagonal
    let prevEnd = 0;
    const recent = new Alignments();
    let kmerAt = -2;
    let fw = 0;
    let rc = 0;

    while (pos < n) {
      const a = base + pos;
      let bestLen = 0;
      let bestRef = 0;
      let bestStrand = 0;
      let bestScore = -Infinity;
      // 1. resume the previous alignment
      if (previous >= 0) {
        const d = pos - prevEnd;
        const r = strand === 0 ? expected + d : expected - d;
        const len = this.extend(r, a, strand, n - pos);
        if (len >= DIAGONAL_MIN || (len > 0 && pos + len === n)) {
          bestLen = len;
          bestRef = r;
          bestStrand = strand;
          bestScore = 2 * len - 2;
        }
      }
      // 2. new alignments through the index, on both strands. Right after a difference, also
      // through the k-mers that end on it: copies are indexed sparsely, and a genome that shares
      // the difference is found only where its grid of indexed positions meets ours. Such a
      // switch must beat resuming the alignment after a substitution.
      const atDifference = previous >= 0 && pos === prevEnd;
      let minScore = MIN_GAIN_BITS;
      if (atDifference && pos + 1 < n) {
        const resumed = this.extend(strand === 0 ? expected + 1 : expected - 1, a + 1, strand, n - pos - 1);
        if (resumed >= DIAGONAL_MIN) minScore = Math.max(minScore, 2 * resumed - 4);
      }
      const lowest = atDifference ? Math.max(0, pos - SPARSE_STEP + 1) : pos;
      const highest = Math.min(pos, n - K);
      const heads = this.heads;
      let count = 0;
      // the k-mer at `pos` (forward and reverse complement), rolled on from the one before
      if (highest === pos && kmerAt === pos - 1) {
        const x = history[a + K - 1]!;
        fw = (fw << 2) | x;
        rc = ((rc >> 2) & 0x3fffffff) | ((3 - x) << 30);
        kmerAt = pos;
      }
      const fresh = pos - litStart; // new bases since the last match
      if ((fresh < LONG_RUN || fresh % LONG_RUN_STEP === 0) && highest >= lowest && bestLen < GOOD_ENOUGH) {
        let f: number;
        let c: number;
        if (highest === pos && kmerAt === pos) {
          f = fw;
          c = rc;
        } else {
          f = 0;
          c = 0;
          for (let j = 0; j < K; j++) {
            const x = history[base + highest + j]!;
            f = (f << 2) | x;
            c = ((c >> 2) & 0x3fffffff) | ((3 - x) << 30);
          }
          if (highest === pos) {
            // from here on rolled on, base by base
            fw = f;
            rc = c;
            kmerAt = pos;
          }
        }
        // The newest entry of each k-mer from `highest` down to `lowest`, forward and reverse, read
        // before any is followed: the reads are cache misses, which the processor overlaps only
        // when nothing between them waits on one. Each k-mer is the next one shifted by a base.
        const head = this.head;
        const shift = this.headShift;
        const present = this.present;
        const presentShift = this.presentShift;
        for (let q = highest; ; q--) {
          const mf = markKmer(f, presentShift);
          const mc = markKmer(c, presentShift);
          heads[count++] = (present[mf >>> 5]! >>> mf) & 1 ? head[hashKmer(f, shift)]! - 1 : -1;
          heads[count++] = (present[mc >>> 5]! >>> mc) & 1 ? head[hashKmer(c, shift)]! - 1 : -1;
          if (q === lowest) break;
          const x = history[base + q - 1]!;
          f = (x << 30) | (f >>> 2);
          c = (c << 2) | (3 - x);
        }
      }
      // newest first, k-mer by k-mer from `highest` down, forward before reverse
      const nodes = this.nodes;
      for (let i = 0; i < count && bestLen < GOOD_ENOUGH; i++) {
        const q = highest - (i >> 1);
        const s = i & 1;
        for (let depth = 0, e = heads[i]!; e >= 0 && depth < DEPTH; depth++) {
          const p = nodes[2 * e]!;
          e = nodes[2 * e + 1]!;
          const r = s === 0 ? p + (pos - q) : p + K - 1 - (pos - q);
          // quick reject: a longer match must also match the base after the best one's end (with
          // none yet, the first base: most candidates of a lookup in new material fail there)
          if (bestLen < n - pos) {
            const want = history[a + bestLen]!;
            if (s === 0 ? history[r + bestLen] !== want : r < bestLen || 3 - history[r - bestLen]! !== want) continue;
          }
          const len = this.extend(r, a, s, n - pos);
          if (len <= bestLen) continue;
          const score = 2 * len - this.cost(recent, strand, expected + (strand === 0 ? 1 : -1) * (pos - prevEnd), s, r, a);
          if (score > bestScore && score >= minScore) {
            bestLen = len;
            bestRef = r;
            bestStrand = s;
            bestScore = score;
          }
        }
      }
      if (bestLen === 0) {
        pos++;
        continue;
      }
      // Take back literals that the match explains too.
      let r = bestRef;
      let start = pos;
      if (bestStrand === 0) {
        while (start > litStart && r > 0 && history[r - 1] === history[base + start - 1]) {
          start--;
          r--;
        }
      } else {
        while (start > litStart && r + 1 < base + start - 1 && history[r + 1] === 3 - history[base + start - 1]!) {
          start--;
          r++;
        }
      }
      const length = bestLen + (pos - start);
      const run = start - litStart;
      tokens.literalRun(io, previous, run);
      const match = classifyMatch(recent, previous < 0, strand, expected, start - prevEnd, bestStrand, r, base + start, run, length);
      const kind = match.kind;
      tokens.writeMatch(io, match, this.sites, start + length < n);
      const hinted = substituted(kind, run, strand, expected);
      if (hinted) {
        for (let k = 0; k < run; k++) {
          const aligned = alignedBase(history, strand, expected, k);
          const x = history[base + litStart + k]!;
          tokens.substitution(io, run, k, aligned, x);
          markSubstitution(this.sites, base + litStart, k, x !== aligned, strand, expected);
          if (x !== aligned) this.differing++;
        }
      } else {
        this.addLiterals(base + litStart, run);
        if (run > 0 && previous >= 0) markRun(this.sites, base + litStart, expected);
      }
      this.alignedBases += length + (hinted ? run : 0);
      matches?.push(start, bestStrand, r, length);
      this.index(base + litStart, base + start, false);
      this.indexCopy(base + start, base + start + length);
      this.sites.copy(bestStrand, r, base + start, length);
      recent.use(bestStrand, Alignments.diagonal(bestStrand, r, base + start));
      previous = kind;
      strand = bestStrand;
      pos = start + length;
      prevEnd = pos;
      expected = strand === 0 ? r + length : r - length;
      litStart = pos;
    }
    if (litStart < n) {
      tokens.literalRun(io, previous, n - litStart);
      this.addLiterals(base + litStart, n - litStart);
      if (previous >= 0) markRun(this.sites, base + litStart, expected);
      this.index(base + litStart, base + n, false);
    }
    this.payloads.push(io.coder.finishShort().slice());
  }

  /** Slots of the index's head table now (HEAD_BITS): for tests. */
  get indexSlots(): number {
    return this.head.length;
  }

  /** Whether finish() codes the group aligned (ALIGNED_DIVERGENCE); known once every record is in. */
  get aligned(): boolean {
    return this.alignedModel !== undefined && this.alignedBases > 0 && this.differing >= ALIGNED_DIVERGENCE * this.alignedBases;
  }

  /**
   * The group's shared bytes (the literal count and the cm payload of every literal base; aligned:
   * the group's base count and the cm payload of all its bases, with their hints) and each
   * record's token stream.
   */
  finish(): RefGroupCoding {
    return runSteps(this.finishing(Infinity));
  }

  /**
   * finish() in steps: cm codes the shared stream `slice` bases at a time, and each step yields
   * how far it is (bases done of the shared stream's total), so that a caller on an event loop can
   * return to it between them and show progress (a large group's literals took level 4 minutes in
   * one piece, and Ctrl-C waited for them). The group takes no more records from this call on,
   * whether or not the steps are run.
   */
  finishing(slice: number): Generator<CodingStep, RefGroupCoding> {
    if (this.finished) throw new InvalidInputError('a reference group was finished twice');
    this.finished = true;
    // What only the parse needed goes before cm's model is allocated, so that the two do not add
    // up: the index is 2 bytes a base of new material, and a batch of the scale workflow (200 M
    // bases, all new at worst) held it while its literal stream was coded (ADR 0017, nineteenth
    // addendum).
    this.releaseIndex();
    return this.codeShared(slice);
  }

  private *codeShared(slice: number): Generator<CodingStep, RefGroupCoding> {
    if (this.aligned) {
      // The aligned description, from the parse's matches: its own token models and streams, and
      // every base's hint (the base its alignment puts there, or 4: none).
      const count = this.size - this.start;
      const hints = new Uint8Array(count);
      const alignedTokens = new TokenModels(this.grammar);
      const records = this.parses.map(({ base, n, matches }) => {
        const alignment = new AlignedRecord(alignedTokens, this.history, hints, base, n, base - this.start);
        for (let i = 0; i < matches.length; i += 4) alignment.match(matches[i]!, matches[i + 1]!, matches[i + 2]!, matches[i + 3]!);
        return alignment.finish();
      });
      const cm = yield* cmEncodeSteps(this.history.subarray(this.start, this.size), { model: this.alignedModel, hints }, slice);
      return { shared: writeSharedHead(count, cm), records };
    }
    const literals = this.literals.subarray(0, this.literalCount);
    // not aligned: cm codes only the literals, which are a copy of their own, so the history goes too
    this.history = new Uint8Array(0);
    this.view = new DataView(this.history.buffer);
    const cm = yield* cmEncodeSteps(literals, { level: this.options.level }, slice);
    return { shared: writeSharedHead(this.literalCount, cm), records: this.payloads };
  }

  /** Lets the index go (finish): no record is parsed after it. */
  private releaseIndex(): void {
    this.head = new Int32Array(0);
    this.present = new Int32Array(0);
    this.nodes = new Int32Array(0);
    this.nodeCount = 0;
  }

  private addLiterals(from: number, count: number): void {
    this.literals = grow(this.literals, this.literalCount + count);
    this.literals.set(this.history.subarray(from, from + count), this.literalCount);
    this.literalCount += count;
  }

  /** Approximate bits of the reference of a match: what the grammar will spend on it. */
  private cost(recent: Alignments, strand: number, aligned: number, s: number, r: number, a: number): number {
    if (recent.size > 0 && s === strand) {
      const shift = Math.abs(r - aligned);
      if (shift === 0) return 2;
      if (shift < NEAR_RANGE) return 4 + 2 * Math.log2(shift + 1);
    }
    const repeat = recent.closest(s, r, a);
    if (repeat) return 4 + 2 * Math.log2(repeat.index) + (repeat.shift === 0 ? 0 : 2 + 2 * Math.log2(Math.abs(repeat.shift) + 1));
    return 3 + positionBits(a);
  }

  /** Length of the match of target position `a` against reference position `r` on `strand`, at most `max`. */
  private extend(r: number, a: number, strand: number, max: number): number {
    const history = this.history;
    const view = this.view;
    if (r < 0 || r >= a) return 0;
    let len = 0;
    // Four bases at a time while whole words fit, then base by base. The reverse strand reads the
    // reference word big-endian (its bases backwards) and complements the target's (x ^ 3 = 3 - x).
    if (strand === 0) {
      while (len + 4 <= max && view.getUint32(r + len, true) === view.getUint32(a + len, true)) len += 4;
      while (len < max && history[r + len] === history[a + len]) len++;
    } else {
      const limit = Math.min(max, r + 1);
      while (len + 4 <= limit && view.getUint32(r - len - 3, false) === (view.getUint32(a + len, true) ^ 0x03030303)) len += 4;
      while (len < limit && history[r - len] === 3 - history[a + len]!) len++;
    }
    return len;
  }

  /** Indexes a copy of `from..to`: the k-mers at its two ends (COPY_EDGE). */
  private indexCopy(from: number, to: number): void {
    if (to - from <= 2 * COPY_EDGE) {
      this.index(from, to, true);
    } else {
      this.index(from, from + COPY_EDGE, true);
      this.index(to - COPY_EDGE, to, true);
    }
  }

  /**
   * Adds the k-mers starting in `from..to` to the index: of new material (literals) every STEP-th
   * position, of copies (matches) every SPARSE_STEP-th: a copy's bases are also found at its
   * source, and inserting into the table is the parse's largest cost (a cache miss each).
   */
  private index(from: number, to: number, copies: boolean): void {
    const step = copies ? SPARSE_STEP : STEP;
    const last = Math.min(to, this.size - K + 1);
    const batch = this.batch.length;
    for (let first = Math.ceil(from / step) * step; first < last; first += step * batch) {
      const e = this.nodeCount;
      const m = Math.min(batch, Math.ceil((last - first) / step));
      const nodes = (this.nodes = grow(this.nodes, 2 * (e + m)));
      for (let i = 0; i < m; i++) nodes[2 * (e + i)] = first + i * step;
      this.link(e, m, this.head, this.headShift, this.present, this.presentShift);
      this.nodeCount = e + m;
      if (2 * this.nodeCount > this.head.length && this.mayGrow) this.growHead();
    }
  }

  /**
   * Links entries e..e+m-1 (m at most a batch; their positions are in `nodes`) into a head table
   * and its bitmap, each after the newest entry of its hash. Hashes first, the tables' updates
   * after: the updates are cache misses, and with no hashing between them the processor overlaps
   * them (twice as fast, measured).
   */
  private link(e: number, m: number, head: Int32Array, shift: number, present: Int32Array, presentShift: number): void {
    const nodes = this.nodes;
    const hashes = this.batch;
    const marks = this.marks;
    for (let i = 0; i < m; i++) {
      const code = this.kmerCode(nodes[2 * (e + i)]!);
      hashes[i] = hashKmer(code, shift);
      marks[i] = markKmer(code, presentShift);
    }
    for (let i = 0; i < m; i++) {
      present[marks[i]! >>> 5] |= 1 << marks[i]!;
      nodes[2 * (e + i) + 1] = head[hashes[i]!]! - 1;
      head[hashes[i]!] = e + i + 1;
    }
  }

  /** The 2-bit code of the k-mer at history position `p`, the first base most significant. */
  private kmerCode(p: number): number {
    // int32 codes (no `>>> 0`), so that V8 keeps them as small integers; four symbols per word
    // read (twice as fast as byte by byte, measured)
    const view = this.view;
    let code = 0;
    for (let j = 0; j < K; j += 4) {
      const w = view.getUint32(p + j, true);
      code = (code << 8) | ((w & 3) << 6) | ((w >> 4) & 0x30) | ((w >> 14) & 0x0c) | ((w >>> 24) & 3);
    }
    return code;
  }

  /**
   * The next head table and its bitmap (HEAD_BITS, then LARGE_HEAD_BITS): every entry is linked
   * again, oldest first, so that each chain is what that table would have held from the start,
   * newest first.
   */
  private growHead(): void {
    const bits = 32 - this.headShift < HEAD_BITS ? HEAD_BITS : LARGE_HEAD_BITS;
    this.mayGrow = bits < LARGE_HEAD_BITS;
    let head = new Int32Array(0);
    let present = head;
    try {
      head = new Int32Array(1 << bits);
      present = new Int32Array(1 << (bits + PRESENT_EXTRA_BITS - 5));
    } catch {
      // No room (a small machine, a browser): the first table serves, more slowly. Its chains hold
      // more k-mers of other hashes, which can change the parse where DEPTH cuts a chain short
      // (no byte changed with tables of 2^18 to 2^24 slots on the sets of ADR 0017's sixteenth addendum).
      this.mayGrow = false;
      return;
    }
    const shift = 32 - bits;
    const presentShift = 32 - (bits + PRESENT_EXTRA_BITS);
    const batch = this.batch.length;
    for (let e = 0; e < this.nodeCount; e += batch) this.link(e, Math.min(batch, this.nodeCount - e), head, shift, present, presentShift);
    this.head = head;
    this.headShift = shift;
    this.present = present;
    this.presentShift = presentShift;
  }
}
