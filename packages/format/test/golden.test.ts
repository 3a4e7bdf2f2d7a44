import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CM_LEVELS, CM_SHORT_RECORD_TRIALS } from '@seqcoder/residual';
import { appendFiles, compress, compressFiles, crc32c, decompress, decompressStream, isSeqCoderError, openArchive, FORMAT_REVISION } from '../src/index.js';
import { RequiredFlag } from '../src/constants.js';
import { collect, FIXTURES, fixture, pieces, sequenceFrames, zstdCompress } from './helpers.js';

describe('golden files decode forever', () => {
  const dir = join(FIXTURES, 'golden', 'v1.0');
  const files = readdirSync(dir).filter((f) => f.endsWith('.seqc'));
  it('has golden files', () => expect(files.length).toBeGreaterThanOrEqual(4));
  for (const file of files) {
    it(file, async () => {
      const packed = fixture('golden', 'v1.0', file);
      const original = fixture('golden', 'v1.0', file.replace(/\.seqc$/, ''));
      expect(await decompress(packed)).toEqual(original);
      await (await openArchive(packed)).verify();
    });
  }
});

describe('the cm encoder writes the golden bytes again', () => {
  // Decoding forever is not enough for cm: the encoder and decoder run the same model, so an
  // encoder that drifted would also mean a decoder that drifted. Re-encode and compare the
  // sequence frames (the side sections depend on the zstd build, so they are not compared).
  // The first models (cm-level-N files) are pinned byte for byte by the residual package's golden
  // digests; here, the model each level writes today.
  // Levels 2–4 also try short-record models on each record (cm-trials-N files; level 2 within its
  // budget, which these records fit: cm-model-18.fa.seqc is what level 2 wrote before it tried
  // them, cm-trials-2-r20.fa.seqc what it wrote before model 24).
  for (const level of [1, 2, 3, 4]) {
    const name = CM_SHORT_RECORD_TRIALS[level] ? `cm-trials-${level}.fa` : `cm-model-${CM_LEVELS[level]}.fa`;
    it(`level ${level} (${name})`, async () => {
      const original = fixture('golden', 'v1.0', name);
      const golden = fixture('golden', 'v1.0', `${name}.seqc`);
      const again = await compress(original, { codec: 'cm', level, zstd: zstdCompress });
      const frames = sequenceFrames(golden);
      expect(frames.length).toBeGreaterThan(0);
      expect(sequenceFrames(again)).toEqual(frames);
    });
  }
});

describe('the ref encoder writes the golden bytes again', () => {
  // Written without zstd, so every byte of the file is the encoder's: the token streams, the
  // group's shared cm stream and the raw side sections.
  it('ref-collection.fa (level 2)', async () => {
    const original = fixture('golden', 'v1.0', 'ref-collection.fa');
    const again = await compress(original, { codec: 'ref', level: 2 });
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(FIXTURES, 'golden', 'v1.0', 'ref-collection.fa.seqc'), again);
    const golden = fixture('golden', 'v1.0', 'ref-collection.fa.seqc');
    expect((await openArchive(golden)).records.map((r) => r.codec)).toEqual(['ref', 'ref', 'ref']);
    // A ref writer at level 2 announces aligned groups in the header (these close genomes are
    // still coded as token streams) and revision 14's token grammar; since revision 21 it codes
    // the literal stream with cm model 24 (model 18 from revision 13). The files revisions 11, 13
    // and 14 wrote (ref-collection-r11.fa.seqc, -r13, -r14) decode above.
    expect(again[10]).toBe(RequiredFlag.OmittedSections | RequiredFlag.AlignedGroups | RequiredFlag.ReferenceSites);
    expect(again).toEqual(golden);
  });

  it('ref-aligned.fa (level 2): divergent genomes, an aligned group (revision 12)', async () => {
    // Three synthetic genomes 4% and 2% apart, with indels, new genes, an inversion and a
    // duplication: the group's cm stream holds every base, hinted by the alignment (ADR 0016).
    // Revision 14 changed the header's flags and, in the token streams, the contexts of a run
    // after a repeat match (ref-aligned-r13.fa.seqc before). ADR 0026's sparser look-ups in long
    // runs of new bases changed the parse of the first genome's repeats (8,249 bytes before).
    // Since revision 21 the group's cm stream is model 25, not 15 (ref-aligned-r14.fa.seqc before).
    // Copy edges of 16 bases, not 64 (ADR 0026's addendum), changed the parse again (8,256 bytes before).
    const original = fixture('golden', 'v1.0', 'ref-aligned.fa');
    const again = await compress(original, { codec: 'ref', level: 2 });
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(FIXTURES, 'golden', 'v1.0', 'ref-aligned.fa.seqc'), again);
    const golden = fixture('golden', 'v1.0', 'ref-aligned.fa.seqc');
    expect(again).toEqual(golden);
  });
});

describe('the ref encoder writes the golden bytes of an append again', () => {
  // The collection of ref-collection.fa as two files: the first two genomes, then the third
  // appended, its group continuing theirs (FORMAT.md, "Groups"; revision 10).
  it('ref-append.fa (level 2)', async () => {
    const original = fixture('golden', 'v1.0', 'ref-append.fa');
    const third = new TextDecoder().decode(original).indexOf('>genome_c');
    const first = await collect(compressFiles([{ name: 'ab.fa', content: [original.subarray(0, third)] }], { codec: 'ref', level: 2 }));
    const again = await collect(
      appendFiles(await openArchive(first), [{ name: 'c.fa', content: [original.subarray(third)] }], { codec: 'ref', level: 2 }),
    );
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(FIXTURES, 'golden', 'v1.0', 'ref-append.fa.seqc'), again);
    // Since revision 14 the token grammar is revision 14's, and since revision 21 the literal
    // stream is cm model 24 (model 18 from revision 13); what revisions 11, 13 and 14 wrote is
    // ref-append-r11.fa.seqc, ref-append-r13.fa.seqc and ref-append-r14.fa.seqc.
    expect(again[10]).toBe(RequiredFlag.OmittedSections | RequiredFlag.AlignedGroups | RequiredFlag.ReferenceSites);
    expect(again).toEqual(fixture('golden', 'v1.0', 'ref-append.fa.seqc'));
    expect(again.length).toBeLessThan(first.length + 400); // the third genome is coded against the others
  });
});

