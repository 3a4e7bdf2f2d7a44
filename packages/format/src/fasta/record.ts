/**
 * The byte-exact FASTA record model.
 *
 * A record is a header line ('>' + name) followed by sequence lines, up to the next line that
 * starts with '>'. The first record of a file may have no header (a raw sequence file). Every
 * byte of a record is one of:
 *   - the header's name bytes,
 *   - a line terminator (LF, CRLF, or none for the last line of a file without a final newline),
 *   - a residue: any other byte of a sequence line.
 * Residues are split into four streams: the ACGT bases as 2-bit symbols (A=0 C=1 G=2 T=3, any
 * case), runs of lower case, runs of any other byte ("exceptions": N runs, IUPAC codes, '*',
 * '-', stray '\r', even binary), and the line layout. Rendering the streams back gives the
 * original bytes exactly; nothing is normalised.
 */
import { Eol } from '../constants.js';
import { searchable } from './search.js';

/** Everything about a record except its bases. Stored in the chunk frame's side sections. */
export interface RecordLayout {
  /** False only for a first record that has no '>' line (raw sequence). */
  hasHeader: boolean;
  /** The header line after '>' without its terminator. Empty when `hasHeader` is false. */
  name: Uint8Array;
  /** Default line terminator of this record: CRLF when true, LF otherwise. */
  crlf: boolean;
  /** Sequence line lengths as run-length pairs `[length, repeat, length, repeat, …]`. */
  lineRuns: number[];
  /** Lines whose terminator differs from the default, as pairs `[lineIndex, kind]`, lineIndex increasing. Line 0 is the header when there is one. */
  eolExceptions: number[];
  /** Number of residue bytes (sequence bytes without terminators). */
  residues: number;
  /** Run lengths alternating upper/lower case, starting with upper; residues after the last run are upper. */
  caseRuns: number[];
  /** Non-ACGT runs as triples `[start, length, byte]`, start in residue coordinates, increasing. */
  exceptions: number[];
  /** Number of ACGT bases: `residues` minus the residues covered by exceptions. */
  bases: number;
}

export interface ParsedRecord {
  layout: RecordLayout;
  /** One symbol per base, 0..3. */
  symbols: Uint8Array;
}

/** Symbol of each byte: 0..3 for ACGTacgt, 4 for anything else. */
const SYMBOL = new Uint8Array(256).fill(4);
for (const [i, ch] of ['A', 'C', 'G', 'T'].entries()) {
  SYMBOL[ch.charCodeAt(0)] = i;
  SYMBOL[ch.toLowerCase().charCodeAt(0)] = i;
}
/** Symbol of each byte for the parser's fast paths: ACGT (or acgt) only, 4 for anything else. */
const UPPER_SYMBOL = new Uint8Array(256).fill(4);
const LOWER_SYMBOL = new Uint8Array(256).fill(4);
for (const [i, ch] of ['A', 'C', 'G', 'T'].entries()) {
  UPPER_SYMBOL[ch.charCodeAt(0)] = i;
  LOWER_SYMBOL[ch.toLowerCase().charCodeAt(0)] = i;
}
/**
 * The symbols of two bytes `b0 + 256 * b1` (one 16-bit half of a little-endian word of bytes):
 * `s0 + 256 * s1` when both are ACGT in the table's case, else 0xffff, which no pair of symbols
 * reaches (their pairs are at most 0x303). The parser's fast path takes eight bytes a turn
 * through them: 200 genomes of 250 kb (49 MB) parsed in 35 ms instead of 87 byte by byte
 * (measured, lines of 60, 70 and 80 alike), where parsing was a twentieth of compressing a batch.
 */
const UPPER_PAIRS = new Uint16Array(1 << 16).fill(0xffff);
const LOWER_PAIRS = new Uint16Array(1 << 16).fill(0xffff);
for (const [i, a] of ['A', 'C', 'G', 'T'].entries()) {
  for (const [j, b] of ['A', 'C', 'G', 'T'].entries()) {
    UPPER_PAIRS[a.charCodeAt(0) + 256 * b.charCodeAt(0)] = i + 256 * j;
    LOWER_PAIRS[a.toLowerCase().charCodeAt(0) + 256 * b.toLowerCase().charCodeAt(0)] = i + 256 * j;
  }
}
/** Upper-case letter of each symbol. */
const BASE_LETTER = Uint8Array.of(65, 67, 71, 84);
/** Letters of two symbols `a + 256 * b` (one 16-bit half of a little-endian word of symbols). */
const PAIR_LETTERS = new Uint16Array(4 + 256 * 3);
for (let a = 0; a < 4; a++) for (let b = 0; b < 4; b++) PAIR_LETTERS[a + 256 * b] = BASE_LETTER[a] | (BASE_LETTER[b] << 8);

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Writes the letters of `count` symbols from `symbols[s]` to `out[o]` (`to` and `from` are their
 * views): eight, then four at a time through words where they fit (four at a time was 3x faster
 * than byte by byte, and eight 14% faster than four: 33 ms against 38 to render 49 MB; measured),
 * the rest one by one.
 */
