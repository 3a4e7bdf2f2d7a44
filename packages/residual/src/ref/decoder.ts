/**
 * The reference codec's reader: rebuilds the records of a group in order, copying matches from
 * the bases already rebuilt and taking literal bases from the group's shared `cm` stream as they
 * are needed, so reading the k-th record decodes only the literals of records 1..k. Records read
 * only to reach a later one (skipRecord) leave their copies unmade until something needs their
 * bases (deferred.ts), so reading the k-th record writes little more than its own bases.
 * An aligned group (its cm stream's model says so) takes every base from that stream instead,
 * each with the base the record's alignment puts there as the hint (ADR 0016).
 * Every decoded field is checked against what the history can hold before it is used.
 */
import { CmDecoder, cmPayloadModel, runSteps } from '../cm/codec.js';
import { CM_MODELS } from '../cm/models.js';
import { CodedStreamError } from '../errors.js';
import { DecodingChannel } from './bits.js';
import { readSharedHead, type RefHistory } from './shared.js';
import { alignedBase, Alignments, GRAMMAR_R14, MatchKind, substituted, TokenModels, type TokenGrammar } from './tokens.js';
import { DifferenceSites, markRun, markSubstitution, NO_SITES, SiteSet, type Sites } from './sites.js';
import { DeferredCopies } from './deferred.js';

export class RefGroupDecoder {
  private readonly history: Uint8Array;
  private size: number;
  private readonly literals: CmDecoder;
  private readonly literalCount: number;
  /** Literals not taken by a record yet (some may be decoded already: decodingAhead). */
  private literalsLeft: number;
  private readonly tokens: TokenModels;
  private readonly sites: Sites;
  /** Aligned groups: the hint of each of the group's bases (4 until its alignment is known). */
  private readonly hints: Uint8Array | undefined;
  /** Where this group's own bases start in the history. */
  private readonly start: number;
  /** Each record read: where its bases start in the history, and how many. */
  private readonly records: number[] = [];
  /** The copies of records read with skipRecord that are not made yet. */
  private readonly deferred = new DeferredCopies();

  /**
   * `shared` is the group's shared bytes; `capacity` the bases of all its records together;
   * `continues` what the group it continues left (`continuation()` of that group's decoder), if any;
   * `grammar` the one the file announces (GRAMMAR_R10 without the required flag ReferenceSites).
   */
  constructor(shared: Uint8Array, capacity: number, continues?: RefHistory, grammar: TokenGrammar = GRAMMAR_R14) {
    const { literalCount, cm } = readSharedHead(shared);
    if (literalCount > capacity) throw new CodedStreamError(`reference group names ${literalCount} literals for ${capacity} bases`);
    const before = continues?.bases.length ?? 0;
    if (before + capacity > 2 ** 31) throw new CodedStreamError('a chain of reference groups holds at most 2^31 bases');
    if (CM_MODELS[cmPayloadModel(cm)]?.aligned) {
      if (literalCount !== capacity) throw new CodedStreamError(`aligned reference group names ${literalCount} bases for ${capacity}`);
      this.hints = new Uint8Array(capacity).fill(4);
    }
    this.literals = new CmDecoder(cm, literalCount, { hints: this.hints });
    this.literalCount = literalCount;
    this.literalsLeft = literalCount;
    this.history = new Uint8Array(before + capacity);
    if (continues) this.history.set(continues.bases);
    this.size = before;
    this.start = before;
    this.tokens = new TokenModels(grammar);
    this.sites = continues ? continues.sites.clone() : grammar.referenceSites ? new SiteSet().reserve(capacity) : new DifferenceSites();
  }

  /** What this group leaves to a group that continues it; call after `finish`. */
  continuation(): RefHistory {
    this.deferred.materializeAll(this.history);
    return { bases: this.history.subarray(0, this.size), sites: this.sites };
  }

  /**
   * Reads the next record only as far as the records after it need: its tokens, literal and
   * substituted bases, but not its copies, which are made when a later record or `record(m)`
   * needs their bases (deferred.ts). For a reader on its way to a later record of the group.
   * An aligned group needs every base for its hints, so there it is decodeRecord.
   */
  skipRecord(payload: Uint8Array, count: number): void {
    runSteps(this.reading(payload, count, this.hints === undefined, Infinity));
  }

  /** skipRecord in steps, as decodingRecord (what it returns is not the record's bases: its copies may not be made). */
  skippingRecord(payload: Uint8Array, count: number, slice: number): Generator<number, unknown> {
    return this.reading(payload, count, this.hints === undefined, slice);
  }

  /** The bases of record `m` (from 0), read already by decodeRecord or skipRecord. */
  record(m: number): Uint8Array {
    const start = this.records[2 * m];
    if (start === undefined) throw new RangeError(`record ${m} of the group has not been read`);
    const end = start + this.records[2 * m + 1]!;
    this.deferred.materialize(this.history, start, end);
    return this.history.subarray(start, end);
  }

