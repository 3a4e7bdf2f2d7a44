import { describe, expect, it } from 'vitest';
import { appendFiles, compress, compressFiles, compressStream, decompress, decompressStream, openArchive, type ArchiveFile } from '../src/index.js';
import { encodeFrame } from '../src/container/frames.js';
import { RequiredFlag } from '../src/constants.js';
import { collect, fixture, pieces, rng, zstdCompress } from './helpers.js';

const text = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** A genome and a mutated copy, so that the second file is coded against the first. */
function genomes(): [Uint8Array, Uint8Array] {
  const random = rng(42);
  const bases = Array.from({ length: 30_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
  const copy = bases.slice(0, 10_000) + 'T' + bases.slice(10_001, 20_000) + bases.slice(20_010);
  const lines = (s: string, w: number) => s.match(new RegExp(`.{1,${w}}`, 'g'))!.join('\n');
  return [text(`>g1 first\n${lines(bases, 60)}\n`), text(`>g2 second\r\n${lines(copy, 80).replace(/\n/g, '\r\n')}`)];
}

function inputs(): { name: string; bytes: Uint8Array }[] {
  const [g1, g2] = genomes();
  return [
    { name: 'a/x.fa', bytes: g1 },
    { name: 'empty.fa', bytes: new Uint8Array(0) },
    { name: 'b/x.fa', bytes: g2 }, // the same base name in another folder
    { name: 'protein.fa', bytes: fixture('fasta', 'protein.fa') },
    { name: 'n-runs.fa', bytes: fixture('fasta', 'n-runs.fa') },
    { name: 'no-final-newline.fa', bytes: text('>last\nACGTTGCA') },
    { name: 'raw.txt', bytes: text('ACGTACGTAAAT\n') }, // no header: a file's first record may lack one
  ];
}

const asFiles = (list: { name: string; bytes: Uint8Array }[]): ArchiveFile[] =>
  list.map(({ name, bytes }) => ({ name, content: pieces(bytes, 1000) }));

describe('multi-file archives', () => {
  it('restore every file byte for byte under its name, through both readers', async () => {
    const list = inputs();
    const packed = await collect(compressFiles(asFiles(list), { zstd: zstdCompress }));

    // streaming: onFile splits the output into the files
    const got: { name: string; parts: Uint8Array[] }[] = [];
    for await (const piece of decompressStream(pieces(packed, 777), { onFile: (f) => got.push({ name: f.name, parts: [] }) })) {
      got[got.length - 1]!.parts.push(piece);
    }
    expect(got.map((f) => f.name)).toEqual(list.map((f) => f.name));
    got.forEach((f, i) => expect(new Uint8Array(Buffer.concat(f.parts))).toEqual(list[i]!.bytes));

    // random access: the file table, one file at a time, in any order
    const archive = await openArchive(packed);
    expect(archive.files.map((f) => [f.name, f.kind, f.originalBytes])).toEqual(
      list.map((f, i) => [f.name, i === 1 ? 'empty' : f.name === 'protein.fa' ? 'generic' : 'fasta', f.bytes.length]),
    );
    for (const i of [6, 2, 0, 3, 1, 5, 4]) expect(await collect(archive.streamFile(i))).toEqual(list[i]!.bytes);
    expect(await collect(archive.streamFile('b/x.fa'))).toEqual(list[2]!.bytes);
    // records know their file; the whole archive reads as the files one after another
    expect(archive.records.find((r) => r.name === 'g2 second')!.file).toBe(2);
    expect(await decompress(packed)).toEqual(new Uint8Array(Buffer.concat(list.map((f) => f.bytes))));
  });

  it('keep a copy of what they hold of a piece: its producer may overwrite it once the next is asked for', async () => {
    /**
     * `bytes` in pieces of `size` in one buffer, scribbled over when the next piece is asked for; as
     * Node Buffers (whose slice() is a view, not a copy) or plain Uint8Arrays.
     */
    function* reusing(bytes: Uint8Array, size: number, asBuffer: boolean): Generator<Uint8Array> {
      const buffer = new Uint8Array(size);
      for (let at = 0; at < bytes.length; at += size) {
        const n = Math.min(size, bytes.length - at);
        buffer.set(bytes.subarray(at, at + n));
        yield asBuffer ? Buffer.from(buffer.buffer, 0, n) : buffer.subarray(0, n);
        buffer.fill(0x23); // '#': what the writer kept of the last piece without copying is now wrong
      }
    }
    const random = rng(7);
    // longer than the sniff sample, so that pieces reach the generic frames after it
    const notFasta = text(Array.from({ length: 300_000 }, () => String.fromCharCode(33 + Math.floor(random() * 90))).join(''));
    const list = [...inputs(), { name: 'not-fasta.txt', bytes: notFasta }];
    // (compared as one boolean: a failing toEqual would print a diff of 300 KB arrays for minutes)
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    // each file in one piece of its own: what the archive must be however its input is cut (the
    // sniffer's verdict included, which it takes from copies of the pieces it held)
    const whole = await collect(compressFiles(list.map(({ name, bytes }) => ({ name, content: [bytes] })), { zstd: zstdCompress }));
    // pieces smaller than the sniff's sample (it holds several) and larger (it holds one)
    for (const [size, asBuffer] of [[1000, true], [1000, false], [3 << 17, true]] as const) {
      const how = `pieces of ${size}${asBuffer ? ' in Buffers' : ''}`;
      const packed = await collect(compressFiles(list.map(({ name, bytes }) => ({ name, content: reusing(bytes, size, asBuffer) })), { zstd: zstdCompress }));
      expect(same(packed, whole), how).toBe(true);
      expect(same(await decompress(packed), Buffer.concat(list.map((f) => f.bytes))), how).toBe(true);
      for (const { bytes } of [list[0]!, { bytes: notFasta }]) {
        expect(same(await decompress(await collect(compressStream(reusing(bytes, size, asBuffer), { codec: 'cm', zstd: zstdCompress }))), bytes), how).toBe(true);
      }
    }
  });

  it('code the genomes of different files against each other by default', async () => {
    const [g1, g2] = genomes();
    const both = await collect(compressFiles(asFiles([{ name: 'g1.fa', bytes: g1 }, { name: 'g2.fa', bytes: g2 }])));
    const one = await collect(compressFiles(asFiles([{ name: 'g1.fa', bytes: g1 }])));
    const archive = await openArchive(both);
    expect(archive.records.map((r) => r.codec)).toEqual(['ref', 'ref']);
    expect(both.length - one.length).toBeLessThan(200);
  });

  it('take any codec, and several groups', async () => {
    const list = inputs();
    for (const options of [{ codec: 'cm', level: 1 }, { codec: 'pack' }, { codec: 'ref', chunkBytes: 20_000 }]) {
      const packed = await collect(compressFiles(asFiles(list), options));
      const archive = await openArchive(packed);
      for (const f of archive.files) expect(await collect(archive.streamFile(f.index))).toEqual(list[f.index]!.bytes);
    }
  });

  it('grow by append without coding again what they hold', async () => {
    const list = inputs();
    const first = await collect(compressFiles(asFiles(list.slice(0, 3)), { zstd: zstdCompress }));
    const grown = await collect(appendFiles(await openArchive(first), asFiles(list.slice(3)), { zstd: zstdCompress }));
    // the old frames are kept byte for byte; only the END frame is replaced
    const oldEnd = endFrameOffset(first);
    expect(grown.subarray(0, oldEnd)).toEqual(first.subarray(0, oldEnd));
    const archive = await openArchive(grown);
    expect(archive.files.map((f) => f.name)).toEqual(list.map((f) => f.name));
    for (const f of archive.files) expect(await collect(archive.streamFile(f.index))).toEqual(list[f.index]!.bytes);
    expect(await decompress(grown)).toEqual(new Uint8Array(Buffer.concat(list.map((f) => f.bytes))));
    // twice, and onto an archive with no file yet
    const again = await collect(appendFiles(archive, asFiles([{ name: 'late.fa', bytes: list[0]!.bytes }])));
    expect((await openArchive(again)).files).toHaveLength(list.length + 1);
    const none = await collect(compressFiles([]));
    expect((await openArchive(await collect(appendFiles(await openArchive(none), asFiles(list.slice(0, 1)))))).files).toHaveLength(1);
  });

  it('continue the last group on append, so new genomes are coded against those there', async () => {
    const [g1, g2] = genomes();
    const first = await collect(compressFiles(asFiles([{ name: 'g1.fa', bytes: g1 }])));
    const second = asFiles([{ name: 'g2.fa', bytes: g2 }]);
    const continued = await collect(appendFiles(await openArchive(first), second));
    const apart = await collect(appendFiles(await openArchive(first), asFiles([{ name: 'g2.fa', bytes: g2 }]), { newGroup: true }));
    expect(continued.length - first.length).toBeLessThan(200);
    expect(apart.length - first.length).toBeGreaterThan(5000);
    // a group budget the chain already fills starts a new group
    const full = await collect(appendFiles(await openArchive(first), asFiles([{ name: 'g2.fa', bytes: g2 }]), { chunkBytes: 20_000 }));
    expect(full.length - first.length).toBeGreaterThan(5000);

    // a chain of three groups, read by both readers, files in any order
    const chained = await collect(appendFiles(await openArchive(continued), asFiles([{ name: 'g3.fa', bytes: g1 }])));
    expect(chained.length - continued.length).toBeLessThan(200);
    const originals = [g1, g2, g1];
    expect(await decompress(chained)).toEqual(new Uint8Array(Buffer.concat(originals)));
    for (const order of [[2, 0, 1], [1, 2, 0], [0, 2, 1, 2]]) {
      const archive = await openArchive(chained);
      const reads = order.map((i) => collect(archive.streamFile(i))); // concurrently
      for (const [k, read] of reads.entries()) expect(await read).toEqual(originals[order[k]!]);
    }
    expect(await (await openArchive(chained)).readSequence(2, 29_990, 30_000)).toEqual(g1.subarray(-11, -1));
  });

  it('align divergent genomes, also when appended, and only where the header announces it', async () => {
    // Three genomes about 3% apart: every group of them is aligned (format revision 12).
    const random = rng(7);
    const seq = Array.from({ length: 20_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
    const mutate = (s: string) => s.replace(/[ACGT]/g, (c) => (random() < 0.03 ? { A: 'G', G: 'A', C: 'T', T: 'C' }[c]! : c));
    const [a, b, c] = [seq, mutate(seq), mutate(mutate(seq))].map((s, i) => text(`>d${i}\n${s.match(/.{1,70}/g)!.join('\n')}\n`));
    const first = await collect(compressFiles(asFiles([{ name: 'a.fa', bytes: a }, { name: 'b.fa', bytes: b }])));
    expect(first[10]! & RequiredFlag.AlignedGroups).not.toBe(0);
    const grown = await collect(appendFiles(await openArchive(first), asFiles([{ name: 'c.fa', bytes: c }])));
    expect(await decompress(grown)).toEqual(new Uint8Array(Buffer.concat([a, b, c])));
    const archive = await openArchive(grown);
    expect(await collect(archive.streamFile('c.fa'))).toEqual(c); // rebuilds the aligned group it continues first
    expect(await archive.readSequence(1, 12_345, 12_400)).toEqual(text(basesOf(b, 12_345, 12_400)));

    // An archive written before revision 12 (no flag 04): appended groups stay token streams,
    // which its readers understand, and the header is copied as it is.
    const old = fixture('golden', 'v1.0', 'ref-append-r11.fa.seqc');
    expect(old[10]! & RequiredFlag.AlignedGroups).toBe(0);
    const grownOld = await collect(appendFiles(await openArchive(old), asFiles([{ name: 'b2.fa', bytes: b }, { name: 'c2.fa', bytes: c }])));
    expect(grownOld.subarray(0, 16)).toEqual(old.subarray(0, 16));
    expect(await collect((await openArchive(grownOld)).streamFile('c2.fa'))).toEqual(c);
    // An archive written at revision 13 (flags 04, no 08): appended groups keep revision 10's token
    // grammar, which its readers understand (revision 14's would not decode as revision 10's).
    const r13 = fixture('golden', 'v1.0', 'ref-append-r13.fa.seqc');
    expect(r13[10]! & RequiredFlag.ReferenceSites).toBe(0);
    const grownR13 = await collect(appendFiles(await openArchive(r13), asFiles([{ name: 'b2.fa', bytes: b }])));
    expect(grownR13.subarray(0, 16)).toEqual(r13.subarray(0, 16));
    expect(await collect((await openArchive(grownR13)).streamFile('b2.fa'))).toEqual(b);
    // The same files in an archive that may align are smaller.
    const aligned = await collect(appendFiles(await openArchive(await collect(compressFiles([]))), asFiles([{ name: 'b.fa', bytes: b }, { name: 'c.fa', bytes: c }])));
    expect(aligned.length).toBeLessThan(grownOld.length - old.length);
  });

  it('refuse a group that continues nothing, and continues flags they do not know', async () => {
    const [g1, g2] = genomes();
    const first = await collect(compressFiles(asFiles([{ name: 'g1.fa', bytes: g1 }])));
    const continued = await collect(appendFiles(await openArchive(first), asFiles([{ name: 'g2.fa', bytes: g2 }])));
    const frames = framesOf(continued);
    // frames: CHUNK, FILE g1, SEQUENCE, CHUNK (continues), FILE g2, SEQUENCE, END
    expect(frames.map((f) => f[0])).toEqual([1, 6, 2, 1, 6, 2, 0x7f]);
    const orphan = concat([continued.subarray(0, 16), ...frames.slice(3)]);
    await expect(decompress(orphan)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/continues, but no group/) });
    await expect(openArchive(orphan)).rejects.toMatchObject({ code: 'CORRUPT' });
    // the continues section is the chunk's last: u8 id 6, u8 method 0, varint 1, varint 1, varint flags 0
    const chunk = frames[3]!.subarray(10);
    expect([...chunk.subarray(-5)]).toEqual([6, 0, 1, 1, 0]);
    const flagged = Uint8Array.from(chunk);
    flagged[flagged.length - 1] = 1;
    const unknown = concat([continued.subarray(0, 16), ...frames.slice(0, 3), encodeFrame(1, flagged), ...frames.slice(4)]);
    await expect(decompress(unknown)).rejects.toMatchObject({ code: 'UNSUPPORTED_FEATURE' });
  });

  it('refuse to append to an archive of one input', async () => {
    const single = await openArchive(await compress(list0()));
    await expect(collect(appendFiles(single, asFiles(inputs().slice(0, 1))))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('refuse a name that is empty or too long', async () => {
    await expect(collect(compressFiles([{ name: '', content: [text('>a\nAC\n')] }]))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
    await expect(collect(compressFiles([{ name: 'x'.repeat(5000), content: [] }]))).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});

describe('file names that share the ends of the name before them (revision 14)', () => {
  const names = ['GCF_000026905.1_ASM2690v1_genomic.fa', 'GCF_000092665.1_ASM9266v1_genomic.fa', 'GCF_000092665.1_ASM9266v1_genomic.fa.gz', 'GCF_0', 'other/ä.fa', 'GCF_000026905.1_ASM2690v1_genomic.fa'];
  const list = names.map((name, i) => ({ name, bytes: text(`>r${i}\nACGT\n`) }));
  const nameFrames = (file: Uint8Array) => framesOf(file).filter((f) => f[0] === 6);

  it('are written shorter and read back, through both readers and after an append', async () => {
    const packed = await collect(compressFiles(asFiles(list.slice(0, 4))));
    const grown = await collect(appendFiles(await openArchive(packed), asFiles(list.slice(4))));
    expect((await openArchive(grown)).files.map((f) => f.name)).toEqual(names);
    const streamed: string[] = [];
    for await (const _ of decompressStream([grown], { onFile: (f) => streamed.push(f.name) }));
    expect(streamed).toEqual(names);
    const frames = nameFrames(grown);
    expect(frames.map((f) => f[10])).toEqual([0, 1, 1, 1, 0, 1]); // flags: the first, and 'other/ä.fa', in full
    expect(frames[1]!.length).toBeLessThan(10 + 2 + names[1]!.length - 15);
  });

  it('keep whole names when appending to an archive written before them', async () => {
    const old = fixture('golden', 'v1.0', 'ref-append-r13.fa.seqc');
    const grown = await collect(appendFiles(await openArchive(old), asFiles(list.slice(0, 2))));
    expect(nameFrames(grown).map((f) => f[10])).toEqual([0, 0, 0, 0]);
    expect((await openArchive(grown)).files.map((f) => f.name).slice(2)).toEqual(names.slice(0, 2));
  });

  it('refuse a shared name with nothing before it, ends longer than that name, or flags they do not know', async () => {
    const packed = await collect(compressFiles(asFiles(list.slice(0, 2))));
    const frames = framesOf(packed);
    const at = frames.findIndex((f) => f[0] === 6 && f[10] === 1);
    const second = frames[at]!.subarray(10);
    const rewrite = (payload: number[]) => concat([packed.subarray(0, 16), ...frames.slice(0, at), encodeFrame(6, Uint8Array.from(payload)), ...frames.slice(at + 1)]);
    // the first FILE frame dropped: the shared one has no name before it
    const firstFile = frames.findIndex((f) => f[0] === 6);
    const orphan = concat([packed.subarray(0, 16), ...frames.filter((_, i) => i !== firstFile)]);
    await expect(decompress(orphan)).rejects.toMatchObject({ code: 'CORRUPT' });
    await expect(decompress(rewrite([1, 30, 30, 0]))).rejects.toMatchObject({ code: 'CORRUPT' }); // 60 bytes kept of a 36-byte name
    await expect(openArchive(rewrite([3, ...second.subarray(1)]))).rejects.toMatchObject({ code: 'UNSUPPORTED_FEATURE' });
    expect(await decompress(rewrite([...second]))).toEqual(await decompress(packed)); // the frame as written
  });
});

function list0(): Uint8Array {
  return inputs()[0]!.bytes;
}

/** The frames of a file (header, payload and all), in order. */
function framesOf(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const frames: Uint8Array[] = [];
  for (let at = 16; at < file.length; ) {
    const next = at + 10 + view.getUint32(at + 2, true);
    frames.push(file.subarray(at, next));
    at = next;
  }
  return frames;
}

const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function endFrameOffset(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let at = 16;
  for (;;) {
    const next = at + 10 + view.getUint32(at + 2, true);
    if (next >= file.length) return at;
    at = next;
  }
}

/** The sequence of a one-record FASTA file without its line breaks, bases from..to. */
function basesOf(file: Uint8Array, from: number, to: number): string {
  const body = new TextDecoder().decode(file);
  return body.slice(body.indexOf('\n') + 1).replace(/\n/g, '').slice(from, to);
}
