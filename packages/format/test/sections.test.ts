/**
 * Files of this version set the required flag OmittedSections and leave a chunk's names, case and
 * exceptions sections out when they hold nothing (FORMAT.md, "CHUNK frame"). Files without the
 * flag must still have all four, and no file may leave out the layout.
 */
import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../src/bytes.js';
import { crc32c } from '../src/checksum.js';
import { encodeFileHeader, encodeFrame } from '../src/container/frames.js';
import { FrameType, RequiredFlag, SectionId } from '../src/constants.js';
import { compress, decompress, isSeqCoderError } from '../src/index.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The section ids of a file's first chunk frame, in order. */
function chunkSections(file: Uint8Array): number[] {
  const r = new ByteReader(file.subarray(16 + 10), 'chunk');
  const count = r.varint();
  for (let i = 0; i < count; i++) {
    r.varint();
    r.varint();
    r.u32();
  }
  const ids: number[] = [];
  for (let n = r.varint(); n > 0; n--) {
    ids.push(r.u8());
    r.u8();
    r.varint();
    r.bytes(r.varint());
  }
  return ids;
}

/** 'CODE: message' of the typed error that decompressing `file` raises. */
async function refusal(file: Uint8Array): Promise<string> {
  return decompress(file).then(
    () => 'decoded',
    (err: unknown) => (isSeqCoderError(err) ? `${err.code}: ${err.message}` : String(err)),
  );
}

describe('empty side sections are left out', () => {
  it.each([
    ['a raw sequence', 'ACGTACGTTTGACCA', [SectionId.Layout]],
    ['a record with a header', '>virus\nACGTACGT\nACG\n', [SectionId.Names, SectionId.Layout]],
    ['a header line with an empty name', '>\nACGT\n', [SectionId.Names, SectionId.Layout]],
    ['lower case', 'ACGTacgt\n', [SectionId.Layout, SectionId.Case]],
    ['an N run', 'ACGTNNNNACGT\n', [SectionId.Layout, SectionId.Exceptions]],
    ['two records, one with everything', '>a\nACGT\n>b\nacgNNt\n', [SectionId.Names, SectionId.Layout, SectionId.Case, SectionId.Exceptions]],
  ])('%s', async (_, fasta, sections) => {
    for (const codec of ['pack', 'cm'] as const) {
      const file = await compress(text(fasta), { codec });
      expect(file[10]).toBe(RequiredFlag.OmittedSections);
      expect(chunkSections(file)).toEqual(sections);
      expect(Buffer.from(await decompress(file)).toString('latin1')).toBe(fasta);
    }
  });

  it('is refused in a file whose header does not allow it', async () => {
    const file = await compress(text('ACGTACGTTTGACCA'), { codec: 'pack' });
    file[10] = 0;
    new DataView(file.buffer, file.byteOffset).setUint32(12, crc32c(file.subarray(0, 12)), true);
    expect(await refusal(file)).toMatch(/^CORRUPT: .*lacks its names section/);
  });

  it('never covers the layout section', async () => {
    // One record of 4 bases, no sections at all, every checksum right.
    const chunk = new ByteWriter().varint(1).varint(0).varint(4).u32(crc32c(text('ACGT'))).varint(0).finish();
    const sequence = new ByteWriter().varint(1).varint(4).u8(0b00011011).finish();
    const end = new ByteWriter().varint(1).varint(4).u32(crc32c(text('ACGT'))).finish();
    const file = new Uint8Array([
      ...encodeFileHeader(),
      ...encodeFrame(FrameType.Chunk, chunk),
      ...encodeFrame(FrameType.Sequence, sequence),
      ...encodeFrame(FrameType.End, end),
    ]);
    expect(await refusal(file)).toMatch(/^CORRUPT: .*lacks its layout section/);
  });
});
