/**
 * The genome generator's arithmetic: its own exp against Math.exp, the seeded random stream, and
 * how a decoder's logits become bases (with stand-in decoders whose answers are known). The shipped
 * decoder is run by the CLI's tests.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedModel, Tensor } from '@seqcoder/runtime';
import { loadGenerator } from '@seqcoder/models';
import { exp } from '../src/exact.js';
import { GENERATE_BATCH_CHUNKS, GenomeGenerator, Random } from '../src/generator.js';
import { wasmRuntime } from '../src/runtimes.js';

/** A stand-in decoder over tokens of k bases: logits from a function of (chunk's z, position, token). */
function fakeDecoder(tokens: number, k: number, logit: (z: Float32Array, t: number, token: number) => number): LoadedModel & { runs: number[] } {
  const model = {
    inputName: 'z',
    outputName: 'logits',
    runs: [] as number[],
    async run(input: Tensor): Promise<Tensor> {
      const [n, latent] = input.dims as [number, number];
      const vocab = 4 ** k;
      const out = new Float32Array(n * tokens * vocab);
      for (let c = 0; c < n; c++) {
        const z = input.data.subarray(c * latent, (c + 1) * latent);
        for (let t = 0; t < tokens; t++) for (let v = 0; v < vocab; v++) out[(c * tokens + t) * vocab + v] = logit(z, t, v);
      }
      model.runs.push(n);
      return { data: out, dims: [n, tokens, vocab] };
    },
    async release() {},
  };
  return model;
}

describe('exp', () => {
  it('is Math.exp to within an ulp or two over the softmax range, and 0 far below it', () => {
    let worst = 0;
    for (let i = 0; i <= 100_000; i++) {
      const x = -i * 0.007; // 0 down to −700
      worst = Math.max(worst, Math.abs(exp(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(5e-16);
    expect(exp(0)).toBe(1);
    expect(exp(-701)).toBe(0);
  });
});

describe('Random', () => {
  it('gives the same stream for a seed, another for another seed, and normals of mean 0 and variance 1', () => {
    const a = new Random(42);
    const b = new Random(42);
    const c = new Random(43);
    const xs = Array.from({ length: 1000 }, () => a.uniform());
    expect(Array.from({ length: 1000 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 1000 }, () => c.uniform())).not.toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    // pinned: a change to the stream would change every genome generated for a seed
    const one = new Random(1);
    expect([one.uniform(), one.uniform(), one.normal()]).toEqual([0.09156953264027834, 0.5061978038866073, 1.1052147678565234]);
    const normals = Array.from({ length: 20_000 }, () => a.normal());
    const mean = normals.reduce((s, x) => s + x, 0) / normals.length;
    const variance = normals.reduce((s, x) => s + (x - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('GenomeGenerator', () => {
  it('spells each drawn token as its k bases, first base most significant, and cuts the last chunk to the length', async () => {
    // certain of token 0b00_01_10 (A C G) at even positions and 0b11_11_11 (T T T) at odd ones
    const decoder = fakeDecoder(4, 3, (_, t, v) => (v === (t % 2 === 0 ? 0b000110 : 0b111111) ? 50 : 0));
    const out = await new GenomeGenerator(decoder, { k: 3, tokens: 4, latent: 2 }).generate(29, new Random(1));
    expect(new TextDecoder().decode(out)).toBe('ACGTTTACGTTT'.repeat(3).slice(0, 29));
    expect(decoder.runs).toEqual([3]); // three chunks of 12 bases, in one run
  });

  it('draws tokens by their softmax weights, and the same seed gives the same genome', async () => {
    // two tokens, AA and CC, with weights 1 and 3 (logits 0 and ln 3); the rest never
    const decoder = () => fakeDecoder(50, 2, (_, _t, v) => (v === 0 ? 0 : v === 5 ? Math.log(3) : -1000));
    const shape = { k: 2, tokens: 50, latent: 4 };
    const a = await new GenomeGenerator(decoder(), shape).generate(100_000, new Random(9));
    const b = await new GenomeGenerator(decoder(), shape).generate(100_000, new Random(9));
    expect(b).toEqual(a);
    const text = new TextDecoder().decode(a);
    expect(text).toMatch(/^(AA|CC)+$/);
    const cc = (text.match(/CC/g) ?? []).length;
    expect(cc / 50_000).toBeGreaterThan(0.74);
    expect(cc / 50_000).toBeLessThan(0.76);
    const other = await new GenomeGenerator(decoder(), shape).generate(100_000, new Random(10));
    expect(other).not.toEqual(a);
  });

  it('feeds the decoder latents drawn from the seed, in batches', async () => {
    const seen: number[] = [];
    const decoder = fakeDecoder(1, 1, (z, _t, v) => {
      if (v === 0) seen.push(z[0]!);
      return v === 0 ? 1 : 0;
    });
    await new GenomeGenerator(decoder, { k: 1, tokens: 1, latent: 3 }).generate(2 * GENERATE_BATCH_CHUNKS + 1, new Random(5));
    expect(decoder.runs).toEqual([GENERATE_BATCH_CHUNKS, GENERATE_BATCH_CHUNKS, 1]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.every((x) => Math.abs(x) <= 6)).toBe(true);
  });

  it('refuses a decoder whose output has the wrong shape', async () => {
    const bad: LoadedModel = { inputName: 'z', outputName: 'logits', run: async () => ({ data: new Float32Array(4), dims: [1, 1, 4] }), release: async () => {} };
    await expect(new GenomeGenerator(bad, { k: 2, tokens: 3, latent: 2 }).generate(5, new Random(1))).rejects.toThrow(/expected \[1, 3, 16\]/);
  });
});

describe('the shipped generator on WASM', () => {
  it('gives bit-identical logits for a chunk alone and in a batch, so the batch size never changes a genome', async () => {
    const info = await loadGenerator();
    const model = await (await wasmRuntime()).load(info.graph);
    try {
      const random = new Random(3);
      const z = Float32Array.from({ length: GENERATE_BATCH_CHUNKS * info.latent }, () => random.normal());
      const batch = await model.run({ data: z, dims: [GENERATE_BATCH_CHUNKS, info.latent] });
      const per = info.tokens * 4 ** info.k;
      for (const c of [0, GENERATE_BATCH_CHUNKS - 1]) {
        const alone = await model.run({ data: z.slice(c * info.latent, (c + 1) * info.latent), dims: [1, info.latent] });
        expect(Buffer.from(alone.data.buffer, alone.data.byteOffset, alone.data.byteLength).equals(
          Buffer.from(batch.data.buffer, batch.data.byteOffset + c * per * 4, per * 4),
        )).toBe(true);
      }
    } finally {
      await model.release();
    }
  }, 60_000);
});
