/**
 * The token grammar of the reference codec: how one record is described as literal runs and
 * matches against the group's history. Each field is coded by one method, in the order the
 * encoder (encoder.ts) and decoder (decoder.ts) call them:
 *
 *   repeat until the record is complete:
 *     literal run length                      (the bases themselves: see below)
 *     if the record is not complete yet:
 *       kind: diagonal | near | repeat | far  diagonal = the previous match's alignment, resumed
 *       near: signed shift of that alignment  (small insertions and deletions)
 *       repeat: one of the record's recent alignments (Alignments), and a shift of it
 *       far:  strand, reference position      (anywhere in the history, either strand)
 *       match length − 1
 *       if diagonal or near and 1 ≤ run ≤ MAX_SUBSTITUTION_RUN: the run's bases, each against the
 *       base the previous alignment puts there (a substitution model); otherwise the run's bases
 *       are the next ones of the group's literal stream, which cm codes.
 *
 * Every number is coded with adaptive contexts that persist across the records of a group, so
 * the model learns a collection's typical distances between differences.
 */
import { BitModels, codeRaw, NumberModels, type BitChannel } from './bits.js';
import type { Sites } from './sites.js';

/**
 * What changed in the grammar over the format's revisions; a group is read with the grammar its
 * file announces (the required flag ReferenceSites: revision 14).
 */
export interface TokenGrammar {
  /** Revision 14: a difference also makes the reference position it stands against a site (SiteSet). */
  readonly referenceSites: boolean;
  /**
   * Revision 14: the first base of a substitution run has contexts of its own. It differs from
   * the base its alignment puts there (the match before it ended there), so its "same?" decision
   * is nearly free; sharing the contexts of the run's other bases cost about 0.6% of the tokens.
   */
  readonly firstSubstitution: boolean;
  /**
   * Revision 14: the length of a literal run after a repeat match has adaptive contexts of its own,
   * as FORMAT.md always said. Revision 10's reference implementation allocated contexts for four
   * kinds of previous match, not five, so those of a run after a repeat match were read past the
   * end of their table: every decision of such a run is coded at a fixed probability of 1/4096 for
   * a 1 and never adapts. Files written so still decode that way; fixing it made the tokens of 50
   * Chlamydia 9% smaller.
   */
  readonly runAfterRepeat: boolean;
}

export const GRAMMAR_R10: TokenGrammar = { referenceSites: false, firstSubstitution: false, runAfterRepeat: false };
export const GRAMMAR_R14: TokenGrammar = { referenceSites: true, firstSubstitution: true, runAfterRepeat: true };

export const enum MatchKind {
  Diagonal = 0,
  Near = 1,
  Far = 2,
  Repeat = 3,
}

/** Longest literal run coded against the reference (a cluster of substitutions). */
export const MAX_SUBSTITUTION_RUN = 256;
/** Largest alignment shift coded as "near"; farther is "far". */
export const NEAR_RANGE = 1 << 16;

/** Alignments a record remembers for `repeat` matches, the current one included. */
export const RECENT_ALIGNMENTS = 16;

/**
 * The record's recent alignments, most recent first. An alignment is a strand and a diagonal:
 * reference − target position on the forward strand, reference + target position on the reverse
 * one (constant along a match either way). A genome whose closest relative changes from region to
 * region switches between a few references; returning to one costs an index and a small shift
 * instead of a position in the whole history.
 */
export class Alignments {
  private readonly strands = new Int32Array(RECENT_ALIGNMENTS);
  private readonly diagonals = new Float64Array(RECENT_ALIGNMENTS);
  size = 0;

  static diagonal(strand: number, reference: number, target: number): number {
    return strand === 0 ? reference - target : reference + target;
  }

  /** Reference position that entry `index` aligns with target position `target`. */
  reference(index: number, target: number): number {
    return this.strands[index] === 0 ? this.diagonals[index]! + target : this.diagonals[index]! - target;
  }

  strand(index: number): number {
    return this.strands[index]!;
  }

