/**
 * `kmers denoise`: reads (FASTA or FASTQ, plain or .gz) through the k-mer denoising autoencoder of
 * @seqcoder/models, written back in the same format with the bases the network favours (see
 * @seqcoder/neural's KmerDenoiser for how a read's k-mers vote). Reads are taken in groups, so
 * memory stays bounded whatever the input's size; only `--kmers` keeps a set of its own.
 */
import { KmerDenoiser } from '@seqcoder/neural';
import { DEFAULT_DENOISER, loadDenoiser } from '@seqcoder/models';
import { CliError, Exit } from '../errors.js';
import { lines, openInput, readMaybeGzip, writeAll, writeFileAtomic } from '../io.js';
import { runtimeFor, type RuntimeFlags } from '../neural.js';
import { groupDigits, log } from '../shared.js';

export interface DenoiseFlags extends RuntimeFlags {
  output?: string;
  force?: boolean;
  quiet?: boolean;
  kmers?: string;
  kmer?: number;
  model?: string;
}

/** One read: its header line (without '>' or '@'), sequence, and for FASTQ the quality line. */
interface Read {
  name: string;
  sequence: Uint8Array;
  quality?: string;
  /** FASTQ: the third line as it was ('+', or '+' and the name again). */
  plus?: string;
}

/** Reads sent to the denoiser at once. */
const GROUP_READS = 2000;

/** Sequence letters a read may hold: the IUPAC nucleotide codes, either case. */
const NUCLEOTIDE = new Uint8Array(256);
for (const c of 'ACGTUNRYSWKMBDHVacgtunryswkmbdhv') NUCLEOTIDE[c.charCodeAt(0)] = 1;

export async function denoiseCommand(file: string | undefined, flags: DenoiseFlags): Promise<number> {
  const info = await loadDenoiser(flags.model ?? DEFAULT_DENOISER);
  if (flags.kmer !== undefined && flags.kmer !== info.k) {
    throw new CliError(`-k ${flags.kmer}: the denoiser ${info.name} works on ${info.k}-mers only`, Exit.usage);
  }
  const input = await openInput(file ?? '-');
  const runtime = await runtimeFor(flags, 'the denoiser');
  const model = await runtime.load(info.graph);
  const denoiser = new KmerDenoiser(model, info.k);
  const kmers = flags.kmers !== undefined ? new Set<string>() : undefined;
  const totals = { reads: 0, bases: 0, changed: 0 };

  async function* corrected(): AsyncGenerator<Uint8Array> {
    const encoder = new TextEncoder();
    const decoder = new TextDecoder();
    let group: Read[] = [];
    const flush = async (): Promise<Uint8Array> => {
      const { reads, changed } = await denoiser.denoise(group.map((r) => r.sequence));
      totals.changed += changed;
      const lines: string[] = [];
      group.forEach((read, i) => {
        const sequence = decoder.decode(reads[i]);
        lines.push(read.quality === undefined ? `>${read.name}\n${sequence}\n` : `@${read.name}\n${sequence}\n${read.plus}\n${read.quality}\n`);
        if (kmers) addKmers(kmers, sequence.toUpperCase(), info.k);
      });
      group = [];
      return encoder.encode(lines.join(''));
    };
    for await (const read of parseReads(readMaybeGzip(input), input.name)) {
      totals.reads++;
      totals.bases += read.sequence.length;
      group.push(read);
      if (group.length === GROUP_READS) yield await flush();
    }
    if (group.length > 0) yield await flush();
  }

  try {
    if (flags.output !== undefined) await writeFileAtomic(flags.output, corrected(), { force: !!flags.force });
    else await writeAll(process.stdout, corrected());
    if (kmers && flags.kmers !== undefined) {
      const sorted = [...kmers].sort();
      const encoder = new TextEncoder();
      await writeFileAtomic(flags.kmers, (async function* () {
        for (let i = 0; i < sorted.length; i += 10_000) yield encoder.encode(sorted.slice(i, i + 10_000).join('\n') + '\n');
      })(), { force: !!flags.force });
    }
  } finally {
    await model.release();
  }
  if (!flags.quiet) {
    log(`${input.name}: ${groupDigits(totals.reads)} read(s), ${groupDigits(totals.bases)} bases, ${groupDigits(totals.changed)} changed by ${info.name}`);
  }
  return Exit.ok;
}

/** The distinct k-mers of A, C, G and T only of an (upper-case) sequence, added to `set`. */
function addKmers(set: Set<string>, sequence: string, k: number): void {
  let run = 0;
  for (let i = 0; i < sequence.length; i++) {
    run = 'ACGT'.includes(sequence[i]!) ? run + 1 : 0;
    if (run >= k) set.add(sequence.slice(i - k + 1, i + 1));
  }
}

/** FASTA (records of any line width) or FASTQ (four lines a read), told apart by the first character. */
async function* parseReads(pieces: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<Read> {
  const bad = (n: number, why: string) => new CliError(`${source}: line ${n}: ${why}`, Exit.io);
  const encoder = new TextEncoder();
  const checked = (line: string, n: number): Uint8Array => {
    const bytes = encoder.encode(line);
    for (let i = 0; i < bytes.length; i++) {
      if (!NUCLEOTIDE[bytes[i]!]) throw bad(n, `${JSON.stringify(line[i] ?? '?')} is not a nucleotide letter: reads must be DNA`);
    }
    return bytes;
  };
  let format: 'fasta' | 'fastq' | undefined;
  let n = 0;
  let fasta: { name: string; parts: Uint8Array[] } | undefined;
  const fastaRead = (r: { name: string; parts: Uint8Array[] }): Read => {
    const sequence = new Uint8Array(r.parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of r.parts) {
      sequence.set(p, at);
      at += p.length;
    }
    return { name: r.name, sequence };
  };
  let fastq: string[] = [];
  for await (const line of lines(pieces)) {
    n++;
    if (format === undefined) {
      if (line.trim() === '') continue;
      if (line.startsWith('>')) format = 'fasta';
      else if (line.startsWith('@')) format = 'fastq';
      else throw bad(n, 'not FASTA (">name") or FASTQ ("@name"): reads must be DNA in one of these');
    }
    if (format === 'fasta') {
      if (line.startsWith('>')) {
        if (fasta) yield fastaRead(fasta);
        fasta = { name: line.slice(1), parts: [] };
      } else if (line !== '') fasta!.parts.push(checked(line, n));
      continue;
    }
    if (fastq.length === 0 && line === '') continue;
    fastq.push(line);
    if (fastq.length < 4) continue;
    const [name, sequence, plus, quality] = fastq as [string, string, string, string];
    fastq = [];
    if (!name.startsWith('@')) throw bad(n - 3, 'a FASTQ read starts with "@"');
    if (!plus.startsWith('+')) throw bad(n - 1, 'the third line of a FASTQ read starts with "+"');
    if (quality.length !== sequence.length) throw bad(n, 'the quality line is not as long as the sequence');
    yield { name: name.slice(1), sequence: checked(sequence, n - 2), quality, plus };
  }
  if (fasta) yield fastaRead(fasta);
  if (fastq.length > 0) throw bad(n, 'the last FASTQ read is incomplete (a read is four lines)');
  if (format === undefined) throw new CliError(`${source}: input is empty`);
}
