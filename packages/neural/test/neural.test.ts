import { compress, decompress, openArchive } from '@seqcoder/format';
import { OnnxNodeRuntime } from '@seqcoder/runtime-onnx-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createNeuralCodecs, registerNeuralCodecs, type NeuralCodecs } from '../src/index.js';
import { awkwardFasta, lambda, symbolsOf, zstd } from './helpers.js';

const CODECS = ['seqcoder-classic', 'seqcoder'] as const;
let wasm: NeuralCodecs;
let native: NeuralCodecs;
const sizes: { codec: string; latentBytes: number; residualBytes: number }[] = [];

beforeAll(() => {
  wasm = registerNeuralCodecs({ zstd, onRecord: (s) => sizes.push(s) });
  native = createNeuralCodecs({ zstd, encoderRuntime: () => new OnnxNodeRuntime({ onNotice: () => {} }) });
});

describe.each(CODECS)('%s through @seqcoder/format', (codec) => {
  it('round-trips phage lambda byte for byte, and reports latent and residual sizes', async () => {
    sizes.length = 0;
    const file = await compress(lambda, { codec, zstd });
    expect(Buffer.compare(Buffer.from(await decompress(file)), Buffer.from(lambda))).toBe(0);
    expect(sizes).toHaveLength(1);
    expect(sizes[0]!.latentBytes).toBeGreaterThan(0);
    expect(sizes[0]!.latentBytes + sizes[0]!.residualBytes).toBeLessThan(file.length);
  }, 60_000);

  it('round-trips soft-masking, N runs, IUPAC, CRLF, empty and one-window records', async () => {
    const fasta = awkwardFasta();
    const file = await compress(fasta, { codec, zstd });
    expect(Buffer.compare(Buffer.from(await decompress(file)), Buffer.from(fasta))).toBe(0);
    const archive = await openArchive(file);
    expect(archive.records.map((r) => r.codec)).toContain(codec);
    const whole = await archive.readSequence(0, 0, archive.records[0]!.length);
    expect(await archive.readSequence(0, 1000, 1100)).toEqual(whole.subarray(1000, 1100));
  }, 60_000);
});

describe.each(['classic', 'guided'] as const)('the %s codec across runtimes', (key) => {
  const symbols = symbolsOf(lambda);

  it('decodes what the native encoder wrote, and the WASM encoder\'s output with a native-encoder codec set', async () => {
    const fromNative = await native[key].encode(symbols, native[key].levels.default);
    expect(await wasm[key].decode(fromNative, symbols.length, 0, symbols.length)).toEqual(symbols);
    const fromWasm = await wasm[key].encode(symbols, wasm[key].levels.default);
    expect(await native[key].decode(fromWasm, symbols.length, 0, symbols.length)).toEqual(symbols);
  }, 60_000);

  it('writes the same bytes twice with the WASM encoder', async () => {
    const a = await wasm[key].encode(symbols.subarray(0, 5000), wasm[key].levels.default);
    const b = await wasm[key].encode(symbols.subarray(0, 5000), wasm[key].levels.default);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
  });
});

describe('damaged or foreign neural payloads', () => {
  const symbols = symbolsOf(lambda).subarray(0, 3000);
  let payload: Uint8Array;
  beforeAll(async () => {
    payload = await wasm.classic.encode(symbols, 22);
  });
  const decode = (p: Uint8Array) => wasm.classic.decode(p, symbols.length, 0, symbols.length);
  const altered = (at: number, value: number) => {
    const p = payload.slice();
    p[at] = value;
    return p;
  };

  it('names a model this installation lacks by its hash (MODEL_UNAVAILABLE)', async () => {
    await expect(decode(altered(1, payload[1]! ^ 0xff))).rejects.toMatchObject({ code: 'MODEL_UNAVAILABLE', message: expect.stringMatching(/SHA-256 [0-9a-f]{64}/) });
  });

  it('refuses a reconstruction that differs from the recorded checksum (RECONSTRUCTION_MISMATCH)', async () => {
    const runtimeLength = payload[33]!;
    const latentLength = new DataView(payload.buffer, payload.byteOffset).getUint32(34 + runtimeLength, true);
    const checksumAt = 34 + runtimeLength + 4 + latentLength;
    await expect(decode(altered(checksumAt, payload[checksumAt]! ^ 1))).rejects.toMatchObject({ code: 'RECONSTRUCTION_MISMATCH' });
  });

  it('ends every truncation in a typed error', async () => {
    for (let cut = 0; cut < payload.length; cut += Math.max(1, Math.floor(payload.length / 97))) {
      await expect(decode(payload.subarray(0, cut))).rejects.toMatchObject({ code: expect.stringMatching(/^(CORRUPT|MODEL_UNAVAILABLE)$/) });
    }
  }, 60_000);
});

describe('forged sizes', () => {
  it('refuses a record that claims far more bases than its sections can hold, before running the network', async () => {
    const symbols = symbolsOf(lambda).subarray(0, 2000);
    for (const key of ['classic', 'guided'] as const) {
      const payload = await wasm[key].encode(symbols, wasm[key].levels.default);
      const started = performance.now();
      // 2^30 bases: the latents alone would need 2^28 bytes, from a payload of a few kB.
      await expect(wasm[key].decode(payload, 2 ** 30, 0, 10)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringMatching(/cannot hold/) });
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});

describe('runtimes through the contract', () => {
  it('refuses a canonical runtime that is not deterministic, before running the decoder', async () => {
    const unsafe = createNeuralCodecs({ zstd, canonicalRuntime: () => new OnnxNodeRuntime({ onNotice: () => {} }) });
    await expect(unsafe.guided.encode(symbolsOf(lambda).subarray(0, 3000), 2)).rejects.toMatchObject({
      code: 'CONTRACT_MISMATCH',
      message: expect.stringMatching(/not deterministic/),
    });
  }, 60_000);
});
