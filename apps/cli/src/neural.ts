/**
 * The neural codecs (`seqcoder-classic`, `seqcoder`, `deepgeco`) in the CLI. They are registered
 * once for reading and for writing with the defaults: the networks on the canonical WASM runtime,
 * so files decode the same everywhere. `--runtime onnx` / `--device cuda` only move the autoencoder
 * codecs' encoder network (whose output is stored, not recomputed): compress then writes with
 * codecs made for those settings, passed to the format as arguments.
 *
 * What is registered are stand-ins (`@seqcoder/neural/deferred`): the package's code is imported
 * when a neural codec first encodes or decodes, so cm, ref and pack, and commands that code
 * nothing, never load it (13 ms of every command's start). Engines load on first use too.
 */
import { registerCodec, type SequenceCodec } from '@seqcoder/format';
import type { ModelRuntime } from '@seqcoder/runtime';
import { deferNeuralCodecs, type NeuralCodecs } from '@seqcoder/neural/deferred';
import { log } from './shared.js';
import { zstdCompress } from './zstd.js';

/** The package's main entry, imported on first use. */
export const neuralPackage = () => import('@seqcoder/neural');

const registered: NeuralCodecs = deferNeuralCodecs(async () => (await neuralPackage()).createNeuralCodecs({ zstd: zstdCompress }));
for (const codec of Object.values(registered)) registerCodec(codec);

/** Whether `name` is one of the neural codecs (whose networks run on WebAssembly). */
export function isNeuralCodec(name: string | undefined): boolean {
  return Object.values(registered).some((c) => c.name === name);
}

export interface RuntimeFlags {
  /** `wasm` (default: the same engine as every reader, files identical on every machine) or `onnx` (native). */
  runtime?: 'wasm' | 'onnx';
  /** For `onnx`: `cpu` (default) or `cuda`, which falls back to the CPU with a message. */
  device?: 'cpu' | 'cuda';
}

/** The codec `compress` writes with: the name as given, or a neural codec whose encoder runs where the flags say. */
export function writingCodec(name: string, flags: RuntimeFlags): string | SequenceCodec {
  if (name === registered.deepgeco.name && native(flags)) {
    log('seqcoder: deepgeco\'s networks steer the coder at both ends, so they always run on its own deterministic kernels (wasm); --runtime and --device do not apply');
  }
  const neural = [registered.classic, registered.guided].some((c) => c.name === name);
  if (!native(flags) || !neural) return name;
  const codecs = deferNeuralCodecs(async () =>
    (await neuralPackage()).createNeuralCodecs({ zstd: zstdCompress, encoderRuntime: () => runtimeFor(flags, 'the encoder') }),
  );
  return [codecs.classic, codecs.guided].find((c) => c.name === name)!;
}

/** Whether the flags ask for the native runtime: `--runtime onnx`, or `--device cuda`, which implies it. */
function native(flags: RuntimeFlags): boolean {
  return flags.device === 'cuda' || flags.runtime === 'onnx';
}

/** The runtime a network runs on as the flags say: WASM by default, else onnxruntime-node (see nativeRuntime). */
export async function runtimeFor(flags: RuntimeFlags, network: string): Promise<ModelRuntime> {
  return native(flags) ? nativeRuntime(flags.device ?? 'cpu', network) : (await neuralPackage()).wasmRuntime();
}

/**
 * onnxruntime-node for a network (the codecs' encoder, the k-mer denoiser), an optional
 * dependency: where it is not installed or does not load (its install script downloads files that
 * some machines cannot reach), the network runs on WASM instead, with one line saying so. A file
 * written either way is valid, and the denoiser's output the same.
 */
export async function nativeRuntime(
  device: 'cpu' | 'cuda',
  network: string,
  load: () => Promise<{ OnnxNodeRuntime: new (options: { device: 'cpu' | 'cuda' }) => ModelRuntime }> = () => import('@seqcoder/runtime-onnx-node'),
): Promise<ModelRuntime> {
  let adapter: Awaited<ReturnType<typeof load>>;
  try {
    adapter = await load();
  } catch (e) {
    log(`seqcoder: onnxruntime-node is not available (${(e as Error).message.split('\n', 1)[0]}); ${network} runs on WASM`);
    return (await neuralPackage()).wasmRuntime();
  }
  return new adapter.OnnxNodeRuntime({ device });
}
