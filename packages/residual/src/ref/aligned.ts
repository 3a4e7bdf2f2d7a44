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
import { alignedBase, Alignments, classifyMatch, MatchKind, substituted, type MatchTokens, type TokenModels } from './tokens.js';
import { NO_SITES } from './sites.js';

/**
 * A far or repeat match shorter than this is not worth a segment: its position costs more than
 * the hint saves. Blochmannia: 1.214 bits per base with every jump, 1.179 from 32 to 48, 1.201
 * at 128; Listeria drafts 0.843 to 0.846 over the same range (ADR 0016).
 */
export const MIN_JUMP = 48;

export class AlignedRecord {
  private readonly io: EncodingChannel;
  private readonly recent = new Alignments();
  /** The current segment, held until the next match shows whether it goes on. */
  private segment: MatchTokens | undefined;
  /** The kind of the last segment written (-1: none yet). */
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
    const match = classifyMatch(this.recent, this.segment === undefined, this.strand, this.expected, gap, strand, r, a, gap, length);
    const kind = match.kind;
    if ((kind === MatchKind.Far || kind === MatchKind.Repeat) && length < MIN_JUMP) return;
    const hinted = substituted(kind, gap, this.strand, this.expected);
    if (hinted) for (let k = 0; k < gap; k++) this.hints[this.at + this.end + k] = alignedBase(this.history, this.strand, this.expected, k);
    for (let k = 0; k < length; k++) this.hints[this.at + start + k] = strand === 0 ? this.history[r + k]! : 3 - this.history[r - k]!;
    if (this.segment && kind === MatchKind.Diagonal && (gap === 0 || hinted)) this.segment.length += gap + length;
    else {
      if (this.segment) this.emit(this.segment);
      this.segment = match;
      this.recent.use(strand, Alignments.diagonal(strand, r, a));
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

  private emit(s: MatchTokens): void {
    this.tokens.literalRun(this.io, this.previousEmitted, s.run);
    this.tokens.writeMatch(this.io, s, NO_SITES, false);
    this.previousEmitted = s.kind;
  }
}
