/**
 * `pnpm bench:neural`: the autoencoder codecs on DNAcorpus, in the SeqCoder paper's table layout.
 *
 * For each file it compresses and decompresses, in this process, with `seqcoder-classic` (the
 * paper's pipeline), `seqcoder` (the reconstruction as side information for cm) and `cm` alone,
 * checks every round trip byte for byte, and splits each neural file into its latent and residual
 * bytes. Then it times the encoder and decoder networks on every runtime adapter (one thread each).
 * Writes results/neural.md and results/neural.json and prints the Markdown.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { compress, decompress } from '@seqcoder/format';
import { loadModel, MODELS } from '@seqcoder/models';
import { registerNeuralCodecs, toWindows, type NeuralRecordReport } from '@seqcoder/neural';
import { runBatched, type ModelRuntime } from '@seqcoder/runtime';
import { OnnxNodeRuntime } from '@seqcoder/runtime-onnx-node';
import { OnnxWebRuntime } from '@seqcoder/runtime-onnx-web';
import { compress as zstdNapi } from 'zstd-napi';
import { PUBLISHED } from './corpus.js';
import { render } from './plots.js';

const HELP = `Usage: pnpm bench:neural [options]

The neural codecs on the DNAcorpus files, next to cm and the published SeqCoder sizes, with the
latent/residual split and the networks' speed on each runtime adapter.

Options:
  --corpus DIR      folder with dnacorpus/ (default: ../shared/data)
  --files LIST      DNAcorpus files (default: AeCa,HaHi,EsCo,HePy,YeMi,BuEb)
  --windows N       windows (1280 bases) per adapter speed test (default 256)
  --out DIR         where neural.md and neural.json go (default: results)
  -h, --help        this text
`;

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: resolve('..', 'shared', 'data') },
    files: { type: 'string', default: Object.keys(PUBLISHED).join(',') },
    windows: { type: 'string', default: '256' },
    out: { type: 'string', default: 'results' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const zstd = (data: Uint8Array, level: number): Uint8Array => zstdNapi(data, { compressionLevel: level });
let records: NeuralRecordReport[] = [];
registerNeuralCodecs({ zstd, onRecord: (r) => records.push(r) });

const CODECS = ['seqcoder-classic', 'seqcoder', 'cm'] as const;
interface Row {
  file: string;
  codec: (typeof CODECS)[number];
  original: number;
  bases: number;
  compressed: number;
  latentBytes?: number;
  residualBytes?: number;
  accuracy?: number;
  compressSeconds: number;
  decompressSeconds: number;
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const dir = join(values.corpus, 'dnacorpus');
if (!existsSync(dir)) {
  log(`bench:neural: ${dir} not found (give --corpus)`);
  process.exit(2);
}

// Load and compile the networks before anything is timed.
for (const codec of CODECS) await decompress(await compress(new TextEncoder().encode('>warm-up\nACGT\n'), { codec, zstd }));

const rows: Row[] = [];
for (const file of values.files.split(',')) {
  const bytes = new Uint8Array(readFileSync(join(dir, file)));
  for (const codec of CODECS) {
    records = [];
    let t = performance.now();
    const packed = await compress(bytes, { codec, zstd });
    const compressSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const back = await decompress(packed);
    const decompressSeconds = (performance.now() - t) / 1000;
    if (Buffer.compare(Buffer.from(back), Buffer.from(bytes)) !== 0) {
      log(`FAIL: ${file} with ${codec} does not round-trip`);
      process.exitCode = 1;
    }
    const sum = (k: 'latentBytes' | 'residualBytes' | 'matches' | 'bases') => records.reduce((n, r) => n + r[k], 0);
    const bases = codec === 'cm' ? bytes.length : sum('bases');
    rows.push({
      file,
      codec,
      original: bytes.length,
      bases,
      compressed: packed.length,
      ...(codec === 'cm' ? {} : { latentBytes: sum('latentBytes'), residualBytes: sum('residualBytes'), accuracy: sum('matches') / sum('bases') }),
      compressSeconds,
      decompressSeconds,
    });
    log(`${file} ${codec}: ${packed.length} bytes, ${compressSeconds.toFixed(1)} s / ${decompressSeconds.toFixed(1)} s`);
  }
}

/** Encoder and decoder speed of each adapter on the first windows of the largest file. */
interface Speed {
  adapter: string;
  encoder?: number;
  decoder?: number;
  note?: string;
}
const speeds: Speed[] = [];
const model = await loadModel();
{
  const windows = Number(values.windows);
  const largest = values.files.split(',').map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const text = readFileSync(largest, 'latin1').replace(/[^ACGT]/gi, '').slice(0, windows * 1280).toUpperCase();
  const input = { data: toWindows(Uint8Array.from(text, (c) => 'ACGT'.indexOf(c)), 1280), dims: [windows, 1, 1280] };
  const adapters: [string, () => ModelRuntime][] = [
    ['onnxruntime-web (WASM)', () => new OnnxWebRuntime()],
    ['onnxruntime-node (CPU)', () => new OnnxNodeRuntime()],
    ['onnxruntime-node (CUDA)', () => new OnnxNodeRuntime({ device: 'cuda', onNotice: () => {} })],
  ];
  for (const [adapter, make] of adapters) {
    const runtime = make();
    const encoder = await runtime.load(model.encoder);
    if (adapter.includes('CUDA') && runtime.describe().device !== 'cuda') {
      speeds.push({ adapter, note: 'no GPU on this machine: falls back to the CPU' });
      continue;
    }
    const decoder = await runtime.load(model.decoder);
    const mbases = async (work: () => Promise<unknown>) => {
      await work(); // warm-up
      const t = performance.now();
      await work();
      return (windows * 1280) / 1e6 / ((performance.now() - t) / 1000);
    };
    const latents = await runBatched(encoder, input, 4);
    speeds.push({ adapter, encoder: await mbases(() => runBatched(encoder, input, 4)), decoder: await mbases(() => runBatched(decoder, latents, 4)) });
    log(`${adapter}: ${JSON.stringify(speeds.at(-1))}`);
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratio = (a: number, b: number) => (a / b).toFixed(4);
const bpb = (bytes: number, bases: number) => ((8 * bytes) / bases).toFixed(3);
const lines: string[] = [];
lines.push('# The neural codecs on DNAcorpus', '');
lines.push(
  `Measured by \`pnpm bench:neural\` on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.versions.node}; ` +
    `model \`${model.name}\` (decoder SHA-256 ${model.decoderSha256.slice(0, 16)}…). Every round trip was checked byte for byte` +
    `${process.exitCode ? ' and **at least one FAILED**' : ''}. Peak RSS of the whole run: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB.`,
  '',
);
for (const split of ['train', 'test'] as const) {
  lines.push(`## ${split === 'train' ? 'Train' : 'Test'} set`, '');
  lines.push('| file | original size (bytes) | published SeqCoder (bytes) | ratio | seqcoder-classic (bytes) | ratio | seqcoder (bytes) | ratio | cm L2 alone (bytes) | ratio |');
  lines.push('|:--|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const file of values.files.split(',').filter((f) => PUBLISHED[f]?.split === split)) {
    const p = PUBLISHED[file]!;
    const by = (c: string) => rows.find((r) => r.file === file && r.codec === c)!;
    const cells = CODECS.map((c) => `${fmt(by(c).compressed)} | ${ratio(p.original, by(c).compressed)}`);
    lines.push(`| ${file} | ${fmt(p.original)} | ${fmt(p.compressed)} | ${ratio(p.original, p.compressed)} | ${cells.join(' | ')} |`);
  }
  lines.push('');
}
lines.push('## Where the bytes go', '');
lines.push('Latent bytes include the record header, the model hash and the reconstruction checksums. Bits per base are of the bases the network saw.', '');
lines.push('| file | codec | reconstruction accuracy | latent bytes | residual bytes | latent bpb | residual bpb | total bpb | cm alone bpb | network pays for itself | compress / decompress MB/s |');
lines.push('|:--|:--|--:|--:|--:|--:|--:|--:|--:|:--|--:|');
for (const r of rows.filter((r) => r.codec !== 'cm')) {
  const cm = rows.find((x) => x.file === r.file && x.codec === 'cm')!;
  lines.push(
    `| ${r.file} | ${r.codec} | ${(100 * r.accuracy!).toFixed(2)}% | ${fmt(r.latentBytes!)} | ${fmt(r.residualBytes!)} | ${bpb(r.latentBytes!, r.bases)} | ${bpb(r.residualBytes!, r.bases)} | ` +
      `${bpb(r.compressed, r.bases)} | ${bpb(cm.compressed, r.bases)} | ${r.compressed < cm.compressed ? 'yes' : 'no'} | ` +
      `${(r.original / 1e6 / r.compressSeconds).toFixed(3)} / ${(r.original / 1e6 / r.decompressSeconds).toFixed(3)} |`,
  );
}
lines.push('', '## Network speed per runtime adapter (one thread, batches of 4 windows)', '');
lines.push('| adapter | encoder (Mbases/s) | decoder (Mbases/s) |', '|:--|--:|--:|');
for (const s of speeds) lines.push(`| ${s.adapter} | ${s.encoder?.toFixed(3) ?? '—'} | ${s.decoder?.toFixed(3) ?? s.note ?? '—'} |`);
lines.push('');

/**
 * The shipped models' training curves (curve.csv beside each model's graphs), as an SVG. The x axis
 * is windows seen (step × batch, the batch from metrics.json), so that runs of different batches
 * line up; it is logarithmic, since the GPU run saw 237 times as many windows as the CPU run.
 */
async function trainingCurve(): Promise<string> {
  const file = (name: string, leaf: string) => readFileSync(fileURLToPath(import.meta.resolve(`@seqcoder/models/models/${name}/${leaf}`)), 'utf8');
  const data = MODELS.flatMap(({ name }) => {
    const batch = Number(JSON.parse(file(name, 'metrics.json')).training.batch);
    return file(name, 'curve.csv').trim().split('\n').slice(1).flatMap((line) => {
      const [step, loss, accuracy] = line.split(',').map(Number);
      const windows = step! * batch;
      return [
        { windows, model: name, value: loss, series: 'MSE loss (batch)' },
        { windows, model: name, value: accuracy, series: 'base accuracy (batch)' },
      ];
    });
  });
  return render({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'SeqCoder autoencoder training, every shipped model (MODEL_CARD.md says how each was trained)',
    data: { values: data },
    width: 560,
    height: 160,
    facet: { row: { field: 'series', title: null } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 560,
      height: 160,
      // The batch values as logged, not smoothed: a moving average over the logged points would
      // stretch the first ones across the logarithmic axis.
      mark: { type: 'line', strokeWidth: 1 },
      encoding: {
        x: { field: 'windows', type: 'quantitative', scale: { type: 'log' }, title: 'training windows seen (step × batch)' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'model', type: 'nominal', legend: { labelLimit: 300 } },
      },
    },
  } as never);
}

mkdirSync(values.out, { recursive: true });
writeFileSync(join(values.out, 'training-curve.svg'), await trainingCurve());
lines.push('![training curve](training-curve.svg)', '');
writeFileSync(join(values.out, 'neural.md'), lines.join('\n'));
writeFileSync(join(values.out, 'neural.json'), JSON.stringify({ rows, speeds }, null, 2) + '\n');
process.stdout.write(lines.join('\n'));
