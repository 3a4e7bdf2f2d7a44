/**
 * The `cm` codec: context mixing + binary arithmetic coding of a symbol stream (A0 C1 G2 T3).
 *
 * Payload layout (what `@seqcoder/format` stores in a sequence frame after the base count):
 *
 * | offset | size | field                                                               |
 * |--------|------|---------------------------------------------------------------------|
 * | 0      | 1    | layout: 1 for models 1–4, 2 for models 5 and up                     |
 * | 1      | 1    | model number (1..14), see levels.ts; `--level` picks one            |
 * | 2      | rest | arithmetic-coded bits, 2 per base; layout 1 ends with a 4-byte flush, |
 * |        |      | layout 2 with a 1-byte flush (the decoder reads 3 zero bytes after it) |
 *
 * The symbol count is not stored here: the container holds it, and the decoder needs it up front.
 */
import { CodedStreamError, InvalidInputError } from '../errors.js';
import { BinaryDecoder, BinaryEncoder } from './binary-coder.js';
import { CM_HINTED_LEVELS, CM_LEVEL_RANGE, CM_LEVELS, CM_SHORT_RECORD_TRIALS } from './levels.js';
import { CM_MODELS, FIRST_LAYOUT_2_MODEL, modelFor } from './models.js';
import { DnaModel } from './model.js';

/** The payload layout a model is written with. */
function layoutOf(model: number): number {
  return model >= FIRST_LAYOUT_2_MODEL ? 2 : 1;
}

export interface CmOptions {
  /** 1 (fastest) .. 4 (smallest); default 2. Picks the model that level writes today (with hints, CM_HINTED_LEVELS). */
  level?: number;
  /** A model number (CM_MODELS) instead of a level: to write an older model again, as tests do. */
  model?: number;
  /**
   * Side information: an external guess of each base (0..3, anything else = no guess), aligned with
   * the symbols. The decoder must be given the same array. Used by the neural codec.
   */
  hints?: Uint8Array;
}

function chooseModel(options: CmOptions): number {
  if (options.model !== undefined) {
    if (!Number.isInteger(options.model) || CM_MODELS[options.model] === undefined) throw new InvalidInputError(`cm model ${options.model} does not exist`);
    if (options.hints && CM_MODELS[options.model]!.mixers === 0) throw new InvalidInputError(`cm model ${options.model} has no mixer to take side information`);
    return options.model;
  }
  const level = options.level ?? CM_LEVEL_RANGE.default;
  if (!Number.isInteger(level) || CM_LEVELS[level] === undefined) {
    throw new InvalidInputError(`cm level ${level} is outside ${CM_LEVEL_RANGE.min}..${CM_LEVEL_RANGE.max}`);
  }
  return (options.hints ? CM_HINTED_LEVELS : CM_LEVELS)[level]!;
}

/**
 * The models to code `count` symbols with: the one the options name, and on a short record at a
 * level with trials, the alternatives (CM_SHORT_RECORD_TRIALS) too.
 */
function chooseModels(options: CmOptions, count: number): number[] {
  const first = chooseModel(options);
  if (options.model !== undefined || options.hints) return [first];
  const trial = CM_SHORT_RECORD_TRIALS[options.level ?? CM_LEVEL_RANGE.default];
  return trial && count <= trial.maxBases ? [first, ...trial.models] : [first];
}

/** One model coding the record, with its own coder. */
interface Lane {
  modelNumber: number;
  model: DnaModel;
  coder: BinaryEncoder;
}

/**
 * Streaming encoder: push the `count` symbols in any number of pieces, then finish(). When the
 * level tries several models (a short record at level 3 or 4), each codes every piece and finish()
 * keeps the smallest payload.
 */
export class CmEncoder {
  private readonly history: Uint8Array;
  private readonly lanes: Lane[];
  private pos = 0;

  constructor(
    private readonly count: number,
    options: CmOptions = {},
  ) {
    const models = chooseModels(options, count);
    this.history = new Uint8Array(count);
    this.lanes = models.map((modelNumber) => ({
      modelNumber,
      model: new DnaModel(modelFor(modelNumber, count), this.history, options.hints),
      coder: new BinaryEncoder(Math.ceil(count / 4) + 64),
    }));
  }

  push(symbols: Uint8Array): void {
    if (this.pos + symbols.length > this.count) {
      throw new InvalidInputError(`more than the ${this.count} symbols announced`);
    }
    const { history, pos } = this;
    for (let j = 0; j < symbols.length; j++) {
      const x = symbols[j]!;
      if (x > 3) throw new InvalidInputError(`symbol ${x} at ${pos + j} is not 0..3`);
      history[pos + j] = x;
    }
    // The models read only bases before the one they code, so the whole piece can be stored first.
    for (const { model, coder } of this.lanes) {
      for (let j = 0; j < symbols.length; j++) {
        const x = symbols[j]!;
        const b1 = x >> 1;
        coder.encode(b1, model.predict(0));
        model.update(0, b1);
        const node = 1 + b1;
        coder.encode(x & 1, model.predict(node));
        model.update(node, x & 1);
        model.advance(x);
      }
    }
    this.pos += symbols.length;
  }

