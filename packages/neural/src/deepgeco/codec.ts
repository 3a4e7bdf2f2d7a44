/**
 * The `deepgeco` codec (id 6): DeepGeCo (AAAI 2025), a learned DNA compressor, built on our layers.
 * The bases become (s, k)-mer tokens (tokens.ts); a network predicts each token from the tokens
 * before it, and the binary arithmetic coder codes it with that prediction (coding.ts).
 *
 * Modes (`--level`):
 * - 1 = MINI, the paper's static mode: the frozen Warm-Start model alone, trained beforehand on
 *   other genomes (training/deepgeco_warmstart.py, `@seqcoder/models`). MINI runs it on every
 *   token, so it writes with a smaller one than PLUS and ULTRA (MINI_WARM_START: GRUs of 16 over
 *   8 tokens, a quarter of the work, for the paper's speed on one core; ADR 0023).
 * - 2 = PLUS, the adaptive mode: the Supporter (supporter.ts), a transformer that learns the record
 *   while it is coded, mixed with the Warm-Start by the paper's equations 2 and 3 (mixer.ts) over
 *   the first steps; after those, the Supporter alone. A short record gets MINI's payload where
 *   that is smaller (MINI_TRIAL_BASES).
 * - 3 = ULTRA, the semi-adaptive mode: PLUS with the Warm-Start's output layer first fine-tuned on
 *   the record (ultra.ts); the change is stored in the payload and counted in its size.
 * - 4 = CM, not the paper's: the record coded by `cm`'s level-4 model with PLUS's Warm-Start as
 *   two more inputs of its mixer (cm-mode.ts, ADR 0033); the slowest, and smaller than cm level 4
 *   on genomes of megabases (not on short records, where level 4 has models of its own).
 *
 * Payload:
 *
 * | offset | size | field                                                                 |
 * |--------|------|-----------------------------------------------------------------------|
 * | 0      | 1    | mode: 1 = MINI, 2 = PLUS, 3 = ULTRA, 4 = CM                           |
 * | 1      | 1    | s, the stride of the tokens (this version: s = k)                     |
 * | 2      | 1    | k, bases per token (the Warm-Start model's)                           |
 * | 3      | 2    | streams (u16 LE), 1..320: the tokens cut into this many parallel runs  |
 * |        |      | (CM: 1)                                                               |
 * | 5      | 32   | SHA-256 of what computed the Warm-Start: its weights                  |
 * |        |      | (`warmstart.weights`, SeqCoder's kernel; ADR 0030), or in older files |
 * |        |      | its graph (`warmstart.onnx`; ULTRA: `warmstart-features.onnx`, which  |
 * |        |      | gives the features too), run by onnxruntime-web                       |
 * | 37     | 4    | CRC32C of the bases (one byte each, 0..3), u32 LE                     |
 * | 41     | 1    | PLUS and ULTRA: the Supporter preset (mixer.ts: its shape, step size, |
 * |        |      | seed, and the mixer's ts and δ)                                         |
 * | 42     | var  | ULTRA only: the fine-tuned output layer (ultra.ts, HeadAdaptation)    |
 * | 41/42/…| rest | the arithmetic-coded tokens, step by step across the streams, then    |
 * |        |      | the remainder bases at 1/2 each bit; ends with the coder's 4-byte flush |
 * |        |      | (CM: from 41, a `cm` payload of model 22, which the Warm-Start steers) |
 *
 * The Warm-Start runs on SeqCoder's own kernel (warmstart.ts, ADR 0030), whose float32 arithmetic
 * is the same on every machine, at both ends and on the same batches (one per step, every stream
 * that has a token there), so the decoder sees the encoder's logits to the bit. Older files, named
 * by a graph's hash, decode on the canonical runtime (onnxruntime-web's WASM) that wrote them. The
 * CRC32C is checked before any base is returned: a network that computed other numbers ends in
 * RECONSTRUCTION_MISMATCH, never in wrong bases.
 */
