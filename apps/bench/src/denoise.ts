/**
 * `pnpm bench:denoise`: does the k-mer denoising autoencoder (`seqcoder kmers denoise`) remove
 * sequencing errors, and how does it compare with a k-mer spectrum corrector (Lighter, Debian's
 * `lighter`) on the same reads?
 *
 * Reads are simulated, seeded, from a window of genomes the model never saw (both strands, fixed
 * length, substitutions only at each error rate), so every read's true sequence is known:
 * - per-base error: the share of read bases that differ from the truth, before and after;
 * - k-mer precision and recall: of the distinct canonical k-mers (k of the model) of the reads,
 *   the share that occur in the genome window; and of the window's k-mers, the share the reads hold.
 * Each tool runs as a whole process; its wall time is printed beside.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { reverseComplement as revcomp, seededUniform as random } from './simulate.js';
import { cliPath } from './tools.js';

const HELP = `Usage: pnpm bench:denoise [options]

Simulates reads with substitution errors from genomes the denoiser never saw and measures what
\`seqcoder kmers denoise\` and Lighter (when installed: apt-get install lighter) make of them.

Options:
  --genomes LIST   FASTA files, comma-separated (default: three of ../shared/data/genomes that the
                   model was not trained on)
  --window N       bases of each genome the reads come from (default 20000)
  --coverage X     read depth (default 30)
  --length N       read length (default 150)
  --rates LIST     substitution rates (default 0.005,0.01,0.02)
  --seed N         (default 1)
  --runtime NAME   wasm or onnx, for seqcoder (default onnx: the same figures, faster)
  --out DIR        also write README.md and denoise.json there
  -h, --help       this text
`;

const { values } = parseArgs({
  options: {
    genomes: { type: 'string' },
    window: { type: 'string', default: '20000' },
    coverage: { type: 'string', default: '30' },
    length: { type: 'string', default: '150' },
    rates: { type: 'string', default: '0.005,0.01,0.02' },
    seed: { type: 'string', default: '1' },
    runtime: { type: 'string', default: 'onnx' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const K = 31;
/** The two genomes training/kmer_denoiser.py trains on are never used here. */
const HELD_OUT = [
  'Salmonella_enterica_Typhimurium_LT2_GCF_000006945.1.fa',
  'Caulobacter_crescentus_CB15_NC_002696.2.fa',
  'Prochlorococcus_marinus_CCMP1375_NC_005042.fa',
];

function defaultGenomes(): string[] {
  const dir = resolve('..', 'shared', 'data', 'genomes');
  if (!existsSync(dir)) throw new Error('no ../shared/data/genomes: give --genomes');
  const present = new Set(readdirSync(dir));
  return HELD_OUT.filter((f) => present.has(f)).map((f) => join(dir, f));
}

/** The first `window` A/C/G/T of a FASTA file's first record, upper case. */
function window(path: string, size: number): string {
  const lines = readFileSync(path, 'latin1').split('\n');
  let seq = '';
  for (let i = 1; i < lines.length && seq.length < size; i++) {
    if (lines[i]!.startsWith('>')) break;
    seq += lines[i]!.trim().toUpperCase().replace(/[^ACGT]/g, '');
  }
  return seq.slice(0, size);
}


function canonicalKmers(seqs: string[]): Set<string> {
  const set = new Set<string>();
  for (const s of seqs) {
    for (let i = 0; i + K <= s.length; i++) {
      const f = s.slice(i, i + K);
      if (!/^[ACGT]+$/.test(f)) continue;
      const r = revcomp(f);
      set.add(f < r ? f : r);
    }
  }
  return set;
}

interface Row {
  genome: string;
  rate: number;
  tool: string;
  reads: number;
  errorBefore: number;
  errorAfter: number;
  precision: number;
  recall: number;
  seconds: number;
}

function score(genome: string, rate: number, tool: string, truth: string[], reads: string[], windowKmers: Set<string>, before: number, seconds: number): Row {
  let wrong = 0;
  let bases = 0;
  truth.forEach((t, i) => {
    const r = reads[i]!;
    for (let j = 0; j < t.length; j++) if (r[j] !== t[j]) wrong++;
    bases += t.length;
  });
  const kmers = canonicalKmers(reads);
  let inGenome = 0;
  for (const k of kmers) if (windowKmers.has(k)) inGenome++;
  return { genome, rate, tool, reads: reads.length, errorBefore: before, errorAfter: wrong / bases, precision: inGenome / kmers.size, recall: inGenome / windowKmers.size, seconds };
}

