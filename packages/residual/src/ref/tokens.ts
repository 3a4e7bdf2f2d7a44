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

/** Bucket of a literal run length for the kind and substitution contexts: 0, 1, 2, 3–4, 5–16, 17–256, more. */
const RUN_BUCKETS = 7;
function runBucket(run: number): number {
  return run < 3 ? run : run <= 4 ? 3 : run <= 16 ? 4 : run <= MAX_SUBSTITUTION_RUN ? 5 : 6;
}

/** Bits needed for positions 0..size-1 (a group holds fewer than 2^32 bases). */
export function positionBits(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

export class TokenModels {
  // literal run lengths, by the kind of the match before (none, diagonal, near, far)
  private readonly runs = new NumberModels(4);
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
  // match lengths, by kind
  private readonly lengths = new NumberModels(4);
  // substitutions: is the base the reference base? (by run bucket), then which of the other three
  private readonly same = new BitModels(RUN_BUCKETS * 4 * 8);
  private agreement = 7;
  private readonly other = new BitModels(4 * 3);

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

  matchLength(io: BitChannel, kind: MatchKind, length: number): number {
    return this.lengths.code(io, kind, length - 1) + 1;
  }

  /** One base of a substitution run, given the base the alignment puts there. */
  substitution(io: BitChannel, run: number, reference: number, base: number): number {
    // Context: the run's length, the reference base and whether the last 3 such bases agreed with
    // theirs (divergence is local: a diverged gene, a hypervariable stretch).
    const agreed = this.agreement;
    const same = this.same.code(io, ((runBucket(run) * 4 + reference) << 3) | agreed, base === reference ? 1 : 0);
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
