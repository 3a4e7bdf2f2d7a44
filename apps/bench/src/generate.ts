/**
 * `pnpm bench:generate`: how genome-like are the sequences of `seqcoder generate` (the genome VAE)?
 * Compared with held-back real genomes of the collection it was trained on, beside an order-k
 * Markov chain trained on the same genomes (the simple method a user would otherwise pick), i.i.d.
 * bases at the training GC content, and real windows of the held-back genomes (how far two real
 * samples of that length already are from each other):
 * - GC content;
 * - k-mer spectrum distance, k = 3..8: the total variation distance between the k-mer frequencies
 *   (both strands) of a sample and of the held-back genomes (0: the same; 1: nothing shared);
 * - codon usage: the same distance over the 64 codons of open reading frames of at least 300 bases
 *   (ATG to a stop, six frames);
 * - ORFs: how many of at least 300 bases per 100 kb, and the Kolmogorov–Smirnov distance between
 *   the lengths of ORFs of at least 90 bases in a sample and in the held-back genomes.
 * Every figure is the mean over the samples.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reverseComplement as revcomp, seededUniform as random } from './simulate.js';
import { cliPath } from './tools.js';

const HELP = `Usage: pnpm bench:generate [options]

Compares synthetic genomes (seqcoder generate, an order-k Markov chain, i.i.d. bases) with
held-back real genomes: GC, k-mer spectra (k = 3..8), codon usage, ORF lengths.

Options:
  --collection DIR  the genomes the generator was trained on (default: ../shared/data/collections/
                    Chlamydia_trachomatis); the first --train by name are training data, the rest
                    held back
  --train N         (default 45, as the shipped model)
  --samples N       synthetic genomes per method (default 3)
  --length BASES    bases per sample (default 200000)
  --order K         the Markov chain's order (default 5: the context of a 6-mer)
  --seed N          (default 1)
  --runtime NAME    wasm or onnx, for seqcoder generate (default wasm: the canonical path)
  --out DIR         also write README.md and generate.json there
  -h, --help        this text
`;

const { values } = parseArgs({
  options: {
    collection: { type: 'string', default: resolve('..', 'shared', 'data', 'collections', 'Chlamydia_trachomatis') },
    train: { type: 'string', default: '45' },
    samples: { type: 'string', default: '3' },
    length: { type: 'string', default: '200000' },
    order: { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    runtime: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const CODE: Record<string, number> = { A: 0, C: 1, G: 2, T: 3 };

/** Each record of a FASTA text as upper-case A/C/G/T only. */
function records(text: string): string[] {
  return text
    .split(/^>.*$/m)
    .map((s) => s.replace(/[^ACGTacgt]/g, '').toUpperCase())
    .filter((s) => s.length > 0);
}

/**
 * k-mer counts of sequences (A/C/G/T only) on both strands, as a frequency vector of 4^k: genes
 * lie on both strands in stretches, so one strand's spectrum would differ between windows of one
 * genome by which strand their genes happen to be on.
 */
function spectrum(seqs: string[], k: number): Float64Array {
  const counts = new Float64Array(4 ** k);
  const mask = 4 ** k - 1;
  let total = 0;
  for (const s of seqs.flatMap((x) => [x, revcomp(x)])) {
    let code = 0;
    for (let i = 0; i < s.length; i++) {
      code = ((code * 4) & mask) + CODE[s[i]!]!;
      if (i >= k - 1) {
        counts[code]!++;
        total++;
      }
    }
  }
  return counts.map((c) => c / Math.max(1, total));
}

const tvd = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + Math.abs(x - b[i]!), 0) / 2;

/** Open reading frames (ATG to a stop codon, six frames): their lengths in bases and the codon counts of those ≥ 300 bases. */
function orfs(seqs: string[]): { lengths: number[]; codons: Float64Array } {
  const lengths: number[] = [];
  const codons = new Float64Array(64);
  for (const s of seqs) {
    for (const strand of [s, revcomp(s)]) {
      for (let frame = 0; frame < 3; frame++) {
        let start = -1;
        for (let i = frame; i + 3 <= strand.length; i += 3) {
          const c = strand.slice(i, i + 3);
          if (start < 0) {
            if (c === 'ATG') start = i;
          } else if (c === 'TAA' || c === 'TAG' || c === 'TGA') {
            const length = i + 3 - start;
            lengths.push(length);
            if (length >= 300) for (let j = start; j <= i; j += 3) codons[CODE[strand[j]!]! * 16 + CODE[strand[j + 1]!]! * 4 + CODE[strand[j + 2]!]!]!++;
            start = -1;
          }
        }
      }
    }
  }
  const total = codons.reduce((a, b) => a + b, 0);
  return { lengths, codons: codons.map((c) => c / Math.max(1, total)) };
}

