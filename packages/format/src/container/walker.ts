/**
 * The rules on the order of frames (FORMAT.md, "Frame order"), checked in one place for both
 * the random-access reader and the forward-only stream decoder:
 *   FASTA file:   (CHUNK SEQUENCE×n)* END    — each chunk announces n records, each followed by its sequence frame
 *   generic file: GENERIC* END
 * Skippable frames may appear anywhere before END. Nothing may follow END.
 */
import { ByteReader } from '../bytes.js';
import { Eol } from '../constants.js';
import { CorruptError } from '../errors.js';
import { lastEol, lineCount, recordByteLength } from '../fasta/record.js';
import type { ChunkRecord } from './chunk.js';

export interface EndInfo {
  records: number;
  originalBytes: number;
  /** CRC32C of the whole original file. */
  crc: number;
}

export class FrameWalker {
  kind: 'fasta' | 'generic' | undefined;
  records = 0;
  originalBytes = 0;
  private pending: ChunkRecord[] = [];
  private pendingAt = 0;
  private previous: ChunkRecord | undefined;

  private setKind(kind: 'fasta' | 'generic', offset: number): void {
    if (this.kind !== undefined && this.kind !== kind) {
      throw new CorruptError('file mixes FASTA chunks and generic frames', offset);
    }
    this.kind = kind;
  }

  chunk(records: ChunkRecord[], offset: number): void {
    this.setKind('fasta', offset);
    if (this.pendingAt < this.pending.length) {
      throw new CorruptError('chunk frame before the previous chunk’s sequence frames', offset);
    }
    this.pending = records;
    this.pendingAt = 0;
  }

  /** The record whose bases the sequence frame at `offset` carries. */
  sequence(offset: number): ChunkRecord {
    if (this.pendingAt >= this.pending.length) throw new CorruptError('sequence frame without a chunk frame', offset);
    const record = this.pending[this.pendingAt++];
    const { layout } = record;
    if (lineCount(layout) === 0) throw new CorruptError('record with no lines', offset);
    if (!layout.hasHeader && this.records > 0) throw new CorruptError('only the first record may lack a header', offset);
    if (this.previous && lastEol(this.previous.layout) === Eol.None) {
      throw new CorruptError('a record without a final line terminator is not the last', offset);
    }
    this.previous = record;
    this.records++;
    this.originalBytes += recordByteLength(layout);
    return record;
  }

  generic(rawLength: number, offset: number): void {
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
