/**
 * How KmerDenoiser turns a network's per-k-mer predictions into corrected reads, with stand-in
 * networks whose answers are known: which bases are voted on, which are left alone, and that the
 * batch size does not change the result. The shipped network itself is run by the CLI's tests.
 */
import { describe, expect, it } from 'vitest';
import type { LoadedModel, Tensor } from '@seqcoder/runtime';
import { KmerDenoiser } from '../src/denoiser.js';

/** A stand-in network: logits for each k-mer from a function of its one-hot input. */
function fakeModel(logits: (onehot: Float32Array, k: number) => Float32Array): LoadedModel & { kmers: number } {
  const model = {
    inputName: 'kmers',
    outputName: 'logits',
    kmers: 0,
    async run(input: Tensor): Promise<Tensor> {
      const [n, k] = input.dims as [number, number, number];
      const out = new Float32Array(n * k * 4);
      for (let j = 0; j < n; j++) out.set(logits(input.data.subarray(j * k * 4, (j + 1) * k * 4), k), j * k * 4);
      model.kmers += n;
      return { data: out, dims: [n, k, 4] };
    },
    async release() {},
  };
  return model;
}

const identity = fakeModel((x) => x.map((v) => 5 * v));
/** Always certain the k-mer is all A. */
const allA = fakeModel((_, k) => Float32Array.from({ length: k * 4 }, (_, i) => (i % 4 === 0 ? 5 : 0)));
/** Says "the middle base is T", and echoes the others weakly. */
const middleT = fakeModel((x, k) => {
  const out = x.map((v) => v);
  const m = (k >> 1) * 4;
  out.set([0, 0, 0, 20], m);
  return out;
});

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('KmerDenoiser', () => {
  it('changes nothing where the network gives each k-mer back', async () => {
    const reads = ['ACGTACGTTGCA', 'ACGTNACGTACG', 'acgtACGTacgt'].map(bytes);
    const { reads: out, changed, kmers } = await new KmerDenoiser(identity, 5).denoise(reads);
    expect(out.map(text)).toEqual(reads.map(text));
    expect(changed).toBe(0);
    expect(kmers).toBe(8 + 3 + 8); // the 5-mers of A, C, G and T only: none spans the N
  });

  it('votes each base by the summed probabilities of the k-mers over it; N, other letters, case and short reads stay', async () => {
    const reads = ['CCCCCCCC', 'CCNCCCCCGG', 'ccCC', 'CCRCCC', 'cgtC'].map(bytes);
    const { reads: out, changed } = await new KmerDenoiser(allA, 4).denoise(reads);
    // every base in a 4-mer of ACGT only becomes A (a lower-case one a); the rest stay
    expect(out.map(text)).toEqual(['AAAAAAAA', 'CCNAAAAAAA', 'aaAA', 'CCRCCC', 'aaaA']);
    expect(changed).toBe(8 + 7 + 4 + 0 + 4); // after the R, three bases make no 4-mer
  });

  it('lets the k-mers over a base outvote each other, and the batch size changes nothing', async () => {
    // The 5-mers of a 9-base read: each says T, certainly, for its middle base, and echoes its
    // other bases weakly (softmax 0.475 for the base given, 0.175 for the others). Bases 2 to 6 are
    // each the middle of one 5-mer; T wins where at most three others echo the base (1 + 3 × 0.175
    // against 3 × 0.475), not at base 4, which all five 5-mers cover.
    const one = await new KmerDenoiser(middleT, 5).denoise([bytes('GGGGAGGGG')]);
    expect(text(one.reads[0]!)).toBe('GGTTATTGG');
    const reads = Array.from({ length: 50 }, (_, i) => bytes('ACGTTGCAAC'.repeat(3).slice(i % 7, 20 + (i % 11))));
    const big = await new KmerDenoiser(middleT, 5, 4096).denoise(reads);
    const small = await new KmerDenoiser(middleT, 5, 3).denoise(reads);
    expect(small.reads.map(text)).toEqual(big.reads.map(text));
    expect(small.changed).toBe(big.changed);
    expect(big.changed).toBeGreaterThan(0);
  });

  it('refuses a network whose output has the wrong shape', async () => {
    const wrong = fakeModel((_, k) => new Float32Array(k * 4));
    const bad: LoadedModel = { ...wrong, run: async (input) => ({ data: new Float32Array(8), dims: [input.dims[0]!, 2, 4] }) };
    await expect(new KmerDenoiser(bad, 5).denoise([bytes('ACGTACGT')])).rejects.toThrow(/dims \[4, 2, 4\]/);
  });
});
