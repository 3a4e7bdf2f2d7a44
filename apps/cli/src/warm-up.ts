/**
 * Warming V8 up before an archive of many genomes (ADR 0039).
 *
 * V8 optimises a function while it runs, from what it has seen the function do so far. A compress
 * job's hot functions were optimised while its first genome was coded, before they had met a
 * relative's substitutions, indels or inversions, the end of a record or of a file; each such path
 * met later threw the optimised code away, and it was compiled again. In a workflow job of 167
 * synthetic genomes, 141 compiles and 917 deoptimisations.
 *
 * So before such an archive, the command compresses (and verifies, when asked to) a small made-up
 * collection in a temporary folder, exactly as it is about to do with the user's files: a random
 * genome of two records and four mutated relatives, 16 kB. The result is thrown away. V8 is left
 * with feedback from every common path, and compiles the hot functions once. The archive is the
 * same bytes either way (tested): the codecs keep no state from one archive to the next.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { concatBytes } from '@seqcoder/format';
import { withTemporaryFolder } from './io.js';

/**
 * Archives of fewer input bytes are not worth warming up for. The warm-up took about 80 ms, which
 * a job of two 5 kB files paid in full; on 180 kB (three files) the job was already 6% faster
 * with it, and on 167 synthetic genomes (42 MB) 7% faster (ADR 0039).
 */
export const WARM_UP_MIN_BYTES = 1 << 20;

/**
 * Whether an archive of `bytes` in `files` files is warmed up first: one of the ref codec, whose
 * groups are coded on this thread whatever --threads says (its workers code cm's records).
 */
export function warmsUp(bytes: number, files: number, codec: unknown): boolean {
  return codec === 'ref' && files >= 2 && bytes >= WARM_UP_MIN_BYTES;
}

/**
 * Writes the sample into a new temporary folder, runs `use` on its files' paths and an output path
 * there, and removes the folder (also on an interruption). The command then reads, codes, writes
 * and verifies the sample exactly as it will the user's files, so that every step has run once.
 */
export async function withSample(use: (paths: string[], output: string) => Promise<void>): Promise<void> {
  await withTemporaryFolder('seqcoder-warm-up-', async (dir) => {
    const paths: string[] = [];
    for (const file of sampleFiles()) {
      const path = join(dir, file.name);
      await writeFile(path, file.content);
      paths.push(path);
    }
    await use(paths, join(dir, 'sample.seqc'));
  });
}

/** Bases of the sample's genome; its relatives are about as long. */
const GENOME_BASES = 3000;
/** A group budget that holds the whole sample, so that its encoder's tables are small (ADR 0039). */
export const SAMPLE_GROUP_BYTES = 1 << 16;

/**
 * Five FASTA files: a genome of two records (a chromosome and a plasmid) and four relatives that
 * differ from it as a species' genomes do: substitutions and small indels, an inverted segment,
 * new material, a rotated start, the other strand. The same bytes on every run. Bases are 0..3
 * here (A, C, G, T), letters only in the files.
 */
export function sampleFiles(): { name: string; content: Buffer }[] {
  const random = xorshift(0x5eed);
  const root = randomBases(random, GENOME_BASES);
  const plasmid = randomBases(random, 600);
  const strain = mutate(random, root, 0.01);
  const inverted = mutate(random, root, 0.005);
  const third = Math.floor(inverted.length / 3);
  const genomes: Uint8Array[][] = [
    [root, plasmid],
    [strain, mutate(random, plasmid, 0.01)],
    [mutate(random, strain, 0.002)],
    [concatBytes([inverted.subarray(0, third), reverseComplement(inverted.subarray(third, 2 * third)), randomBases(random, 200), inverted.subarray(2 * third)])],
    [reverseComplement(concatBytes([root.subarray(1200), root.subarray(0, 1200)]))],
  ];
  return genomes.map((records, i) => ({ name: `sample-${i + 1}.fa`, content: fasta(`sample-${i + 1}`, records) }));
}

/** A xorshift32 stream of 32-bit integers. */
function xorshift(seed: number): () => number {
  let x = seed | 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

function randomBases(random: () => number, n: number): Uint8Array {
  const bases = new Uint8Array(n);
  for (let i = 0; i < n; i++) bases[i] = random() & 3;
  return bases;
}

/** `rate` of the bases substituted, and a tenth as many deleted and as many followed by an insertion. */
function mutate(random: () => number, genome: Uint8Array, rate: number): Uint8Array {
  const threshold = rate * 2 ** 32;
  const out = new Uint8Array(2 * genome.length);
  let n = 0;
  for (const base of genome) {
    const x = random();
    if (x < threshold) out[n++] = random() & 3;
    else if (x < threshold * 1.1) continue;
    else if (x < threshold * 1.2) {
      out[n++] = base;
      out[n++] = random() & 3;
    } else out[n++] = base;
  }
  return out.slice(0, n);
}

function reverseComplement(bases: Uint8Array): Uint8Array {
  const out = new Uint8Array(bases.length);
  for (let i = 0; i < bases.length; i++) out[i] = 3 - bases[bases.length - 1 - i]!;
  return out;
}

/** A FASTA file of `records` (bases 0..3), named `name`.1, `name`.2, ..., 80 bases a line. */
function fasta(name: string, records: Uint8Array[]): Buffer {
  const width = 80;
  const letters = [65, 67, 71, 84]; // A C G T
  const parts: Uint8Array[] = [];
  records.forEach((bases, j) => {
    parts.push(Buffer.from(`>${name}.${j + 1}\n`, 'latin1'));
    const text = new Uint8Array(bases.length + Math.ceil(bases.length / width));
    let at = 0;
    for (let i = 0; i < bases.length; i++) {
      text[at++] = letters[bases[i]!]!;
      if ((i + 1) % width === 0 || i + 1 === bases.length) text[at++] = 10;
    }
    parts.push(text);
  });
  return Buffer.from(concatBytes(parts));
}
