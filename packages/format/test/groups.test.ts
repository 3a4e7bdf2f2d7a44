import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, compressStream, crc32c as crc32cOf, decompress, decompressStream, isSeqCoderError, openArchive } from '../src/index.js';
import { collect, FIXTURES, fixture, pieces, rng, zstdCompress } from './helpers.js';

const BASES = 'ACGT';
const COMPLEMENT: Record<string, string> = { A: 'T', C: 'G', G: 'C', T: 'A' };

/**
 * A small seeded collection: one random genome and mutated copies of it (substitutions, short
 * insertions and deletions, an inverted segment, a segment of new sequence), as a species
 * collection looks, written as FASTA with the quirks a real file has.
 */
function collection(seed: number, genomes: number, length: number): { fasta: Uint8Array; records: string[] } {
  const random = rng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const fresh = (n: number) => Array.from({ length: n }, () => BASES[pick(4)]).join('');
  const ancestor = fresh(length);
  const records = [ancestor];
  for (let g = 1; g < genomes; g++) {
    const parent = records[pick(records.length)]!.split('');
    for (let k = 0; k < length / 500; k++) parent[pick(parent.length)] = BASES[pick(4)]!;
    let s = parent.join('');
    for (let k = 0; k < 5; k++) {
      const at = pick(s.length);
      s = random() < 0.5 ? s.slice(0, at) + fresh(1 + pick(6)) + s.slice(at) : s.slice(0, at) + s.slice(at + 1 + pick(6));
    }
    const from = pick(s.length - 3000);
    const inverted = [...s.slice(from, from + 2000)].reverse().map((b) => COMPLEMENT[b]).join('');
    s = s.slice(0, from) + inverted + s.slice(from + 2000);
    const gain = pick(s.length);
    records.push(s.slice(0, gain) + fresh(1500) + s.slice(gain));
  }
  const lines: string[] = [];
  records.forEach((seq, g) => {
    // soft-masked stretches, an N run, line widths that differ between genomes, CRLF in one
    let residues = seq.slice(0, 700) + seq.slice(700, 900).toLowerCase() + seq.slice(900);
    if (g === 2) residues = residues.slice(0, 5000) + 'N'.repeat(120) + residues.slice(5000);
    const width = [60, 70, 80][g % 3]!;
    const eol = g === 1 ? '\r\n' : '\n';
    lines.push(`>strain_${g} synthetic genome ${g}${eol}`);
    for (let i = 0; i < residues.length; i += width) lines.push(residues.slice(i, i + width) + eol);
  });
  return { fasta: new Uint8Array(Buffer.from(lines.join(''), 'latin1')), records };
}

