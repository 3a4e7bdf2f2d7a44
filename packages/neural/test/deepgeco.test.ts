/**
 * The deepgeco codec: its tokens and streams, the exactness of the coding, round trips through
 * @seqcoder/format, the same bytes in a fresh process, typed errors on damage, the Supporter's
 * gradients (PLUS) and the fine-tuned output layer (ULTRA).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress, decompress, openArchive } from '@seqcoder/format';
import { DEFAULT_WARM_START, MINI_WARM_START, loadWarmStart, warmStartInfo, WARM_STARTS } from '@seqcoder/models';
import { BinaryDecoder, BinaryEncoder, cmEncode } from '@seqcoder/residual';
import { OnnxNodeRuntime } from '@seqcoder/runtime-onnx-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDeepGeCoCodec, registerNeuralCodecs, wasmRuntime, type NeuralCodecs } from '../src/index.js';
import { cumulativeWeights, decodeToken, encodeToken, softmax } from '../src/deepgeco/coding.js';
import { Supporter } from '../src/deepgeco/supporter.js';
import { chooseAdaptation, HeadAdaptation, HeadTuner, MAX_RANK } from '../src/deepgeco/ultra.js';
import { WarmStartNetwork } from '../src/deepgeco/warmstart.js';
import { CM_MODE_MODEL, WarmStartBasePredictor } from '../src/deepgeco/cm-mode.js';
import { chooseStreams, contexts, fromTokens, MAX_STREAMS, MIN_SHORT_STREAM_TOKENS, MIN_STEP_ROWS, MIN_STREAM_TOKENS, PADDING_TOKEN, streamLayout, toTokens } from '../src/deepgeco/tokens.js';
import { awkwardFasta, lambda, skewedSymbols, symbolsOf, zstd } from './helpers.js';
import { chainSymbols } from '../../../test-support/seeded.js';

let codecs: NeuralCodecs;
beforeAll(() => {
  codecs = registerNeuralCodecs({ zstd });
});

describe('(s, k)-mer tokens and streams', () => {
  it('makes 3-base tokens, first base most significant, and gives the bases back', () => {
    const symbols = Uint8Array.from([0, 1, 2, 3, 3, 3, 1, 0]); // ACG TTT (CA left over)
    const tokens = toTokens(symbols, 3);
    expect([...tokens]).toEqual([0 * 16 + 1 * 4 + 2, 63]);
    const back = new Uint8Array(6);
    fromTokens(tokens, 3, back);
    expect([...back]).toEqual([0, 1, 2, 3, 3, 3]);
  });

  it('cuts tokens into streams of one length, the last shorter, and bounds their number', () => {
    expect(streamLayout(10, 4)).toEqual({ length: 3, streams: 4 });
    expect(streamLayout(9, 4)).toEqual({ length: 3, streams: 3 }); // a fourth stream would be empty
    expect(chooseStreams(0)).toBe(1);
    expect(chooseStreams(MIN_SHORT_STREAM_TOKENS * 2 - 1)).toBe(1);
    // a short record: as many streams as MIN_SHORT_STREAM_TOKENS allow, up to MIN_STEP_ROWS
    expect(chooseStreams(MIN_SHORT_STREAM_TOKENS * 7)).toBe(7);
    expect(chooseStreams(6_313)).toBe(MIN_STEP_ROWS); // BuEb's tokens
    expect(chooseStreams(MIN_STREAM_TOKENS * MIN_STEP_ROWS - 1)).toBe(MIN_STEP_ROWS);
    // a longer one: streams of MIN_STREAM_TOKENS
    expect(chooseStreams(MIN_STREAM_TOKENS * 30)).toBe(30);
    expect(chooseStreams(1e9)).toBe(MAX_STREAMS);
  });

  it('gives each stream its own context, padded before the stream starts', () => {
    const tokens = Uint8Array.from({ length: 10 }, (_, i) => i + 1);
    const layout = streamLayout(10, 4); // streams start at 0, 3, 6, 9
    const into = new Float32Array(4 * 2);
    expect(contexts(tokens, layout, 1, 2, into)).toBe(3); // stream 4 (token 9 alone) has no step 1
    expect([...into.subarray(0, 6)]).toEqual([PADDING_TOKEN, 1, PADDING_TOKEN, 4, PADDING_TOKEN, 7]);
    expect(contexts(tokens, layout, 0, 2, into)).toBe(4);
    expect(contexts(tokens, layout, 2, 2, into)).toBe(3);
    expect([...into.subarray(0, 6)]).toEqual([1, 2, 4, 5, 7, 8]);
  });
});

describe('coding a token with a distribution', () => {
  it('decodes every token of a stream coded with varied and extreme logits', () => {
    const size = 64;
    const rows = 300;
    const logits = new Float32Array(rows * size);
    let s = 7;
    for (let i = 0; i < logits.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      logits[i] = ((s >>> 8) / 2 ** 24 - 0.5) * (i % 7 === 0 ? 80 : 6); // some rows nearly certain
    }
    const tokens = Uint8Array.from({ length: rows }, (_, i) => (i * 37) % size);
    const cum = new Float64Array(size + 1);
    const probabilities = new Float64Array(rows * size);
    const weigh = (r: number) => {
      softmax(logits, r, size, probabilities);
      cumulativeWeights(probabilities, r, size, cum);
    };
    const encoder = new BinaryEncoder();
    for (let r = 0; r < rows; r++) {
      weigh(r);
      for (let i = 0; i < size; i++) expect(cum[i + 1]! - cum[i]!).toBeGreaterThanOrEqual(1); // no token impossible
      encodeToken(encoder, cum, 6, tokens[r]!);
    }
    const decoder = new BinaryDecoder(encoder.finish().slice());
    for (let r = 0; r < rows; r++) {
      weigh(r);
      expect(decodeToken(decoder, cum, 6)).toBe(tokens[r]);
    }
    decoder.finish();
  });

  it('refuses logits that are not finite', () => {
    expect(() => softmax(Float32Array.from({ length: 64 }, () => Number.NaN), 0, 64, new Float64Array(64))).toThrow(/non-finite/);
  });
});

describe('the deepgeco codec', () => {
  it.each([0, 1, 2, 3, 4, 5, 100, 7001])('round-trips %i bases in MINI and CM (whole tokens and every remainder)', async (n) => {
    const symbols = symbolsOf(lambda).subarray(1000, 1000 + n);
    for (const mode of [1, 4]) {
      const payload = await codecs.deepgeco.encode(symbols, mode);
      expect(Buffer.from(await codecs.deepgeco.decode(payload, n, 0, n))).toEqual(Buffer.from(symbols));
    }
  }, 60_000);

  it('refuses to write a mode it does not have', async () => {
    await expect(codecs.deepgeco.encode(symbolsOf(lambda).subarray(0, 300), 5)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/level 5/) });
  });

  it('writes its mode, (s, k), streams and the SHA-256 of the Warm-Start\'s weights in the payload head', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 3 * MIN_STREAM_TOKENS * 2 + 1);
    const payload = await codecs.deepgeco.encode(symbols, 1);
    // MINI and PLUS cut the 4,096 tokens (a short record) into 16 streams of MIN_SHORT_STREAM_TOKENS
    expect([...payload.subarray(0, 5)]).toEqual([1, 3, 3, 16, 0]);
    // MINI writes with its own, smaller Warm-Start; PLUS with the default one
    expect(Buffer.from(payload.subarray(5, 37)).toString('hex')).toBe(warmStartInfo(MINI_WARM_START).weightsSha256);
    const plus = await createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, miniTrial: false }).encode(symbols, 2);
    expect([...plus.subarray(0, 5)]).toEqual([2, 3, 3, 16, 0]);
    expect(Buffer.from(plus.subarray(5, 37)).toString('hex')).toBe(warmStartInfo(DEFAULT_WARM_START).weightsSha256);
    expect(MINI_WARM_START).not.toBe(DEFAULT_WARM_START);
  }, 60_000);

  it('decodes MINI payloads of either shipped Warm-Start, each named by its hash', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 5_000);
    for (const { name, weightsSha256 } of WARM_STARTS) {
      const payload = await createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, miniWarmStart: name }).encode(symbols, 1);
      expect(Buffer.from(payload.subarray(5, 37)).toString('hex')).toBe(weightsSha256);
      expect(Buffer.from(await codecs.deepgeco.decode(payload, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
    }
  }, 60_000);

  it('predicts better than 2 bits per base on phage lambda (one of its training genomes)', async () => {
    const symbols = symbolsOf(lambda);
    const payload = await codecs.deepgeco.encode(symbols, 1);
    expect((payload.length * 8) / symbols.length).toBeLessThan(2);
  }, 60_000);

  it('round-trips a FASTA with soft-masking, N runs, IUPAC, CRLF and empty records through the format, and reads a range', async () => {
    const fasta = awkwardFasta();
    const file = await compress(fasta, { codec: 'deepgeco', zstd });
    expect(Buffer.compare(Buffer.from(await decompress(file)), Buffer.from(fasta))).toBe(0);
    const archive = await openArchive(file);
    expect(archive.records.map((r) => r.codec)).toContain('deepgeco');
    const whole = await archive.readSequence(0, 0, archive.records[0]!.length);
    expect(await archive.readSequence(0, 1000, 1100)).toEqual(whole.subarray(1000, 1100));
  }, 60_000);

  it('decodes in a fresh process to the same bytes', async () => {
    const fasta = awkwardFasta();
    const file = await compress(fasta, { codec: 'deepgeco', zstd });
    const dir = mkdtempSync(join(tmpdir(), 'deepgeco-'));
    writeFileSync(join(dir, 'a.seqc'), file);
    const script = `
      import { readFileSync } from 'node:fs';
      import { decompress } from '@seqcoder/format';
      import { registerNeuralCodecs } from '@seqcoder/neural';
      registerNeuralCodecs();
      process.stdout.write(Buffer.from(await decompress(new Uint8Array(readFileSync(${JSON.stringify(join(dir, 'a.seqc'))})))).toString('base64'));
    `;
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    let out: Buffer;
    try {
      out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: packageDir, maxBuffer: 1 << 26 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(Buffer.compare(Buffer.from(out.toString(), 'base64'), Buffer.from(fasta))).toBe(0);
  }, 60_000);
});

describe('damaged or foreign deepgeco payloads', () => {
  const symbols = symbolsOf(lambda).subarray(0, 3000);
  let payload: Uint8Array;
  beforeAll(async () => {
    payload = await codecs.deepgeco.encode(symbols, 1);
  });
  const decode = (p: Uint8Array, count = symbols.length) => codecs.deepgeco.decode(p, count, 0, Math.min(10, count));
  const altered = (at: number, value: number) => {
    const p = payload.slice();
    p[at] = value;
    return p;
  };

  it('names a Warm-Start model this installation lacks by its hash (MODEL_UNAVAILABLE)', async () => {
    await expect(decode(altered(5, payload[5]! ^ 0xff))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/SHA-256 [0-9a-f]{64}/) });
  });

  it('refuses an unknown mode, a (s, k) the model does not have and impossible stream counts (CORRUPT)', async () => {
    await expect(decode(altered(0, 9))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/mode 9/) });
    await expect(decode(altered(1, 2))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/\(s, k\)/) });
    const zero = altered(3, 0);
    zero[4] = 0;
    await expect(decode(zero)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/streams 0/) });
    const over = payload[3]! + 2 * 256; // over 320
    await expect(decode(altered(4, 2))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(new RegExp(`streams ${over}`)) });
  });

  it('never returns bases that differ from what was coded: a changed checksum or body ends in a typed error', async () => {
    await expect(decode(altered(37, payload[37]! ^ 1))).rejects.toMatchObject({ code: 'RECONSTRUCTION_MISMATCH' });
    const at = 41 + Math.floor((payload.length - 41) / 2);
    await expect(decode(altered(at, payload[at]! ^ 0x10))).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|RECONSTRUCTION_MISMATCH)$/) });
  }, 60_000);

  it('ends every truncation in a typed error', async () => {
    for (let cut = 0; cut < payload.length; cut += Math.max(1, Math.floor(payload.length / 23))) {
      await expect(decode(payload.subarray(0, cut))).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|MODEL_UNAVAILABLE|RECONSTRUCTION_MISMATCH)$/) });
    }
  }, 120_000);

  it('refuses a record that claims far more bases than the payload can hold, before running the network', async () => {
    const started = performance.now();
    await expect(decode(payload, 2 ** 30)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/cannot hold/) });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('the fourth mode (CM: cm level 4 steered by the Warm-Start)', () => {
  it('writes its head, then a cm payload of model 22, and codes smaller than cm level 4 alone', async () => {
    const symbols = symbolsOf(lambda);
    const payload = await codecs.deepgeco.encode(symbols, 4);
    expect([...payload.subarray(0, 5)]).toEqual([4, 3, 3, 1, 0]);
    expect(Buffer.from(payload.subarray(5, 37)).toString('hex')).toBe(warmStartInfo(DEFAULT_WARM_START).weightsSha256);
    expect([payload[41], payload[42]]).toEqual([2, CM_MODE_MODEL]);
    // level 4's model with the Warm-Start mixed in against without it (0.3% here)
    expect(payload.length - 41).toBeLessThan(cmEncode(symbols, { model: 19 }).length);
    expect(Buffer.from(await codecs.deepgeco.decode(payload, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
  }, 120_000);

  it('gives cm the probabilities the token coder codes with: each decision the weight of the tokens that continue with a 1', async () => {
    const { graph } = await loadWarmStart(DEFAULT_WARM_START, 'weights');
    const network = new WarmStartNetwork(graph, 4);
    const history = symbolsOf(lambda).subarray(0, 300);
    const predictor = new WarmStartBasePredictor(network, 301); // 100 tokens and one remainder base
    const out = new Int32Array(3);
    // token 60, from its 16 tokens before, as the token coder would see it
    const input = Float32Array.from(toTokens(history, 3).subarray(60 - 16, 60));
    const probabilities = new Float64Array(64);
    softmax(network.run(input, 1).logits, 0, 64, probabilities);
    const cum = new Float64Array(65);
    cumulativeWeights(probabilities, 0, 64, cum);
    const weight = (from: number, to: number) => cum[to]! - cum[from]!;
    const t = 60 * 3;
    predictor.predict(history, t, out);
    expect(out[0]).toBe(Math.floor((weight(32, 64) * 4096) / weight(0, 64))); // G or T first
    expect(out[1]).toBe(Math.floor((weight(16, 32) * 4096) / weight(0, 32))); // C rather than A
    expect(out[2]).toBe(Math.floor((weight(48, 64) * 4096) / weight(32, 64))); // T rather than G
    // the second base of the token, given its first
    predictor.predict(history, t + 1, out);
    const lo = history[t]! << 4;
    expect(out[0]).toBe(Math.floor((weight(lo + 8, lo + 16) * 4096) / weight(lo, lo + 16)));
    // the remainder base after the last whole token: no prediction
    predictor.predict(history, 300, out);
    expect([...out]).toEqual([2048, 2048, 2048]);
  });

  it('ends damage in a typed error, never in other bases', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 3000);
    const payload = await codecs.deepgeco.encode(symbols, 4);
    const decode = (p: Uint8Array) => codecs.deepgeco.decode(p, symbols.length, 0, symbols.length);
    const altered = (at: number, value: number) => {
      const p = payload.slice();
      p[at] = value;
      return p;
    };
    await expect(decode(altered(37, payload[37]! ^ 1))).rejects.toMatchObject({ code: 'RECONSTRUCTION_MISMATCH' });
    await expect(decode(altered(42, 19))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/cm model 19/) });
    await expect(decode(altered(3, 2))).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/streams 2/) });
    const at = 43 + Math.floor((payload.length - 43) / 2);
    await expect(decode(altered(at, payload[at]! ^ 0x10))).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|RECONSTRUCTION_MISMATCH)$/) });
    // the logits graph's hash names no network of this mode, which runs on the weights alone
    const graph = payload.slice();
    graph.set(Buffer.from(warmStartInfo(DEFAULT_WARM_START).sha256, 'hex'), 5);
    await expect(decode(graph)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
    for (let cut = 0; cut < payload.length; cut += Math.max(1, Math.floor(payload.length / 17))) {
      await expect(decode(payload.subarray(0, cut))).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|RECONSTRUCTION_MISMATCH)$/) });
    }
  }, 120_000);
});

describe('the runtime of the Warm-Start network', () => {
  it('runs its own Warm-Start kernel: a runtime given is used for older files alone, and only a deterministic one', async () => {
    const unsafe = createDeepGeCoCodec({ canonicalRuntime: () => new OnnxNodeRuntime({ onNotice: () => {} }) });
    const symbols = symbolsOf(lambda).subarray(0, 300);
    const payload = await unsafe.encode(symbols, 1);
    expect(Buffer.from(payload)).toEqual(Buffer.from(await codecs.deepgeco.encode(symbols, 1)));
    expect(Buffer.from(await unsafe.decode(payload, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
    // a payload onnxruntime-web's Warm-Start wrote (named by its graph) needs the runtime, which must be deterministic
    const older = new Uint8Array(readFileSync(new URL('./__fixtures__/chain.deepgeco.plus-onnx.payload', import.meta.url)));
    await expect(unsafe.decode(older, 6_000, 0, 6_000)).rejects.toMatchObject({ code: 'CONTRACT_MISMATCH', message: expect.stringMatching(/not deterministic/) });
  }, 60_000);

  it('gives the same payload from two codec instances (a fresh load of the model)', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 4000);
    const a = await createDeepGeCoCodec({ canonicalRuntime: wasmRuntime }).encode(symbols, 1);
    const b = await codecs.deepgeco.encode(symbols, 1);
    expect(Buffer.from(a)).toEqual(Buffer.from(b));
  }, 60_000);
});

describe('the Warm-Start kernel (ADR 0030)', () => {
  /** Token ids of `rows` contexts of `context`, from a fixed little generator. */
  const contextsOf = (rows: number, context: number, seed: number) => {
    let x = seed;
    return Float32Array.from({ length: rows * context }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 9) % 64);
  };
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

  it.each(WARM_STARTS.map((m) => m.name))('computes %s to the same bits as the JavaScript, whatever the batch', async (name) => {
    const { graph: weights } = await loadWarmStart(name, 'weights');
    const [fast, plain] = [new WarmStartNetwork(weights, 64), new WarmStartNetwork(weights, 64, false)];
    expect([fast.runsKernel, plain.runsKernel]).toEqual([true, false]);
    const { context, vocabulary } = fast.shape;
    for (const rows of [1, 2, 7, 64]) {
      const input = contextsOf(rows, context, rows);
      const a = fast.run(input, rows);
      const [logits, features] = [a.logits.slice(), a.features.slice()];
      const b = plain.run(input, rows);
      expect(bytes(logits).equals(bytes(b.logits)), `logits of ${rows} rows`).toBe(true);
      expect(bytes(features).equals(bytes(b.features)), `features of ${rows} rows`).toBe(true);
      // a context alone gives the numbers it gave inside the batch
      const last = fast.run(input.subarray((rows - 1) * context), 1).logits;
      expect(bytes(last).equals(bytes(logits.subarray((rows - 1) * vocabulary)))).toBe(true);
    }
  }, 60_000);

  it.each(WARM_STARTS.map((m) => m.name))('computes the function of the graph %s was exported from (onnxruntime-web, within float32 rounding)', async (name) => {
    const network = new WarmStartNetwork((await loadWarmStart(name, 'weights')).graph, 50);
    const { context } = network.shape;
    const input = contextsOf(50, context, 11);
    const ours = network.run(input, 50);
    const runtime = await wasmRuntime();
    const graph = await runtime.load((await loadWarmStart(name, 'features')).graph);
    const { data } = await graph.run({ data: input, dims: [50, context] });
    const width = 64 + network.features;
    let worst = 0;
    for (let j = 0; j < 50; j++) {
      for (let i = 0; i < 64; i++) worst = Math.max(worst, Math.abs(data[j * width + i]! - ours.logits[j * 64 + i]!));
      for (let i = 0; i < network.features; i++) worst = Math.max(worst, Math.abs(data[j * width + 64 + i]! - ours.features[j * network.features + i]!));
    }
    expect(worst).toBeLessThan(1e-5);
  }, 60_000);

  it('refuses a file that is not Warm-Start weights, or is cut short', async () => {
    const { graph: weights } = await loadWarmStart(MINI_WARM_START, 'weights');
    const foreign = weights.slice();
    foreign[0] = 0x58;
    expect(() => new WarmStartNetwork(foreign, 1)).toThrow(/SQWS/);
    expect(() => new WarmStartNetwork(weights.subarray(0, weights.length - 4), 1)).toThrow(/length/);
    expect(() => new WarmStartNetwork(weights, 2).run(new Float32Array(16).fill(64), 2)).toThrow(/token id 64/);
  });

  it('runs the kernel that assembly/warmstart.ts compiles to (src/deepgeco/warmstart-wasm.ts is up to date)', async () => {
    const { compileKernel, kernelTarget } = await import('../../../scripts/build-wasm.mjs');
    expect(await compileKernel('warmstart'), 'run pnpm build:wasm').toBe(readFileSync(kernelTarget('warmstart'), 'utf8'));
  }, 60_000);
});

