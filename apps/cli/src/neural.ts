/**
 * The neural codecs (`seqcoder-classic`, `seqcoder`) in the CLI. The encoder network runs on the
 * runtime chosen by --runtime/--device; the decoder network always runs on the canonical WASM
 * runtime, at compression and at decompression, so files decode the same everywhere. Engines load
 * on first use: cm and pack never pay for them.
 */
import type { ModelRuntime } from '@seqcoder/runtime';
import { registerNeuralCodecs } from '@seqcoder/neural';
import { zstdCompress } from './zstd.js';

export interface NeuralSettings {
  /** `wasm` (default: the same engine as every reader, files identical on every machine) or `onnx` (native). */
  runtime: 'wasm' | 'onnx';
  /** For `onnx`: `cpu` (default) or `cuda`, which falls back to the CPU with a message. */
  device: 'cpu' | 'cuda';
}

export const neuralSettings: NeuralSettings = { runtime: 'wasm', device: 'cpu' };

async function encoderRuntime(): Promise<ModelRuntime> {
  if (neuralSettings.runtime === 'onnx') {
    const { OnnxNodeRuntime } = await import('@seqcoder/runtime-onnx-node');
    return new OnnxNodeRuntime({ device: neuralSettings.device });
  }
  const { OnnxWebRuntime } = await import('@seqcoder/runtime-onnx-web');
  return new OnnxWebRuntime();
}

registerNeuralCodecs({ zstd: zstdCompress, encoderRuntime });
