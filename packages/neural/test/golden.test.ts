/**
 * Golden files: what each neural codec writes for a fixed FASTA, with the shipped model and the
 * canonical WASM runtime. A change that alters these bytes (model, quantiser, runtime version,
 * layout) would make old files undecodable, so it must come with new fixtures and a reason.
 * Regenerate with UPDATE_GOLDEN=1 after retraining the model.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { compress, decompress } from '@seqcoder/format';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeepGeCoCodec, registerNeuralCodecs, wasmRuntime } from '../src/index.js';
import { awkwardFasta, skewedSymbols, zstd } from './helpers.js';
import { chainSymbols } from '../../../test-support/seeded.js';

const goldenPath = (codec: string) => new URL(`./__fixtures__/awkward.${codec}.seqc`, import.meta.url);
/** The golden files: each codec at its default level, and deepgeco's other modes (ULTRA writes PLUS's bytes here, below). */
const GOLDEN: { codec: string; level?: number; file: string }[] = [
  { codec: 'seqcoder-classic', file: 'seqcoder-classic' },
  { codec: 'seqcoder', file: 'seqcoder' },
  { codec: 'deepgeco', file: 'deepgeco' },
  { codec: 'deepgeco', level: 1, file: 'deepgeco.mini' },
  { codec: 'deepgeco', level: 4, file: 'deepgeco.cm' },
];

beforeAll(() => {
  registerNeuralCodecs({ zstd });
});

describe.each(GOLDEN)('$file golden file', ({ codec, level, file }) => {
  it('decodes to the original FASTA and is rewritten byte for byte', async () => {
    const fasta = awkwardFasta();
    const written = await compress(fasta, { codec, level, zstd });
    // A golden file is written only on request, never because it is missing: a missing one fails.
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(goldenPath(file), written);
    expect(existsSync(goldenPath(file)), `missing golden file ${goldenPath(file).pathname} (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    const golden = new Uint8Array(readFileSync(goldenPath(file)));
    expect(Buffer.compare(Buffer.from(await decompress(golden)), Buffer.from(fasta))).toBe(0);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(golden))).toBe(0);
  }, 60_000);
});

describe('deepgeco ULTRA', () => {
  it('writes PLUS\'s bytes where its fitted layer does not pay (the awkward FASTA)', async () => {
    const written = await compress(awkwardFasta(), { codec: 'deepgeco', level: 3, zstd });
    expect(Buffer.compare(Buffer.from(written), readFileSync(goldenPath('deepgeco')))).toBe(0);
  }, 120_000);
});

// Payloads, not whole files (compress() takes the registered codec): the awkward FASTA's records
// are short pieces of lambda, which the Warm-Start was trained on, so PLUS keeps MINI's payloads
// there and ULTRA's layer never pays. PLUS keeps its own on a source the Warm-Start never saw; the
// ULTRA payload has its layer in it (written with ultraLayer 'always').
describe.each([
  { file: 'chain.deepgeco.plus.payload', mode: 2, symbols: () => chainSymbols(6_000), options: {} },
  { file: 'skewed.deepgeco.ultra.payload', mode: 3, symbols: () => skewedSymbols(30_000), options: { ultraLayer: 'always' as const } },
  { file: 'chain.deepgeco.cm.payload', mode: 4, symbols: () => chainSymbols(6_000), options: {} },
])('$file golden payload', ({ file, mode, symbols: source, options }) => {
  it('decodes to its source and is rewritten byte for byte', async () => {
    const symbols = source();
    const path = new URL(`./__fixtures__/${file}`, import.meta.url);
    const codec = createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, ...options });
    const written = await codec.encode(symbols, mode);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(path, written);
    expect(existsSync(path), `missing golden file ${path.pathname} (UPDATE_GOLDEN=1 writes it)`).toBe(true);
    const golden = new Uint8Array(readFileSync(path));
    expect(golden[0]).toBe(mode);
    expect(Buffer.compare(Buffer.from(await codec.decode(golden, symbols.length, 0, symbols.length)), Buffer.from(symbols))).toBe(0);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(golden))).toBe(0);
  }, 120_000);
});

describe('older golden files still decode', () => {
  // `seqcoder` files hold a cm payload; these were written when the default level wrote cm
  // model 2 (before the reading-frame models) and model 6 (before the counter priors). The
  // all-sections files were written before chunks left out their empty sections; plus-alone
  // before deepgeco's PLUS also tried MINI on short records; mini-h32c16 when MINI wrote with the
  // default Warm-Start (so did PLUS on these records, which kept MINI's payloads); mini-2048 before
  // MINI's streams were cut to 512 tokens (PLUS kept those payloads too); onnx and mini-onnx with
  // streams of 512, the last written while onnxruntime-web ran the Warm-Start. All of these name
  // a graph and decode on that runtime; since ADR 0030's kernel, files name the weights, and
  // MINI's streams are PLUS's again. streams-2048 (PLUS keeping MINI's payloads, as MINI wrote
  // them too) was written before short records were cut into more streams (MIN_STEP_ROWS). The
  // p4k1280 files were written with the autoencoder trained on a CPU (`seqcoder-p4k1280`), before
  // the one trained on a GPU (`seqcoder-p4k1280-s22k`) became the default: they name the older
  // decoder by its hash, which the models package still ships.
  it.each([
    'awkward.seqcoder-classic.p4k1280.seqc',
    'awkward.seqcoder.p4k1280.seqc',
    'awkward.deepgeco.streams-2048.seqc',
    'awkward.deepgeco.onnx.seqc',
    'awkward.deepgeco.mini-onnx.seqc',
    'awkward.deepgeco.plus-alone.seqc',
    'awkward.deepgeco.mini-h32c16.seqc',
    'awkward.deepgeco.mini-2048.seqc',
    'awkward.seqcoder.cm-model-2.seqc',
    'awkward.seqcoder.cm-model-6.seqc',
    'awkward.seqcoder.all-sections.seqc',
    'awkward.seqcoder-classic.all-sections.seqc',
  ])('%s', async (name) => {
    const golden = new Uint8Array(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url)));
    expect(Buffer.compare(Buffer.from(await decompress(golden)), Buffer.from(awkwardFasta()))).toBe(0);
  }, 60_000);

  // the golden payloads as onnxruntime-web's Warm-Start wrote them (before ADR 0030), and as the
  // kernel wrote them before short records were cut into more streams (1 and 4 streams, now 7 and 24)
  it.each([
    { file: 'chain.deepgeco.plus-onnx.payload', mode: 2, symbols: () => chainSymbols(6_000) },
    { file: 'skewed.deepgeco.ultra-onnx.payload', mode: 3, symbols: () => skewedSymbols(30_000) },
    { file: 'chain.deepgeco.plus-streams-2048.payload', mode: 2, symbols: () => chainSymbols(6_000) },
    { file: 'skewed.deepgeco.ultra-streams-2048.payload', mode: 3, symbols: () => skewedSymbols(30_000) },
  ])('$file', async ({ file, mode, symbols: source }) => {
    const symbols = source();
    const golden = new Uint8Array(readFileSync(new URL(`./__fixtures__/${file}`, import.meta.url)));
    expect(golden[0]).toBe(mode);
    const codec = createDeepGeCoCodec({ canonicalRuntime: wasmRuntime });
    expect(Buffer.compare(Buffer.from(await codec.decode(golden, symbols.length, 0, symbols.length)), Buffer.from(symbols))).toBe(0);
  }, 120_000);
});
