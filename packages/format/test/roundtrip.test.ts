import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendFiles, compress, compressFiles, compressStream, decompress, decompressStream, openArchive } from '../src/index.js';
import { encodeFrame } from '../src/container/frames.js';
import { codecWorkers } from '../src/index.node.js';
import { collect, FIXTURES, fixture, pieces, referenceResidues, rng, zstdCompress } from './helpers.js';

const EDGE_CASES = readdirSync(join(FIXTURES, 'fasta')).sort();

describe('FASTA edge cases round-trip byte for byte', () => {
  it('has the fixtures the issue lists', () => {
    expect(EDGE_CASES.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of EDGE_CASES) {
    it(name, async () => {
      const original = fixture('fasta', name);
      for (const zstd of [undefined, zstdCompress]) {
        const packed = await compress(original, { zstd });
        expect(await decompress(packed)).toEqual(original);
        // Forward-only decoding fed one byte at a time crosses every frame boundary.
        expect(await collect(decompressStream(pieces(packed, 1)))).toEqual(original);
        const archive = await openArchive(packed);
        expect(await collect(archive.stream())).toEqual(original);
        if (archive.kind === 'fasta') {
          const records = await Promise.all(archive.records.map((r) => archive.readRecord(r.index)));
          expect(new Uint8Array(Buffer.concat(records))).toEqual(original);
        }
      }
      // Compressing from tiny input pieces splits records at every position.
      const streamed = await collect(compressStream(pieces(original, 7)));
      expect(await decompress(streamed)).toEqual(original);
    });
  }

  it('models nucleotide files and stores protein and binary files generically', async () => {
    const kind = async (name: string) => (await openArchive(await compress(fixture('fasta', name)))).kind;
    expect(await kind('n-runs.fa')).toBe('fasta');
    expect(await kind('lowercase-runs.fa')).toBe('fasta');
    expect(await kind('protein.fa')).toBe('generic');
    expect(await kind('binary.bin')).toBe('generic');
  });

  it('reads any range of residues without line breaks, case and IUPAC letters intact', async () => {
    for (const name of ['lowercase-runs.fa', 'n-runs.fa', 'iupac.fa', 'crlf.fa', 'mixed-widths.fa', 'raw-sequence.seq']) {
      const original = fixture('fasta', name);
      const archive = await openArchive(await compress(original, { mode: 'fasta' }));
      const expected = referenceResidues(original);
      expect(archive.records.map((r) => r.length)).toEqual(expected.map((r) => r.length));
      for (const record of archive.records) {
        const whole = expected[record.index];
        expect(await archive.readSequence(record.index)).toEqual(whole);
        for (let start = 0; start < whole.length; start += 37) {
          const end = Math.min(whole.length, start + 1 + ((start * 7) % 91));
          expect(await archive.readSequence(record.index, start, end)).toEqual(whole.subarray(start, end));
        }
      }
    }
  });

  it('finds records by index, full header or identifier', async () => {
    const archive = await openArchive(await compress(fixture('fasta', 'multi-record.fa')));
    expect(archive.record(3).name).toBe('rec3 plasmid p3');
    expect(archive.record('rec3 plasmid p3').index).toBe(3);
    expect(archive.record('rec12').index).toBe(12);
    await expect(archive.readRecord('nope')).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    await expect(archive.readSequence(0, 5, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('random FASTA-like inputs round-trip', () => {
  // Inputs drawn from an alphabet rich in the bytes the model treats specially.
  const ALPHABET = 'ACGTACGTACGTacgtNnRY\n\n\r>  -*\x00\xff';
  it('1,000 seeded random inputs', async () => {
    const next = rng(2026);
    for (let i = 0; i < 1000; i++) {
      const length = Math.floor(next() * 400);
      const bytes = new Uint8Array(length);
      for (let k = 0; k < length; k++) bytes[k] = ALPHABET.charCodeAt(Math.floor(next() * ALPHABET.length));
      const packed = await compress(bytes, { mode: 'fasta', chunkBytes: 64 });
      expect(await decompress(packed)).toEqual(bytes);
    }
  });
});

describe('readSequence on a long cm record', () => {
  it('decodes only as far as the range asked for', async () => {
    const random = rng(11);
    const bases = Array.from({ length: 200_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const fasta = new TextEncoder().encode(`>long\n${bases}\n`);
    const file = await compress(fasta, { codec: 'cm', level: 1 });
    // damage the last bytes of the coded stream, and forge the frame's checksum: a decoder that
    // reached them would fail or return other bases
    const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
    let at = 16;
    while (file[at] !== 2) at += 10 + view.getUint32(at + 2, true);
    const payload = Uint8Array.from(file.subarray(at + 10, at + 10 + view.getUint32(at + 2, true)));
    for (let i = payload.length - 40; i < payload.length; i++) payload[i]! ^= 0x5a;
    const damaged = new Uint8Array(Buffer.concat([file.subarray(0, at), encodeFrame(2, payload), file.subarray(at + 10 + payload.length)]));
    const archive = await openArchive(damaged);
    expect(new TextDecoder().decode(await archive.readSequence(0, 0, 100))).toBe(bases.slice(0, 100));
    expect(new TextDecoder().decode(await archive.readSequence(0, 100_000, 100_050))).toBe(bases.slice(100_000, 100_050));
    await expect(archive.readRecord(0)).rejects.toMatchObject({ code: expect.stringMatching(/CORRUPT|CHECKSUM_MISMATCH/) });
  });
});

describe('compressStream: progress', () => {
  it('moves within a long record as it is coded, and ends at the input size', async () => {
    const random = rng(7);
    const bases = Array.from({ length: 300_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const fasta = new TextEncoder().encode(`>one\n${bases.replace(/(.{70})/g, '$1\n')}\n>two\nACGT\n`);
    const seen: number[] = [];
    await collect(compressStream(pieces(fasta, 1 << 16), { codec: 'cm', level: 1, onProgress: (n) => seen.push(n) }));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(fasta.length);
    // 300 kb in slices of 64 kb: at least four reports before the first record is done
    expect(seen.filter((n) => n > 0 && n < fasta.length - 10).length).toBeGreaterThanOrEqual(4);
  });

  it('moves within a long record coded in a worker too, never back while two records are coded at once', async () => {
    const random = rng(8);
    const bases = Array.from({ length: 300_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const fasta = new TextEncoder().encode(`>one\n${bases}\n>two\n${bases.slice(0, 200_000)}\n`);
    const workers = codecWorkers(2, 0); // every cm record to the pool
    const seen: number[] = [];
    try {
      await collect(compressStream(pieces(fasta, 1 << 16), { codec: 'cm', level: 1, workers, onProgress: (n) => seen.push(n) }));
    } finally {
      await workers.close();
    }
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(fasta.length);
    // the workers tell every 64 kb: four times within the first record, three within the second
    expect(seen.filter((n) => n > 0 && n < fasta.length).length).toBeGreaterThanOrEqual(7);
  });

  it('counts only the new files of an append, and generic input as it is read', async () => {
    const first = await collect(compressFiles([{ name: 'a.fa', content: [new TextEncoder().encode('>a\nACGT\n')] }]));
    const protein = fixture('fasta', 'protein.fa');
    const seen: number[] = [];
    await collect(appendFiles(await openArchive(first), [{ name: 'p.fa', content: pieces(protein, 100) }], { onProgress: (n) => seen.push(n) }));
    expect(seen[0]).toBe(100);
    expect(seen[seen.length - 1]).toBe(protein.length);
  });
});

describe('decompressStream: progress and cancellation', () => {
  const fasta = new TextEncoder().encode(Array.from({ length: 6 }, (_, i) => `>r${i}\n${'ACGTTGCA'.repeat(200 + i)}\n`).join(''));

  it('reports the compressed bytes read, rising to the whole file', async () => {
    const file = await compress(fasta, { codec: 'pack', chunkBytes: 2000 });
    const seen: number[] = [];
    const pieces: Uint8Array[] = [];
    for await (const piece of decompressStream([file], { onProgress: (n) => seen.push(n) })) pieces.push(piece);
    expect(Buffer.concat(pieces)).toEqual(Buffer.from(fasta));
    expect(seen.length).toBe(6);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBeLessThanOrEqual(file.length);
    expect(seen[0]).toBeGreaterThan(0);
  });

  it('moves within a long record as it is decoded', async () => {
    const random = rng(5);
    const bases = Array.from({ length: 300_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const long = new TextEncoder().encode(`>one\n${bases}\n`);
    const file = await compress(long, { codec: 'cm', level: 1 });
    const seen: number[] = [];
    expect(await collect(decompressStream([file], { onProgress: (n) => seen.push(n) }))).toEqual(long);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.filter((n) => n > 100 && n < file.length - 100).length).toBeGreaterThanOrEqual(3);
  });

  it('reports the bytes rebuilt, within a long record too, decoded here or in workers', async () => {
    const random = rng(6);
    const bases = Array.from({ length: 300_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const long = new TextEncoder().encode(`>one\n${bases}\n>two\nACGT\n`);
    const file = await compress(long, { codec: 'cm', level: 1 });
    for (const workers of [undefined, codecWorkers(2, 0)]) {
      const seen: number[] = [];
      try {
        expect(await collect(decompressStream([file], { workers, onRebuilt: (n) => seen.push(n) }))).toEqual(long);
      } finally {
        await workers?.close();
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen[seen.length - 1]).toBe(long.length);
      expect(seen.filter((n) => n > 0 && n < 300_000).length).toBeGreaterThanOrEqual(3);
    }
  });

  it('reports the bytes rebuilt while a group is rebuilt, long after its compressed bytes were read', async () => {
    // two genomes of new bases: their shared stream comes before their records, so the compressed
    // bytes read reach most of the file before the first genome is rebuilt
    const random = rng(4);
    const bases = (n: number) => Array.from({ length: n }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const [a, b] = [bases(300_000), bases(300_000)];
    // and a relative of the first with 200 kb of new bases inside: its literals are decoded ahead
    // of it, then its bases rebuilt, and what is told must not go back between the two
    const mixed = `${a.slice(0, 150_000)}${bases(200_000)}${a.slice(150_000)}`;
    const files = [`>a\n${a}\n`, `>b\n${b}\n`, `>m\n${mixed}\n`].map((text) => new TextEncoder().encode(text));
    const file = await collect(compressFiles(files.map((content, i) => ({ name: `${i}.fa`, content: [content] })), { codec: 'ref', level: 1 }));
    const rebuilt: number[] = [];
    const read: number[] = [];
    const out = await collect(decompressStream([file], { onRebuilt: (n) => rebuilt.push(n), onProgress: (n) => read.push(n) }));
    expect(out).toEqual(new Uint8Array(Buffer.concat(files)));
    expect(read[0]).toBeGreaterThan(file.length / 2);
    expect(rebuilt).toEqual([...rebuilt].sort((a, b) => a - b));
    expect(rebuilt[rebuilt.length - 1]).toBe(out.length);
    // the first genome's new bases are decoded ahead in slices of 64 kb, each told
    expect(rebuilt.filter((n) => n > 0 && n < files[0]!.length).length).toBeGreaterThanOrEqual(3);
  });

  it('stops with the signal’s reason', async () => {
    const file = await compress(fasta, { codec: 'pack', chunkBytes: 2000 });
    const controller = new AbortController();
    let pieces = 0;
    const reading = (async () => {
      for await (const piece of decompressStream([file], { signal: controller.signal })) {
        void piece;
        if (++pieces === 2) controller.abort(new Error('enough'));
      }
    })();
    await expect(reading).rejects.toThrow('enough');
    expect(pieces).toBe(2);
  });
});