/** Kolmogorov–Smirnov distance between two samples. */
function ks(a: number[], b: number[]): number {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** An order-k Markov chain of the training genomes (add-one counts), sampled with `next`. */
function markov(train: string[], order: number, length: number, next: () => number): string {
  const contexts = 4 ** order;
  const counts = new Float64Array(contexts * 4).fill(1);
  for (const s of train) {
    let ctx = 0;
    for (let i = 0; i < s.length; i++) {
      const b = CODE[s[i]!]!;
      if (i >= order) counts[ctx * 4 + b]!++;
      ctx = (ctx * 4 + b) % contexts;
    }
  }
  let ctx = Math.floor(next() * contexts);
  const out: string[] = [];
  for (let i = 0; i < length; i++) {
    const row = counts.subarray(ctx * 4, ctx * 4 + 4);
    let u = next() * (row[0]! + row[1]! + row[2]! + row[3]!);
    let b = 0;
    while (b < 3 && (u -= row[b]!) >= 0) b++;
    out.push('ACGT'[b]!);
    ctx = (ctx * 4 + b) % contexts;
  }
  return out.join('');
}

const dir = values.collection!;
if (!existsSync(dir)) throw new Error(`${dir}: no such folder (give --collection)`);
const files = readdirSync(dir).filter((f) => /\.(fa|fasta|fna)$/.test(f)).sort();
const trainCount = Number(values.train);
if (files.length <= trainCount) throw new Error(`${dir} has ${files.length} genomes: none held back after the first ${trainCount}`);
const train = files.slice(0, trainCount).flatMap((f) => records(readFileSync(join(dir, f), 'latin1')));
const heldBack = files.slice(trainCount).map((f) => records(readFileSync(join(dir, f), 'latin1')));
const real = heldBack.flat();
const samples = Number(values.samples);
const length = Number(values.length);
const next = random(Number(values.seed));

const gcOf = (seqs: string[]) => {
  let gc = 0;
  let n = 0;
  for (const s of seqs) for (const c of s) (n++, c === 'G' || c === 'C') && gc++;
  return gc / n;
};
const trainGc = gcOf(train);

const methods: { name: string; make: () => Promise<string[]> | string[] }[] = [
  {
    name: 'seqcoder generate (genome VAE)',
    make: () => {
      const r = spawnSync(process.execPath, [cliPath, 'generate', '-q', '-n', String(samples), '--length', String(length), '--seed', values.seed!, '--runtime', values.runtime!], { encoding: 'latin1', maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`seqcoder generate failed: ${r.stderr}`);
      return records(r.stdout);
    },
  },
  { name: `order-${values.order} Markov chain`, make: () => Array.from({ length: samples }, () => markov(train, Number(values.order), length, next)) },
  {
    name: 'i.i.d. bases at the training GC',
    make: () => Array.from({ length: samples }, () => Array.from({ length }, () => (next() < trainGc ? (next() < 0.5 ? 'G' : 'C') : next() < 0.5 ? 'A' : 'T')).join('')),
  },
  {
    name: 'real: windows of the held-back genomes',
    make: () =>
      Array.from({ length: samples }, (_, i) => {
        const g = heldBack[i % heldBack.length]![0]!;
        const at = Math.floor(next() * Math.max(1, g.length - length));
        return g.slice(at, at + length);
      }),
  },
];

const realSpectra = [3, 4, 5, 6, 7, 8].map((k) => spectrum(real, k));
const realOrfs = orfs(real);
const realLong = realOrfs.lengths.filter((l) => l >= 300).length;
const realBases = real.reduce((s, x) => s + x.length, 0);
const rows: Record<string, number | string>[] = [];
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
rows.push({
  method: `held-back genomes (${heldBack.length}, the reference)`,
  seconds: 0,
  gc: gcOf(real),
  ...Object.fromEntries([3, 4, 5, 6, 7, 8].map((k) => [`k${k}`, 0])),
  codons: 0,
  orfsPer100kb: (realLong * 1e5) / realBases,
  orfKs: 0,
});
for (const method of methods) {
  const t0 = performance.now();
  const seqs = await method.make();
  const seconds = (performance.now() - t0) / 1000;
  const per = seqs.map((s) => {
    const o = orfs([s]);
    return {
      gc: gcOf([s]),
      k: [3, 4, 5, 6, 7, 8].map((k, i) => tvd(spectrum([s], k), realSpectra[i]!)),
      codons: tvd(o.codons, realOrfs.codons),
      orfsPer100kb: (o.lengths.filter((l) => l >= 300).length * 1e5) / s.length,
      orfKs: ks(o.lengths.filter((l) => l >= 90), realOrfs.lengths.filter((l) => l >= 90)),
    };
  });
  rows.push({
    method: method.name,
    seconds,
    gc: mean(per.map((p) => p.gc)),
    ...Object.fromEntries([3, 4, 5, 6, 7, 8].map((k, i) => [`k${k}`, mean(per.map((p) => p.k[i]!))])),
    codons: mean(per.map((p) => p.codons)),
    orfsPer100kb: mean(per.map((p) => p.orfsPer100kb)),
    orfKs: mean(per.map((p) => p.orfKs)),
  });
}

const f = (x: unknown, d: number) => (x as number).toFixed(d);
const table = [
  `${samples} samples of ${length.toLocaleString('en')} bases per method, seed ${values.seed}; the reference is the ${heldBack.length} held-back genomes of ${dir.split('/').pop()} (${realBases.toLocaleString('en')} bases); the generator and the Markov chain learnt from the first ${trainCount}. Distances: total variation between frequency vectors (k-mers on both strands; 0 = the same), KS between ORF length distributions.`,
  '',
  '| method | GC | k-mer distance k=3 | 4 | 5 | 6 | 7 | 8 | codon usage distance | ORFs ≥ 300 b per 100 kb | ORF length KS | seconds |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.method} | ${f(r.gc, 4)} | ${[3, 4, 5, 6, 7, 8].map((k) => f(r[`k${k}`], 3)).join(' | ')} | ${f(r.codons, 3)} | ${f(r.orfsPer100kb, 1)} | ${f(r.orfKs, 3)} | ${f(r.seconds, 1)} |`),
].join('\n');
process.stdout.write(table + '\n');
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'README.md'), `# Synthetic genomes against held-back real ones\n\nGenerated by \`pnpm bench:generate${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`);
  writeFileSync(join(values.out, 'generate.json'), JSON.stringify(rows, null, 1) + '\n');
}
