/**
 * `@seqcoder/runtime` on onnxruntime-web's WASM backend: SeqCoder's canonical runtime.
 *
 * WASM arithmetic is specified to the bit, and with one thread this engine gave bit-identical
 * outputs for every batch size, on Node 20, 22 and 24 (measured; see ../../docs/adr/0008). So the
 * decoder network, whose output steers the residual, runs here at both ends. The version is exact in
 * package.json and recorded in every file that depends on it.
 */
import * as ort from 'onnxruntime-web';
import { RUNTIME_CONTRACT_VERSION, RuntimeError, modelFromSession, type LoadedModel, type ModelRuntime, type RuntimeDescription } from '@seqcoder/runtime';

/** The engine version this adapter was built and tested against (package.json pins it exactly). */
export const ONNXRUNTIME_WEB_VERSION = '1.30.0';

export class OnnxWebRuntime implements ModelRuntime {
  readonly contractVersion = RUNTIME_CONTRACT_VERSION;

  constructor() {
    // One thread: no worker threads to start, and the path on which determinism was measured.
    ort.env.wasm.numThreads = 1;
  }

  describe(): RuntimeDescription {
    return { engine: 'onnxruntime-web', version: ort.env.versions.web ?? ONNXRUNTIME_WEB_VERSION, device: 'wasm', threads: 1, deterministic: true };
  }

  async load(model: Uint8Array): Promise<LoadedModel> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    } catch (e) {
      throw new RuntimeError('LOAD_FAILED', `onnxruntime-web could not load the model: ${(e as Error).message}`, { cause: e });
    }
    return modelFromSession(session, (t) => new ort.Tensor('float32', t.data, t.dims), 'onnxruntime-web');
  }
}
