/**
 * The `deepgeco` codec (id 6): DeepGeCo (AAAI 2025), a learned DNA compressor, built on our layers.
 * The bases become (s, k)-mer tokens (tokens.ts); a network predicts each token from the tokens
 * before it, and the binary arithmetic coder codes it with that prediction (coding.ts).
 *
 * Modes (`--level`):
 * - 1 = MINI, the paper's static mode: the frozen Warm-Start model alone, trained beforehand on
 *   other genomes (training/deepgeco_warmstart.py, `@seqcoder/models`).
 * - 2 = PLUS, the adaptive mode: the Supporter (supporter.ts), a transformer that learns the record
 *   while it is coded, mixed with the Warm-Start by the paper's equations 2 and 3 (mixer.ts) over
 *   the first steps; after those, the Supporter alone.
 * - ULTRA (3), which fine-tunes the Warm-Start on the record first, is not built yet.
 *
 * Payload:
 *
 * | offset | size | field                                                                 |
 * |--------|------|-----------------------------------------------------------------------|
 * | 0      | 1    | mode: 1 = MINI, 2 = PLUS                                              |
 * | 1      | 1    | s, the stride of the tokens (this version: s = k)                     |
 * | 2      | 1    | k, bases per token (the Warm-Start model's)                           |
 * | 3      | 2    | streams (u16 LE), 1..320: the tokens cut into this many parallel runs  |
 * | 5      | 32   | SHA-256 of the Warm-Start graph (`warmstart.onnx`)                    |
 * | 37     | 4    | CRC32C of the bases (one byte each, 0..3), u32 LE                     |
 * | 41     | 1    | PLUS only: the Supporter preset (mixer.ts: its shape, step size, seed, |
 * |        |      | and the mixer's ts and δ)                                               |
 * | 41/42  | rest | the arithmetic-coded tokens, step by step across the streams, then    |
 * |        |      | the remainder bases at 1/2 each bit; ends with the coder's 4-byte flush |
 *
 * The network runs on the canonical runtime (WASM) at both ends with the same batches (one per
 * step, every stream that has a token there), so the decoder sees the encoder's logits to the
 * bit. The CRC32C is checked before any base is returned: a runtime that computed other numbers
 * ends in RECONSTRUCTION_MISMATCH, never in wrong bases.
 */
import { CorruptError, crc32c, cmStreamError, InvalidArgumentError, type SequenceCodec } from '@seqcoder/format';
import { DEFAULT_WARM_START, loadWarmStart, warmStartByHash, warmStartInfo, type WarmStartInfo } from '@seqcoder/models';
import { BinaryDecoder, BinaryEncoder } from '@seqcoder/residual';
import type { LoadedModel } from '@seqcoder/runtime';
import { deterministicRuntime, type RuntimeFactory } from '../engine.js';
import { asUnavailable, ModelUnavailableError, ReconstructionMismatchError } from '../errors.js';
import { fromHex, hex } from '../payload.js';
import { cumulativeWeights, decodeToken, encodeToken, softmax } from './coding.js';
import { DEFAULT_PRESET, PlusMixer, SUPPORTER_PRESETS } from './mixer.js';
import { chooseStreams, contexts, fromTokens, MAX_STREAMS, streamLayout, toTokens } from './tokens.js';

export const DEEPGECO_CODEC_ID = 6;
export const DEEPGECO_MODES = { mini: 1, plus: 2 } as const;
/** The head's bytes before the stream: MINI's, and PLUS's (one more: the preset). */
const HEAD_BYTES = 41;
const headBytes = (mode: number) => (mode === DEEPGECO_MODES.plus ? HEAD_BYTES + 1 : HEAD_BYTES);
/** Each coded bit costs at least log2(4096/4095) bits: what bounds the tokens a payload can hold, so that a forged count fails before the network runs. */
const MIN_BITS_PER_CODED_BIT = Math.log2(4096 / 4095);

export interface DeepGeCoOptions {
  /** Runs the Warm-Start model at both ends; must be deterministic. Default: the WASM adapter. */
  canonicalRuntime: RuntimeFactory;
  /** The Warm-Start model new files are written with (default the shipped one). */
  warmStart?: string;
}

/** A loaded Warm-Start network, by the SHA-256 of its graph. */
interface WarmStart {
  info: WarmStartInfo;
  model: LoadedModel;
}