import { concatBytes, CorruptError, crc32c, cmStreamError, InvalidArgumentError, type SequenceCodec } from '@seqcoder/format';
import { DEFAULT_WARM_START, MINI_WARM_START, loadWarmStart, warmStartByHash, warmStartInfo, type WarmStartGraph, type WarmStartInfo } from '@seqcoder/models';
import { BinaryDecoder, BinaryEncoder, cmDecode, cmEncode } from '@seqcoder/residual';
import type { LoadedModel } from '@seqcoder/runtime';
import { deterministicRuntime, type RuntimeFactory } from '../engine.js';
import { asUnavailable, ModelUnavailableError, ReconstructionMismatchError } from '../errors.js';
import { fromHex, hex } from '../payload.js';
import { cumulativeWeights, decodeToken, encodeToken, softmax } from './coding.js';
import { DEFAULT_PRESET, PlusMixer, SUPPORTER_PRESETS, warmSteps, warmWeight, type PlusPreset } from './mixer.js';
import { chooseStreams, contexts, fromTokens, MAX_STREAMS, streamLayout, toTokens, vocabulary } from './tokens.js';
import { chooseAdaptation, HeadAdaptation, HeadTuner, ULTRA_RANKS } from './ultra.js';
import { WarmStartNetwork } from './warmstart.js';
import { CM_MODE_MODEL, WarmStartBasePredictor } from './cm-mode.js';
import { DEEPGECO_INFO } from '../codec-info.js';

export const DEEPGECO_MODES = { mini: 1, plus: 2, ultra: 3, cm: 4 } as const;
const { mini: MINI, plus: PLUS, ultra: ULTRA, cm: CM } = DEEPGECO_MODES;
/** The head's bytes before MINI's stream; PLUS and ULTRA have one more, the preset (ULTRA's layer follows it). */
const HEAD_BYTES = 41;
const isMode = (mode: number) => mode === MINI || mode === PLUS || mode === ULTRA || mode === CM;
/** Passes of ULTRA's fit over the steps that use the Warm-Start. */
const TUNE_EPOCHS = 3;
/**
 * PLUS codes a record of at most MINI_TRIAL_BASES bases in MINI too and keeps the smaller payload
 * (it names its mode, so the decoder is unchanged), as cm's top levels try other models on short
 * records (ADR 0011). On a short record the Supporter has little to learn from before the mixer
 * drops the Warm-Start, and MINI can code smaller: YeMi (73 kb) 17,084 against PLUS's 17,086
 * bytes; on the megabase files PLUS was 0.8-7% smaller, and coding MINI too would more than double
 * the time there (ADR 0023).
 */
const MINI_TRIAL_BASES = 2 ** 18;
/** Each coded bit costs at least log2(4096/4095) bits: what bounds the tokens a payload can hold, so that a forged count fails before the network runs. */
const MIN_BITS_PER_CODED_BIT = Math.log2(4096 / 4095);

export interface DeepGeCoOptions {
  /** Runs the Warm-Start graph of older files (before ADR 0030); must be deterministic. Default: the WASM adapter. */
  canonicalRuntime: RuntimeFactory;
  /** The Warm-Start model new PLUS and ULTRA payloads are written with (default DEFAULT_WARM_START). */
  warmStart?: string;
  /** The Warm-Start model new MINI payloads are written with (default MINI_WARM_START, a smaller network). */
  miniWarmStart?: string;
  /**
   * ULTRA writes its fine-tuned layer only where that codes smaller than PLUS (`smaller`, the
   * default); `always` writes the fitted layer that looks best whether or not it pays, to measure
   * the layer or to test its decoder.
   */
  ultraLayer?: 'smaller' | 'always';
  /**
   * Whether PLUS also codes a short record in MINI and keeps the smaller (MINI_TRIAL_BASES; the
   * default, true); false codes PLUS alone, to measure it.
   */
  miniTrial?: boolean;
}

/**
 * A loaded Warm-Start network: `run` gives the logits of a batch of contexts (rows × 4^k) and,
 * asked for, the features (rows × info.features), in arrays of its caller's own.
 */