describe('the Supporter (PLUS)', () => {
  it('computes the gradient of its loss: every weight against a finite difference', () => {
    const preset = { context: 3, dim: 4, heads: 2, ffn: 5, lr: 0.01, seed: 5 };
    const vocab = 8;
    const rows = 3; // odd, and dims that are not multiples of 4: the blocked products' edges are checked too
    const supporter = new Supporter(preset, vocab, rows);
    const input = Float32Array.from([1, 7, 3, 0, 2, 5, 5, 6, 4, 4, 0, 1]); // rows of width 4: the newest 3 are read
    const weights = Float64Array.from({ length: rows * vocab }, (_, i) => Math.cos(i)); // loss = mean of Σ weights · logits
    const loss = () => {
      supporter.forward(input, rows, 4);
      let total = 0;
      for (let i = 0; i < rows * vocab; i++) total += weights[i]! * supporter.logits[i]!;
      return total / rows;
    };
    loss();
    const gradient = supporter.gradient(weights).slice();
    const w = supporter.weights;
    let worst = 0;
    for (let i = 0; i < w.length; i++) {
      const keep = w[i]!;
      w[i] = keep + 1e-6;
      const up = loss();
      w[i] = keep - 1e-6;
      const down = loss();
      w[i] = keep;
      worst = Math.max(worst, Math.abs((up - down) / 2e-6 - gradient[i]!));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('trains to the same bits with its WebAssembly kernel as with the JavaScript loops', () => {
    // the published shape (preset 1) with an odd number of rows, and a small odd one: the blocked loops' edges too
    const shapes = [
      { preset: { context: 16, dim: 32, heads: 4, ffn: 128, lr: 0.003, seed: 1 }, vocab: 64, rows: 37 },
      { preset: { context: 3, dim: 4, heads: 2, ffn: 5, lr: 0.01, seed: 5 }, vocab: 8, rows: 3 },
    ];
    for (const { preset, vocab, rows } of shapes) {
      const fast = new Supporter(preset, vocab, rows);
      const plain = new Supporter(preset, vocab, rows, false);
      expect([fast.runsKernel, plain.runsKernel]).toEqual([true, false]); // Node has WebAssembly SIMD
      let seed = 9;
      const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
      for (let step = 0; step < 6; step++) {
        const input = Float32Array.from({ length: rows * preset.context }, () => Math.floor(next() * vocab));
        const dlogits = Float64Array.from({ length: rows * vocab }, () => next() - 0.5);
        fast.forward(input, rows, preset.context);
        plain.forward(input, rows, preset.context);
        expect(Buffer.from(fast.logits.buffer, fast.logits.byteOffset, rows * vocab * 8)).toEqual(Buffer.from(plain.logits.buffer, 0, rows * vocab * 8));
        fast.train(dlogits);
        plain.train(dlogits);
      }
      // bit for bit: compared as bytes, not as numbers
      expect(Buffer.from(fast.weights.buffer, fast.weights.byteOffset, fast.weights.byteLength)).toEqual(Buffer.from(plain.weights.buffer));
    }
  });

  it('goes wrong the same way with its kernel as without: a NaN gradient spreads to the same weights', () => {
    // never met in coding (the softmax's gradients are finite), but the two paths must not part even there
    const preset = { context: 3, dim: 4, heads: 2, ffn: 5, lr: 0.01, seed: 5 };
    const [fast, plain] = [new Supporter(preset, 8, 3), new Supporter(preset, 8, 3, false)];
    expect([fast.runsKernel, plain.runsKernel]).toEqual([true, false]);
    const input = Float32Array.from([1, 7, 3, 0, 2, 5, 5, 6, 4]);
    const poisoned = Float64Array.from({ length: 24 }, (_, i) => (i === 5 ? NaN : Math.sin(i)));
    const finite = Float64Array.from({ length: 24 }, (_, i) => Math.cos(i));
    for (const supporter of [fast, plain]) {
      for (const dlogits of [poisoned, finite]) {
        supporter.forward(input, 3, 3);
        supporter.train(dlogits);
      }
    }
    const nan = (w: Float64Array) => [...w].map((x) => Number.isNaN(x));
    expect(nan(fast.weights)).toEqual(nan(plain.weights));
    expect(nan(fast.weights)).toContain(true);
    expect([...fast.weights].filter((x) => !Number.isNaN(x))).toEqual([...plain.weights].filter((x) => !Number.isNaN(x)));
  });

  it('runs the kernel that assembly/supporter.ts compiles to (src/deepgeco/supporter-wasm.ts is up to date)', async () => {
    const { compileKernel, kernelTarget } = await import('../../../scripts/build-wasm.mjs');
    expect(await compileKernel('supporter'), 'run pnpm build:wasm').toBe(readFileSync(kernelTarget('supporter'), 'utf8'));
  }, 60_000);
});

describe('PLUS', () => {
  it('round-trips, names its preset, and learns: much smaller than MINI on a source the Warm-Start never saw', async () => {
    const symbols = chainSymbols(30_000);
    const plus = await codecs.deepgeco.encode(symbols, 2);
    expect([plus[0], plus[41]]).toEqual([2, 1]);
    expect(Buffer.from(await codecs.deepgeco.decode(plus, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
    const mini = await codecs.deepgeco.encode(symbols, 1);
    expect(plus.length).toBeLessThan(0.75 * mini.length);
  }, 120_000);

  it('keeps MINI\'s payload on a short record where that codes smaller (a source the Warm-Start was trained on)', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 6_000);
    const alone = await createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, miniTrial: false }).encode(symbols, 2);
    const mini = await codecs.deepgeco.encode(symbols, 1);
    expect(alone[0]).toBe(2);
    expect(mini.length).toBeLessThan(alone.length); // the case under test: PLUS alone is larger here
    const plus = await codecs.deepgeco.encode(symbols, 2);
    expect(Buffer.from(plus)).toEqual(Buffer.from(mini));
    expect(Buffer.from(await codecs.deepgeco.decode(plus, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
  }, 120_000);

  it('refuses a preset that does not exist (CORRUPT)', async () => {
    // PLUS alone: on these 600 bases of lambda, MINI's payload (which has no preset) is smaller
    const plus = await createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, miniTrial: false }).encode(symbolsOf(lambda).subarray(0, 600), 2);
    plus[41] = 99;
    await expect(codecs.deepgeco.decode(plus, 600, 0, 600)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/preset 99/) });
  });
});

describe('ULTRA\'s fine-tuned output layer', () => {
  const size = 8;
  const width = 5;
  // rows whose logits and features are seeded noise, and whose tokens favour 2 and 5, which the logits do not know
  const rows = 64;
  const logits = new Float32Array(rows * size);
  const features = new Float32Array(rows * width);
  const tokens = new Uint8Array(rows);
  let seed = 5;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) / 2 ** 24;
  for (let i = 0; i < logits.length; i++) logits[i] = next() - 0.5;
  for (let i = 0; i < features.length; i++) features[i] = next();
  for (let j = 0; j < rows; j++) tokens[j] = next() < 0.8 ? (next() < 0.5 ? 2 : 5) : Math.floor(next() * size);

  const fitted = (rank: number, passes = 40) => {
    const tuner = new HeadTuner(size, width, rank);
    for (let pass = 0; pass < passes; pass++) tuner.step(logits, features, tokens, (j) => j, rows);
    return tuner; // gainBits summed over every pass
  };

  it('learns what the logits miss, and both ends rebuild exactly the stored int8 values', () => {
    for (const rank of [0, 1, 3]) {
      const tuner = fitted(rank);
      expect(tuner.gainBits).toBeGreaterThan(0);
      const bytes = tuner.bytes();
      expect(bytes.length).toBe(HeadAdaptation.byteLength(rank, size, width));
      expect(bytes[0]).toBe(rank + 1);
      const layer = HeadAdaptation.read(bytes, 0, size, width);
      expect(Buffer.from(layer.bytes)).toEqual(Buffer.from(bytes));
      const out = layer.apply(logits, features, rows, new Float64Array(rows * size));
      // the same sums, from the bytes, by the layout FORMAT gives: b, then U (size × rank), then V (rank × width)
      const view = new DataView(bytes.buffer);
      const base = rank > 0 ? 13 : 5;
      const b = (o: number) => view.getInt8(base + o) * view.getFloat32(1, true);
      const u = (o: number, r: number) => view.getInt8(base + size + o * rank + r) * view.getFloat32(5, true);
      const v = (r: number, i: number) => view.getInt8(base + size + size * rank + r * width + i) * view.getFloat32(9, true);
      for (let j = 0; j < rows; j++) {
        const hidden = Array.from({ length: rank }, (_, r) => {
          let sum = 0;
          for (let i = 0; i < width; i++) sum += v(r, i) * features[j * width + i]!;
          return sum;
        });
        for (let o = 0; o < size; o++) {
          let sum = logits[j * size + o]! + b(o);
          for (let r = 0; r < rank; r++) sum += u(o, r) * hidden[r]!;
          expect(out[j * size + o]).toBe(sum);
        }
      }
      // and the favoured tokens became more likely
      expect(out[2]! - logits[2]!).toBeGreaterThan(out[0]! - logits[0]!);
    }
  });

  it('the form byte 0 changes nothing', () => {
    const layer = HeadAdaptation.read(new Uint8Array([0]), 0, size, width);
    expect(layer.rank).toBe(-1);
    expect(Array.from(layer.apply(logits, features, rows, new Float64Array(rows * size)))).toEqual(Array.from(logits));
  });

  it('the writer keeps the candidate that pays best, and none that does not pay', () => {
    const small = fitted(0);
    const large = fitted(3);
    const margin = (t: HeadTuner) => t.gainBits / 8 - t.byteLength;
    const chosen = chooseAdaptation([small, large])!;
    expect(chosen[0]).toBe(margin(small) >= margin(large) ? 1 : 4);
    const unfitted = new HeadTuner(size, width, 2);
    expect(chooseAdaptation([unfitted])).toBeUndefined();
    expect(chooseAdaptation([unfitted], true)![0]).toBe(3);
  });

  it('refuses a rank above the bound, a layer cut short and a scale that is not finite (CORRUPT)', () => {
    expect(() => HeadAdaptation.read(new Uint8Array(4000).fill(MAX_RANK + 2, 0, 1), 0, size, width)).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(/rank/) }));
    const bytes = fitted(1).bytes();
    expect(() => HeadAdaptation.read(bytes.subarray(0, bytes.length - 1), 0, size, width)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    expect(() => HeadAdaptation.read(new Uint8Array(), 0, size, width)).toThrow(expect.objectContaining({ code: 'CORRUPT' }));
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(5, Number.NaN, true);
    expect(() => HeadAdaptation.read(nan, 0, size, width)).toThrow(expect.objectContaining({ code: 'CORRUPT', message: expect.stringMatching(/finite/) }));
  });
});

