/**
 * onnxruntime-node is optional: where it cannot be installed or loaded, the encoder of the neural
 * codecs runs on WASM, with one line on stderr.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nativeRuntime } from '../src/neural.js';

afterEach(() => vi.restoreAllMocks());

describe('the native encoder runtime', () => {
  it('falls back to WASM with one line when onnxruntime-node does not load', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const runtime = await nativeRuntime('cpu', 'the encoder', () => Promise.reject(new Error("Cannot find module 'onnxruntime-node'\nRequire stack: …")));
    expect(runtime.describe().engine).toBe('onnxruntime-web');
    expect(stderr).toHaveBeenCalledTimes(1);
    expect(String(stderr.mock.calls[0]![0])).toBe("seqcoder: onnxruntime-node is not available (Cannot find module 'onnxruntime-node'); the encoder runs on WASM\n");
  });

  it('uses onnxruntime-node where it loads', async () => {
    const runtime = await nativeRuntime('cpu', 'the encoder');
    expect(runtime.describe().engine).toBe('onnxruntime-node');
  });
});
