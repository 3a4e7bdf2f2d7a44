/**
 * `@seqcoder/runtime` on onnxruntime-node: native CPU (MLAS), or CUDA where a GPU and its libraries
 * are present. Faster than WASM for large batches, but its outputs differ from WASM's in the last
 * bits and even between batch sizes, so SeqCoder uses it only for what is stored (the encoder's
 * latents), never for what the decoder must reproduce.
 */
import * as ort from 'onnxruntime-node';
import { RUNTIME_CONTRACT_VERSION, RuntimeError, modelFromSession, type LoadedModel, type ModelRuntime, type RuntimeDescription } from '@seqcoder/runtime';

export interface OnnxNodeOptions {
  /** `cpu` (default) or `cuda`. CUDA that cannot load falls back to CPU, reported through `onNotice`. */
  device?: 'cpu' | 'cuda';
  /** Intra-op threads; default 1 (SeqCoder reports one-core figures). */
  threads?: number;
  /** Where messages such as a CUDA fallback go; default stderr. */
  onNotice?: (message: string) => void;
}

export class OnnxNodeRuntime implements ModelRuntime {
  readonly contractVersion = RUNTIME_CONTRACT_VERSION;
  private device: 'cpu' | 'cuda';
  private readonly threads: number;
  private readonly notice: (message: string) => void;

  constructor(options: OnnxNodeOptions = {}) {
    this.device = options.device ?? 'cpu';
    this.threads = options.threads ?? 1;
    this.notice = options.onNotice ?? ((m) => process.stderr.write(`seqcoder: ${m}\n`));
    // Fatal-only logging where CUDA may fail to load: onnxruntime's own multi-line error would
    // otherwise precede our one-line message. It takes effect if no session was created before.
    if (this.device === 'cuda') ort.env.logLevel = 'fatal';
  }

  describe(): RuntimeDescription {
    return { engine: 'onnxruntime-node', version: ort.env.versions.common ?? 'unknown', device: this.device, threads: this.threads, deterministic: false };
  }

  async load(model: Uint8Array): Promise<LoadedModel> {
    const session = await this.createSession(model);
    return modelFromSession(session, (t) => new ort.Tensor('float32', t.data, t.dims), 'onnxruntime-node');
  }

  private async createSession(model: Uint8Array): Promise<ort.InferenceSession> {
    const options = (device: 'cpu' | 'cuda'): ort.InferenceSession.SessionOptions => ({
      executionProviders: [device],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
    });
    if (this.device === 'cuda') {
      try {
        return await ort.InferenceSession.create(model, { ...options('cuda'), logSeverityLevel: 4 });
      } catch (e) {
        // Without a GPU (or its libraries) onnxruntime-node throws rather than falling back.
        this.notice(`CUDA is not available (${firstLine(e)}); running on the CPU`);
        this.device = 'cpu';
      }
    }
    try {
      return await ort.InferenceSession.create(model, options('cpu'));
    } catch (e) {
      throw new RuntimeError('LOAD_FAILED', `onnxruntime-node could not load the model: ${firstLine(e)}`, { cause: e });
    }
  }
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0]!;
}
