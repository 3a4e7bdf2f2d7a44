/**
 * The token grammar of the reference codec: how one record is described as literal runs and
 * matches against the group's history. Each field is coded by one method, in the order the
 * encoder (encoder.ts) and decoder (decoder.ts) call them:
 *
 *   repeat until the record is complete:
 *     literal run length                      (the bases themselves: see below)
 *     if the record is not complete yet:
 *       kind: diagonal | near | far           diagonal = the previous match's alignment, resumed
 *       near: signed shift of that alignment  (small insertions and deletions)
 *       far:  strand, reference position      (anywhere in the history, either strand)
 *       match length − 1
 *       if diagonal and 1 ≤ run ≤ MAX_SUBSTITUTION_RUN: the run's bases, each against the
 *       reference base it replaces (a substitution model); otherwise the run's bases are the next
 *       ones of the group's literal stream, which cm codes.
 *
 * Every number is coded with adaptive contexts that persist across the records of a group, so
 * the model learns a collection's typical distances between differences.
 */
import { BitModels, codeRaw, NumberModels, type BitChannel } from './bits.js';

export const enum MatchKind {
  Diagonal = 0,
  Near = 1,
  Far = 2,
}

/** Longest literal run coded against the reference (a cluster of substitutions). */
export const MAX_SUBSTITUTION_RUN = 16;
/** Largest alignment shift coded as "near"; farther is "far". */
export const NEAR_RANGE = 1 << 16;

/** Bucket of a literal run length for the kind contexts: 0, 1, 2, 3–4, 5–16, more. */
function runBucket(run: number): number {
  return run < 3 ? run : run <= 4 ? 3 : run <= MAX_SUBSTITUTION_RUN ? 4 : 5;
}

/** Bits needed for positions 0..size-1 (a group holds fewer than 2^32 bases). */
export function positionBits(size: number): number {
  return size <= 1 ? 0 : 32 - Math.clz32(size - 1);
}

export class TokenModels {
  // literal run lengths, by the kind of the match before (none, diagonal, near, far)
  private readonly runs = new NumberModels(4);
  // kind: is it diagonal? (by has-previous-match × run bucket), is it near? (by run bucket)
  private readonly diagonal = new BitModels(2 * 6);
  private readonly near = new BitModels(6);
  private readonly shiftSign = new BitModels(1);
  private readonly shifts = new NumberModels(1);
  private readonly strand = new BitModels(2);
  // match lengths, by kind
  private readonly lengths = new NumberModels(3);
  // substitutions: is the base the reference base? (by run bucket), then which of the other three
  private readonly same = new BitModels(6 * 4);
  private readonly other = new BitModels(4 * 3);

  /** `previous` is the kind of the previous match of the record, or -1 at its start. */
  literalRun(io: BitChannel, previous: number, run: number): number {
    return this.runs.code(io, previous + 1, run);
  }

  kind(io: BitChannel, hasPrevious: boolean, run: number, kind: MatchKind): MatchKind {
    const bucket = runBucket(run);
    if (hasPrevious) {
      if (this.diagonal.code(io, 6 + bucket, kind === MatchKind.Diagonal ? 1 : 0)) return MatchKind.Diagonal;
      return this.near.code(io, bucket, kind === MatchKind.Near ? 1 : 0) ? MatchKind.Near : MatchKind.Far;
    }
    return MatchKind.Far;
  }

  /** A non-zero shift of the alignment, |shift| < NEAR_RANGE. */
  shift(io: BitChannel, shift: number): number {
    const negative = this.shiftSign.code(io, 0, shift < 0 ? 1 : 0);
    const magnitude = this.shifts.code(io, 0, Math.abs(shift) - 1) + 1;
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

  /** One base of a substitution run, given the reference base it is aligned with. */
  substitution(io: BitChannel, run: number, reference: number, base: number): number {
    if (this.same.code(io, runBucket(run) * 4 + reference, base === reference ? 1 : 0)) return reference;
    // The other three in a fixed order; two decisions pick one.
    const index = base === reference ? 0 : base < reference ? base : base - 1;
    const ctx = reference * 3;
    const first = this.other.code(io, ctx, index === 0 ? 1 : 0);
    const picked = first ? 0 : 1 + this.other.code(io, ctx + 1, index === 2 ? 1 : 0);
    return picked < reference ? picked : picked + 1;
  }
}
