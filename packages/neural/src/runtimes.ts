/**
 * The default wiring of the neural codecs to an engine: the WASM adapter of the runtime contract,
 * deterministic on every machine. The only file of this package that names an adapter; everything
 * else runs networks through `@seqcoder/runtime`'s contract, so a program may pass other runtimes.
 */
import type { RuntimeFactory } from './engine.js';

/** The WASM adapter, loaded on first use: reading or writing cm and pack files never pays for it. */
export const wasmRuntime: RuntimeFactory = async () => {
  const { OnnxWebRuntime } = await import('@seqcoder/runtime-onnx-web');
  return new OnnxWebRuntime();
};