interface WarmStart {
  info: WarmStartInfo;
  /** The network itself, when SeqCoder's kernel computes it (the fourth mode asks it one row at a time). */
  network?: WarmStartNetwork;
  run(input: Float32Array, active: number, features: boolean): Promise<{ logits: Float32Array; features: Float32Array }>;
}

export function createDeepGeCoCodec(options: DeepGeCoOptions): SequenceCodec {
  const loaded = new Map<string, Promise<WarmStart>>();
  /** The network of `info` from `file`: the weights (SeqCoder's kernel), or a graph of an older file (onnxruntime-web). */
  const load = (info: WarmStartInfo, file: WarmStartGraph): Promise<WarmStart> => {
    const key = `${info.name}/${file}`;
    let entry = loaded.get(key);
    if (!entry) {
      entry = (async () => {
        const { graph: bytes } = await asUnavailable(loadWarmStart(info.name, file));
        if (file === 'weights') return kernelWarmStart(info, bytes);
        const runtime = await deterministicRuntime(options.canonicalRuntime, 'the Warm-Start network');
        return graphWarmStart(info, file, await runtime.load(bytes));
      })();
      loaded.set(key, entry);
    }
    return entry;
  };

  return {
    ...DEEPGECO_INFO,

    async encode(symbols, level) {
      const { warmStart = DEFAULT_WARM_START, miniWarmStart = MINI_WARM_START } = options;
      if (!isMode(level)) throw new InvalidArgumentError(`deepgeco level ${level} is not a mode this version writes (1 = MINI, 2 = PLUS, 3 = ULTRA, 4 = CM)`);
      const info = warmStartInfo(warmStart);
      const miniInfo = warmStartInfo(miniWarmStart);
      if (miniInfo.k !== info.k) throw new InvalidArgumentError(`the Warm-Start models ${warmStart} and ${miniWarmStart} take tokens of different k`);
      // CM codes the bases through cm and asks the network as it goes: none of the token coder's work below.
      if (level === CM) return encodeCm(await load(info, 'weights'), symbols);
      const tokens = toTokens(symbols, info.k);
      const streams = chooseStreams(tokens.length);
      const code = async (mode: number, layer?: HeadAdaptation) =>
        encodeAs(mode, await load(mode === MINI ? miniInfo : info, 'weights'), symbols, tokens, streams, layer);
      const smaller = (a: Uint8Array, b: Uint8Array) => (b.length < a.length ? b : a);
      const plusOrMini = async () => {
        const plus = await code(PLUS);
        if (options.miniTrial === false || symbols.length > MINI_TRIAL_BASES) return plus;
        return smaller(plus, await code(MINI));
      };
      if (level === MINI) return code(MINI);
      if (level === PLUS) return plusOrMini();
      // ULTRA fits the output layer, then codes with what the decoder will read back. PLUS is coded
      // too and the smaller kept: the fit's estimate leaves out what the Supporter learns anyway.
      const always = options.ultraLayer === 'always';
      const bytes = await tune(await load(info, 'weights'), SUPPORTER_PRESETS[DEFAULT_PRESET]!, tokens, streams, always);
      if (!bytes) return plusOrMini();
      const ultra = await code(ULTRA, HeadAdaptation.read(bytes, 0, vocabulary(info.k), info.features));
      if (always) return ultra;
      return smaller(await plusOrMini(), ultra);
    },

    async decode(payload, count, start, end) {
      const head = readHead(payload, count);
      const warm = await load(head.info, head.file);
      if (head.mode === CM) return decodeCm(warm, payload.subarray(head.bodyAt), count, head.crc).subarray(start, end);
      const k = head.info.k;
      const tokens = new Uint8Array(Math.floor(count / k));
      const coder = new BinaryDecoder(payload.subarray(head.bodyAt));
      const symbols = new Uint8Array(count);
      const predictor = predictorFor(head.mode, head.preset, warm, tokens.length, head.streams, head.layer);
      try {
        await walk(predictor, head.info, tokens, head.streams, (cum, _token, at) => (tokens[at] = decodeToken(coder, cum, 2 * k)));
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

/** Codes `tokens` (and the remainder bases of `symbols`) in `mode`; ULTRA with its fitted `layer`. */
async function encodeAs(mode: number, warm: WarmStart, symbols: Uint8Array, tokens: Uint8Array, streams: number, layer?: HeadAdaptation): Promise<Uint8Array> {
  const { info } = warm;
  const k = info.k;
  const preset = DEFAULT_PRESET;
  const coder = new BinaryEncoder(Math.ceil(symbols.length / 4) + 64);
  const predictor = predictorFor(mode, preset, warm, tokens.length, streams, layer);
  await walk(predictor, info, tokens, streams, (cum, token) => encodeToken(coder, cum, 2 * k, token));
  for (let i = tokens.length * k; i < symbols.length; i++) {
    coder.encode(symbols[i]! >> 1, 2048);
    coder.encode(symbols[i]! & 1, 2048);
  }
  const body = coder.finish();
  const head = writeHead(mode, info, streams, crc32c(symbols), mode === MINI ? undefined : preset);
  return concatBytes([head, layer?.bytes ?? new Uint8Array(0), body]);
}

/** The payload's head (the table above) for `mode`; with `preset`, the byte PLUS and ULTRA add. */
function writeHead(mode: number, info: WarmStartInfo, streams: number, crc: number, preset?: number): Uint8Array {
  const head = new Uint8Array(preset === undefined ? HEAD_BYTES : HEAD_BYTES + 1);
  const view = new DataView(head.buffer);
  head[0] = mode;
  head[1] = info.k;
  head[2] = info.k;
  view.setUint16(3, streams, true);
  head.set(fromHex(info.weightsSha256), 5);
  view.setUint32(37, crc, true);
  if (preset !== undefined) head[HEAD_BYTES] = preset;
  return head;
}

/** The fourth mode: `cm` model 22 steered by the Warm-Start (cm-mode.ts), after the head. */
function encodeCm(warm: WarmStart, symbols: Uint8Array): Uint8Array {
  const predictor = new WarmStartBasePredictor(kernelNetwork(warm), symbols.length);
  return concatBytes([writeHead(CM, warm.info, 1, crc32c(symbols)), cmEncode(symbols, { model: CM_MODE_MODEL, predictor })]);
}

function decodeCm(warm: WarmStart, body: Uint8Array, count: number, crc: number): Uint8Array {
  let symbols: Uint8Array;
  try {
    // A damaged payload that names another cm model, or none that takes a predictor, ends here too.
    if (body[1] !== CM_MODE_MODEL) throw new CorruptError(`a deepgeco CM payload names cm model ${body[1]}, not ${CM_MODE_MODEL}`);
    symbols = cmDecode(body, count, { predictor: new WarmStartBasePredictor(kernelNetwork(warm), count) });
  } catch (e) {
    throw cmStreamError(e);
  }
  if (crc32c(symbols) !== crc) {
    throw new ReconstructionMismatchError('the decoded bases differ from what the encoder checksummed: the Warm-Start network computed other numbers here, or the record is damaged');
  }
  return symbols;
}

function kernelNetwork(warm: WarmStart): WarmStartNetwork {
  if (!warm.network) throw new CorruptError('the fourth mode runs the Warm-Start on SeqCoder\'s kernel, from its weights');
  return warm.network;
}

/**
 * What predicts the tokens of one step: `predict` gives the probabilities of each active stream's
 * token (rows of 4^k), `learn` is told the tokens once they are known (PLUS trains on them).
 */
interface StepPredictor {
  predict(input: Float32Array, active: number, step: number): Promise<Float64Array>;
  learn(tokens: Uint8Array, at: (row: number) => number, active: number): void;
}

/** The Warm-Start on SeqCoder's kernel (ADR 0030), which gives the logits and the features of every context. */
function kernelWarmStart(info: WarmStartInfo, weights: Uint8Array): WarmStart {
  const network = new WarmStartNetwork(weights, MAX_STREAMS);
  const { k, context, vocabulary: size } = network.shape;
  if (k !== info.k || context !== info.context || size !== vocabulary(info.k) || network.features !== info.features) {
    throw new RangeError(`the weights of ${info.name} are of another shape than its model table says`);
  }
  return {
    info,
    network,
    // copies: the network's arrays are reused by its next run, which another record's coding may start first
    run: async (input, active, features) => {
      const out = network.run(input, active);
      return { logits: out.logits.slice(), features: features ? out.features.slice() : new Float32Array(0) };
    },
  };
}

/**
 * The Warm-Start graph of an older file on onnxruntime-web: the logits graph, or the features graph,
 * whose one output row is the logits followed by the features.
 */
function graphWarmStart(info: WarmStartInfo, graph: WarmStartGraph, model: LoadedModel): WarmStart {
  const size = vocabulary(info.k);
  const width = graph === 'features' ? size + info.features : size;
  return {
    info,
    async run(input, active) {
      const { data, dims } = await model.run({ data: input.subarray(0, active * info.context), dims: [active, info.context] });
      if (dims.length !== 2 || dims[0] !== active || dims[1] !== width) {
        throw new RangeError(`the Warm-Start network returned dims [${dims.join(', ')}], expected [${active}, ${width}]`);
      }
      if (graph === 'logits') return { logits: data, features: new Float32Array(0) };
      const logits = new Float32Array(active * size);
      const features = new Float32Array(active * info.features);
      for (let j = 0; j < active; j++) {
        logits.set(data.subarray(j * width, j * width + size), j * size);
        features.set(data.subarray(j * width + size, (j + 1) * width), j * info.features);
      }
      return { logits, features };
    },
  };
}

function predictorFor(mode: number, preset: number, warm: WarmStart, tokens: number, streams: number, layer?: HeadAdaptation): StepPredictor {
  const { info } = warm;
  const size = vocabulary(info.k);
  const layout = streamLayout(tokens, streams);
  const probabilities = new Float64Array(layout.streams * size);
  const softmaxRows = (logits: ArrayLike<number>, active: number) => {
    for (let j = 0; j < active; j++) softmax(logits, j, size, probabilities);
    return probabilities;
  };
  if (mode === MINI) {
    return { predict: async (input, active) => softmaxRows((await warm.run(input, active, false)).logits, active), learn: () => {} };
  }
  const mixer = new PlusMixer(SUPPORTER_PRESETS[preset]!, size, layout.streams, layout.length);
  const tuned = new Float64Array(layout.streams * size);
  const warmLogits = async (input: Float32Array, active: number) => {
    const { logits, features } = await warm.run(input, active, layer !== undefined);
    return layer ? layer.apply(logits, features, active, tuned) : logits;
  };
  return {
    async predict(input, active, step) {
      const warm = mixer.usesWarmStart(step) ? await warmLogits(input, active) : undefined;
      return softmaxRows(mixer.mix(input, active, info.context, step, warm), active);
    },
    learn: (tokens, at, active) => mixer.learn(probabilities, tokens, at, active),
  };
}

/**
 * ULTRA's fit (ultra.ts): the features graph over the steps where the mixer will use the Warm-Start,
 * TUNE_EPOCHS times, in the coder's order, fitting every candidate rank side by side; the last pass
 * also counts what each saves there, weighted by the mixer's γ. Returns the bytes of the one that
 * pays best, or undefined when none does (chooseAdaptation).
 */
async function tune(warm: WarmStart, preset: PlusPreset, tokens: Uint8Array, streams: number, always: boolean): Promise<Uint8Array | undefined> {
  const { info } = warm;
  const tuners = ULTRA_RANKS.map((rank) => new HeadTuner(vocabulary(info.k), info.features, rank));
  const layout = streamLayout(tokens.length, streams);
  const threshold = tokens.length > 0 ? warmSteps(preset, layout.length) : 0;
  const input = new Float32Array(layout.streams * info.context);
  for (let epoch = 0; epoch < TUNE_EPOCHS; epoch++) {
    const last = epoch === TUNE_EPOCHS - 1; // only the last pass's estimate of the gain is used
    for (let step = 0; step < threshold; step++) {
      const active = contexts(tokens, layout, step, info.context, input);
      const { logits, features } = await warm.run(input, active, true);
      const weight = warmWeight(preset, step, threshold);
      for (const tuner of tuners) tuner.step(logits, features, tokens, (j) => j * layout.length + step, active, weight, last);
    }
  }
  return chooseAdaptation(tuners, always);
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
  const size = vocabulary(info.k);
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

interface Head {
  mode: number;
  preset: number;
  info: WarmStartInfo;
  /** What computed the network: the weights (SeqCoder's kernel), or in older files a graph. */
  file: WarmStartGraph;
  streams: number;
  crc: number;
  layer?: HeadAdaptation;
  /** Where the coded stream starts. */
  bodyAt: number;
}

function readHead(payload: Uint8Array, count: number): Head {
  const shorter = () => new CorruptError(`a deepgeco payload of ${payload.length} bytes is shorter than its head`);
  // The shortest body: the token coder's 4-byte flush, or a cm payload's layout, model and 1-byte flush.
  if (payload.length < HEAD_BYTES + 3) throw shorter();
  const mode = payload[0]!;
  if (!isMode(mode)) throw new CorruptError(`deepgeco mode ${mode} is not one this version reads (1 = MINI, 2 = PLUS, 3 = ULTRA, 4 = CM)`);
  const hasPreset = mode === PLUS || mode === ULTRA;
  let bodyAt = hasPreset ? HEAD_BYTES + 1 : HEAD_BYTES;
  if (payload.length < bodyAt + (mode === CM ? 3 : 4)) throw shorter();
  const view = new DataView(payload.buffer, payload.byteOffset, payload.length);
  const preset = hasPreset ? payload[HEAD_BYTES]! : 0;
  if (hasPreset && SUPPORTER_PRESETS[preset] === undefined) throw new CorruptError(`deepgeco Supporter preset ${preset} does not exist`);
  const [s, k] = [payload[1]!, payload[2]!];
  const sha256 = hex(payload.subarray(5, 37));
  const graph: WarmStartGraph = mode === ULTRA ? 'features' : 'logits';
  const byWeights = warmStartByHash(sha256, 'weights');
  const file = byWeights ? 'weights' : graph;
  // The fourth mode came after the kernel: only weights name its network.
  const info = byWeights ?? (mode === CM ? undefined : warmStartByHash(sha256, graph));
  if (!info) {
    throw new ModelUnavailableError(`this record was written with the Warm-Start model whose weights or graph have SHA-256 ${sha256}, which this installation of @seqcoder/models does not have`);
  }
  if (s !== info.k || k !== info.k) throw new CorruptError(`deepgeco (s, k) = (${s}, ${k}) does not fit the Warm-Start model's ${info.k}-base tokens`);
  let layer: HeadAdaptation | undefined;
  if (mode === ULTRA) {
    layer = HeadAdaptation.read(payload, bodyAt, vocabulary(info.k), info.features);
    bodyAt += layer.bytes.length;
    if (payload.length < bodyAt + 4) throw shorter();
  }
  const streams = view.getUint16(3, true);
  const tokens = Math.floor(count / k);
  if (streams < 1 || streams > MAX_STREAMS || streams > Math.max(1, tokens) || (mode === CM && streams !== 1)) {
    throw new CorruptError(`deepgeco streams ${streams} do not fit ${tokens} tokens${mode === CM ? ' in the fourth mode, which has one' : ''}`);
  }
  const coded = payload.length - bodyAt;
  // (A cm body is checked by cm, which knows its layout's implied bytes.)
  if (mode !== CM && tokens * 2 * k * MIN_BITS_PER_CODED_BIT > coded * 8) throw new CorruptError(`${coded} coded bytes cannot hold ${tokens} tokens`);
  return { mode, preset, info, file, streams, crc: view.getUint32(37, true), layer, bodyAt };
}