  /**
   * Rebuilds the next record of the group from its payload; returns a view of its `count` bases.
   * In an aligned group the grammar has no substitutions (a match runs through them) and no
   * difference sites, and every base comes from the cm stream, hinted by the alignment.
   */
  decodeRecord(payload: Uint8Array, count: number): Uint8Array {
    return runSteps(this.reading(payload, count, false, Infinity));
  }

  /**
   * decodeRecord in steps of about `slice` bases taken from the group's cm stream, yielding the
   * record's bases done so far after each, for a reader that returns to its event loop between them
   * (format's codecs/sliced.ts). Most of a record's time goes there where the literals were not
   * decoded ahead (decodingAhead): in an aligned group, where every base is one of them, or on the
   * way to a record read out of order. Returns decodeRecord's view.
   */
  decodingRecord(payload: Uint8Array, count: number, slice: number): Generator<number, Uint8Array> {
    return this.reading(payload, count, false, slice);
  }

  /** decodeRecord, or with `defer` skipRecord (its copies left to `deferred`), in steps of `slice` (decodingRecord). */
  private *reading(payload: Uint8Array, count: number, defer: boolean, slice: number): Generator<number, Uint8Array> {
    const base = this.size;
    if (count > this.history.length - base) throw new CodedStreamError(`reference record of ${count} bases overruns its group`);
    // No bound of bases per coded byte here, unlike cm: one match copies a whole genome in a few
    // bytes. The history, allocated once for the group (at most 2^31 bases), bounds the memory,
    // and every copy is bounded by the record's count.
    const aligned = this.hints !== undefined;
    const io = new DecodingChannel(payload);
    const tokens = this.tokens;
    let pos = 0;
    let previous = -1;
    let strand = 0;
    let expected = 0;
    let prevEnd = 0;
    const recent = new Alignments();
    let work = 0; // bases taken from the cm stream since the last step, about
    while (pos < count) {
      if (work >= slice) {
        work = 0;
        yield pos;
      }
      const run = tokens.literalRun(io, previous, 0);
      if (run > count - pos) throw new CodedStreamError(`literal run of ${run} overruns the record`);
      if (pos + run === count) {
        if (run > slice) yield* this.decodingLiterals(run, slice, pos);
        this.takeLiterals(base + pos, run);
        if (!aligned && run > 0 && previous >= 0) markRun(this.sites, base + pos, expected);
        pos = count;
        break;
      }
      const kind = tokens.kind(io, recent.size, run, MatchKind.Far);
      const start = pos + run;
      const a = base + start;
      const { r, s } = this.reference(io, kind, recent, strand, expected, start - prevEnd, a);
      const length = tokens.matchLength(io, kind, aligned ? NO_SITES : this.sites, s, r, 1, false);
      if (!(length >= 1 && length <= count - start) || (s === 1 && length > r + 1)) throw new CodedStreamError(`match of ${length} bases overruns`);
      const hinted = substituted(kind, run, strand, expected);
      if (aligned) {
        yield* this.hintedStep(base + pos, run, hinted, strand, expected, s, r, length, slice);
        work += run + length;
      } else {
        if (!hinted && run > slice) yield* this.decodingLiterals(run, slice, pos);
        this.step(io, base + pos, run, hinted, strand, expected, previous, s, r, length, defer);
        if (!hinted) work += run;
      }
      recent.use(s, Alignments.diagonal(s, r, a));
      previous = kind;
      strand = s;
      pos = start + length;
      prevEnd = pos;
      expected = s === 0 ? r + length : r - length;
    }
    io.coder.finish();
    this.size = base + count;
    this.records.push(base, count);
    return this.history.subarray(base, base + count);
  }

  /**
   * The bases of a run at `at` and the match after it, in a group of token streams: the run
   * substituted against the previous alignment (strand, expected) or taken from the literal
   * stream, then the copy (with `defer`, left to `deferred`); the difference sites follow. Bases
   * read from the history come through `deferred` while it holds copies not made.
   */
  private step(io: DecodingChannel, at: number, run: number, hinted: boolean, strand: number, expected: number, previous: number, s: number, r: number, length: number, defer: boolean): void {
    const history = this.history;
    const deferred = this.deferred;
    if (hinted) {
      for (let k = 0; k < run; k++) {
        const aligned = deferred.alignedBase(history, strand, expected, k);
        const x = this.tokens.substitution(io, run, k, aligned, 0);
        history[at + k] = x;
        markSubstitution(this.sites, at, k, x !== aligned, strand, expected);
      }
    } else {
      this.takeLiterals(at, run);
      if (run > 0 && previous >= 0) markRun(this.sites, at, expected);
    }
    const a = at + run;
    if (defer) deferred.add(a, s, r, length);
    else deferred.copy(history, a, s, r, length);
    this.sites.copy(s, r, a, length);
  }