  /** The entry (from 1: entry 0 is the current alignment) closest to `reference` on `strand`, within NEAR_RANGE. */
  closest(strand: number, reference: number, target: number): { index: number; shift: number } | undefined {
    let best: { index: number; shift: number } | undefined;
    for (let i = 1; i < this.size; i++) {
      if (this.strands[i] !== strand) continue;
      const shift = reference - this.reference(i, target);
      if (Math.abs(shift) < NEAR_RANGE && (!best || Math.abs(shift) < Math.abs(best.shift))) best = { index: i, shift };
    }
    return best;
  }

  /** Makes (strand, diagonal) the most recent alignment. */
  use(strand: number, diagonal: number): void {
    let at = 0;
    while (at < this.size && !(this.strands[at] === strand && this.diagonals[at] === diagonal)) at++;
    if (at === this.size) at = Math.min(this.size++, RECENT_ALIGNMENTS - 1);
    this.size = Math.min(this.size, RECENT_ALIGNMENTS);
    this.strands.copyWithin(1, 0, at);
    this.diagonals.copyWithin(1, 0, at);
    this.strands[0] = strand;
    this.diagonals[0] = diagonal;
  }
}

/**
 * Whether a run's bases are coded against the previous alignment (which continues through the
 * run: reference position expected ± k for its k-th base) rather than taken from the literal
 * stream: when the match after it resumes or shifts that alignment, the run is short, and the
 * alignment stays inside the history.
 */
export function substituted(kind: MatchKind, run: number, strand: number, expected: number): boolean {
  return (kind === MatchKind.Diagonal || kind === MatchKind.Near) && run >= 1 && run <= MAX_SUBSTITUTION_RUN && (strand === 0 || expected - run + 1 >= 0);
}

/** The base the alignment (strand, expected) puts at the k-th base after its end. */
export function alignedBase(history: Uint8Array, strand: number, expected: number, k: number): number {
  return strand === 0 ? history[expected + k]! : 3 - history[expected - k]!;
}

/** A match as the token grammar writes it after its literal run, and the state it is written in. */
export interface MatchTokens {
  /** Bases of the literal run before it. */
  run: number;
  kind: MatchKind;
  /** Of a near match: the shift of the previous alignment. */
  shift: number;
  /** Of a repeat match: which recent alignment, and its shift. */
  repeat: { index: number; shift: number } | undefined;
  strand: number;
  /** Reference position, and the match's first base in the history. */
  r: number;
  a: number;
  length: number;
  /** Alignments the record remembers before it, and the strand of the previous match. */
  recentSize: number;
  previousStrand: number;
}

/**
 * The tokens of a match on strand `s` from reference `r` at history position `a`, of `length`
 * bases after a literal run of `run`, `gap` bases after the previous match (whose alignment puts
 * reference `expected` at its end on `strand`; none when `first`). Its kind: diagonal when it
 * resumes that alignment, near when it shifts it by less than NEAR_RANGE, repeat when it returns
 * close to a recent alignment, far otherwise. (Built in one literal: a spread of a partial object
 * here once took half the parse's time.)
 */
export function classifyMatch(
  recent: Alignments,
  first: boolean,
  strand: number,
  expected: number,
  gap: number,
  s: number,
  r: number,
  a: number,
  run: number,
  length: number,
): MatchTokens {
  const aligned = !first && s === strand ? (strand === 0 ? expected + gap : expected - gap) : NaN;
  const shift = strand === 0 ? r - aligned : aligned - r;
  const repeat = shift === 0 || Math.abs(shift) < NEAR_RANGE ? undefined : recent.closest(s, r, a);
  const kind = shift === 0 ? MatchKind.Diagonal : Math.abs(shift) < NEAR_RANGE ? MatchKind.Near : repeat ? MatchKind.Repeat : MatchKind.Far;
  return { run, kind, shift, repeat, strand: s, r, a, length, recentSize: recent.size, previousStrand: strand };
}

