/**
 * The records of a FASTA read as plain bytes (the files an archive stores as generic): they must
 * be the records, names and residues that the FASTA model gives the files it models.
 */
import { describe, expect, it } from 'vitest';
import { compress, openArchive, plainFastaRecords, plainResidues, type PlainRecord } from '../src/index.js';
import { fixture, pieces, referenceResidues, rng } from './helpers.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (const piece of pieces(bytes, size)) yield piece;
}

/** Every record (its bytes copied: each is a view, valid until the next) and its whole residues. */
async function records(bytes: Uint8Array, size: number): Promise<(Omit<PlainRecord, 'bytes'> & { bytes: Uint8Array; residues: Uint8Array })[]> {
  const out = [];
  for await (const record of plainFastaRecords(chunksOf(bytes, size))) {
    out.push({ ...record, bytes: record.bytes.slice(), residues: plainResidues(record.bytes, 0, record.length) });
  }
  return out;
}

const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('plain FASTA records', () => {
  it('splits records, names and residues by the FASTA model, CRLF, blank lines and a headerless start included', async () => {
    const input = text('MKV\r\nLL\n>p1 first one\r\nAB\r\nC\rD\n\n>\nEF\n>p3');
    for (const size of [1, 2, 5, 1 << 16]) {
      const found = await records(input, size);
      expect(found.map(({ ordinal, name, length }) => ({ ordinal, name, length }))).toEqual([
        { ordinal: 0, name: '', length: 5 },
        { ordinal: 1, name: 'p1 first one', length: 5 },
        { ordinal: 2, name: '', length: 2 },
        { ordinal: 3, name: 'p3', length: 0 },
      ]);
      expect(found.map((r) => Buffer.from(r.residues).toString('latin1'))).toEqual(['MKVLL', 'ABC\rD', 'EF', '']);
      expect(Buffer.concat(found.map((r) => r.bytes))).toEqual(Buffer.from(input));
    }
  });

  it('cuts residues to any window, across line ends', async () => {
    const [record] = await records(text('>x\nABCD\r\nEFG\nH\n'), 3);
    for (let from = 0; from <= 8; from++) {
      for (let to = from; to <= 10; to++) expect(Buffer.from(plainResidues(record!.bytes, from, to)).toString()).toBe('ABCDEFGH'.slice(from, to));
    }
  });

  it('gives the names, lengths and residues of the records the archive models, on fixtures and random inputs', async () => {
    const random = rng(7);
    const inputs = ['multi-record.fa', 'crlf.fa', 'mixed-widths.fa', 'raw-sequence.seq', 'n-runs.fa'].map((name) => fixture('fasta', name));
    for (let i = 0; i < 200; i++) {
      const alphabet = 'ACGTACGTacgtN\n\n\r> ';
      inputs.push(text(Array.from({ length: 1 + Math.floor(random() * 300) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('')));
    }
    for (const input of inputs) {
      const found = await records(input, 1 + Math.floor(random() * 64));
      expect(found.map((r) => r.residues)).toEqual(referenceResidues(input));
      const archive = await openArchive(await compress(input, { mode: 'fasta' }));
      expect(found.map(({ name, length }) => ({ name, length }))).toEqual(archive.records.map(({ name, length }) => ({ name, length })));
    }
  });
});
