/**
 * The neural codecs (`seqcoder-classic`, `seqcoder`) in the CLI. They are registered once for
 * reading and for writing with the defaults: both networks on the canonical WASM runtime, so files
 * decode the same everywhere. `--runtime onnx` / `--device cuda` only move the encoder network
 * (whose output is stored, not recomputed): compress then writes with codecs made for those
 * settings, passed to the format as arguments. Engines load on first use: cm and pack never pay.
 */
import type { SequenceCodec } from '@seqcoder/format';
import { createNeuralCodecs, registerNeuralCodecs } from '@seqcoder/neural';
import { zstdCompress } from './zstd.js';

export interface RuntimeFlags {
  /** `wasm` (default: the same engine as every reader, files identical on every machine) or `onnx` (native). */
  runtime?: 'wasm' | 'onnx';
  /** For `onnx`: `cpu` (default) or `cuda`, which falls back to the CPU with a message. */
  device?: 'cpu' | 'cuda';
}

const registered = registerNeuralCodecs({ zstd: zstdCompress });

/** The codec `compress` writes with: the name as given, or a neural codec whose encoder runs where the flags say. */
export function writingCodec(name: string, flags: RuntimeFlags): string | SequenceCodec {
  const device = flags.device ?? 'cpu';
  const runtime = device === 'cuda' ? 'onnx' : (flags.runtime ?? 'wasm');
  const neural = [registered.classic, registered.guided].some((c) => c.name === name);
  if (runtime === 'wasm' || !neural) return name;
  const codecs = createNeuralCodecs({
    zstd: zstdCompress,
    encoderRuntime: async () => {
      const { OnnxNodeRuntime } = await import('@seqcoder/runtime-onnx-node');
      return new OnnxNodeRuntime({ device });
    },
  });
  return [codecs.classic, codecs.guided].find((c) => c.name === name)!;
}