  finish(): Uint8Array {
    if (this.pos !== this.count) throw new InvalidInputError(`${this.pos} symbols pushed, ${this.count} announced`);
    let best: Uint8Array | undefined;
    for (const { modelNumber, coder } of this.lanes) {
      const layout = layoutOf(modelNumber);
      const body = layout === 2 ? coder.finishShort() : coder.finish();
      // Ties go to the earlier lane: the model the level names.
      if (best !== undefined && best.length <= 2 + body.length) continue;
      best = new Uint8Array(2 + body.length);
      best[0] = layout;
      best[1] = modelNumber;
      best.set(body, 2);
    }
    return best!;
  }
}

/** Streaming decoder: read() the `count` symbols in pieces of any size. */
/**
 * More bases than any coded stream of this many bytes can hold (FORMAT.md, "Limits"). Each binary
 * decision narrows the coder's interval by a factor of at most (1 - 1/4097), because
 * probabilities are clamped to 1..4095 of 4096. Every output byte widens it by exactly 256, and
 * a base is two decisions. So a stream of B bytes holds at most
 * 8·B / (2·log2(4097/4096)) ≈ 11,360·B bases; all-A input reaches 11,319. 2^15 leaves margin.
 * Layout 2's decoder reads 3 zero bytes past the end, so there B counts the stored bytes plus 3.
 */
export const MAX_BASES_PER_CODED_BYTE = 2 ** 15;

export class CmDecoder {
  private readonly out: Uint8Array;
  private readonly model: DnaModel;
  private readonly coder: BinaryDecoder;
  private pos = 0;

  constructor(
    payload: Uint8Array,
    private readonly count: number,
    options: Pick<CmOptions, 'hints'> = {},
  ) {
    if (payload.length < 3) throw new CodedStreamError(`cm payload of ${payload.length} bytes is too short`);
    const model = payload[1]!;
    if (CM_MODELS[model] === undefined) throw new CodedStreamError(`cm payload names model ${model}, which this version does not have`);
    const layout = layoutOf(model);
    if (payload[0] !== layout) throw new CodedStreamError(`cm payload layout ${payload[0]} is not the layout of model ${model}`);
    // No writer puts such a model beside hints (CM_HINTED_LEVELS); a damaged model byte can.
    if (options.hints && CM_MODELS[model]!.mixers === 0) throw new CodedStreamError(`cm payload names model ${model}, which cannot take side information`);
    if (layout === 1 && payload.length < 6) throw new CodedStreamError(`cm payload of ${payload.length} bytes is too short`);
    const coded = payload.length - 2 + (layout === 2 ? 3 : 0);
    // Checked before allocating `count` bytes: a damaged or forged count must not size memory.
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_BASES_PER_CODED_BYTE * coded) {
      throw new CodedStreamError(`cm payload of ${payload.length} bytes cannot hold ${count} bases`);
    }
    this.out = new Uint8Array(count);
    this.model = new DnaModel(modelFor(model, count), this.out, options.hints);
    this.coder = new BinaryDecoder(payload.subarray(2), layout === 2);
  }

  /** Decodes up to `n` more symbols; returns a view of them (empty when done). */
  read(n: number): Uint8Array {
    const start = this.pos;
    const end = Math.min(this.count, start + n);
    const { out, model, coder } = this;
    for (let i = start; i < end; i++) {
      const b1 = coder.decode(model.predict(0));
      model.update(0, b1);
      const node = 1 + b1;
      const b2 = coder.decode(model.predict(node));
      model.update(node, b2);
      const x = (b1 << 1) | b2;
      out[i] = x;
      model.advance(x);
    }
    this.pos = end;
    if (end === this.count && end > start) this.coder.finish();
    return out.subarray(start, end);
  }

  /** Decodes whatever is left and returns all `count` symbols. */
  readAll(): Uint8Array {
    this.read(this.count - this.pos);
    if (this.count === 0) this.coder.finish();
    return this.out;
  }
}

/** Codes `symbols` (0..3, one per byte). */
export function cmEncode(symbols: Uint8Array, options: CmOptions = {}): Uint8Array {
  const encoder = new CmEncoder(symbols.length, options);
  encoder.push(symbols);
  return encoder.finish();
}

/** Decodes `count` symbols from a cm payload. Throws CodedStreamError if the payload does not hold them. */
export function cmDecode(payload: Uint8Array, count: number, options: Pick<CmOptions, 'hints'> = {}): Uint8Array {
  return new CmDecoder(payload, count, options).readAll();
}

/** The model number a payload was written with. */
export function cmPayloadModel(payload: Uint8Array): number {
  if (payload.length < 2) throw new CodedStreamError('cm payload too short');
  return payload[1]!;
}