export function createDeepGeCoCodec(options: DeepGeCoOptions): SequenceCodec {
  const loaded = new Map<string, Promise<WarmStart>>();
  const load = (info: WarmStartInfo): Promise<WarmStart> => {
    let entry = loaded.get(info.sha256);
    if (!entry) {
      entry = (async () => {
        const runtime = await deterministicRuntime(options.canonicalRuntime, 'the Warm-Start network');
        const { graph } = await asUnavailable(loadWarmStart(info.name));
        return { info, model: await runtime.load(graph) };
      })();
      loaded.set(info.sha256, entry);
    }
    return entry;
  };

  return {
    id: DEEPGECO_CODEC_ID,
    name: 'deepgeco',
    description: 'DeepGeCo: networks predict each 3-base token (a research codec: hundreds of times slower than cm, and larger)',
    levels: {
      min: 1,
      max: 2,
      default: 2,
      meaning: 'the DeepGeCo mode: 1 = MINI (the pre-trained Warm-Start model alone), 2 = PLUS (a transformer that learns the record as it is coded, started by the Warm-Start)',
      modelsBases: true,
      roughMBps: [0.03, 0.01],
    },
    sideLevel: () => 19,

    async encode(symbols, level) {
      const { warmStart = DEFAULT_WARM_START } = options;
      const mode = level;
      if (mode !== DEEPGECO_MODES.mini && mode !== DEEPGECO_MODES.plus) throw new InvalidArgumentError(`deepgeco level ${level} is not a mode this version writes (1 = MINI, 2 = PLUS)`);
      const { info, model } = await load(warmStartInfo(warmStart));
      const k = info.k;
      const tokens = toTokens(symbols, k);
      const streams = chooseStreams(tokens.length);
      const coder = new BinaryEncoder(Math.ceil(symbols.length / 4) + 64);
      const predictor = predictorFor(mode, DEFAULT_PRESET, model, info, tokens.length, streams);
      await walk(predictor, info, tokens, streams, (cum, token) => encodeToken(coder, cum, 2 * k, token));
      for (let i = tokens.length * k; i < symbols.length; i++) {
        coder.encode(symbols[i]! >> 1, 2048);
        coder.encode(symbols[i]! & 1, 2048);
      }
      const body = coder.finish();
      const at = headBytes(mode);
      const out = new Uint8Array(at + body.length);
      const view = new DataView(out.buffer);
      out[0] = mode;
      out[1] = k;
      out[2] = k;
      view.setUint16(3, streams, true);
      out.set(fromHex(info.sha256), 5);
      view.setUint32(37, crc32c(symbols), true);
      if (mode === DEEPGECO_MODES.plus) out[HEAD_BYTES] = DEFAULT_PRESET;
      out.set(body, at);
      return out;
    },

    async decode(payload, count, start, end) {
      const head = readHead(payload, count);
      const { info, model } = await load(head.info);
      const k = info.k;
      const tokens = new Uint8Array(Math.floor(count / k));
      const coder = new BinaryDecoder(payload.subarray(headBytes(head.mode)));
      const symbols = new Uint8Array(count);
      const predictor = predictorFor(head.mode, head.preset, model, info, tokens.length, head.streams);
      try {
        await walk(predictor, info, tokens, head.streams, (cum, _token, at) => (tokens[at] = decodeToken(coder, cum, 2 * k)));
        for (let i = tokens.length * k; i < count; i++) symbols[i] = (coder.decode(2048) << 1) | coder.decode(2048);
        coder.finish();
      } catch (e) {
        throw cmStreamError(e);
      }
      fromTokens(tokens, k, symbols);
      if (crc32c(symbols) !== head.crc) {
        throw new ReconstructionMismatchError('the decoded bases differ from what the encoder checksummed: the Warm-Start network computed other numbers here, or the record is damaged');
      }
      return symbols.subarray(start, end);
    },
  };
}

/**
 * What predicts the tokens of one step: `predict` gives the probabilities of each active stream's
 * token (rows of 4^k), `learn` is told the tokens once they are known (PLUS trains on them).
 */
interface StepPredictor {
  predict(input: Float32Array, active: number, step: number): Promise<Float64Array>;
  learn(tokens: Uint8Array, at: (row: number) => number, active: number): void;
}

/** Runs the Warm-Start network on a batch of contexts: logits, rows × 4^k. */
async function warmLogits(model: LoadedModel, info: WarmStartInfo, input: Float32Array, active: number): Promise<Float32Array> {
  const size = 4 ** info.k;
  const { data, dims } = await model.run({ data: input.subarray(0, active * info.context), dims: [active, info.context] });
  if (dims.length !== 2 || dims[0] !== active || dims[1] !== size) {
    throw new RangeError(`the Warm-Start network returned dims [${dims.join(', ')}], expected [${active}, ${size}]`);
  }
  return data;
}

