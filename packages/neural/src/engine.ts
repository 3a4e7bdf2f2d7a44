/**
 * The network half of the neural codecs: latents from bases (encoder, any runtime), and the
 * reconstruction from latents (decoder, always the canonical WASM runtime, at both ends).
 */
import { loadModel, modelByDecoderHash, type LoadedModelFiles } from '@seqcoder/models';
import { dequantise, quantise, type Quantised } from '@seqcoder/quantiser';
import { checkContract, runBatched, RuntimeError, type LoadedModel, type ModelRuntime, type RuntimeDescription } from '@seqcoder/runtime';
import { toSymbols, toWindows, windowCount } from './windows.js';

/**
 * Windows per network run. The batch size does not change a WASM result (tested); one to four
 * windows per run were fastest on WASM (ADR 0008).
 */
export const BATCH_WINDOWS = 4;

/** Makes a runtime (an adapter of `@seqcoder/runtime`'s contract), on first use. */
export type RuntimeFactory = () => ModelRuntime | Promise<ModelRuntime>;

export interface EngineOptions {
  /**
   * Runs the decoder, at compression and at decompression: must describe itself as deterministic
   * (bit-identical on every machine), since the entropy decoder depends on its output. Default
   * (given by createNeuralCodecs): the WASM adapter, `wasmRuntime`.
   */
  canonicalRuntime?: RuntimeFactory;
  /** Runs the encoder. Default: the canonical runtime. Any runtime may: its output is stored, not recomputed. */
  encoderRuntime?: RuntimeFactory;
  /** The model to write new files with; default `DEFAULT_MODEL` of @seqcoder/models (`seqcoder-p4k1280-s22k`). */
  model?: string;
}

export interface Engine {
  readonly model: LoadedModelFiles;
  readonly decoderRuntime: RuntimeDescription;
  /** Latents of `symbols`, quantised: channels P, length K/16, one block per window. */
  latents(symbols: Uint8Array): Promise<Quantised>;
  /** The decoder's guess of each of `count` bases (our symbols 0..3), on the canonical runtime. */
  reconstruct(latents: Quantised, count: number): Promise<Uint8Array>;
}

/** The runtimes an engine uses: the canonical one is not optional here (codecs.ts gives the default). */
export type EngineRuntimes = Omit<EngineOptions, 'canonicalRuntime'> & { canonicalRuntime: RuntimeFactory };

/**
 * The runtime `factory` makes, for a network whose output steers an entropy coder (`network` names
 * it in the error): refused unless it describes itself as deterministic.
 */
export async function deterministicRuntime(factory: RuntimeFactory, network: string): Promise<ModelRuntime> {
  const runtime = checkContract(await factory());
  if (!runtime.describe().deterministic) {
    throw new RuntimeError('CONTRACT_MISMATCH', `${runtime.describe().engine} is not deterministic: it cannot run ${network}`);
  }
  return runtime;
}

/**
 * Builds an engine for a model; the encoder graph is only loaded when latents are first asked for.
 * The engine knows runtimes only through the contract of `@seqcoder/runtime`.
 */
export async function createEngine(model: LoadedModelFiles, options: EngineRuntimes): Promise<Engine> {
  const canonical = options.canonicalRuntime;
  const decoderRuntime = await deterministicRuntime(canonical, 'the decoder network');
  const decoder = await decoderRuntime.load(model.decoder);
  let encoder: Promise<LoadedModel> | undefined;
  const encoderModel = (): Promise<LoadedModel> =>
    (encoder ??= (async () => {
      const runtime = checkContract(await (options.encoderRuntime ?? canonical)());
      return runtime.load(model.encoder);
    })());
  const { K, P } = model;
  const L = K / 16;
  return {
    model,
    decoderRuntime: decoderRuntime.describe(),
    async latents(symbols) {
      // Window by window batches, so memory stays near the record's own size (4 bytes of floats per
      // base only for one batch at a time).
      const windows = windowCount(symbols.length, K);
      const latents = new Float32Array(windows * P * L);
      const net = windows > 0 ? await encoderModel() : undefined;
      for (let w = 0; w < windows; w += BATCH_WINDOWS) {
        const n = Math.min(BATCH_WINDOWS, windows - w);
        const input = toWindows(symbols.subarray(w * K, (w + n) * K), K);
        const out = await runBatched(net!, { data: input, dims: [n, 1, K] }, BATCH_WINDOWS);
        latents.set(out.data, w * P * L);
      }
      return quantise(latents, P, L);
    },
    async reconstruct(latents, count) {
      const windows = windowCount(count, K);
      const values = dequantise(latents);
      const symbols = new Uint8Array(count);
      for (let w = 0; w < windows; w += BATCH_WINDOWS) {
        const n = Math.min(BATCH_WINDOWS, windows - w);
        const out = await runBatched(decoder, { data: values.subarray(w * P * L, (w + n) * P * L), dims: [n, P, L] }, BATCH_WINDOWS);
        symbols.set(toSymbols(out.data, Math.min(n * K, count - w * K)), w * K);
      }
      return symbols;
    },
  };
}

/**
 * Engines by decoder hash, so that a set of codecs loads and compiles each model once. Each set of
 * codecs has its own (its encoder runtime may differ from another set's).
 */
export function engineCache(options: EngineRuntimes): (decoderSha256: string) => Promise<Engine> | undefined {
  const engines = new Map<string, Promise<Engine>>();
  return (decoderSha256) => {
    const info = modelByDecoderHash(decoderSha256);
    if (!info) return undefined;
    let engine = engines.get(decoderSha256);
    if (!engine) {
      engine = loadModel(info.name).then((files) => createEngine(files, options));
      engine.catch(() => engines.delete(decoderSha256));
      engines.set(decoderSha256, engine);
    }
    return engine;
  };
}