function lettersThrough(to: DataView, out: Uint8Array, o: number, from: DataView, symbols: Uint8Array, s: number, count: number): void {
  let k = 0;
  for (; k + 8 <= count; k += 8) {
    const w = from.getUint32(s + k, true);
    const v = from.getUint32(s + k + 4, true);
    to.setUint32(o + k, PAIR_LETTERS[w & 0xffff]! | (PAIR_LETTERS[w >>> 16]! << 16), true);
    to.setUint32(o + k + 4, PAIR_LETTERS[v & 0xffff]! | (PAIR_LETTERS[v >>> 16]! << 16), true);
  }
  for (; k + 4 <= count; k += 4) {
    const w = from.getUint32(s + k, true);
    to.setUint32(o + k, PAIR_LETTERS[w & 0xffff] | (PAIR_LETTERS[w >>> 16] << 16), true);
  }
  for (; k < count; k++) out[o + k] = BASE_LETTER[symbols[s + k]];
}

const LF = 10;
const CR = 13;
const GT = 62;

function eolBytes(kind: number): number {
  return kind === Eol.Crlf ? 2 : kind === Eol.Lf ? 1 : 0;
}

/**
 * Splits one record's bytes into its layout and base symbols.
 * `bytes` runs from the record's '>' (or the file's first byte for a headerless record) through
 * its last terminator. A line terminator is "none" only when the bytes end without a LF.
 * The symbols are written to `into` when it is given and at least `bytes.length` long (a caller
 * that copies them at once reuses one buffer instead of writing every base to fresh memory).
 */
