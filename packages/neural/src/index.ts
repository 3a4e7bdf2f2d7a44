/**
 * @seqcoder/neural — the codecs SeqCoder is named after: a convolutional autoencoder with
 * self-attention turns each 1280-base window into 4 × 80 latents; what its reconstruction gets
 * wrong is stored as a residual.
 *
 * The plain reader (@seqcoder/format) does not ship a network runtime; a program that reads or
 * writes these codecs calls registerNeuralCodecs() once.
 */
import { registerCodec } from '@seqcoder/format';
import { createNeuralCodecs, type NeuralCodecOptions, type NeuralCodecs } from './codecs.js';

export { createNeuralCodecs, type NeuralCodecOptions, type NeuralCodecs, type NeuralRecordReport } from './codecs.js';
export { createEngine, BATCH_WINDOWS, type Engine, type EngineOptions, type EngineRuntimes, type RuntimeFactory } from './engine.js';
export { wasmRuntime } from './runtimes.js';
export { KmerDenoiser, DENOISE_BATCH_KMERS, type DenoiseResult } from './denoiser.js';
export { GenomeGenerator, GENERATE_BATCH_CHUNKS, Random, type GeneratorShape } from './generator.js';
export { exp } from './exact.js';
export { createDeepGeCoCodec, DEEPGECO_MODES, type DeepGeCoOptions } from './deepgeco/codec.js';
export { DEEPGECO_CODEC_ID } from './codec-info.js';
export { compileDeepGeCoKernels } from './deepgeco/kernels.js';
export { ModelUnavailableError, ReconstructionMismatchError, type NeuralErrorCode } from './errors.js';
export { CHECK_GROUP_WINDOWS, reconstructionChecksums } from './payload.js';
export { toWindows, toSymbols, TO_PAPER, FROM_PAPER } from './windows.js';

let registered: NeuralCodecs | undefined;

/**
 * Registers `seqcoder-classic`, `seqcoder` and `deepgeco` with @seqcoder/format, once per process: the options
 * of the first call win (a second call with other options is refused, rather than silently ignored).
 */
export function registerNeuralCodecs(options: NeuralCodecOptions = {}): NeuralCodecs {
  if (registered) {
    if (Object.keys(options).length > 0) throw new Error('registerNeuralCodecs() was already called; its options are fixed');
    return registered;
  }
  registered = createNeuralCodecs(options);
  registerCodec(registered.classic);
  registerCodec(registered.guided);
  registerCodec(registered.deepgeco);
  return registered;
}
