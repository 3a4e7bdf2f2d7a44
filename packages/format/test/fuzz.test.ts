/**
 * Property-based fuzzing of the reader (fast-check). Valid files of every codec are damaged in the
 * ways real files get damaged or forged: bit flips, byte changes, truncation, splices of two
 * files, huge length and count fields, wrong codec ids, random bytes. Most damage is "resealed"
 * (every frame CRC recomputed) so that it reaches the parsers and decoders behind the checksums.
 * Every case must end in a typed SeqCoder error or in output that is exactly one of the originals,
 * within a time bound: never a crash, a hang, or an allocation sized by an unchecked field.
 *
 * CI runs FUZZ_CASES (default 2,000) cases per property; `pnpm fuzz --cases N` runs more.
 * A failure prints the seed and path to replay it (FUZZ_SEED, FUZZ_PATH).
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { appendFiles, compress, compressFiles, crc32c, decompress, isSeqCoderError, openArchive, listCodecs } from '../src/index.js';
import { collect, zstdCompress } from './helpers.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;
/** Each case must end within this; the files are a few kB, so seconds mean a runaway loop. */
const CASE_MS = 5000;

/** A deterministic FASTA with what the layout model must keep: CRLF, lower case, N runs, IUPAC. */
function sampleFasta(seed: number, records: number, length: number, crlf: boolean): Uint8Array {
  let x = seed;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  const eol = crlf ? '\r\n' : '\n';
  let out = '';
  for (let r = 0; r < records; r++) {
    let s = '';
    for (let i = 0; i < length; i++) s += 'ACGT'[next() & 3];
    s = `${s.slice(0, 50)}${s.slice(50, 90).toLowerCase()}NNNNNNNNNNRYK${s.slice(103)}`;
    out += `>rec${r} sample${eol}${s.replace(/(.{60})/g, `$1${eol}`).replace(new RegExp(`${eol}$`), '')}${eol}`;
  }
  if (seed % 2) out = out.replace(/\r?\n$/, ''); // a missing final newline must come back too
  return new TextEncoder().encode(out);
}

interface Valid {
  name: string;
  original: Uint8Array;
  packed: Uint8Array;
}
const corpus: Valid[] = [];

beforeAll(async () => {
  const fasta = sampleFasta(7, 3, 700, false);
  for (const codec of listCodecs()) {
    for (let level = codec.levels.min; level <= Math.min(codec.levels.max, codec.levels.min + 3); level++) {
      corpus.push({ name: `${codec.name}:${level}`, original: fasta, packed: await compress(fasta, { codec: codec.name, level, zstd: zstdCompress }) });
    }
  }
  const crlf = sampleFasta(8, 2, 300, true);
  corpus.push({ name: 'cm, CRLF, raw sections', original: crlf, packed: await compress(crlf, { codec: 'cm' }) });
  const protein = new TextEncoder().encode('>p1 a protein\nMKVLAAGIVGLLLAQQPWERTY\n>p2\nMSTNPKPQRKTKRNTNRRPQDVKFPGG\n');
  corpus.push({ name: 'generic', original: protein, packed: await compress(protein, { zstd: zstdCompress }) });
  // a multi-file archive whose second genome copies the first (ref matches, substitutions, sites)
  const [g1, g2] = [fasta, fasta.map((b, i) => (i % 97 === 50 && b === 65 ? 67 : b))];
  const files = [
    { name: 'one.fa', content: [g1] },
    { name: 'empty.fa', content: [] },
    { name: 'two.fa', content: [g2] },
    { name: 'protein.fa', content: [protein] },
  ];
  corpus.push({
    name: 'multi-file archive',
    original: new Uint8Array(Buffer.concat([g1, g2, protein])),
    packed: await collect(compressFiles(files, { zstd: zstdCompress })),
  });
  // the same genomes, the second appended: its group continues the first's
  const one = await collect(compressFiles(files.slice(0, 2), { zstd: zstdCompress }));
  corpus.push({
    name: 'appended archive',
    original: new Uint8Array(Buffer.concat([g1, g2, protein])),
    packed: await collect(appendFiles(await openArchive(one), files.slice(2), { zstd: zstdCompress })),
  });
  // an aligned group (revision 12, required flag 04): the second genome differs from the first in
  // about one aligned base in 60 (A to G), so the group's cm stream holds every base, hinted
  const g3 = fasta.map((b, i) => (i % 13 === 5 && b === 65 ? 71 : b));
  corpus.push({
    name: 'aligned group',
    original: new Uint8Array(Buffer.concat([g1, g3])),
    packed: await collect(compressFiles([{ name: 'one.fa', content: [g1] }, { name: 'three.fa', content: [g3] }], { zstd: zstdCompress })),
  });
  // cm in independent blocks (layout 3, required flag 02): two records of three blocks each
  const long = sampleFasta(9, 2, 10_000, false);
  corpus.push({ name: 'cm in blocks', original: long, packed: await compress(long, { codec: 'cm', level: 1, blockBases: 4096, zstd: zstdCompress }) });
  const empty = new TextEncoder().encode('>empty\n>also empty\n\n');
  corpus.push({ name: 'empty records', original: empty, packed: await compress(empty, { codec: 'cm', zstd: zstdCompress }) });
});

