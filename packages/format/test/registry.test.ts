/** The codec registry: built-in codecs, and codecs registered from other packages (ids 3–4). */
import { describe, expect, it } from 'vitest';
import { collect } from './helpers.js';
import { cmCodec, codecById, codecByName, codecWorkers, compress, compressFiles, decompress, decompressStream, listCodecs, openArchive, packCodec, registerCodec, type CodecWorkers, type SequenceCodec } from '../src/index.node.js';

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

  it('writes with a codec object of a registered id (the same codec made with other settings), and refuses others', async () => {
    const fasta = new TextEncoder().encode('>x\nACGTNNacgt\n');
    let used = 0;
    const configured: SequenceCodec = { ...external, encode: (symbols, level) => (used++, external.encode(symbols, level)) };
    const file = await compress(fasta, { codec: configured });
    expect(used).toBe(1);
    expect(Buffer.compare(Buffer.from(file), Buffer.from(await compress(fasta, { codec: 'seqcoder-classic' })))).toBe(0);
    await expect(compress(fasta, { codec: { ...external, id: 9 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

/** Workers that run the codec in this thread, with delays that make later records finish first. */
function shuffledWorkers(threads: number, fail?: Error): CodecWorkers & { started: number; most: number } {
  let running = 0;
  const later = async <T>(work: () => T | Promise<T>): Promise<T> => {
    const order = workers.started++;
    workers.most = Math.max(workers.most, ++running);
    await new Promise((resolve) => setTimeout(resolve, 10 * (threads - (order % threads)))); // the last of each batch finishes first
    running--;
    if (fail) throw fail;
    return work();
  };
  const workers = {
    threads,
    started: 0,
    most: 0,
    encode: (codec: SequenceCodec, symbols: Uint8Array, level: number) => later(() => codec.encode(symbols, level)),
    decode: (codec: SequenceCodec, payload: Uint8Array, count: number) => later(() => codec.decode(payload, count, 0, count)),
    close: async () => undefined,
  };
  return workers;
}

describe('records coded in workers (CompressOptions.workers)', () => {
  const fasta = new TextEncoder().encode(Array.from({ length: 9 }, (_, i) => `>r${i}\n${'ACGGT'.repeat(40 + i * 13)}\n`).join(''));

  it('writes the same bytes when later records finish first', async () => {
    const plain = await compress(fasta, { codec: 'cm' });
    const workers = shuffledWorkers(4);
    const shuffled = await compress(fasta, { codec: 'cm', workers });
    expect(workers.started).toBe(9);
    expect(workers.most).toBe(4);
    expect(Buffer.compare(Buffer.from(shuffled), Buffer.from(plain))).toBe(0);
  });

  it('stops at the first record that fails, and refuses a bad thread count', async () => {
    await expect(compress(fasta, { codec: 'cm', workers: shuffledWorkers(2, new Error('worker died')) })).rejects.toThrow('worker died');
    await expect(compress(fasta, { codec: 'cm', workers: { ...shuffledWorkers(1), threads: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('records decoded in workers (DecompressOptions.workers)', () => {
  const fasta = new TextEncoder().encode(Array.from({ length: 9 }, (_, i) => `>r${i}\n${'ACGGT'.repeat(40 + i * 13)}\n`).join(''));

  it('yields the records in file order when later ones finish first, across chunks', async () => {
    const file = await compress(fasta, { codec: 'cm', chunkBytes: 200 }); // a chunk per record
    expect((await openArchive(file)).records).toHaveLength(9);
    const workers = shuffledWorkers(3);
    expect(await decompress(file, { workers })).toEqual(fasta);
    expect(workers.started).toBe(9);
    expect(workers.most).toBe(3); // records of consecutive chunks decode at once
  });

  it('decodes the records of an archive of many files at once, across the files, and gives each file its own', async () => {
    const genomes = Array.from({ length: 6 }, (_, i) => new TextEncoder().encode(`>g${i}\n${'ACGGT'.repeat(40 + i * 13)}\n`));
    const file = await collect(compressFiles(genomes.map((bytes, i) => ({ name: `g${i}.fa`, content: [bytes] })), { codec: 'cm' }));
    const workers = shuffledWorkers(3);
    const got: { name: string; parts: Uint8Array[] }[] = [];
    for await (const piece of decompressStream([file], { workers, onFile: (f) => got.push({ name: f.name, parts: [] }) })) got.at(-1)!.parts.push(piece);
    expect(got.map((f) => f.name)).toEqual(genomes.map((_, i) => `g${i}.fa`));
    got.forEach((f, i) => expect(Buffer.concat(f.parts)).toEqual(Buffer.from(genomes[i]!)));
    expect(workers.started).toBe(6);
    expect(workers.most).toBe(3); // a file's start does not wait for the records before it
  });

  it('with reusePieces, renders later records into the memory of pieces already consumed, each right when it comes', async () => {
    // records no longer than the first, so that each fits in a buffer given back
    const genomes = Array.from({ length: 24 }, (_, i) => new TextEncoder().encode(`>g${i}\n${'ACGGT'.repeat(300 - i)}\n`));
    const file = await collect(compressFiles(genomes.map((bytes, i) => ({ name: `g${i}.fa`, content: [bytes] })), { codec: 'cm' }));
    const expected = Buffer.concat(genomes);
    for (const workers of [undefined, shuffledWorkers(3)]) {
      const copies: Uint8Array[] = [];
      const buffers = new Set<ArrayBufferLike>();
      for await (const piece of decompressStream([file], { workers, reusePieces: true })) {
        copies.push(piece.slice()); // a consumer is done with a piece before it asks for the next
        buffers.add(piece.buffer);
      }
      expect(Buffer.concat(copies)).toEqual(expected);
      // one record at a time: one buffer; records in flight (up to twice the threads) each hold one
      if (workers) expect(buffers.size).toBeLessThanOrEqual(7);
      else expect(buffers.size).toBe(1);
    }
    // without the option every piece is the consumer's; decompress() keeps them all, so never reuses
    const kept = new Set<ArrayBufferLike>();
    for await (const piece of decompressStream([file])) kept.add(piece.buffer);
    expect(kept.size).toBe(genomes.length);
    expect(Buffer.from(await decompress(file, { reusePieces: true }))).toEqual(expected);
  });

  it('raises a record that fails, in its turn', async () => {
    const file = await compress(fasta, { codec: 'cm' });
    await expect(decompress(file, { workers: shuffledWorkers(4, new Error('worker died')) })).rejects.toThrow(/worker died/);
    await expect(decompress(file, { workers: { ...shuffledWorkers(1), threads: 1.5 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('codecWorkers (Node) runs cm in worker threads and leaves other codecs to the caller', async () => {
    const workers = codecWorkers(2, 0); // no bases coded in this thread: every cm record to the pool
    try {
      const file = await compress(fasta, { codec: 'cm', workers });
      expect(Buffer.compare(Buffer.from(file), Buffer.from(await compress(fasta, { codec: 'cm' })))).toBe(0);
      expect(await decompress(file, { workers })).toEqual(fasta);
      expect(workers.encode(packCodec, new Uint8Array(4), 19)).toBeUndefined();
      const cut = (cmCodec.encode(new Uint8Array(1000).fill(2), 2) as Uint8Array).subarray(0, 2);
      await expect(workers.decode(cmCodec, cut, 1000)).rejects.toMatchObject({ code: 'CORRUPT' });
    } finally {
      await workers.close();
    }
    expect(() => codecWorkers(0)).toThrow(/positive integer/);
  });

  it('codecWorkers (Node) codes the first small cm records in this thread, then every record in the pool', async () => {
    const workers = codecWorkers(2, 1000);
    try {
      const small = new Uint8Array(600).fill(1);
      // The caller codes these (undefined): 600 + 400 bases fit the budget of 1000.
      expect(workers.encode(cmCodec, small, 2)).toBeUndefined();
      const payload = cmCodec.encode(small.subarray(0, 400), 2) as Uint8Array;
      expect(workers.decode(cmCodec, payload, 400)).toBeUndefined();
      // The next one would pass it: the pool starts, and from then on takes small records too.
      const pooled = workers.encode(cmCodec, small, 2);
      expect(pooled).toBeInstanceOf(Promise);
      expect(await pooled).toEqual(cmCodec.encode(small, 2));
      const decoded = workers.decode(cmCodec, payload, 400);
      expect(decoded).toBeInstanceOf(Promise);
      expect(await decoded).toEqual(small.subarray(0, 400));
    } finally {
      await workers.close();
    }
  });

  it('codecWorkers (Node) with the default budget: a file of two small records round-trips, bytes as without workers', async () => {
    const fasta = new TextEncoder().encode('>a\n' + 'ACGTTGCA'.repeat(500) + '\n>b\n' + 'GGCATTAC'.repeat(400) + '\n');
    const workers = codecWorkers(2);
    try {
      const file = await compress(fasta, { codec: 'cm', workers });
      expect(Buffer.compare(Buffer.from(file), Buffer.from(await compress(fasta, { codec: 'cm' })))).toBe(0);
      expect(await decompress(file, { workers })).toEqual(fasta);
    } finally {
      await workers.close();
    }
  });
});