export function parseRecord(bytes: Uint8Array, into?: Uint8Array): ParsedRecord {
  const n = bytes.length;
  const hasHeader = n > 0 && bytes[0] === GT;
  const symbols = into !== undefined && into.length >= n ? into : new Uint8Array(n);
  const search = searchable(bytes);
  const byteView = viewOf(bytes);
  const symbolView = viewOf(symbols);
  const lineRuns: number[] = [];
  const eolExceptions: number[] = [];
  const caseRuns: number[] = [];
  const exceptions: number[] = [];

  // One plain loop over locals, no closures: this is the hot loop of every compression, and V8
  // keeps variables that a closure captures in a heap context (measured 2x slower).
  let defaultEol = -1;
  let lineIndex = 0;
  let name = new Uint8Array(0);
  let pos = 0;
  let nBases = 0;
  let r = 0; // residue index
  let lower = false;
  let caseRun = 0;
  let excStart = 0;
  let excLen = 0;
  let excByte = 0;
  let runLength = -1;
  let runRepeat = 0;

  while (pos < n) {
    // the line: content pos..end, terminator kind, next line at next
    const nl = search.indexOf(LF, pos);
    let end = n;
    let next = n;
    let kind: number = Eol.None;
    if (nl >= 0) {
      next = nl + 1;
      if (nl > pos && bytes[nl - 1] === CR) {
        end = nl - 1;
        kind = Eol.Crlf;
      } else {
        end = nl;
        kind = Eol.Lf;
      }
    }
    if (defaultEol < 0) defaultEol = kind === Eol.None ? Eol.Lf : kind;
    if (kind !== defaultEol) eolExceptions.push(lineIndex, kind);
    if (lineIndex === 0 && hasHeader) {
      name = bytes.slice(1, end);
      lineIndex++;
      pos = next;
      continue;
    }
    lineIndex++;

    const length = end - pos;
    if (length === runLength) runRepeat++;
    else {
      if (runRepeat > 0) lineRuns.push(runLength, runRepeat);
      runLength = length;
      runRepeat = 1;
    }
    let i = pos;
    while (i < end) {
      // Fast path: a stretch of ACGT in the current case, eight bytes a turn, then four, then
      // byte by byte up to the first other byte.
      const pairs = lower ? LOWER_PAIRS : UPPER_PAIRS;
      const table = lower ? LOWER_SYMBOL : UPPER_SYMBOL;
      const from = i;
      for (; i + 8 <= end; i += 8) {
        const w = byteView.getUint32(i, true);
        const v = byteView.getUint32(i + 4, true);
        const a = pairs[w & 0xffff]!;
        const b = pairs[w >>> 16]!;
        const c = pairs[v & 0xffff]!;
        const d = pairs[v >>> 16]!;
        if ((a | b | c | d) > 0x303) break;
        symbolView.setUint32(nBases, a | (b << 16), true);
        symbolView.setUint32(nBases + 4, c | (d << 16), true);
        nBases += 8;
      }
      if (i + 4 <= end) {
        const w = byteView.getUint32(i, true);
        const a = pairs[w & 0xffff]!;
        const b = pairs[w >>> 16]!;
        if ((a | b) <= 0x303) {
          symbolView.setUint32(nBases, a | (b << 16), true);
          nBases += 4;
          i += 4;
        }
      }
      for (; i < end; i++) {
        const s = table[bytes[i]!]!;
        if (s > 3) break;
        symbols[nBases++] = s;
      }
      caseRun += i - from;
      r += i - from;
      if (i === end) break;
      // Any other byte: a change of case, or a non-ACGT residue.
      const b = bytes[i++]!;
      const isLower = b >= 97 && b <= 122;
      if (isLower !== lower) {
        caseRuns.push(caseRun);
        caseRun = 0;
        lower = isLower;
      }
      caseRun++;
      const s = SYMBOL[b]!;
      if (s !== 4) {
        symbols[nBases++] = s;
      } else if (excLen > 0 && b === excByte && excStart + excLen === r) {
        excLen++;
      } else {
        if (excLen > 0) exceptions.push(excStart, excLen, excByte);
        excStart = r;
        excLen = 1;
        excByte = b;
      }
      r++;
    }
    pos = next;
  }
  if (runRepeat > 0) lineRuns.push(runLength, runRepeat);
  if (excLen > 0) exceptions.push(excStart, excLen, excByte);
  if (lower) caseRuns.push(caseRun);

  return {
    layout: {
      hasHeader,
      name,
      crlf: defaultEol === Eol.Crlf,
      lineRuns,
      eolExceptions,
      residues: r,
      caseRuns,
      exceptions,
      bases: nBases,
    },
    // a view, not a copy: the few bytes of line ends it leaves unused cost less than writing every
    // base to fresh memory again
    symbols: symbols.subarray(0, nBases),
  };
}

/** Number of lines of a record, its header line included. */
export function lineCount(layout: RecordLayout): number {
  let lines = layout.hasHeader ? 1 : 0;
  for (let i = 1; i < layout.lineRuns.length; i += 2) lines += layout.lineRuns[i];
  return lines;
}

/** Size in bytes of the original record. */
export function recordByteLength(layout: RecordLayout): number {
  const def = layout.crlf ? Eol.Crlf : Eol.Lf;
  let size = (layout.hasHeader ? 1 + layout.name.length : 0) + layout.residues + lineCount(layout) * eolBytes(def);
  for (let i = 1; i < layout.eolExceptions.length; i += 2) size += eolBytes(layout.eolExceptions[i]) - eolBytes(def);
  return size;
}

/** The terminator kind of the record's last line, or undefined for a record with no lines. */
export function lastEol(layout: RecordLayout): number | undefined {
  const lines = lineCount(layout);
  if (lines === 0) return undefined;
  const ex = layout.eolExceptions;
  if (ex.length > 0 && ex[ex.length - 2] === lines - 1) return ex[ex.length - 1];
  return layout.crlf ? Eol.Crlf : Eol.Lf;
}

/** Number of ACGT bases among residues `0..residue`. */
export function basesBefore(layout: RecordLayout, residue: number): number {
  let covered = 0;
  const ex = layout.exceptions;
  for (let i = 0; i < ex.length && ex[i] < residue; i += 3) covered += Math.min(ex[i] + ex[i + 1], residue) - ex[i];
  return residue - covered;
}

