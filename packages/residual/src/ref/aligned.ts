/**
 * The token stream of a record of an aligned group (ADR 0016): the parse's matches as alignment
 * segments, and the hint of each base for the group's cm stream. A match that resumes the current
 * segment's diagonal within MAX_SUBSTITUTION_RUN bases extends it (the bases between are hinted by
 * it, as substitutions are in the token grammar); any other match starts a segment, unless it is a
 * jump (far or repeat) shorter than MIN_JUMP, whose bases cm codes as well without a hint as the
 * jump would cost. The grammar is tokens.ts's without substitutions and without difference sites;
 * the reader (decoder.ts, `decodeRecord` with `hintedStep`) follows the same state.
 */
import { EncodingChannel } from './bits.js';
import { alignedBase, Alignments, MatchKind, NEAR_RANGE, NO_SITES, substituted, type TokenModels } from './tokens.js';

/**
 * A far or repeat match shorter than this is not worth a segment: its position costs more than
 * the hint saves. Blochmannia: 1.214 bits per base with every jump, 1.179 from 32 to 48, 1.201
 * at 128; Listeria drafts 0.843 to 0.846 over the same range (ADR 0016).
 */
export const MIN_JUMP = 48;

interface Segment {
  /** Bases before it since the last segment (hinted by that one when `substituted`, else by none). */
  run: number;
  kind: MatchKind;
  shift: number;
  repeat: { index: number; shift: number } | undefined;
  strand: number;
  r: number;
  length: number;
  /** The state it is coded in: the recent alignments' count and the strand before it. */
  recentSize: number;
  previousStrand: number;
  /** Its first base in the history. */
  a: number;
}

export class AlignedRecord {
  private readonly io: EncodingChannel;
  private readonly recent = new Alignments();
  private segment: Segment | undefined;
  /** The kind of the last segment started (-1: none yet), and of the last one written. */
  private previous = -1;
  private previousEmitted = -1;
  private strand = 0;
  /** Reference position aligned with record position `end` on the current segment's diagonal. */
  private expected = 0;
  /** Record position after the last segment. */
  private end = 0;

  constructor(
    private readonly tokens: TokenModels,
    private readonly history: Uint8Array,
    /** The group's hints; this record's start at `at`. */
    private readonly hints: Uint8Array,
    /** The record's first base in the history, and its length. */
    private readonly base: number,
    private readonly n: number,
    private readonly at: number,
  ) {
    this.io = new EncodingChannel(64 + (n >> 8));
    hints.fill(4, at, at + n);
  }

  /** A match of the parse: record positions start.., reference r on `strand`, `length` bases. */
  match(start: number, strand: number, r: number, length: number): void {
    const gap = start - this.end;
    const a = this.base + start;
    const aligned = this.previous >= 0 && strand === this.strand ? (strand === 0 ? this.expected + gap : this.expected - gap) : NaN;
    const shift = strand === 0 ? r - aligned : aligned - r;
    const repeat = shift === 0 || Math.abs(shift) < NEAR_RANGE ? undefined : this.recent.closest(strand, r, a);
    const kind = shift === 0 ? MatchKind.Diagonal : Math.abs(shift) < NEAR_RANGE ? MatchKind.Near : repeat ? MatchKind.Repeat : MatchKind.Far;
    if ((kind === MatchKind.Far || kind === MatchKind.Repeat) && length < MIN_JUMP) return;
    const hinted = substituted(kind, gap, this.strand, this.expected);
    if (hinted) for (let k = 0; k < gap; k++) this.hints[this.at + this.end + k] = alignedBase(this.history, this.strand, this.expected, k);
    for (let k = 0; k < length; k++) this.hints[this.at + start + k] = strand === 0 ? this.history[r + k]! : 3 - this.history[r - k]!;
    if (this.segment && kind === MatchKind.Diagonal && (gap === 0 || hinted)) this.segment.length += gap + length;
    else {
      if (this.segment) this.emit(this.segment);
      this.segment = { run: gap, kind, shift, repeat, strand, r, length, recentSize: this.recent.size, previousStrand: this.strand, a };
      this.recent.use(strand, Alignments.diagonal(strand, r, a));
      this.previous = kind;
    }
    this.strand = strand;
    this.end = start + length;
    this.expected = strand === 0 ? r + length : r - length;
  }

  /** The record's token stream; what follows the last segment is new bases. */
  finish(): Uint8Array {
    if (this.segment) this.emit(this.segment);
    if (this.end < this.n) this.tokens.literalRun(this.io, this.previousEmitted, this.n - this.end);
    return this.io.coder.finishShort().slice();
  }

  private emit(s: Segment): void {
    const { tokens, io } = this;
    tokens.literalRun(io, this.previousEmitted, s.run);
    tokens.kind(io, s.recentSize, s.run, s.kind);
    if (s.kind === MatchKind.Near) tokens.shift(io, s.shift);
    else if (s.kind === MatchKind.Repeat) tokens.repeatOf(io, s.recentSize, s.repeat!.index, s.repeat!.shift);
    else if (s.kind === MatchKind.Far) tokens.far(io, s.previousStrand, s.strand, s.r, s.a);
    tokens.matchLength(io, s.kind, NO_SITES, s.strand, s.r, s.length, false);
    this.previousEmitted = s.kind;
  }
}