describe('ref: records of a group coded against each other', () => {
  const { fasta } = collection(7, 6, 60_000);

  it('round-trips byte for byte through every reader', async () => {
    const packed = await compress(fasta, { codec: 'ref', zstd: zstdCompress });
    expect(await decompress(packed)).toEqual(fasta);
    expect(await collect(decompressStream(pieces(packed, 4093)))).toEqual(fasta);
    const archive = await openArchive(packed);
    expect(archive.records.map((r) => r.codec)).toEqual(Array(6).fill('ref'));
    expect(await collect(archive.stream())).toEqual(fasta);
  });

  it('codes the copies for a small part of what the first genome costs', async () => {
    const one = collection(7, 1, 60_000).fasta;
    const single = (await compress(one, { codec: 'ref', zstd: zstdCompress })).length;
    const all = (await compress(fasta, { codec: 'ref', zstd: zstdCompress })).length;
    const cm = (await compress(fasta, { codec: 'cm', zstd: zstdCompress })).length;
    // Five copies with ~3% new sequence each (the gained segment) and 0.2% substitutions.
    expect(all).toBeLessThan(single * 1.6);
    expect(all).toBeLessThan(cm / 3);
  });

  it('codes an exact copy of a large genome in a few bytes, and decodes it', async () => {
    const { records } = collection(5, 1, 400_000);
    const genome = records[0]!.match(/.{1,80}/g)!.join('\n');
    const twice = new Uint8Array(Buffer.from(`>a\n${genome}\n>b\n${genome}\n`, 'latin1'));
    const one = await compress(twice.subarray(0, twice.length / 2), { codec: 'ref', level: 1 });
    const both = await compress(twice, { codec: 'ref', level: 1 });
    expect(both.length - one.length).toBeLessThan(64);
    expect(await decompress(both)).toEqual(twice);
  });

  it('reads any record or range in any order (random access rebuilds its group up to it)', async () => {
    const packed = await compress(fasta, { codec: 'ref', level: 1, zstd: zstdCompress });
    const reference = await openArchive(await compress(fasta, { codec: 'pack' }));
    const archive = await openArchive(packed);
    for (const index of [4, 1, 5, 0, 3, 2, 5]) {
      expect(await archive.readRecord(index)).toEqual(await reference.readRecord(index));
    }
    const fresh = await openArchive(packed);
    expect(await fresh.readSequence(5, 1000, 9000)).toEqual(await reference.readSequence(5, 1000, 9000));
    // concurrent reads of one group wait for each other instead of decoding out of order
    const again = await openArchive(packed);
    const all = await Promise.all([5, 2, 4, 0].map((i) => again.readRecord(i)));
    expect(all).toEqual(await Promise.all([5, 2, 4, 0].map((i) => reference.readRecord(i))));
  });

  it('starts a new group when one is full, and streams from tiny pieces', async () => {
    const packed = await collect(compressStream(pieces(fasta, 1000), { codec: 'ref', chunkBytes: 130_000 }));
    expect(await decompress(packed)).toEqual(fasta);
    const archive = await openArchive(packed);
    expect(await archive.readRecord(3)).toEqual(await (await openArchive(await compress(fasta, { codec: 'pack' }))).readRecord(3));
  });

  it.each(readdirSync(join(FIXTURES, 'fasta')).sort())('round-trips the FASTA edge case %s', async (name) => {
    const original = fixture('fasta', name);
    const packed = await compress(original, { codec: 'ref', mode: 'fasta' });
    expect(await decompress(packed)).toEqual(original);
  });

  it('never returns wrong bytes from a damaged group (frame checksums forged)', async () => {
    const { fasta: small } = collection(11, 3, 6000);
    const packed = await compress(small, { codec: 'ref' });
    const random = rng(3);
    let refused = 0;
    for (let trial = 0; trial < 150; trial++) {
      const damaged = packed.slice();
      const frames = frameSpans(damaged).filter((f) => f.type === 1 || f.type === 2);
      const frame = frames[Math.floor(random() * frames.length)]!;
      damaged[frame.start + Math.floor(random() * frame.length)]! ^= 1 << Math.floor(random() * 8);
      resealFrame(damaged, frame);
      try {
        expect(await decompress(damaged)).toEqual(small);
      } catch (error) {
        if (!isSeqCoderError(error)) throw error;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(100);
  });
});

interface Span {
  type: number;
  header: number;
  start: number;
  length: number;
}

function frameSpans(file: Uint8Array): Span[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Span[] = [];
  for (let at = 16; at < file.length; ) {
    const length = view.getUint32(at + 2, true);
    out.push({ type: file[at]!, header: at, start: at + 10, length });
    at += 10 + length;
  }
  return out;
}

/** Recomputes a frame's CRC so that the damage reaches the payload's parser. */
function resealFrame(file: Uint8Array, frame: Span): void {
  const crc = crc32cOf(Buffer.concat([file.subarray(frame.header, frame.header + 6), file.subarray(frame.start, frame.start + frame.length)]));
  new DataView(file.buffer, file.byteOffset).setUint32(frame.header + 6, crc, true);
}