describe('damage inside a cm stream whose frame checksum was recomputed', () => {
  // The frame CRC normally catches this; here it is forged, so the decoder itself or the record
  // checksum must refuse the data. A flip in the coder's final flush bytes may change nothing
  // decoded; then the output must be the original, byte for byte.
  it.each(['cm-level-2.fa', `cm-model-${CM_LEVELS[2]}.fa`])('never returns wrong bytes (%s)', async (name) => {
    const golden = fixture('golden', 'v1.0', `${name}.seqc`);
    const original = fixture('golden', 'v1.0', name);
    const view = new DataView(golden.buffer, golden.byteOffset, golden.byteLength);
    let at = 0; // the largest sequence frame
    for (let p = 16; p < golden.length; p += 10 + view.getUint32(p + 2, true)) {
      if (golden[p] === 2 && (at === 0 || view.getUint32(p + 2, true) > view.getUint32(at + 2, true))) at = p;
    }
    const length = view.getUint32(at + 2, true);
    expect(length).toBeGreaterThan(1000);
    // Every 7th bit of the last 64 bytes, where the coder's flush lies, and every 61st elsewhere
    // (every 7th everywhere took 50 s; `pnpm fuzz` damages streams at random far more often).
    const tail = (length - 64) * 8;
    const bits: number[] = [];
    for (let bit = 0; bit < tail; bit += 61) bits.push(bit);
    for (let bit = Math.max(0, tail); bit < length * 8; bit += 7) bits.push(bit);
    let refused = 0;
    let refusedBeforeTail = 0;
    for (const bit of bits) {
      const bad = Uint8Array.from(golden);
      bad[at + 10 + (bit >> 3)]! ^= 1 << (bit & 7);
      const crc = crc32c(bad.subarray(at + 10, at + 10 + length), crc32c(bad.subarray(at, at + 6)));
      new DataView(bad.buffer).setUint32(at + 6, crc, true);
      const result = await decompress(bad).catch((e: unknown) => e);
      if (result instanceof Uint8Array) expect(Buffer.compare(result, original), `bit ${bit}`).toBe(0);
      else {
        expect(isSeqCoderError(result), `bit ${bit}: ${String(result)}`).toBe(true);
        refused++;
        if (bit < tail) refusedBeforeTail++;
      }
    }
    expect(refusedBeforeTail).toBe(bits.filter((b) => b < tail).length); // before the flush, every flip is refused
    expect(refused).toBeGreaterThan(bits.length - 40); // only flush bits can be harmless
  });
});

/** The error a decode of `bytes` raises through both readers (they must agree). */
async function decodeError(bytes: Uint8Array): Promise<unknown[]> {
  const errors: unknown[] = [];
  try {
    await (await openArchive(bytes)).verify();
    errors.push(undefined);
  } catch (e) {
    errors.push(e);
  }
  try {
    await collect(decompressStream(pieces(bytes, 17)));
    errors.push(undefined);
  } catch (e) {
    errors.push(e);
  }
  return errors;
}

describe('corrupt files fail with the right typed error', () => {
  const manifest: Record<string, string> = JSON.parse(readFileSync(join(FIXTURES, 'corrupt', 'manifest.json'), 'utf8'));
  for (const [file, code] of Object.entries(manifest)) {
    it(`${file} → ${code}`, async () => {
      for (const error of await decodeError(fixture('corrupt', file))) {
        expect(isSeqCoderError(error), String(error)).toBe(true);
        expect((error as { code: string }).code).toBe(code);
      }
    });
  }
});

describe('every damage to a small file is caught', () => {
  const good = fixture('golden', 'v1.0', 'mixed.fa.seqc');

  it('a cut at every byte raises TRUNCATED (or BAD_MAGIC for an empty file)', async () => {
    for (let cut = 0; cut < good.length; cut++) {
      for (const error of await decodeError(good.subarray(0, cut))) {
        expect((error as { code?: string })?.code, `cut at ${cut}`).toBe(cut === 0 ? 'BAD_MAGIC' : 'TRUNCATED');
      }
    }
  });

  it('every single bit flip raises a typed error', async () => {
    for (let byte = 0; byte < good.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = good.slice();
        bad[byte] ^= 1 << bit;
        for (const error of await decodeError(bad)) {
          expect(isSeqCoderError(error), `flip of bit ${bit} at byte ${byte}: ${String(error)}`).toBe(true);
        }
      }
    }
  }, 120_000);
});

describe('FORMAT.md', () => {
  it('logs as many revisions as this reader implements (FORMAT_REVISION)', () => {
    const spec = readFileSync(join(__dirname, '..', '..', '..', 'FORMAT.md'), 'utf8');
    const revisions = [...spec.matchAll(/^\| 1\.0 r(\d+) \|/gm)].map((m) => Number(m[1]));
    expect(revisions).toEqual(Array.from({ length: FORMAT_REVISION }, (_, i) => i + 1));
  });
});
