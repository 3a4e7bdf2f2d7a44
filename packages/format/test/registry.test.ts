/** The codec registry: built-in codecs, and codecs registered from other packages (ids 3–4). */
import { describe, expect, it } from 'vitest';
import { codecById, codecByName, compress, decompress, listCodecs, openArchive, packCodec, registerCodec, type SequenceCodec } from '../src/index.js';

/** A stand-in for a neural codec: pack's bytes under id 3, asynchronous like a codec that runs a network. */
const external: SequenceCodec = {
  ...packCodec,
  id: 3,
  name: 'seqcoder-classic',
  encode: async (symbols, level) => packCodec.encode(symbols, level),
  decode: async (payload, count, start, end) => packCodec.decode(payload, count, start, end),
};

describe('codec registry', () => {
  it('names an unregistered reserved codec and the package that reads it', () => {
    expect(() => codecById(3)).toThrow(/seqcoder-classic.*@seqcoder\/neural/);
    expect(() => codecById(99)).toThrow(/not supported/);
  });

  it('refuses ids that FORMAT.md does not reserve, and names that are taken', () => {
    expect(() => registerCodec({ ...external, id: 9, name: 'mine' })).toThrow(/not reserved/);
    expect(() => registerCodec({ ...external, id: 3, name: 'other' })).toThrow(/not reserved/);
    expect(() => registerCodec({ ...external, name: 'cm' })).toThrow(/already registered/);
  });

  it('uses a registered asynchronous codec for writing and reading', async () => {
    registerCodec(external);
    registerCodec(external); // the same object again is a no-op
    expect(codecByName('seqcoder-classic')).toBe(external);
    expect(listCodecs().filter((c) => c.id === 3)).toHaveLength(1);
    const fasta = new TextEncoder().encode('>x\nACGTNNacgt\n>y\nTTTT');
    const file = await compress(fasta, { codec: 'seqcoder-classic' });
    expect((await openArchive(file)).records.map((r) => r.codec)).toEqual(['seqcoder-classic', 'seqcoder-classic']);
    expect(await decompress(file)).toEqual(fasta);
  });
});

describe('records coded elsewhere (encodeSequence, parallelRecords)', () => {
  const fasta = new TextEncoder().encode(Array.from({ length: 9 }, (_, i) => `>r${i}\n${'ACGGT'.repeat(40 + i * 13)}\n`).join(''));

  it('writes the same bytes when later records finish first', async () => {
    const plain = await compress(fasta, { codec: 'cm' });
    let started = 0;
    const shuffled = await compress(fasta, {
      codec: 'cm',
      parallelRecords: 4,
      encodeSequence: async (codec, symbols, level) => {
        const order = started++;
        await new Promise((resolve) => setTimeout(resolve, 40 - 10 * (order % 4))); // the fourth of each batch finishes first
        return codecByName(codec).encode(symbols, level);
      },
    });
    expect(started).toBe(9);
    expect(Buffer.compare(Buffer.from(shuffled), Buffer.from(plain))).toBe(0);
  });

  it('stops at the first record that fails, and refuses a bad parallelRecords', async () => {
    const failing = compress(fasta, { codec: 'cm', parallelRecords: 2, encodeSequence: async () => Promise.reject(new Error('worker died')) });
    await expect(failing).rejects.toThrow('worker died');
    await expect(compress(fasta, { codec: 'cm', parallelRecords: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('records decoded elsewhere (decodeSequence, parallelRecords)', () => {
  const fasta = new TextEncoder().encode(Array.from({ length: 9 }, (_, i) => `>r${i}\n${'ACGGT'.repeat(40 + i * 13)}\n`).join(''));

  it('yields the records in file order when later ones finish first', async () => {
    const file = await compress(fasta, { codec: 'cm', chunkBytes: 700 }); // several chunks
    let started = 0;
    const out = await decompress(file, {
      parallelRecords: 3,
      decodeSequence: async (codec, payload, count) => {
        const order = started++;
        await new Promise((resolve) => setTimeout(resolve, 30 - 10 * (order % 3)));
        return codecByName(codec).decode(payload, count, 0, count);
      },
    });
    expect(started).toBe(9);
    expect(out).toEqual(fasta);
  });

  it('raises a record that fails, in its turn', async () => {
    const file = await compress(fasta, { codec: 'cm' });
    const failing = decompress(file, { parallelRecords: 4, decodeSequence: async () => Promise.reject(new Error('worker died')) });
    await expect(failing).rejects.toThrow(/worker died/);
    await expect(decompress(file, { parallelRecords: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