/** Sequences of a FASTQ file, in order. */
const fastqSequences = (text: string) => text.split('\n').filter((_, i) => i % 4 === 1);

const genomes = values.genomes ? values.genomes.split(',') : defaultGenomes();
const size = Number(values.window);
const length = Number(values.length);
const count = Math.round((size * Number(values.coverage)) / length);
const lighter = spawnSync('lighter', ['-v']).status === 0;
const work = mkdtempSync(join(tmpdir(), 'seqcoder-denoise-'));
const rows: Row[] = [];
try {
  for (const [g, path] of genomes.entries()) {
    const name = path.split('/').pop()!.replace(/\.(fa|fasta|fna)$/, '');
    const genome = window(path, size);
    const windowKmers = canonicalKmers([genome]);
    for (const rate of values.rates!.split(',').map(Number)) {
      const next = random(Number(values.seed) * 7919 + g * 104729 + Math.round(rate * 1e6));
      const truth: string[] = [];
      const noisy: string[] = [];
      let errors = 0;
      for (let i = 0; i < count; i++) {
        const at = Math.floor(next() * (genome.length - length + 1));
        const t = next() < 0.5 ? genome.slice(at, at + length) : revcomp(genome.slice(at, at + length));
        const read = [...t].map((c) => {
          if (next() >= rate) return c;
          errors++;
          return 'ACGT'.replace(c, '')[Math.floor(next() * 3)]!;
        });
        truth.push(t);
        noisy.push(read.join(''));
      }
      const before = errors / (count * length);
      const fastq = join(work, 'reads.fq');
      writeFileSync(fastq, noisy.map((s, i) => `@r${i}\n${s}\n+\n${'I'.repeat(s.length)}\n`).join(''));
      rows.push(score(name, rate, 'none', truth, noisy, windowKmers, before, 0));

      let t0 = performance.now();
      const out = join(work, 'seqcoder.fq');
      const run = spawnSync(process.execPath, [cliPath, 'kmers', 'denoise', '-q', '-f', '--runtime', values.runtime!, fastq, '-o', out], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`seqcoder kmers denoise failed: ${run.stderr}`);
      rows.push(score(name, rate, 'seqcoder kmers denoise', truth, fastqSequences(readFileSync(out, 'utf8')), windowKmers, before, (performance.now() - t0) / 1000));

      if (lighter) {
        t0 = performance.now();
        const dir = join(work, 'lighter');
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir);
        // -noQual: the simulated qualities say nothing (all 'I'), and Lighter would otherwise take
        // every base for a bad one and correct nothing at 2%
        const l = spawnSync('lighter', ['-r', fastq, '-K', String(K), String(genome.length), '-t', '1', '-noQual', '-od', dir], { encoding: 'utf8' });
        if (l.status !== 0) throw new Error(`lighter failed: ${l.stderr}`);
        const corrected = readdirSync(dir).find((f) => f.endsWith('.cor.fq'))!;
        rows.push(score(name, rate, `Lighter -K ${K} -noQual`, truth, fastqSequences(readFileSync(join(dir, corrected), 'utf8')), windowKmers, before, (performance.now() - t0) / 1000));
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const pct = (x: number) => `${(100 * x).toFixed(3)}%`;
const table = [
  `Reads of ${length} bases at ${values.coverage}× from the first ${size.toLocaleString('en')} bases of each genome (both strands, substitutions only, seed ${values.seed}); k-mers canonical, k = ${K}.`,
  '',
  '| genome | error rate | tool | per-base error before → after | k-mer precision | k-mer recall | seconds |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...rows.map((r) => `| ${r.genome} | ${r.rate} | ${r.tool} | ${pct(r.errorBefore)} → ${pct(r.errorAfter)} | ${r.precision.toFixed(4)} | ${r.recall.toFixed(4)} | ${r.seconds.toFixed(1)} |`),
  ...(lighter ? [] : ['', 'Lighter is not installed (apt-get install lighter): its rows are missing.']),
].join('\n');
process.stdout.write(table + '\n');
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'README.md'), `# The k-mer denoiser against Lighter\n\nGenerated by \`pnpm bench:denoise${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}\` on ${new Date().toISOString().slice(0, 10)}.\n\n${table}\n`);
  writeFileSync(join(values.out, 'denoise.json'), JSON.stringify(rows, null, 1) + '\n');
}