/** Recomputes the file-header CRC and every frame CRC that can still be found. */
function reseal(file: Uint8Array): Uint8Array {
  const out = file.slice();
  const view = new DataView(out.buffer);
  if (out.length >= 16) view.setUint32(12, crc32c(out.subarray(0, 12)), true);
  for (let at = 16; at + 10 <= out.length; ) {
    const length = view.getUint32(at + 2, true);
    if (at + 10 + length > out.length) break;
    view.setUint32(at + 6, crc32c(out.subarray(at + 10, at + 10 + length), crc32c(out.subarray(at, at + 6))), true);
    at += 10 + length;
  }
  return out;
}

/** Start offsets of the frame payloads, and of sequence frames (type 2) in particular. */
function payloads(file: Uint8Array): { start: number; end: number; type: number }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: { start: number; end: number; type: number }[] = [];
  for (let at = 16; at + 10 <= file.length; ) {
    const length = view.getUint32(at + 2, true);
    out.push({ start: at + 10, end: Math.min(at + 10 + length, file.length), type: file[at] });
    at += 10 + length;
  }
  return out;
}

/** A LEB128 varint, as the format writes counts and lengths. */
function varint(value: bigint): number[] {
  const bytes: number[] = [];
  do {
    let b = Number(value & 0x7fn);
    value >>= 7n;
    if (value > 0n) b |= 0x80;
    bytes.push(b);
  } while (value > 0n);
  return bytes;
}

type Case = { file: Uint8Array; parents: Valid[]; what: string };

const valid = () => fc.integer({ min: 0, max: 1 << 30 }).map((i) => corpus[i % corpus.length]);

const bitFlip = fc.tuple(valid(), fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean()).map(([v, i, bit, sealed]): Case => {
  const file = v.packed.slice();
  file[i % file.length] ^= 1 << bit;
  return { file: sealed ? reseal(file) : file, parents: [v], what: `${v.name}: flip bit ${bit} of byte ${i % file.length}${sealed ? ', resealed' : ''}` };
});

const byteSet = fc.tuple(valid(), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([v, i, value, sealed]): Case => {
  const file = v.packed.slice();
  file[i % file.length] = value;
  return { file: sealed ? reseal(file) : file, parents: [v], what: `${v.name}: byte ${i % file.length} = ${value}${sealed ? ', resealed' : ''}` };
});

const truncation = fc.tuple(valid(), fc.nat(), fc.boolean()).map(([v, n, sealed]): Case => {
  const file = v.packed.subarray(0, n % v.packed.length);
  return { file: sealed ? reseal(file) : file, parents: [v], what: `${v.name}: first ${file.length} bytes${sealed ? ', resealed' : ''}` };
});

const splice = fc.tuple(valid(), valid(), fc.nat(), fc.nat()).map(([a, b, i, j]): Case => {
  const file = new Uint8Array([...a.packed.subarray(0, i % a.packed.length), ...b.packed.subarray(j % b.packed.length)]);
  return { file: reseal(file), parents: [a, b], what: `${a.name}[..${i % a.packed.length}] + ${b.name}[${j % b.packed.length}..], resealed` };
});

/** A huge or extreme number written over a field inside a frame payload, CRCs resealed. */
const hugeField = fc
  .tuple(
    valid(),
    fc.nat(),
    fc.constantFrom(2n ** 31n - 1n, 2n ** 32n, 2n ** 40n, 2n ** 40n + 1n, 2n ** 53n, 2n ** 63n, 2n ** 70n, 0n, 1n, 127n, 128n),
    fc.boolean(),
  )
  .map(([v, k, value, asU32]): Case => {
    const file = v.packed.slice();
    const frames = payloads(file).filter((p) => p.end > p.start);
    const frame = frames[k % frames.length];
    const pos = frame.start + (Math.floor(k / frames.length) % (frame.end - frame.start));
    const bytes = asU32 ? [0xff, 0xff, 0xff, 0xff] : varint(value);
    file.set(bytes.slice(0, file.length - pos), pos);
    return { file: reseal(file), parents: [v], what: `${v.name}: ${asU32 ? 'u32 0xffffffff' : `varint ${value}`} at ${pos}, resealed` };
  });

