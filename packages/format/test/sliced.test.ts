/**
 * Long records are coded in slices with returns to the event loop (src/codecs/sliced.ts), and a
 * group's shared stream in steps: the bytes must be exactly those of one-piece coding, and timers
 * must run during a long record or a group's finish.
 */
import { cmEncode } from '@seqcoder/residual';
import { describe, expect, it } from 'vitest';
import { finishSliced, SLICE_BASES } from '../src/codecs/sliced.js';
import { RequiredFlag } from '../src/constants.js';
import { compress, compressFiles, compressStream, decompress, decompressStream, openArchive } from '../src/index.js';
import { codedPayload, collect, sequenceFrames } from './helpers.js';

/** One record of `n` pseudo-random bases in 60-column lines, and its symbols (A=0 C=1 G=2 T=3). */
function longRecord(n: number): { fasta: Uint8Array; symbols: Uint8Array } {
  const symbols = new Uint8Array(n);
  let x = 5;
  for (let i = 0; i < n; i++) symbols[i] = ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3;
  const seq = Array.from(symbols, (s) => 'ACGT'[s]).join('');
  return { fasta: new TextEncoder().encode(`>long\n${seq.replace(/(.{60})/g, '$1\n')}\n`), symbols };
}

/**
 * What readSequence's onBases told: always the same total, progress that never goes back and stays
 * under it, and each of `passing` (the ends of the records rebuilt on the way) told exactly.
 */
function expectAlong(told: [number, number][], total: number, passing: number[]): void {
  expect(told.length).toBeGreaterThan(0);
  expect(new Set(told.map(([, of]) => of))).toEqual(new Set([total]));
  const done = told.map(([d]) => d);
  expect(done).toEqual([...done].sort((a, b) => a - b));
  expect(Math.max(...done)).toBeLessThanOrEqual(total);
  expect(done[0]).toBeGreaterThan(0);
  for (const end of passing) expect(done).toContain(end);
}

/** The payload of the file's first sequence frame, after its codec id and base count. */
function sequencePayload(file: Uint8Array): Uint8Array {
  const [frame] = sequenceFrames(file);
  if (!frame) throw new Error('no sequence frame');
  return codedPayload(frame);
}

