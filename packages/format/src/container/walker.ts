/**
 * The rules on the order of frames (FORMAT.md, "Frame order"), checked in one place for both
 * the random-access reader and the forward-only stream decoder:
 *   FASTA file:   (CHUNK SEQUENCE×n)* END    — each chunk announces n records, each followed by its sequence frame
 *   generic file: GENERIC* END
 *   multi-file archive: as a FASTA file, with a FILE frame before each file's first record (it
 *                 may sit between the sequence frames of a chunk), or FILE GENERIC* for a file
 *                 stored generically (never inside a chunk); no record or generic frame comes
 *                 before the first FILE frame (a chunk frame may)
 * Skippable frames may appear anywhere before END. Nothing may follow END.
 * A group that continues (FORMAT.md, "Groups") is linked here to the last group before it.
 */
import { ByteReader } from '../bytes.js';
import { Eol, LIMITS } from '../constants.js';
import { CorruptError, LimitExceededError } from '../errors.js';
import { lastEol, lineCount, recordByteLength } from '../fasta/record.js';
import type { ChunkGroup, ChunkRecord } from './chunk.js';

export interface EndInfo {
  records: number;
  originalBytes: number;
  /** CRC32C of the whole original file. */
  crc: number;
}

export class FrameWalker {
  /** The kind of the (current) file: FASTA records or generic frames. */
  kind: 'fasta' | 'generic' | undefined;
  records = 0;
  originalBytes = 0;
  /** FILE frames seen: 0 in a single-file archive. */
  files = 0;
  private recordsInFile = 0;
  private started = false;
  private pending: ChunkRecord[] = [];
  private pendingAt = 0;
  private previous: ChunkRecord | undefined;
  private lastGroup: ChunkGroup | undefined;

  private setKind(kind: 'fasta' | 'generic', offset: number): void {
    if (this.kind !== undefined && this.kind !== kind) {
      throw new CorruptError(this.files > 0 ? 'a file holds both FASTA records and generic frames' : 'file mixes FASTA chunks and generic frames', offset);
    }
    this.kind = kind;
  }

  /** A FILE frame: the next records or generic frames belong to a new file. */
  file(offset: number): void {
    if (this.started && this.files === 0) throw new CorruptError('file frame after content that belongs to no file', offset);
    this.started = true;
    this.files++;
    this.recordsInFile = 0;
    this.previous = undefined;
    this.kind = undefined;
  }

  chunk(records: ChunkRecord[], offset: number): void {
    if (this.pendingAt < this.pending.length) {
      throw new CorruptError('chunk frame before the previous chunk’s sequence frames', offset);
    }
    this.pending = records;
    this.pendingAt = 0;
    const group = records[0]?.group;
    if (!group) return;
    // A group that continues goes on from the last group before it, of the same codec.
    if (group.continues) {
      const previous = this.lastGroup;
      if (!previous) throw new CorruptError('a group continues, but no group comes before it', offset);
      if (previous.codec !== group.codec) throw new CorruptError('a group continues a group of another codec', offset);
      group.previous = previous;
      group.chainBases = previous.chainBases + group.bases;
      if (group.chainBases > LIMITS.maxGroupBases) {
        throw new LimitExceededError(`a chain of groups of ${group.chainBases} bases exceeds the ${LIMITS.maxGroupBases}-base limit`, offset);
      }
    }
    this.lastGroup = group;
  }

  /** The record whose bases the sequence frame at `offset` carries. */
  sequence(offset: number): ChunkRecord {
    if (this.pendingAt >= this.pending.length) throw new CorruptError('sequence frame without a chunk frame', offset);
    const record = this.pending[this.pendingAt++];
    this.started = true;
    this.setKind('fasta', offset);
    const { layout } = record;
    if (lineCount(layout) === 0) throw new CorruptError('record with no lines', offset);
    if (!layout.hasHeader && this.recordsInFile > 0) throw new CorruptError('only the first record of a file may lack a header', offset);
    if (this.previous && lastEol(this.previous.layout) === Eol.None) {
      throw new CorruptError('a record without a final line terminator is not the last', offset);
    }
    this.previous = record;
    this.records++;
    this.recordsInFile++;
    this.originalBytes += recordByteLength(layout);
    return record;
  }

  generic(rawLength: number, offset: number): void {
    this.started = true;
    if (this.pendingAt < this.pending.length) throw new CorruptError('generic frame inside a chunk', offset);
    this.setKind('generic', offset);
    this.originalBytes += rawLength;
  }

  /** Parses the END payload and checks it against everything seen. */
  end(payload: Uint8Array, offset: number): EndInfo {
    if (this.pendingAt < this.pending.length) throw new CorruptError('end frame before all sequence frames', offset);
    const r = new ByteReader(payload, 'end frame', offset);
    const info = { records: r.varint(), originalBytes: r.varint(), crc: r.u32() };
    r.expectEnd();
    if (info.records !== this.records || info.originalBytes !== this.originalBytes) {
      throw new CorruptError(
        `end frame declares ${info.records} records / ${info.originalBytes} bytes, frames hold ${this.records} / ${this.originalBytes}`,
        offset,
      );
    }
    return info;
  }
}