  /**
   * The same in an aligned group: every base from the cm stream, the run's hinted by the previous
   * alignment when `hinted` (else none), the match's by what it copies. A hint is filled only
   * from bases already decoded, so a copy that overlaps itself goes one period at a time. Takes
   * of more than `slice` bases are decoded in steps (decodingLiterals), once their hints are set.
   */
  private *hintedStep(at: number, run: number, hinted: boolean, strand: number, expected: number, s: number, r: number, length: number, slice: number): Generator<number, void> {
    const history = this.history;
    const hints = this.hints!;
    const h = at - this.start;
    const first = at - this.size; // where `at` lies in the record
    if (hinted) for (let k = 0; k < run; k++) hints[h + k] = alignedBase(history, strand, expected, k);
    if (run > slice) yield* this.decodingLiterals(run, slice, first);
    this.takeLiterals(at, run);
    const a = at + run;
    const period = s === 0 ? a - r : length;
    for (let done = 0; done < length; ) {
      const piece = Math.min(period, length - done);
      for (let k = done; k < done + piece; k++) hints[h + run + k] = s === 0 ? history[r + k]! : 3 - history[r - k]!;
      if (piece > slice) yield* this.decodingLiterals(piece, slice, first + run + done);
      this.takeLiterals(a + done, piece);
      done += piece;
    }
  }

  /**
   * Decodes the next `count` literals of the cm stream (those a take of `count` needs, less any
   * decoded ahead) `slice` at a time, yielding `first` plus the bases done after each slice but
   * the last, after which the take follows at once. In an aligned group their hints must be set
   * already.
   */
  private *decodingLiterals(count: number, slice: number, first: number): Generator<number, void> {
    if (count > this.literalsLeft) return; // takeLiterals reports it
    const from = this.literalCount - this.literalsLeft;
    for (const at of this.literalsUpTo(from + count, slice)) if (at < from + count) yield first + (at - from);
  }

  /** The reference position and strand of the next match, from its kind's tokens; checked. */
  private reference(io: DecodingChannel, kind: MatchKind, recent: Alignments, strand: number, expected: number, gap: number, a: number): { r: number; s: number } {
    const tokens = this.tokens;
    let r: number;
    let s = strand;
    if (kind === MatchKind.Far) {
      const far = tokens.far(io, strand, 0, 0, a);
      s = far.strand;
      r = far.position;
    } else if (kind === MatchKind.Repeat) {
      const { index, shift } = tokens.repeatOf(io, recent.size, 1, 0);
      if (!(index < recent.size)) throw new CodedStreamError(`repeat of alignment ${index} of ${recent.size}`);
      s = recent.strand(index);
      r = recent.reference(index, a) + shift;
    } else {
      const aligned = strand === 0 ? expected + gap : expected - gap;
      const shift = kind === MatchKind.Near ? tokens.shift(io, 0) : 0;
      r = strand === 0 ? aligned + shift : aligned - shift;
    }
    if (!(r >= 0 && r < a)) throw new CodedStreamError(`match at ${r} lies outside the ${a} bases before it`);
    return { r, s };
  }

  /** Checks that the shared stream held exactly the literals the records used. */
  finish(): void {
    if (this.literalsLeft !== 0) throw new CodedStreamError(`${this.literalsLeft} literal bases of the group were never used`);
    this.literals.readAll();
  }

  /**
   * Decodes up to `bases` of the group's literals ahead of the records that take them, `slice` at
   * a time, yielding the literals decoded so far after each slice. For a reader that reads every
   * record of the group in order, so that every literal is taken in the end: it can return to its
   * event loop between slices before decodeRecord (a record of new bases took level 4 seconds in
   * one piece). An aligned group decodes nothing ahead: each base needs the hint its record gives.
   */
  *decodingAhead(bases: number, slice: number): Generator<number, void> {
    if (this.hints) return;
    yield* this.literalsUpTo(Math.min(this.literalCount, this.literalCount - this.literalsLeft + bases), slice);
  }

  /** Decodes the cm stream's literals up to `end`, `slice` at a time, yielding the literals decoded after each slice. */
  private *literalsUpTo(end: number, slice: number): Generator<number, void> {
    while (this.literals.position < end) {
      this.literals.read(Math.min(slice, end - this.literals.position));
      yield this.literals.position;
    }
  }

  private takeLiterals(at: number, count: number): void {
    if (count === 0) return;
    if (count > this.literalsLeft) throw new CodedStreamError('the group has fewer literal bases than its records use');
    const from = this.literalCount - this.literalsLeft;
    const missing = from + count - this.literals.position;
    if (missing > 0) this.literals.read(missing);
    this.history.set(this.literals.decoded(from, from + count), at);
    this.literalsLeft -= count;
  }
}
