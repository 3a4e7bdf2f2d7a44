/**
 * Benchmark of the `cm` codec: for each dnacorpus file and each level, bits per base (whole output
 * file), compress and decompress MB/s and peak memory, next to xz -9 and zstd -19 run in the same
 * invocation; then the FASTA genomes of 1 Mb or more at the default level. Every (file, level) runs
 * in a fresh Node process, so its peak RSS is its own; every round trip is checked byte for byte.
 *
 *   pnpm bench:cm [--data DIR] [--levels 1,2,3,4] [--files AeCa,HaHi] [--no-peers] [--no-genomes]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { codecByName, compress, decompress, openArchive } from '@seqcoder/format';
import { compress as zstd } from 'zstd-napi';

/** The targets of issue 3: default level, top level (strictly below), best peer measured. */
const TARGETS: Record<string, { peer: number; def: number; top: number }> = {
  AeCa: { peer: 1.898, def: 1.917, top: 1.898 },
  HaHi: { peer: 1.811, def: 1.829, top: 1.811 },
  HePy: { peer: 1.783, def: 1.801, top: 1.783 },
  EsCo: { peer: 1.87, def: 1.889, top: 1.87 },
  YeMi: { peer: 1.824, def: 1.842, top: 1.824 },
  BuEb: { peer: 1.979, def: 1.999, top: 1.979 },
};

interface Run {
  bytes: number;
  residues: number;
  inputBytes: number;
  compressSeconds: number;
  decompressSeconds: number;
  peakMB: number;
}

/** Child mode: one file at one level, reported as JSON on stdout. */
async function child(file: string, level: number): Promise<void> {
  const data = new Uint8Array(readFileSync(file));
  const options = { codec: 'cm', level, zstd: (d: Uint8Array, l: number) => zstd(d, { compressionLevel: l }) };
  let t = performance.now();
  const packed = await compress(data, options);
  const compressSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const back = await decompress(packed);
  const decompressSeconds = (performance.now() - t) / 1000;
  if (Buffer.compare(back, data) !== 0) throw new Error(`${file} level ${level}: round trip FAILED`);
  const { residues } = await openArchive(packed);
  const run: Run = {
    bytes: packed.length,
    residues,
    inputBytes: data.length,
    compressSeconds,
    decompressSeconds,
    peakMB: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(run));
}

function measure(file: string, level: number): Run {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', file, String(level)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${basename(file)} level ${level} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Run;
}

function peer(cmd: string, args: string[], data: Uint8Array): { bytes: number; seconds: number } | undefined {
  const t = performance.now();
  const r = spawnSync(cmd, args, { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) return undefined;
  return { bytes: r.stdout.length, seconds: (performance.now() - t) / 1000 };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      child: { type: 'boolean', default: false },
      data: { type: 'string', default: resolve('..', 'shared', 'data') },
      levels: { type: 'string' },
      files: { type: 'string' },
      'no-peers': { type: 'boolean', default: false },
      'no-genomes': { type: 'boolean', default: false },
    },
  });
  if (values.child) return child(positionals[0]!, Number(positionals[1]));

  const { min, max, default: def } = codecByName('cm').levels;
  const levels = values.levels ? values.levels.split(',').map(Number) : Array.from({ length: max - min + 1 }, (_, i) => min + i);
  const corpus = join(resolve(values.data!), 'dnacorpus');
  const wanted = values.files?.split(',');
  const names = readdirSync(corpus)
    .filter((f) => !wanted || wanted.includes(f))
    .sort((a, b) => Object.keys(TARGETS).indexOf(a) - Object.keys(TARGETS).indexOf(b));
  const f4 = (x: number) => x.toFixed(4);
  const mbps = (bytes: number, s: number) => (bytes / 1e6 / s).toFixed(2);

  console.log(`\n## cm on dnacorpus (bits per base of the whole output file), Node ${process.version}, one thread\n`);
  console.log('| file | bases | level | bits/base | compress MB/s | decompress MB/s | peak RSS MB | target (default ≤ / top <) | met |');
  console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- |');
  for (const name of names) {
    const file = join(corpus, name);
    const target = TARGETS[name];
    for (const level of levels) {
      const run = measure(file, level);
      const bpb = (run.bytes * 8) / run.residues;
      const goal = !target ? '' : level === def ? `≤ ${target.def}` : level === max ? `< ${target.top}` : '';
      const met = !target ? '' : level === def ? (bpb <= target.def ? 'yes' : 'no') : level === max ? (bpb < target.top ? 'yes' : 'no') : '';
      console.log(
        `| ${name} | ${run.residues.toLocaleString('en')} | ${level}${level === def ? ' (default)' : ''} | **${f4(bpb)}** | ` +
          `${mbps(run.inputBytes, run.compressSeconds)} | ${mbps(run.inputBytes, run.decompressSeconds)} | ${run.peakMB.toFixed(0)} | ${goal} | ${met} |`,
      );
    }
    if (!values['no-peers']) {
      const data = new Uint8Array(readFileSync(file));
      const bases = data.length;
      for (const [label, cmd, args] of [
        ['xz -9', 'xz', ['-9', '-c', '-T1']],
        ['zstd -19', 'zstd', ['-19', '-c', '-T1', '-q']],
      ] as const) {
        const p = peer(cmd, [...args], data);
        console.log(`| ${name} | | ${label} | ${p ? f4((p.bytes * 8) / bases) : 'n/a'} | ${p ? mbps(bases, p.seconds) : ''} | | | best peer ${target?.peer ?? '?'} | |`);
      }
    }
    console.error(`done ${name}`);
  }

  if (values['no-genomes']) return;
  const genomes = join(resolve(values.data!), 'genomes');
  const big = readdirSync(genomes)
    .filter((f) => /\.(fa|fasta|fna)$/.test(f) && statSync(join(genomes, f)).size >= 1_000_000)
    .sort();
  console.log(`\n## cm level ${def} on FASTA genomes of 1 Mb or more (headers and layout counted; target ≤ 1.92)\n`);
  console.log('| genome | bases | bits/base | compress MB/s | decompress MB/s | peak RSS MB | met |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const name of big) {
    const run = measure(join(genomes, name), def);
    const bpb = (run.bytes * 8) / run.residues;
    console.log(
      `| ${name.replace(/\.(fa|fasta|fna)$/, '')} | ${run.residues.toLocaleString('en')} | **${f4(bpb)}** | ${mbps(run.inputBytes, run.compressSeconds)} | ` +
        `${mbps(run.inputBytes, run.decompressSeconds)} | ${run.peakMB.toFixed(0)} | ${bpb <= 1.92 ? 'yes' : 'no'} |`,
    );
    console.error(`done ${name}`);
  }
}

await main();