describe('ULTRA', () => {
  const symbols = skewedSymbols(60_000);
  const always = createDeepGeCoCodec({ canonicalRuntime: wasmRuntime, ultraLayer: 'always' });
  let ultra: Uint8Array;
  beforeAll(async () => {
    ultra = await always.encode(symbols, 3);
  }, 120_000);

  it('writes the fitted layer after the preset, names the weights, and round-trips', async () => {
    expect([ultra[0], ultra[41]]).toEqual([3, 1]);
    expect(Buffer.from(ultra.subarray(5, 37)).toString('hex')).toBe(WARM_STARTS[0]!.weightsSha256);
    const layer = HeadAdaptation.read(ultra, 42, 64, WARM_STARTS[0]!.features);
    expect(layer.rank).toBeGreaterThanOrEqual(0);
    // any codec instance reads it
    expect(Buffer.from(await codecs.deepgeco.decode(ultra, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
  }, 120_000);

  it('by default keeps the smaller of ULTRA and PLUS, so it is never larger than PLUS', async () => {
    const plus = await codecs.deepgeco.encode(symbols, 2);
    const chosen = await codecs.deepgeco.encode(symbols, 3);
    expect(Buffer.from(chosen)).toEqual(Buffer.from(ultra.length < plus.length ? ultra : plus));
    expect(Buffer.from(await codecs.deepgeco.decode(chosen, symbols.length, 0, symbols.length))).toEqual(Buffer.from(symbols));
  }, 240_000);

  it('ends a changed layer, or a payload cut inside it, in a typed error, never in other bases', async () => {
    const decode = (p: Uint8Array) => codecs.deepgeco.decode(p, symbols.length, 0, symbols.length);
    for (const at of [43, 50, 42 + Math.floor(HeadAdaptation.byteLength(HeadAdaptation.read(ultra, 42, 64, 192).rank, 64, 192) / 2)]) {
      const bad = ultra.slice();
      bad[at]! ^= 0x40;
      await expect(decode(bad)).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|RECONSTRUCTION_MISMATCH)$/) });
    }
    await expect(decode(ultra.subarray(0, 44))).rejects.toMatchObject({ code: 'CORRUPT' });
    const unknown = ultra.slice();
    unknown.set(Buffer.from(WARM_STARTS[0]!.sha256, 'hex'), 5); // the logits graph's hash, which no ULTRA payload names (older ones name the twin's)
    await expect(decode(unknown)).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE' });
  }, 240_000);
});
