/**
 * `pnpm bench:deepgeco`: the DeepGeCo table. Runs `pnpm bench` on DNAcorpus with the deepgeco
 * codec's modes and cm levels 2 and 4 (or reads an earlier bench.json with --from), then writes
 * DEEPGECO.md beside its tables: per file, bits per base of each mode beside cm, each mode's
 * throughput as the paper defines it (bytes / (compress + decompress seconds)), and peak memory;
 * the paper's own averages are quoted for context (its data sets and hardware differ).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `Usage: pnpm bench:deepgeco [options]

Runs the deepgeco codec's modes (MINI = 1, PLUS = 2, ULTRA = 3, and CM = 4, which is not the
paper's) and cm levels 2 and 4 on the DNAcorpus files through pnpm bench (one job at a time), and
writes DEEPGECO.md: bits per base, throughput per mode (size / (compress + decompress time), the
paper's definition) and peak memory.

Options:
  --corpus DIR  data (default: ../shared/data)
  --out DIR     where bench.json, README.md and DEEPGECO.md go (default: results/deepgeco)
  --from FILE   measure nothing: make DEEPGECO.md from an earlier bench.json
  -h, --help    this text

About 35 minutes on one core of this project's machine.
`;

interface Measurement {
  codec?: string;
  level?: number;
  name: string;
  residues: number;
  originalBytes: number;
  bitsPerBase: number;
  compressSeconds: number;
  decompressSeconds: number;
  compressPeakMB: number;
  decompressPeakMB: number;
  roundTrip: string;
}

const MODES = [
  { label: 'MINI', codec: 'deepgeco', level: 1 },
  { label: 'PLUS', codec: 'deepgeco', level: 2 },
  { label: 'ULTRA', codec: 'deepgeco', level: 3 },
  { label: 'CM', codec: 'deepgeco', level: 4 },
] as const;
const CM = [2, 4];
/** The DeepGeCo paper's Table 2 and 3 averages over its ten DNAcorpus data sets, on a GPU (RTX 4090); it has no CM. */
const PAPER = { MINI: { bpb: 1.898, kbps: 96.568 }, PLUS: { bpb: 1.677, kbps: 23.686 }, ULTRA: { bpb: 1.674, kbps: 16.984 } };

const { values } = parseArgs({
  options: {
    corpus: { type: 'string' },
    out: { type: 'string', default: join('results', 'deepgeco') },
    from: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const out = values.out!;
let benchJson = values.from;
if (!benchJson) {
  const codecs = [...MODES.map((m) => `${m.codec}:${m.level}`), ...CM.map((l) => `cm:${l}`)].join(',');
  const args = ['apps/bench/dist/bench.js', '--sets', 'dnacorpus', '--codecs', codecs, '--tools', 'none', '--jobs', '1', '--out', out];
  if (values.corpus) args.push('--corpus', values.corpus);
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  benchJson = join(out, 'bench.json');
}

const report = JSON.parse(readFileSync(benchJson, 'utf8')) as { generated: string; command: string; measurements: Measurement[] };
const files = [...new Set(report.measurements.map((m) => m.name))];
const find = (name: string, codec: string, level: number) => report.measurements.find((m) => m.name === name && m.codec === codec && m.level === level);
const bpb = (m: Measurement | undefined) => (m ? m.bitsPerBase.toFixed(4) : '—');
const kbps = (m: Measurement | undefined) => (m ? (m.originalBytes / 1000 / (m.compressSeconds + m.decompressSeconds)).toFixed(1) : '—');
const peak = (m: Measurement | undefined) => (m ? Math.round(Math.max(m.compressPeakMB, m.decompressPeakMB)).toString() : '—');

const rows = files.map((name) => {
  const modes = MODES.map((mode) => find(name, mode.codec, mode.level));
  const cms = CM.map((level) => find(name, 'cm', level));
  const bases = (modes.find(Boolean) ?? cms.find(Boolean))!.residues;
  return `| ${name} | ${bases.toLocaleString('en-US')} | ${modes.map(bpb).join(' | ')} | ${cms.map(bpb).join(' | ')} | ${modes.map(kbps).join(' | ')} | ${modes.map(peak).join(' / ')} |`;
});
// The files together: bits over bases, and bytes over seconds (what a user coding all six waits for).
const together = (ms: (Measurement | undefined)[]) => {
  const done = ms.filter((m): m is Measurement => m !== undefined);
  if (done.length !== files.length) return { bpb: '—', kbps: '—' };
  const sum = (f: (m: Measurement) => number) => done.reduce((total, m) => total + f(m), 0);
  return {
    bpb: (sum((m) => m.bitsPerBase * m.residues) / sum((m) => m.residues)).toFixed(4),
    kbps: (sum((m) => m.originalBytes) / 1000 / sum((m) => m.compressSeconds + m.decompressSeconds)).toFixed(1),
  };
};
const allModes = MODES.map((mode) => together(files.map((name) => find(name, mode.codec, mode.level))));
const allCm = CM.map((level) => together(files.map((name) => find(name, 'cm', level))));
const allBases = files.reduce((total, name) => total + (report.measurements.find((m) => m.name === name)?.residues ?? 0), 0);
rows.push(
  `| all ${files.length} together | ${allBases.toLocaleString('en-US')} | ${allModes.map((t) => t.bpb).join(' | ')} | ${allCm.map((t) => t.bpb).join(' | ')} | ${allModes.map((t) => t.kbps).join(' | ')} | |`,
);
const failed = report.measurements.filter((m) => m.roundTrip !== 'ok').map((m) => `${m.name} ${m.codec}:${m.level}`);

const text = `# DeepGeCo on DNAcorpus

From \`${report.command}\` (${report.generated}); every output was decompressed and compared byte for
byte: ${failed.length === 0 ? 'all identical' : `FAILED: ${failed.join(', ')}`}. One thread, one job at a time.

Throughput is the paper's: original bytes / (compress + decompress seconds), in KB/s; the last
row takes the files together (all their bits over all their bases, all bytes over all seconds). Peak memory
is the larger of the compress and decompress processes' resident sets. ULTRA codes the record
twice when its fitted layer may pay (with it, and as PLUS) and keeps the smaller, so it is never
larger than PLUS and is slower to compress. CM is not the paper's: \`cm\` level 4's model with the
Warm-Start's prediction mixed in (ADR 0033).

| file | bases | ${MODES.map((m) => `${m.label} bits/base`).join(' | ')} | ${CM.map((l) => `cm L${l}`).join(' | ')} | ${MODES.map((m) => `${m.label} KB/s`).join(' | ')} | peak MB (${MODES.map((m) => m.label).join(' / ')}) |
| --- | ---: | ${[...MODES, ...CM, ...MODES, 0].map(() => '---:').join(' | ')} |
${rows.join('\n')}

For context, the DeepGeCo paper's averages over its own ten data sets (eukaryotic, viral and
mitochondrial DNAcorpus files, not these; PLUS and ULTRA pulled down by one highly repetitive
collection at 0.07 bits per base), on an RTX 4090 GPU: MINI ${PAPER.MINI.bpb} bits per base at
${PAPER.MINI.kbps} KB/s, PLUS ${PAPER.PLUS.bpb} at ${PAPER.PLUS.kbps} KB/s, ULTRA ${PAPER.ULTRA.bpb} at
${PAPER.ULTRA.kbps} KB/s.
`;
writeFileSync(join(out, 'DEEPGECO.md'), text);
process.stdout.write(text);