describe('slice-by-slice coding of long records', () => {
  const n = 2 * SLICE_BASES + 12_345;
  const { fasta, symbols } = longRecord(n);

  it('writes the same cm bytes as coding the record in one piece, and decodes them', async () => {
    const packed = await compress(fasta, { codec: 'cm', level: 1 });
    expect(sequencePayload(packed)).toEqual(cmEncode(symbols, { level: 1 }));
    expect(await decompress(packed)).toEqual(fasta);
    const archive = await openArchive(packed);
    expect(await archive.readRecord(0)).toEqual(fasta);
    expect(new TextDecoder().decode(await archive.readSequence(0, n - 5, n))).toBe(
      Array.from(symbols.subarray(n - 5), (s) => 'ACGT'[s]).join(''),
    );
  }, 60_000);

  it('tells how far a range read has decoded of the record up to its end', async () => {
    const archive = await openArchive(await compress(fasta, { codec: 'cm', level: 1 }));
    const told: [number, number][] = [];
    const end = n - 7;
    const read = await archive.readSequence(0, end - 5, end, { onBases: (done, total) => told.push([done, total]) });
    expect(new TextDecoder().decode(read)).toBe(Array.from(symbols.subarray(end - 5, end), (s) => 'ACGT'[s]).join(''));
    expectAlong(told, end, []);
    expect(told.length).toBe(2); // after each slice but the last
  }, 60_000);

  it('lets timers run while one long record is coded and decoded', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const packed = await compress(fasta, { codec: 'cm', level: 1 });
    const duringCompress = ticks;
    await decompress(packed);
    clearInterval(timer);
    expect(duringCompress).toBeGreaterThanOrEqual(2);
    expect(ticks - duringCompress).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('a group coded and read in steps', () => {
  it('returns to the event loop between steps', async () => {
    const seen: string[] = [];
    const coded = { shared: new Uint8Array(1), records: [] };
    const coder = {
      encodeRecord: () => undefined,
      finish: () => coded,
      *finishing(slice: number) {
        expect(slice).toBe(SLICE_BASES);
        seen.push('step 1');
        yield { done: SLICE_BASES, total: 2 * SLICE_BASES };
        seen.push('step 2');
        yield { done: 2 * SLICE_BASES, total: 2 * SLICE_BASES };
        seen.push('end');
        return coded;
      },
    };
    setImmediate(() => seen.push('turn'));
    expect(await finishSliced(coder, (done, total) => seen.push(`${done} of ${total}`))).toBe(coded);
    expect(seen).toEqual(['step 1', `${SLICE_BASES} of ${2 * SLICE_BASES}`, 'turn', 'step 2', `${2 * SLICE_BASES} of ${2 * SLICE_BASES}`, 'end']);
    // a coder without steps is finished in one piece
    expect(await finishSliced({ encodeRecord: () => undefined, finish: () => coded })).toBe(coded);
  });

  it('lets timers run while a ref group codes its new bases and while it reads them back', async () => {
    // two records of new material: the group's literal stream holds 4 slices
    const a = longRecord(2 * SLICE_BASES).fasta;
    let x = 77;
    // (the top bits: the generator's bits 16-17, which longRecord uses, repeat every 2^18 bases)
    const b = Array.from({ length: 2 * SLICE_BASES }, () => 'ACGT'[(x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 30]).join('');
    const fasta = new Uint8Array([...a, ...new TextEncoder().encode(`>other\n${b}\n`)]);
    let ticks = 0;
    let coding = false;
    const timer = setInterval(() => coding && ticks++, 0);
    // counted only once the input is read: the writer gathers the group and then finishes it
    const parts: Uint8Array[] = [];
    const input = (async function* () {
      yield fasta;
      coding = true;
    })();
    // what the group's coding reports: its new bases (all of them here), slice by slice
    const steps: [number, number][] = [];
    const onGroupCoding = (done: number, total: number) => steps.push([done, total]);
    for await (const part of compressStream(input, { codec: 'ref', level: 2, onGroupCoding })) parts.push(part);
    expect(steps).toEqual([1, 2, 3, 4].map((i) => [i * SLICE_BASES, 4 * SLICE_BASES]));
    const packed = new Uint8Array(Buffer.concat(parts));
    const duringCompress = ticks;
    // and while its records are read back in order: the new bases are decoded ahead in slices
    expect(await decompress(packed)).toEqual(fasta);
    clearInterval(timer);
    expect(duringCompress).toBeGreaterThanOrEqual(2);
    expect(ticks - duringCompress).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('lets timers run, and tells the bases done, while a record of an aligned group is rebuilt, in order or not', async () => {
    // a genome and a relative 10% away: level 2 codes such a group aligned, every base through
    // its cm stream, so nothing can be decoded ahead of the records
    let x = 91;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 30;
    const first = Array.from({ length: 3 * SLICE_BASES }, () => 'ACGT'[next()]!);
    const second = first.map((b) => (next() === 0 && next() < 2 ? 'ACGT'[next()]! : b));
    const files = [first, second].map((bases, i) => ({ name: `${i}.fa`, content: [new TextEncoder().encode(`>g${i}\n${bases.join('')}\n`)] }));
    const parts: Uint8Array[] = [];
    for await (const part of compressFiles(files, { codec: 'ref', level: 2 })) parts.push(part);
    const packed = new Uint8Array(Buffer.concat(parts));
    expect((await openArchive(packed)).requiredFlags & RequiredFlag.AlignedGroups).not.toBe(0);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      const rebuilt: number[] = [];
      const out = await collect(decompressStream([packed], { onRebuilt: (n) => rebuilt.push(n) }));
      expect(out).toEqual(new Uint8Array(Buffer.concat(files.map((f) => f.content[0]!))));
      // each genome of 3 slices reports within itself, not only once it is whole
      const size = files[0]!.content[0]!.length;
      expect(rebuilt.filter((n) => n > 0 && n < size).length).toBeGreaterThanOrEqual(2);
      expect(rebuilt.filter((n) => n > size && n < out.length).length).toBeGreaterThanOrEqual(2);
      const inOrder = ticks;
      expect(inOrder).toBeGreaterThanOrEqual(4);
      // the second genome read first: the first is rebuilt on the way, in steps too, and the
      // read tells where it stands along both genomes
      const archive = await openArchive(packed);
      const told: [number, number][] = [];
      const read = await archive.readSequence(1, 0, 100, { onBases: (done, total) => told.push([done, total]) });
      expect(new TextDecoder().decode(read)).toBe(second.slice(0, 100).join(''));
      expect(ticks - inOrder).toBeGreaterThanOrEqual(4);
      expectAlong(told, 2 * first.length, [first.length]);
      // read again, it is held: nothing to tell
      told.length = 0;
      await archive.readSequence(1, 5, 10, { onBases: (done, total) => told.push([done, total]) });
      expect(told).toEqual([]);
    } finally {
      clearInterval(timer);
    }
  }, 60_000);
});
