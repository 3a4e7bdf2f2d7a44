/**
 * `cm` records in independent blocks (CompressOptions.blockBases; FORMAT.md, cm payload layout 3,
 * required flag 02): the same bytes as the residual codec writes, a header that older readers
 * refuse, and ranges that decode only the blocks they touch.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cmEncode } from '@seqcoder/residual';
import { describe, expect, it } from 'vitest';
import { appendFiles, compress, compressFiles, crc32c, decompress, isSeqCoderError, openArchive } from '../src/index.js';
import { collect, FIXTURES, fixture } from './helpers.js';

const BLOCK = 50_000;

/** One record of `n` pseudo-random bases in 70-column lines, and its sequence as text. */
function record(n: number): { fasta: Uint8Array; seq: string } {
  let x = 11;
  let seq = '';
  for (let i = 0; i < n; i++) seq += 'ACGT'[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3];
  return { fasta: new TextEncoder().encode(`>blocks\n${seq.replace(/(.{70})/g, '$1\n')}\n`), seq };
}

/** Offset of the file's first sequence frame (type 2). */
function firstSequenceFrame(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let at = 16; at < file.length; at += 10 + view.getUint32(at + 2, true)) if (file[at] === 2) return at;
  throw new Error('no sequence frame');
}

describe('cm records in independent blocks', () => {
  const n = 3 * BLOCK + 1234;
  const { fasta, seq } = record(n);
  const symbols = Uint8Array.from(seq, (c) => 'ACGT'.indexOf(c));

  it('store the cm codec bytes of blocks, set required flag 02, and round-trip', async () => {
    const packed = await compress(fasta, { codec: 'cm', level: 1, blockBases: BLOCK });
    expect(packed[10]).toBe(0x03); // omitted sections | cm blocks
    const at = firstSequenceFrame(packed);
    const payload = packed.subarray(at + 10, at + 10 + new DataView(packed.buffer, packed.byteOffset).getUint32(at + 2, true));
    // codec id 2 (one byte), the base count as a varint, then the cm payload
    let p = 1;
    while (payload[p]! & 0x80) p++;
    expect(payload.subarray(p + 1)).toEqual(cmEncode(symbols, { level: 1, blockBases: BLOCK }));
    expect(payload[p + 1]).toBe(3); // layout 3
    expect(await decompress(packed)).toEqual(fasta);
    const archive = await openArchive(packed);
    await archive.verify();
    expect(await archive.blockBases(0)).toBe(BLOCK);
    // Without blocks the flag stays clear, and a record says it is one stream.
    const plain = await compress(fasta, { codec: 'cm', level: 1 });
    expect(plain[10]).toBe(0x01);
    expect(await (await openArchive(plain)).blockBases(0)).toBeUndefined();
  }, 60_000);

  it('read a range from the block that holds it, never the blocks before', async () => {
    const packed = await compress(fasta, { codec: 'cm', level: 1, blockBases: BLOCK });
    // Damage the first block's stream and forge the frame checksum: a range in a later block
    // still reads, which proves the first block is never decoded for it.
    const bad = Uint8Array.from(packed);
    const at = firstSequenceFrame(bad);
    const length = new DataView(bad.buffer).getUint32(at + 2, true);
    bad[at + 10 + 40]! ^= 0x10;
    new DataView(bad.buffer).setUint32(at + 6, crc32c(bad.subarray(at + 10, at + 10 + length), crc32c(bad.subarray(at, at + 6))), true);
    const archive = await openArchive(bad);
    const text = async (start: number, end: number) => new TextDecoder().decode(await archive.readSequence(0, start, end));
    expect(await text(2 * BLOCK + 5, 2 * BLOCK + 105)).toBe(seq.slice(2 * BLOCK + 5, 2 * BLOCK + 105));
    expect(await text(n - 100, n)).toBe(seq.slice(n - 100));
    // A range that ends in the damaged block is refused where that block's stream ends wrongly.
    await expect(text(BLOCK - 50, BLOCK + 50)).rejects.toSatisfy((e: unknown) => isSeqCoderError(e, 'CORRUPT'));
    await expect(archive.readRecord(0)).rejects.toSatisfy((e: unknown) => isSeqCoderError(e, 'CORRUPT', 'CHECKSUM_MISMATCH'));
  }, 60_000);

  it('are refused for codecs without blocks, block sizes out of range, and appends', async () => {
    for (const [options, message] of [
      [{ codec: 'pack', blockBases: BLOCK }, /does not code records in blocks/],
      [{ codec: 'ref', blockBases: BLOCK }, /does not code records in blocks/],
      [{ codec: 'cm', blockBases: 4095 }, /outside 4096\.\./],
      [{ codec: 'cm', blockBases: 1.5e4 + 0.5 }, /outside/],
    ] as const) {
      await expect(compress(fasta, options)).rejects.toSatisfy((e: unknown) => isSeqCoderError(e, 'INVALID_ARGUMENT') && message.test(e.message));
    }
    const archive = await openArchive(await collect(compressFiles([{ name: 'a.fa', content: [fasta] }], { codec: 'cm', blockBases: BLOCK })));
    await expect(collect(appendFiles(archive, [{ name: 'b.fa', content: [fasta] }], { blockBases: BLOCK }))).rejects.toSatisfy((e: unknown) =>
      isSeqCoderError(e, 'INVALID_ARGUMENT'),
    );
  }, 60_000);
});

describe('the cm encoder writes the golden bytes of blocks again', () => {
  // The three synthetic genomes of ref-collection.fa (about 5 kb each), each coded in blocks of
  // 4,096 bases at level 2, without zstd: every byte of the file is the encoder's. Level 2's model
  // is 24 since revision 21; cm-blocks-model-18.fa.seqc and cm-blocks-model-10.fa.seqc are what it
  // wrote before, and decode as golden files.
  it('cm-blocks.fa (level 2, blocks of 4096)', async () => {
    const original = fixture('golden', 'v1.0', 'cm-blocks.fa');
    const again = await compress(original, { codec: 'cm', level: 2, blockBases: 4096 });
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(FIXTURES, 'golden', 'v1.0', 'cm-blocks.fa.seqc'), again);
    expect(again).toEqual(fixture('golden', 'v1.0', 'cm-blocks.fa.seqc'));
    expect(await decompress(again)).toEqual(original);
  });
});
