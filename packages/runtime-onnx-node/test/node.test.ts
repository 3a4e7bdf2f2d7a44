import { loadModel } from '@seqcoder/models';
import { runBatched } from '@seqcoder/runtime';
import { OnnxWebRuntime } from '@seqcoder/runtime-onnx-web';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OnnxNodeRuntime } from '../src/index.js';

const windows = 8;
const input = { data: Float32Array.from({ length: windows * 1280 }, (_, i) => ((i * 7919) % 4) / 4), dims: [windows, 1, 1280] };

describe('OnnxNodeRuntime', () => {
  // First: onnxruntime's log level is fixed by the first session of the process, and the adapter
  // lowers it for CUDA so that its multi-line error does not precede our one-line message.
  it('falls back to the CPU with a message when CUDA cannot load', async () => {
    const notices: string[] = [];
    const runtime = new OnnxNodeRuntime({ device: 'cuda', onNotice: (m) => notices.push(m) });
    const encoder = await runtime.load((await loadModel()).encoder);
    const out = await encoder.run({ data: input.data.subarray(0, 1280), dims: [1, 1, 1280] });
    expect(out.dims).toEqual([1, 4, 80]);
    // On a machine with a working GPU the session is created on CUDA and no notice is given.
    if (runtime.describe().device === 'cpu') expect(notices.join('\n')).toMatch(/CUDA is not available.*CPU/);
    else expect(notices).toEqual([]);
  });

  it('runs the encoder on the CPU, close to (not necessarily equal to) the WASM result', async () => {
    const { encoder } = await loadModel();
    const native = await new OnnxNodeRuntime().load(encoder);
    const wasm = await new OnnxWebRuntime().load(encoder);
    const a = await runBatched(native, input, windows);
    const b = await runBatched(wasm, input, windows);
    expect(a.dims).toEqual([windows, 4, 80]);
    let diff = 0;
    for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i]! - b.data[i]!));
    expect(diff).toBeLessThan(1e-3);
    expect(new OnnxNodeRuntime().describe()).toMatchObject({ engine: 'onnxruntime-node', device: 'cpu', deterministic: false });
  });

  it('prints nothing of onnxruntime itself when CUDA cannot load (only our one-line notice)', () => {
    // In a fresh process, as the CLI runs it: onnxruntime's native logger writes to stderr directly.
    const script = `
      import { loadModel } from '@seqcoder/models';
      import { OnnxNodeRuntime } from ${JSON.stringify(pathToFileURL(join(__dirname, '..', 'dist', 'index.js')).href)};
      const { encoder } = await loadModel();
      await new OnnxNodeRuntime({ device: 'cuda', onNotice: () => {} }).load(encoder);
      await new OnnxNodeRuntime().load(encoder);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('reports a graph it cannot load as a typed error', async () => {
    await expect(new OnnxNodeRuntime().load(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'LOAD_FAILED' });
  });
});