function predictorFor(mode: number, preset: number, model: LoadedModel, info: WarmStartInfo, tokens: number, streams: number): StepPredictor {
  const size = 4 ** info.k;
  const layout = streamLayout(tokens, streams);
  const probabilities = new Float64Array(layout.streams * size);
  const softmaxRows = (logits: ArrayLike<number>, active: number) => {
    for (let j = 0; j < active; j++) softmax(logits, j, size, probabilities);
    return probabilities;
  };
  if (mode === DEEPGECO_MODES.mini) {
    return { predict: async (input, active) => softmaxRows(await warmLogits(model, info, input, active), active), learn: () => {} };
  }
  const mixer = new PlusMixer(SUPPORTER_PRESETS[preset]!, size, layout.streams, layout.length);
  return {
    async predict(input, active, step) {
      const warm = mixer.usesWarmStart(step) ? await warmLogits(model, info, input, active) : undefined;
      return softmaxRows(mixer.mix(input, active, info.context, step, warm), active);
    },
    learn: (tokens, at, active) => mixer.learn(probabilities, tokens, at, active),
  };
}

/**
 * Codes the tokens step by step, as the decoder must: at step t, one prediction for the batch of
 * every stream's context, then `code` for each stream's token t in stream order (the encoder codes
 * the token it has; the decoder decodes it into `tokens`, which the next step's contexts read),
 * then the predictor learns the step's tokens.
 */
async function walk(
  predictor: StepPredictor,
  info: WarmStartInfo,
  tokens: Uint8Array,
  streams: number,
  code: (cum: Float64Array, token: number, at: number) => void,
): Promise<void> {
  const layout = streamLayout(tokens.length, streams);
  const size = 4 ** info.k;
  const input = new Float32Array(layout.streams * info.context);
  const cum = new Float64Array(size + 1);
  for (let step = 0; step < layout.length && tokens.length > 0; step++) {
    const active = contexts(tokens, layout, step, info.context, input);
    const probabilities = await predictor.predict(input, active, step);
    for (let j = 0; j < active; j++) {
      const at = j * layout.length + step;
      cumulativeWeights(probabilities, j, size, cum);
      code(cum, tokens[at]!, at);
    }
    predictor.learn(tokens, (j) => j * layout.length + step, active);
  }
}

function readHead(payload: Uint8Array, count: number): { mode: number; preset: number; info: WarmStartInfo; streams: number; crc: number } {
  const shorter = () => new CorruptError(`a deepgeco payload of ${payload.length} bytes is shorter than its head`);
  if (payload.length < HEAD_BYTES + 4) throw shorter();
  const mode = payload[0]!;
  if (mode !== DEEPGECO_MODES.mini && mode !== DEEPGECO_MODES.plus) throw new CorruptError(`deepgeco mode ${mode} is not one this version reads (1 = MINI, 2 = PLUS)`);
  if (payload.length < headBytes(mode) + 4) throw shorter();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const preset = mode === DEEPGECO_MODES.plus ? payload[HEAD_BYTES]! : 0;
  if (mode === DEEPGECO_MODES.plus && SUPPORTER_PRESETS[preset] === undefined) throw new CorruptError(`deepgeco Supporter preset ${preset} does not exist`);
  const [s, k] = [payload[1]!, payload[2]!];
  const sha256 = hex(payload.subarray(5, 37));
  const info = warmStartByHash(sha256);
  if (!info) {
    throw new ModelUnavailableError(`this record was written with the Warm-Start model whose graph has SHA-256 ${sha256}, which this installation of @seqcoder/models does not have`);
  }
  if (s !== info.k || k !== info.k) throw new CorruptError(`deepgeco (s, k) = (${s}, ${k}) does not fit the Warm-Start model's ${info.k}-base tokens`);
  const streams = view.getUint16(3, true);
  const tokens = Math.floor(count / k);
  if (streams < 1 || streams > MAX_STREAMS || streams > Math.max(1, tokens)) throw new CorruptError(`deepgeco streams ${streams} do not fit ${tokens} tokens`);
  const coded = payload.length - headBytes(mode);
  if (tokens * 2 * k * MIN_BITS_PER_CODED_BIT > coded * 8) throw new CorruptError(`${coded} coded bytes cannot hold ${tokens} tokens`);
  return { mode, preset, info, streams, crc: view.getUint32(37, true) };
}
