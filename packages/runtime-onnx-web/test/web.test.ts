import { loadModel } from '@seqcoder/models';
import { RuntimeError, runBatched } from '@seqcoder/runtime';
import { describe, expect, it } from 'vitest';
import { ONNXRUNTIME_WEB_VERSION, OnnxWebRuntime } from '../src/index.js';

/** Latents for `windows` windows: a fixed pattern, the same on every run. */
function latents(windows: number): Float32Array {
  return Float32Array.from({ length: windows * 4 * 80 }, (_, i) => Math.fround(Math.sin(i * 0.37) * 3));
}

const bits = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('OnnxWebRuntime', () => {
  it('describes itself as the deterministic WASM runtime, at the pinned version', () => {
    const d = new OnnxWebRuntime().describe();
    expect(d).toMatchObject({ engine: 'onnxruntime-web', device: 'wasm', threads: 1, deterministic: true });
    expect(d.version).toBe(ONNXRUNTIME_WEB_VERSION);
  });

  it('gives the decoder reconstruction bit-identical for batch sizes 1, 7 and 64', async () => {
    const decoder = await new OnnxWebRuntime().load((await loadModel()).decoder);
    const input = { data: latents(64), dims: [64, 4, 80] };
    const whole = await runBatched(decoder, input, 64);
    expect(whole.dims).toEqual([64, 1, 1280]);
    for (const batch of [1, 7]) {
      const split = await runBatched(decoder, input, batch);
      expect(Buffer.compare(bits(split.data), bits(whole.data))).toBe(0);
    }
    await decoder.release();
  }, 60_000);

  it('reports a graph it cannot load, and an input of the wrong shape, as typed errors', async () => {
    const runtime = new OnnxWebRuntime();
    await expect(runtime.load(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'LOAD_FAILED' });
    const decoder = await runtime.load((await loadModel()).decoder);
    await expect(decoder.run({ data: new Float32Array(3 * 80), dims: [1, 3, 80] })).rejects.toBeInstanceOf(RuntimeError);
  });
});
