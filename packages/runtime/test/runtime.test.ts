import { describe, expect, it } from 'vitest';
import { RUNTIME_CONTRACT_VERSION, RuntimeError, checkContract, modelFromSession, runBatched, type LoadedModel, type ModelRuntime, type Tensor } from '../src/index.js';

/** A model that doubles every value and records the batch sizes it was given. */
function doubling(): LoadedModel & { batches: number[] } {
  const batches: number[] = [];
  return {
    inputName: 'x',
    outputName: 'y',
    batches,
    run: async (input: Tensor) => {
      batches.push(input.dims[0]!);
      return { data: input.data.map((v) => v * 2), dims: input.dims };
    },
    release: async () => {},
  };
}

describe('runBatched', () => {
  it('splits the first axis into batches and joins the outputs in order', async () => {
    const model = doubling();
    const data = Float32Array.from({ length: 7 * 3 }, (_, i) => i);
    const out = await runBatched(model, { data, dims: [7, 3] }, 3);
    expect(model.batches).toEqual([3, 3, 1]);
    expect(out.dims).toEqual([7, 3]);
    expect(Array.from(out.data)).toEqual(Array.from(data, (v) => v * 2));
  });

  it('refuses shapes that do not add up', async () => {
    const model = doubling();
    await expect(runBatched(model, { data: new Float32Array(5), dims: [2, 3] }, 1)).rejects.toMatchObject({ code: 'BAD_SHAPE' });
    await expect(runBatched(model, { data: new Float32Array(6), dims: [2, 3] }, 0)).rejects.toBeInstanceOf(RuntimeError);
    await expect(runBatched(model, { data: new Float32Array(6), dims: [6] }, 2)).rejects.toMatchObject({ code: 'BAD_SHAPE' });
  });

  it('catches a model that returns the wrong number of items', async () => {
    const broken: LoadedModel = { ...doubling(), run: async (input) => ({ data: input.data, dims: [1, ...input.dims.slice(1)] }) };
    await expect(runBatched(broken, { data: new Float32Array(6), dims: [2, 3] }, 2)).rejects.toMatchObject({ code: 'BAD_SHAPE' });
  });
});

describe('checkContract', () => {
  const runtime = (contractVersion: number): ModelRuntime => ({
    contractVersion,
    describe: () => ({ engine: 'test', version: '0', device: 'cpu', threads: 1, deterministic: false }),
    load: async () => doubling(),
  });
  it('accepts the current version and refuses any other', () => {
    expect(checkContract(runtime(RUNTIME_CONTRACT_VERSION)).contractVersion).toBe(RUNTIME_CONTRACT_VERSION);
    expect(() => checkContract(runtime(RUNTIME_CONTRACT_VERSION + 1))).toThrow(/contract/);
  });
});

describe('modelFromSession', () => {
  it('feeds the first input, returns the first output, disposes it, and types engine failures', async () => {
    let disposed = 0;
    const session = {
      inputNames: ['latents'],
      outputNames: ['reconstruction', 'other'],
      run: async (feeds: Record<string, unknown>) => {
        const t = feeds.latents as { data: Float32Array; dims: number[] };
        if (t.dims[1] !== 2) throw new Error('bad shape');
        return { reconstruction: { data: t.data.map((v) => v + 1), dims: t.dims, dispose: () => void disposed++ } };
      },
      release: async () => {},
    };
    const model = modelFromSession(session, (t) => ({ data: t.data, dims: [...t.dims] }), 'test-engine');
    expect([model.inputName, model.outputName]).toEqual(['latents', 'reconstruction']);
    const out = await model.run({ data: Float32Array.of(1, 2), dims: [1, 2] });
    expect(Array.from(out.data)).toEqual([2, 3]);
    expect(disposed).toBe(1);
    await expect(model.run({ data: Float32Array.of(1), dims: [1, 1] })).rejects.toMatchObject({ code: 'RUN_FAILED', message: 'test-engine: bad shape' });
  });
});