/** `buffer`, or a copy of it at least twice as long when it holds fewer than `need` items. */
export function grow<T extends Uint8Array | Int32Array>(buffer: T, need: number): T {
  if (need <= buffer.length) return buffer;
  const bigger = new (buffer.constructor as new (length: number) => T)(Math.max(need, buffer.length * 2));
  bigger.set(buffer);
  return bigger;
}

/** Bucket of a distance, for contexts: 0 for none, then 1 + its bit length (at most 15). */
function distanceBucket(d: number): number {
  return d < 0 ? 0 : Math.min(15, 1 + (32 - Math.clz32(d)));
}

/** Bucket of a literal run length for the kind and substitution contexts: 0, 1, 2, 3–4, 5–16, 17–256, more. */
const RUN_BUCKETS = 7;
function runBucket(run: number): number {
  return run < 3 ? run : run <= 4 ? 3 : run <= 16 ? 4 : run <= MAX_SUBSTITUTION_RUN ? 5 : 6;
}

/** Bits needed for positions 0..size-1 (a group holds at most 2^31 bases). */
export function positionBits(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

export class TokenModels {
  // literal run lengths, by the kind of the match before (none, diagonal, near, far, repeat); in
  // revision 10's grammar the set of a run after a repeat match lies past the four allocated (see
  // TokenGrammar.runAfterRepeat)
  private readonly runs: NumberModels;
  // kind: is it diagonal? (by has-previous-match × run bucket), is it near? (by run bucket)
  private readonly diagonal = new BitModels(2 * RUN_BUCKETS);
  private readonly near = new BitModels(RUN_BUCKETS);
  private readonly repeat = new BitModels(RUN_BUCKETS);
  private readonly repeatIndex = new NumberModels(1);
  private readonly exact = new BitModels(1);
  // shifts of near (set 0) and repeat (set 1) matches
  private readonly shiftSign = new BitModels(2);
  private readonly shifts = new NumberModels(2);
  private readonly strand = new BitModels(2);
  // match lengths, by kind; or "at a difference site?" (by kind × distance to the first site) and which
  private readonly lengths = new NumberModels(4);
  private readonly atSite = new BitModels(4 * 16);
  private readonly siteIndex = new NumberModels(4);
  // substitutions: is the base the reference base? (by run bucket), then which of the other three
  private readonly same = new BitModels(RUN_BUCKETS * 4 * 8);
  private agreement = 7;
  private readonly other = new BitModels(4 * 3);
  // revision 14: "same?" of a run's first base, by the reference base
  private readonly firstSame = new BitModels(4);

  constructor(private readonly grammar: TokenGrammar) {
    this.runs = new NumberModels(grammar.runAfterRepeat ? 5 : 4);
  }

  /** `previous` is the kind of the previous match of the record, or -1 at its start. */
  literalRun(io: BitChannel, previous: number, run: number): number {
    return this.runs.code(io, previous + 1, run);
  }

  /** `recent` is how many alignments the record remembers (0 before its first match). */
  kind(io: BitChannel, recent: number, run: number, kind: MatchKind): MatchKind {
    const bucket = runBucket(run);
    if (recent === 0) return MatchKind.Far;
    if (this.diagonal.code(io, RUN_BUCKETS + bucket, kind === MatchKind.Diagonal ? 1 : 0)) return MatchKind.Diagonal;
    if (this.near.code(io, bucket, kind === MatchKind.Near ? 1 : 0)) return MatchKind.Near;
    if (recent > 1 && this.repeat.code(io, bucket, kind === MatchKind.Repeat ? 1 : 0)) return MatchKind.Repeat;
    return MatchKind.Far;
  }

  /** A non-zero shift of the current alignment, |shift| < NEAR_RANGE. */
  shift(io: BitChannel, shift: number): number {
    return this.signed(io, 0, shift);
  }

  /** Which recent alignment (1..recent-1) a repeat match returns to, and its shift (may be 0). */
  repeatOf(io: BitChannel, recent: number, index: number, shift: number): { index: number; shift: number } {
    const i = this.repeatIndex.code(io, 0, index - 1) + 1;
    if (i >= recent) return { index: i, shift: NaN }; // damage: the decoder refuses it
    return { index: i, shift: this.exact.code(io, 0, shift === 0 ? 1 : 0) ? 0 : this.signed(io, 1, shift) };
  }

  private signed(io: BitChannel, set: number, value: number): number {
    const negative = this.shiftSign.code(io, set, value < 0 ? 1 : 0);
    const magnitude = this.shifts.code(io, set, Math.abs(value) - 1) + 1;
    return negative ? -magnitude : magnitude;
  }

  /** Strand (0 forward, 1 reverse complement) and position of a far match in a history of `size` bases. */
  far(io: BitChannel, previousStrand: number, strand: number, position: number, size: number): { strand: number; position: number } {
    const s = this.strand.code(io, previousStrand, strand);
    return { strand: s, position: codeRaw(io, positionBits(size), position) };
  }

  /**
   * The length of a match from reference `r` on `strand`: either the k-th difference site ahead
   * in the reference, where the match stopped at a difference of its own, or a number. `length`
   * is ignored when decoding; a decoded length must still be checked by the caller.
   */
  matchLength(io: BitChannel, kind: MatchKind, sites: Pick<Sites, 'ahead' | 'indexOf'>, strand: number, r: number, length: number, stopped: boolean): number {
    const first = sites.ahead(strand, r, 0);
    const ctx = kind * 16 + distanceBucket(first < 0 ? -1 : Math.abs(first - r));
    const k = stopped && first >= 0 ? sites.indexOf(strand, r, strand === 0 ? r + length : r - length) : -1;
    if (first >= 0 && this.atSite.code(io, ctx, k >= 0 ? 1 : 0)) {
      const site = sites.ahead(strand, r, this.siteIndex.code(io, kind, k));
      return site < 0 ? NaN : Math.abs(site - r);
    }
    return this.lengths.code(io, kind, length - 1) + 1;
  }

  /**
   * Writes a match's fields after its literal run: kind, then its shift, recent alignment or far
   * position, then its length (difference sites as in matchLength). The reader reads them one by
   * one with the methods above.
   */
  writeMatch(io: BitChannel, m: MatchTokens, sites: Pick<Sites, 'ahead' | 'indexOf'>, stopped: boolean): void {
    this.kind(io, m.recentSize, m.run, m.kind);
    if (m.kind === MatchKind.Near) this.shift(io, m.shift);
    else if (m.kind === MatchKind.Repeat) this.repeatOf(io, m.recentSize, m.repeat!.index, m.repeat!.shift);
    else if (m.kind === MatchKind.Far) this.far(io, m.previousStrand, m.strand, m.r, m.a);
    this.matchLength(io, m.kind, sites, m.strand, m.r, m.length, stopped);
  }

  /** Base k (from 0) of a substitution run, given the base the alignment puts there. */
  substitution(io: BitChannel, run: number, k: number, reference: number, base: number): number {
    // Context: the run's length, the reference base and whether the last 3 such bases agreed with
    // theirs (divergence is local: a diverged gene, a hypervariable stretch).
    const agreed = this.agreement;
    const same =
      k === 0 && this.grammar.firstSubstitution
        ? this.firstSame.code(io, reference, base === reference ? 1 : 0)
        : this.same.code(io, ((runBucket(run) * 4 + reference) << 3) | agreed, base === reference ? 1 : 0);
    this.agreement = ((agreed << 1) | same) & 7;
    if (same) return reference;
    // The other three in a fixed order; two decisions pick one.
    const index = base < reference ? base : base - 1;
    const ctx = reference * 3;
    const first = this.other.code(io, ctx, index === 0 ? 1 : 0);
    const picked = first ? 0 : 1 + this.other.code(io, ctx + 1, index === 2 ? 1 : 0);
    return picked < reference ? picked : picked + 1;
  }
}
