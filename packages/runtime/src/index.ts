/**
 * The runtime contract: the one small interface through which SeqCoder runs a network, so that the
 * codecs do not know which engine runs it. An adapter package implements it on one engine
 * (`@seqcoder/runtime-onnx-web`: WASM, deterministic; `@seqcoder/runtime-onnx-node`: native CPU or
 * CUDA, faster, not bit-reproducible across machines or batch sizes).
 *
 * Versioned: an adapter states the contract version it implements, and `checkContract` refuses a
 * mismatch instead of calling methods that may have changed meaning.
 */

import { SeqCoderError } from '@seqcoder/errors';

/** Bumped whenever a method's meaning changes. */
export const RUNTIME_CONTRACT_VERSION = 1;

/** A dense float32 tensor, row-major. */
export interface Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

export interface RuntimeDescription {
  /** The engine's package, e.g. `onnxruntime-web`. */
  readonly engine: string;
  /** Its exact version; recorded in files whose decoding depends on it. */
  readonly version: string;
  /** Where the arithmetic runs: `wasm`, `cpu` or `cuda`. */
  readonly device: 'wasm' | 'cpu' | 'cuda';
  /** Threads used for one run. */
  readonly threads: number;
  /**
   * True when outputs are bit-identical for any batch size, thread count and machine: only such a
   * runtime may compute anything the entropy decoder depends on.
   */
  readonly deterministic: boolean;
}

/** A network loaded into a runtime: one float input, one float output, batch on the first axis. */
export interface LoadedModel {
  readonly inputName: string;
  readonly outputName: string;
  /** Runs one batch. The output's first dimension equals the input's. */
  run(input: Tensor): Promise<Tensor>;
  /** Frees the engine's memory for this model. */
  release(): Promise<void>;
}

export interface ModelRuntime {
  readonly contractVersion: number;
  describe(): RuntimeDescription;
  /** Loads an ONNX graph from its bytes. */
  load(model: Uint8Array): Promise<LoadedModel>;
}

export type RuntimeErrorCode = 'CONTRACT_MISMATCH' | 'LOAD_FAILED' | 'RUN_FAILED' | 'BAD_SHAPE';

/** Every failure of a runtime or adapter, with a stable code (test with `isSeqCoderError(e, code)`). */
export class RuntimeError extends SeqCoderError<RuntimeErrorCode> {
  constructor(code: RuntimeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, undefined, options);
  }
}

/** Throws CONTRACT_MISMATCH unless `runtime` implements this version of the contract. */
export function checkContract(runtime: ModelRuntime): ModelRuntime {
  if (runtime.contractVersion !== RUNTIME_CONTRACT_VERSION) {
    throw new RuntimeError(
      'CONTRACT_MISMATCH',
      `runtime ${runtime.describe().engine} implements contract ${runtime.contractVersion}, this build needs ${RUNTIME_CONTRACT_VERSION}`,
    );
  }
  return runtime;
}

/** What adapters need of an onnxruntime session (the web and node packages have the same shape). */
export interface OrtLikeSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: unknown; dims: readonly number[]; dispose?(): void }>>;
  release(): Promise<void>;
}

/**
 * A LoadedModel over an onnxruntime session: one float input, one float output. `tensor` builds the
 * engine's own tensor type; errors become RUN_FAILED naming `engine`.
 */
export function modelFromSession(session: OrtLikeSession, tensor: (input: Tensor) => unknown, engine: string): LoadedModel {
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    inputName,
    outputName,
    async run(input: Tensor): Promise<Tensor> {
      try {
        const output = (await session.run({ [inputName]: tensor(input) }))[outputName]!;
        const result = { data: output.data as Float32Array, dims: output.dims };
        output.dispose?.();
        return result;
      } catch (e) {
        throw new RuntimeError('RUN_FAILED', `${engine}: ${(e as Error).message}`, { cause: e });
      }
    },
    release: () => session.release(),
  };
}

/**
 * Runs `input` (first axis = items) through `model` in batches of at most `batchSize` items and
 * joins the outputs, so that callers choose memory and speed without changing results on a
 * deterministic runtime.
 */
export async function runBatched(model: LoadedModel, input: Tensor, batchSize: number): Promise<Tensor> {
  const [items, ...rest] = input.dims;
  if (items === undefined || rest.length === 0) throw new RuntimeError('BAD_SHAPE', `input dims ${JSON.stringify(input.dims)} have no batch axis`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RuntimeError('BAD_SHAPE', `batch size ${batchSize} is not a positive integer`);
  const inSize = rest.reduce((a, b) => a * b, 1);
  if (input.data.length !== items * inSize) throw new RuntimeError('BAD_SHAPE', `input holds ${input.data.length} values, dims say ${items * inSize}`);
  let out: Float32Array | null = null;
  let outDims: number[] = [];
  let outSize = 0;
  for (let first = 0; first < items; first += batchSize) {
    const n = Math.min(batchSize, items - first);
    const result = await model.run({ data: input.data.subarray(first * inSize, (first + n) * inSize), dims: [n, ...rest] });
    if (result.dims[0] !== n) throw new RuntimeError('BAD_SHAPE', `a batch of ${n} gave ${result.dims[0]} outputs`);
    if (!out) {
      outSize = result.data.length / n;
      outDims = [items, ...result.dims.slice(1)];
      out = new Float32Array(items * outSize);
    }
    out.set(result.data, first * outSize);
  }
  return { data: out ?? new Float32Array(0), dims: out ? outDims : [0] };
}
