/**
 * Benchmark of the `pack` codec on FASTA genomes, next to xz -9 and zstd -19 run in the same
 * invocation. Prints a Markdown table: bits per base counting the whole output file (headers and
 * layout included), and compression/decompression speed in MB/s of original FASTA on one core
 * (median of --repeat runs, in-process, after a warm-up).
 *
 *   pnpm bench [--corpus DIR] [--repeat N] [--no-peers]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { compress, decompress, openArchive } from '@seqcoder/format';
import { compress as zstd } from 'zstd-napi';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve('..', 'shared', 'data', 'genomes') },
    repeat: { type: 'string', default: '5' },
    'no-peers': { type: 'boolean', default: false },
  },
});
const repeat = Math.max(1, Number(values.repeat));
const corpus = resolve(values.corpus!);
const files = readdirSync(corpus)
  .filter((f) => /\.(fa|fasta|fna)$/.test(f))
  .sort()
  .map((f) => join(corpus, f));
if (files.length === 0) {
  console.error(`no FASTA files in ${corpus} (use --corpus DIR)`);
  process.exit(1);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, (performance.now() - t) / 1000];
}

/** Size of `cmd args < file` and its wall time. */
function peer(cmd: string, args: string[], data: Uint8Array): { bytes: number; seconds: number } | undefined {
  const t = performance.now();
  const r = spawnSync(cmd, args, { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) return undefined;
  return { bytes: r.stdout.length, seconds: (performance.now() - t) / 1000 };
}

const options = { codec: 'pack', zstd: (d: Uint8Array, level: number) => zstd(d, { compressionLevel: level }) };
const rows: string[] = [];
let worstBpb = 0;
let slowestC = Infinity;
let slowestD = Infinity;
let totalIn = 0;
let totalC = 0;
let totalD = 0;
for (const file of files) {
  const data = new Uint8Array(readFileSync(file));
  await compress(data, options); // warm-up: JIT and zstd context
  const cTimes: number[] = [];
  const dTimes: number[] = [];
  let packed: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < repeat; i++) {
    const [out, s] = await time(() => compress(data, options));
    packed = out;
    cTimes.push(s);
    const [back, d] = await time(() => decompress(packed));
    dTimes.push(d);
    if (Buffer.compare(back, data) !== 0) throw new Error(`${file}: round trip FAILED`);
  }
  const archive = await openArchive(packed);
  const { residues } = archive;
  const bpb = (bytes: number) => ((bytes * 8) / residues).toFixed(4);
  const mbps = (seconds: number) => (data.length / 1e6 / seconds).toFixed(1);
  const c = median(cTimes);
  const d = median(dTimes);
  worstBpb = Math.max(worstBpb, (packed.length * 8) / residues);
  slowestC = Math.min(slowestC, data.length / 1e6 / c);
  slowestD = Math.min(slowestD, data.length / 1e6 / d);
  totalIn += data.length;
  totalC += c;
  totalD += d;
  const xz = values['no-peers'] ? undefined : peer('xz', ['-9', '-c', '-T1'], data);
  const zs = values['no-peers'] ? undefined : peer('zstd', ['-19', '-c', '-T1', '-q'], data);
  const cell = (p: typeof xz) => (p ? `${bpb(p.bytes)} (${mbps(p.seconds)} MB/s)` : 'n/a');
  rows.push(
    `| ${basename(file)} | ${residues.toLocaleString('en')} | ${archive.records.length} | ${packed.length.toLocaleString('en')} | ` +
      `**${bpb(packed.length)}** | ${mbps(c)} | ${mbps(d)} | ${cell(xz)} | ${cell(zs)} |`,
  );
  console.error(`done ${basename(file)}`);
}

console.log(`\nCodec pack, ${repeat} run(s) per file, median; Node ${process.version}, one thread.\n`);
console.log('| file | bases | records | pack bytes | pack bits/base | compress MB/s | decompress MB/s | xz -9 bits/base | zstd -19 bits/base |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log(
  `\nall files: compress ${(totalIn / 1e6 / totalC).toFixed(1)} MB/s, decompress ${(totalIn / 1e6 / totalD).toFixed(1)} MB/s; ` +
    `slowest file ${slowestC.toFixed(1)} / ${slowestD.toFixed(1)} MB/s; worst ${worstBpb.toFixed(4)} bits/base`,
);
