/**
 * Forged files whose every checksum is right but whose declared sizes are enormous: the reader
 * must refuse them with a typed error, quickly, without allocating what they declare.
 * (Random damage rarely produces such consistent lies; fuzz.test.ts covers random damage.)
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/bytes.js';
import { encodeChunk } from '../src/container/chunk.js';
import { encodeFileHeader, encodeFrame } from '../src/container/frames.js';
import { FrameType } from '../src/constants.js';
import type { RecordLayout } from '../src/fasta/record.js';
import { decompress, isSeqCoderError, openArchive } from '../src/index.js';

/** A file of one record with this layout, whose sequence frame holds `payload` for codec `codecId`. */
function forge(layout: RecordLayout, codecId: number, payload: Uint8Array): Uint8Array {
  const chunk = encodeFrame(FrameType.Chunk, encodeChunk([{ layout, crc: 0 }], undefined, 0));
  const head = new ByteWriter(16).varint(codecId).varint(layout.bases).finish();
  const sequence = encodeFrame(FrameType.Sequence, new Uint8Array([...head, ...payload]));
  const end = encodeFrame(FrameType.End, new ByteWriter(32).varint(1).varint(layout.residues + 3).u32(0).finish());
  return new Uint8Array([...encodeFileHeader(), ...chunk, ...sequence, ...end]);
}

const name = new TextEncoder().encode('forged');
function layoutOf(residues: number, bases: number, exceptions: number[]): RecordLayout {
  return { hasHeader: true, name, crlf: false, lineRuns: [residues, 1], eolExceptions: [], residues, caseRuns: [], exceptions, bases };
}

async function refused(file: Uint8Array): Promise<string> {
  const started = performance.now();
  const attempts = [
    () => decompress(file),
    async () => {
      const archive = await openArchive(file);
      await archive.readRecord(0);
    },
    async () => (await openArchive(file)).readSequence(0, 0, 10),
  ];
  const codes: string[] = [];
  for (const attempt of attempts) {
    try {
      await attempt();
      codes.push('decoded');
    } catch (e) {
      if (!isSeqCoderError(e)) throw e; // an untyped error (RangeError, out of memory) fails the test
      codes.push(e.code);
    }
  }
  expect(performance.now() - started).toBeLessThan(5000);
  return codes.join(',');
}

describe('forged sizes with valid checksums', () => {
  it('a cm record declaring 2^31 bases in a few bytes', async () => {
    const payload = Uint8Array.of(1, 2, 0, 0, 0, 0, 0, 0); // layout 1, level 2, six coded bytes
    expect(await refused(forge(layoutOf(2 ** 31, 2 ** 31, []), 2, payload))).not.toContain('decoded');
  });

  it('a cm record declaring as many bases as the bound allows, from bytes that hold far fewer', async () => {
    const payload = Uint8Array.of(1, 1, 0x80, 0, 0, 0, 0, 0);
    expect(await refused(forge(layoutOf(6 * 2 ** 15, 6 * 2 ** 15, []), 2, payload))).not.toContain('decoded');
  });

  it('a pack record declaring 2^40 bases in 10 bytes', async () => {
    expect(await refused(forge(layoutOf(2 ** 40, 2 ** 40, []), 1, new Uint8Array(10)))).not.toContain('decoded');
  });

  it('a record of 2^40 residues that are one run of N', async () => {
    expect(await refused(forge(layoutOf(2 ** 40, 0, [0, 2 ** 40, 78]), 1, new Uint8Array(0)))).not.toContain('decoded');
  });

  it('a record of 2^32 + 5 residues that are one run of N', async () => {
    expect(await refused(forge(layoutOf(2 ** 32 + 5, 0, [0, 2 ** 32 + 5, 78]), 1, new Uint8Array(0)))).not.toContain('decoded');
  });
});