/** Another codec id in a sequence frame (the first varint of its payload), resealed. */
const codecId = fc.tuple(valid(), fc.nat(), fc.integer({ min: 0, max: 300 })).map(([v, k, id]): Case => {
  const file = v.packed.slice();
  const seq = payloads(file).filter((p) => p.type === 2 && p.end > p.start);
  if (seq.length === 0) return { file, parents: [v], what: `${v.name}: unchanged (no sequence frame)` };
  const frame = seq[k % seq.length];
  const bytes = varint(BigInt(id));
  const rest = file.subarray(frame.start + 1);
  const out = reseal(new Uint8Array([...file.subarray(0, frame.start), ...bytes, ...rest]));
  // the frame length no longer matches when the id takes two bytes: that is damage too
  return { file: out, parents: [v], what: `${v.name}: codec id ${id} in the sequence frame at ${frame.start}, resealed` };
});

const randomBytes = fc.tuple(fc.uint8Array({ maxLength: 600 }), fc.boolean(), valid()).map(([bytes, withHeader, v]): Case => {
  const file = withHeader ? reseal(new Uint8Array([...v.packed.subarray(0, 16), ...bytes])) : bytes;
  return { file, parents: [], what: `${bytes.length} random bytes${withHeader ? ' after a valid header' : ''}` };
});

const anyCase = fc.oneof(bitFlip, byteSet, truncation, splice, hugeField, codecId, randomBytes);

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** Runs `decode`; fails the case unless it returns a parent's original or throws a typed error. */
async function check(c: Case, path: string, decode: (file: Uint8Array) => Promise<Uint8Array>): Promise<void> {
  const started = performance.now();
  let out: Uint8Array | undefined;
  try {
    out = await decode(c.file);
    outcomes.set('decoded', (outcomes.get('decoded') ?? 0) + 1);
  } catch (e) {
    if (!isSeqCoderError(e)) throw new Error(`${path}: untyped ${(e as Error).name}: ${(e as Error).message} (${c.what})`);
    outcomes.set(e.code, (outcomes.get(e.code) ?? 0) + 1);
  }
  const ms = performance.now() - started;
  if (ms > CASE_MS) throw new Error(`${path}: took ${Math.round(ms)} ms (${c.what})`);
  if (out && !c.parents.some((p) => same(out!, p.original))) {
    throw new Error(`${path}: decoded ${out.length} bytes that are not the original (${c.what})`);
  }
}

/** How the cases ended, printed by `pnpm fuzz`: a fuzzer whose cases all stop at the CRC tests little. */
const outcomes = new Map<string, number>();
afterAll(() => {
  if (process.env.FUZZ_PROGRESS) console.log(`outcomes: ${[...outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
});

let done = 0;
/** For `pnpm fuzz`: a line per 200 cases, so a hang can be located. */
function progress(c: Case): void {
  if (process.env.FUZZ_PROGRESS && ++done % 200 === 0) appendFileSync(process.env.FUZZ_PROGRESS, `${done} ${c.what}\n`);
}

const options = { numRuns: CASES, seed: SEED, path: PATH, endOnFailure: true };

describe('truncation at every offset', () => {
  it('of a pack, a cm and a generic file ends in a typed error from both readers', async () => {
    const files = ['pack:1', 'cm:2', 'generic'].map((n) => corpus.find((v) => v.name === n)!);
    for (const v of files) {
      for (let n = 0; n < v.packed.length; n++) {
        const c: Case = { file: v.packed.subarray(0, n), parents: [], what: `${v.name}: first ${n} bytes` };
        await check(c, 'decompress', decompress);
        await check(c, 'openArchive', async (file) => collect((await openArchive(file)).stream()));
      }
    }
  }, 600_000);
});

describe('fuzzed files end in a typed error or the exact original', () => {
  it('decompress (the streaming reader)', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        progress(c);
        await check(c, 'decompress', decompress);
      }),
      options,
    );
  }, 600_000);

  it('openArchive, then the last record, every record and a verified stream (the random-access reader)', async () => {
    await fc.assert(
      fc.asyncProperty(anyCase, async (c) => {
        progress(c);
        await check(c, 'openArchive', async (file) => {
          const archive = await openArchive(file);
          // the last first: a group's records before it are skipped, and given after from what it left
          const n = archive.records.length;
          if (n > 1) await archive.readRecord(n - 1);
          for (let i = 0; i < n; i++) await archive.readRecord(i);
          return collect(archive.stream());
        });
      }),
      options,
    );
  }, 600_000);
});
