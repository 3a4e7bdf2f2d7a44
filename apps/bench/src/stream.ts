/**
 * `pnpm bench:stream`: the streaming benchmark. It builds a multi-record FASTA of --size GB at run
 * time by concatenating the genomes and collections of the corpus (never committed). Then it
 * compresses and decompresses it with the CLI through files and through pipes, and reports the
 * peak memory of each process. That peak must not grow with the input. The round trip is checked
 * by SHA-256, so the benchmark never holds the file in memory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { memoryProbe, run, stopAll } from './runner.js';
import { cliPath, parseCodecs } from './tools.js';

const HELP = `Usage: pnpm bench:stream [options]

Builds a FASTA of --size GB from the corpus's genomes and collections, then compresses and
decompresses it with seqcoder through files and through pipes, and prints time and peak memory.

Options:
  --corpus DIR   FASTA to concatenate (default: ../shared/data)
  --size GB      size of the test file in 10^9 bytes (default 2.1)
  --codecs LIST  name[:level] as in pnpm bench (default: pack)
  --via LIST     files, pipes or both (default: files,pipes)
  --threads N    seqcoder's --threads: records coded at once (default 1)
  -h, --help     this text
`;

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve('..', 'shared', 'data') },
    size: { type: 'string', default: '2.1' },
    codecs: { type: 'string', default: 'pack' },
    via: { type: 'string', default: 'files,pipes' },
    threads: { type: 'string', default: '1' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const FASTA = /\.(fa|fasta|fna)$/i;
function fastaUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => FASTA.test(f) && statSync(f).isFile())
    .sort();
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(path)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** Concatenates the corpus FASTA files, again and again, until `bytes`; returns the size and hash. */
async function buildInput(files: string[], bytes: number, path: string): Promise<{ size: number; hash: string }> {
  const out = createWriteStream(path);
  const hash = createHash('sha256');
  let size = 0;
  while (size < bytes) {
    for (const file of files) {
      for await (const piece of createReadStream(file)) {
        hash.update(piece as Buffer);
        size += (piece as Buffer).length;
        if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
      }
      if (size >= bytes) break;
    }
  }
  out.end();
  await finished(out);
  return { size, hash: hash.digest('hex') };
}

const sh = (script: string, ...args: string[]) => ({ argv: ['sh', '-c', script, 'sh', ...args] });

async function main(): Promise<void> {
  const files = [...fastaUnder(join(values.corpus, 'genomes')), ...fastaUnder(join(values.corpus, 'collections'))];
  if (files.length === 0) throw new Error(`no FASTA under ${values.corpus}/genomes or /collections`);
  const target = Math.round(Number(values.size) * 1e9);
  const threads = Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, not ${values.threads}`);
  const tools = parseCodecs(values.codecs, false, threads);
  const vias = values.via.split(',');
  const probe = memoryProbe();
  const work = mkdtempSync(join(tmpdir(), 'seqcoder-stream-'));
  const interrupted = () => {
    stopAll();
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const input = join(work, 'input.fa');
    console.error(`stream: building a ${(target / 1e9).toFixed(2)} GB FASTA from ${files.length} files ...`);
    const original = await buildInput(files, target, input);
    const packed = join(work, 'packed.seqc');
    const restored = join(work, 'restored.fa');
    const rows: string[] = [];
    for (const tool of tools) {
      const codec = ['--codec', tool.codec!, '--level', String(tool.level)];
      for (const via of vias) {
        console.error(`stream: ${tool.label} through ${via} ...`);
        const node = [process.execPath, cliPath];
        // files: the CLI opens them; pipes: it reads stdin and writes stdout, with cat at both ends
        const c =
          via === 'pipes'
            ? sh(`cat "$1" | "$3" "$4" compress -q -c ${codec.join(' ')} | cat > "$2"`, input, packed, ...node)
            : { argv: [...node, 'compress', '-q', '-f', ...codec, '-o', packed, input] };
        const d =
          via === 'pipes'
            ? sh(`cat "$1" | "$3" "$4" decompress -q -c | cat > "$2"`, packed, restored, ...node)
            : { argv: [...node, 'decompress', '-q', '-f', '-o', restored, packed] };
        const cRun = await run(c, probe, work);
        const dRun = await run(d, probe, work);
        const ok = (await sha256(restored)) === original.hash;
        const size = statSync(packed).size;
        const mb = (kb: number | null) => (kb === null ? '—' : (kb / 1024).toFixed(0));
        rows.push(
          `| ${tool.label}${threads > 1 ? ` (--threads ${threads})` : ''} | ${via} | ${original.size.toLocaleString('en-US')} | ${size.toLocaleString('en-US')} | ` +
            `${(original.size / 1e6 / cRun.seconds).toFixed(1)} | ${(original.size / 1e6 / dRun.seconds).toFixed(1)} | ` +
            `${mb(cRun.peakKB)} | ${mb(dRun.peakKB)} | ${ok ? 'ok' : '**FAIL**'} |`,
        );
        if (!ok) process.exitCode = 1;
        rmSync(restored, { force: true });
      }
    }
    console.log(`\nStreaming ${(original.size / 1e9).toFixed(2)} GB of FASTA (${files.length} files, concatenated); peak memory by ${probe}\n`);
    console.log('| codec | through | input bytes | compressed bytes | compress MB/s | decompress MB/s | peak RSS MB compress | peak RSS MB decompress | round trip |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const row of rows) console.log(row);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