/**
 * Writes a record's residues, in order, wherever they go: the letters of its bases, the bytes of
 * its exceptions, lower case where its case runs say. renderResidues writes them in one piece,
 * renderRecord line by line, each straight into the output: rendering the residues first and
 * copying them into lines, a line at a time, took a seventh of decompressing 50 genomes.
 * A class, not a closure: V8 keeps a closure's variables in a heap context (measured 2x slower).
 */
class ResidueWriter {
  private readonly from: DataView;
  private readonly to: DataView;
  /** The next symbol; the first exception and the first case run that may still lie ahead. */
  private s = 0;
  private exAt = 0;
  private runAt = 0;
  private runStart = 0;

  constructor(
    private readonly layout: RecordLayout,
    /** The record's bases from those of the first residue written on (basesBefore of it). */
    private readonly symbols: Uint8Array,
    private readonly out: Uint8Array,
  ) {
    this.from = viewOf(symbols);
    this.to = viewOf(out);
  }

  /** Residues `r..r + length` to `out[o..]`; each call continues where the last one ended (or starts anywhere, once). */
  put(o: number, r: number, length: number): void {
    const { out, layout } = this;
    const ex = layout.exceptions;
    const end = r + length;
    for (let at = r, to = o; at < end; ) {
      while (this.exAt < ex.length && ex[this.exAt] + ex[this.exAt + 1] <= at) this.exAt += 3;
      const exStart = this.exAt < ex.length ? ex[this.exAt] : end;
      if (exStart > at) {
        const n = Math.min(exStart, end) - at;
        lettersThrough(this.to, out, to, this.from, this.symbols, this.s, n);
        this.s += n;
        at += n;
        to += n;
      } else {
        const n = Math.min(exStart + ex[this.exAt + 1], end) - at;
        out.fill(ex[this.exAt + 2], to, to + n);
        at += n;
        to += n;
      }
    }
    // Lower-case runs (odd ones). Exception bytes inside one are already lower case, so OR-ing
    // 0x20 only changes the ACGT letters.
    const runs = layout.caseRuns;
    while (this.runAt < runs.length && this.runStart < end) {
      const runEnd = this.runStart + runs[this.runAt];
      if (this.runAt % 2 === 1) {
        for (let p = Math.max(this.runStart, r); p < Math.min(runEnd, end); p++) out[o + p - r] |= 0x20;
      }
      if (runEnd > end) break; // goes on into the next call's residues
      this.runStart = runEnd;
      this.runAt++;
    }
  }
}

/**
 * Residues `start..end` of a record as the original bytes (no line breaks).
 * `symbols` holds the bases from base index `basesBefore(layout, start)` on.
 */
export function renderResidues(layout: RecordLayout, symbols: Uint8Array, start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  new ResidueWriter(layout, symbols, out).put(0, start, end - start);
  return out;
}

/**
 * The original bytes of a record from its layout and its base symbols; written into `out` when
 * given (it must hold exactly recordByteLength(layout) bytes, and every one of them is written).
 */
export function renderRecord(layout: RecordLayout, symbols: Uint8Array, out?: Uint8Array): Uint8Array {
  const length = recordByteLength(layout);
  if (out === undefined) out = new Uint8Array(length);
  else if (out.length !== length) throw new RangeError(`a record of ${length} bytes rendered into ${out.length}`);
  const residues = new ResidueWriter(layout, symbols, out);
  const def = layout.crlf ? Eol.Crlf : Eol.Lf;
  const eolExceptions = layout.eolExceptions;
  const runs = layout.lineRuns;
  const lines = lineCount(layout);
  let exAt = 0;
  let run = 0; // lineRuns[run] is the length of the current run's lines, lineRuns[run + 1] how many
  let left = runs.length > 0 ? runs[1] : 0;
  let o = 0;
  let r = 0;
  for (let line = 0; line < lines; line++) {
    if (line === 0 && layout.hasHeader) {
      out[o++] = GT;
      out.set(layout.name, o);
      o += layout.name.length;
    } else {
      while (left === 0) {
        run += 2;
        left = runs[run + 1];
      }
      left--;
      const length = runs[run];
      residues.put(o, r, length);
      o += length;
      r += length;
    }
    let kind: number = def;
    if (exAt < eolExceptions.length && eolExceptions[exAt] === line) {
      kind = eolExceptions[exAt + 1];
      exAt += 2;
    }
    if (kind === Eol.Crlf) out[o++] = CR;
    if (kind !== Eol.None) out[o++] = LF;
  }
  return out;
}
