/**
 * What the bench compresses. A corpus folder laid out like `../shared/data` gives three sets:
 *   dnacorpus/    raw sequences of the SeqCoder tables (train AeCa HaHi EsCo, test HePy YeMi BuEb)
 *   genomes/      FASTA genomes
 *   collections/  one folder per collection, benchmarked as one concatenated multi-FASTA, as
 *                 its separate files, and as its files given together to one archive
 * Any other folder is taken as a flat list of files (set `files`).
 */
import { createWriteStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { compress, openArchive } from '@seqcoder/format';

export type SetName = 'dnacorpus' | 'genomes' | 'collections' | 'files';
export const SET_NAMES: SetName[] = ['dnacorpus', 'genomes', 'collections'];

export interface BenchInput {
  /** Unique key, e.g. `genomes/Escherichia_phage_lambda_J02459.1`, `collections/Blochmannia (separate)`. */
  id: string;
  /** What the tables show. */
  name: string;
  set: SetName;
  /**
   * Collections only: one concatenated file, every file on its own (sizes and times summed), or
   * the files given together to a tool that makes one archive of them (`archive`).
   */
  mode?: 'concatenated' | 'separate' | 'archive';
  /** DNAcorpus only: the SeqCoder paper's split. */
  split?: 'train' | 'test';
  files: string[];
  bytes: number;
  /** Sequence letters (bases, N and IUPAC codes; not headers or line ends): the bits-per-base divisor. */
  residues: number;
}

/** SeqCoder's README: original and compressed bytes of its results tables. AgPh is not in our data. */
export const PUBLISHED: Record<string, { split: 'train' | 'test'; original: number; compressed: number }> = {
  AeCa: { split: 'train', original: 1_591_049, compressed: 537_023 },
  HaHi: { split: 'train', original: 3_890_005, compressed: 1_284_873 },
  EsCo: { split: 'train', original: 4_641_652, compressed: 1_477_598 },
  HePy: { split: 'test', original: 1_667_825, compressed: 536_913 },
  YeMi: { split: 'test', original: 73_689, compressed: 23_616 },
  BuEb: { split: 'test', original: 18_940, compressed: 6_351 },
};

const FASTA = /\.(fa|fasta|fna|ffn|fas)$/i;
const visibleFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => !f.startsWith('.') && statSync(join(dir, f)).isFile())
    .sort();

/**
 * Residues as SeqCoder counts them (its `info` reports the same number): the fast `pack` codec
 * parses the file exactly as every other codec does.
 */
async function countResidues(file: string): Promise<number> {
  const archive = await openArchive(await compress(new Uint8Array(readFileSync(file)), { codec: 'pack' }));
  return archive.residues;
}

async function input(fields: Omit<BenchInput, 'bytes' | 'residues'>): Promise<BenchInput> {
  let bytes = 0;
  let residues = 0;
  for (const file of fields.files) {
    bytes += statSync(file).size;
    residues += await countResidues(file);
  }
  return { ...fields, bytes, residues };
}

async function concatenate(files: string[], into: string): Promise<void> {
  const out = createWriteStream(into);
  for (const file of files) out.write(readFileSync(file));
  out.end();
  await finished(out);
}

/**
 * The inputs of the chosen sets under `corpus`. Concatenated collections are written to `workDir`
 * (never to the corpus).
 */
export async function discoverInputs(corpus: string, sets: SetName[], workDir: string): Promise<BenchInput[]> {
  const inputs: BenchInput[] = [];
  const laidOut = SET_NAMES.some((s) => existsSync(join(corpus, s)));
  if (!laidOut) {
    for (const f of visibleFiles(corpus)) inputs.push(await input({ id: `files/${f}`, name: f, set: 'files', files: [join(corpus, f)] }));
    // a README or other text beside the genomes has no bases, hence no bits per base
    return inputs.filter((i) => i.residues > 0);
  }
  const order = Object.keys(PUBLISHED);
  if (sets.includes('dnacorpus') && existsSync(join(corpus, 'dnacorpus'))) {
    const names = visibleFiles(join(corpus, 'dnacorpus')).sort(
      (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b),
    );
    for (const f of names) {
      const split = PUBLISHED[f]?.split;
      inputs.push(await input({ id: `dnacorpus/${f}`, name: f, set: 'dnacorpus', split, files: [join(corpus, 'dnacorpus', f)] }));
    }
  }
  if (sets.includes('genomes') && existsSync(join(corpus, 'genomes'))) {
    for (const f of visibleFiles(join(corpus, 'genomes')).filter((f) => FASTA.test(f))) {
      const name = f.replace(FASTA, '');
      inputs.push(await input({ id: `genomes/${name}`, name, set: 'genomes', files: [join(corpus, 'genomes', f)] }));
    }
  }
  if (sets.includes('collections') && existsSync(join(corpus, 'collections'))) {
    for (const name of readdirSync(join(corpus, 'collections')).sort()) {
      const dir = join(corpus, 'collections', name);
      if (!statSync(dir).isDirectory()) continue;
      const files = visibleFiles(dir).filter((f) => FASTA.test(f)).map((f) => join(dir, f));
      if (files.length === 0) continue;
      const joined = join(workDir, `${name}.fa`);
      await concatenate(files, joined);
      inputs.push(await input({ id: `collections/${name} (concatenated)`, name, set: 'collections', mode: 'concatenated', files: [joined] }));
      inputs.push(await input({ id: `collections/${name} (separate)`, name, set: 'collections', mode: 'separate', files }));
      inputs.push(await input({ id: `collections/${name} (archive)`, name, set: 'collections', mode: 'archive', files }));
    }
  }
  return inputs;
}
