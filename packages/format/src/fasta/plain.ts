/**
 * The records of a FASTA file that an archive stored as opaque bytes (a generic file: protein
 * FASTA, or anything else that did not look like nucleotides). Such a file has no record table, so
 * a reader that wants one of its records (`seqcoder get`, `cat --record`) reads the file's bytes
 * through this, front to back, holding one record at a time. Records, headers and residues follow
 * the FASTA model of FORMAT.md, as for the records the archive modelled.
 */
import type { Archive } from '../reader.js';
import { RecordSplitter } from './splitter.js';

const LF = 10;
const CR = 13;
const GT = 62;
const decoder = new TextDecoder();

/** One record of a plain FASTA stream. */
export interface PlainRecord {
  /** Its position in the stream, from 0. */
  ordinal: number;
  /** The header line after '>', without its terminator ('' for a headerless first record). */
  name: string;
  /** The record's bytes, header line and terminators included: a view, valid until the next record is read. */
  bytes: Uint8Array;
  /** Its residues (the bytes of its sequence lines, without terminators). */
  length: number;
}

/**
 * The files of an archive stored as bytes (of `file` only, when given), as indexes for
 * {@link storedBytes}: -1 for an archive of one input that was stored so.
 */
export function filesStoredAsBytes(archive: Archive, file?: number): number[] {
  if (archive.files.length === 0) return archive.kind === 'generic' ? [-1] : [];
  return archive.files.filter((f) => f.kind === 'generic' && (file === undefined || f.index === file)).map((f) => f.index);
}

/** The bytes of such a file (-1: the archive's one input), every checksum verified. */
export function storedBytes(archive: Archive, file: number): AsyncIterable<Uint8Array> {
  return file < 0 ? archive.stream() : archive.streamFile(file);
}

/** The records of a FASTA byte stream, one at a time (each a view of the splitter's buffer). */
export async function* plainFastaRecords(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<PlainRecord> {
  const splitter = new RecordSplitter();
  let ordinal = 0;
  const described = (bytes: Uint8Array): PlainRecord => {
    const sequence = sequenceStart(bytes);
    const header = bytes[0] === GT ? bytes.subarray(1, lineEnd(bytes, sequence)) : new Uint8Array(0);
    return { ordinal: ordinal++, name: decoder.decode(header), bytes, length: residuesIn(bytes, sequence, bytes.length, undefined) };
  };
  for await (const chunk of chunks) for (const bytes of splitter.push(chunk)) yield described(bytes);
  for (const bytes of splitter.finish()) yield described(bytes);
}

/** Residues from..to (0-based, end excluded, cut to the record) of a record's bytes. */
export function plainResidues(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const out = new Uint8Array(Math.max(0, to - from));
  const copied = residuesIn(bytes, sequenceStart(bytes), bytes.length, { out, from, to });
  return out.subarray(0, copied);
}

/** Where the sequence lines start: after the header line, when the record has one. */
function sequenceStart(bytes: Uint8Array): number {
  if (bytes[0] !== GT) return 0;
  const lf = bytes.indexOf(LF);
  return lf === -1 ? bytes.length : lf + 1;
}

/** Where the text of the header line ends, the line that runs up to `next`: its LF, and a CR just before that LF, left out. */
function lineEnd(bytes: Uint8Array, next: number): number {
  let end = next;
  if (end > 0 && bytes[end - 1] === LF) end--;
  if (end > 1 && bytes[end - 1] === CR && end < next) end--;
  return end;
}

/**
 * Counts the residues of bytes start..end (sequence lines); with `copy`, also copies those from
 * copy.from to copy.to into copy.out, and returns how many it copied instead. A CR counts as a
 * residue unless a LF follows it, as the FASTA model says.
 */
function residuesIn(bytes: Uint8Array, start: number, end: number, copy: { out: Uint8Array; from: number; to: number } | undefined): number {
  let residues = 0;
  let copied = 0;
  let at = start;
  while (at < end) {
    let lf = bytes.indexOf(LF, at);
    if (lf === -1 || lf >= end) lf = end;
    const lineStop = lf < end && lf > at && bytes[lf - 1] === CR ? lf - 1 : lf;
    const count = lineStop - at;
    if (copy) {
      const a = Math.max(copy.from, residues);
      const b = Math.min(copy.to, residues + count);
      if (a < b) {
        copy.out.set(bytes.subarray(at + a - residues, at + b - residues), copied);
        copied += b - a;
      }
      if (residues + count >= copy.to) return copied;
    }
    residues += count;
    at = lf + 1;
  }
  return copy ? copied : residues;
}
