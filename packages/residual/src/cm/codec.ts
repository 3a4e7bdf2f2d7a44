/**
 * The `cm` codec: context mixing + binary arithmetic coding of a symbol stream (A0 C1 G2 T3).
 *
 * Payload layout (what `@seqcoder/format` stores in a sequence frame after the base count):
 *
 * | offset | size | field                                                               |
 * |--------|------|---------------------------------------------------------------------|
 * | 0      | 1    | layout: 1 for models 1–4, 2 for models 5 and up, 3 = in blocks      |
 * | 1      | 1    | model number (1..26), see models.ts; `--level` picks one (levels.ts) |
 * | 2      | rest | arithmetic-coded bits, 2 per base; layout 1 ends with a 4-byte flush, |
 * |        |      | layout 2 with a 1-byte flush (the decoder reads 3 zero bytes after it) |
 *
 * Layout 3 (CmOptions.blockBases, for records longer than one block) cuts the record into
 * independent blocks of `blockBases` bases (the last one shorter), each coded by a fresh model as
 * if it were a record of its own, so a range costs only the blocks it touches:
 *
 *   u8 3, u8 model, varint blockBases, (blocks − 1) × varint storedLength, then each block's
 *   stream in the model's own layout (the last block's length is what remains)
 *
 * The symbol count is not stored here: the container holds it, and the decoder needs it up front.
 */
import { CodedStreamError, InvalidInputError } from '../errors.js';
import { BinaryDecoder, BinaryEncoder } from './binary-coder.js';
import { CM_HINTED_LEVELS, CM_LEVEL_RANGE, CM_LEVELS, CM_SHORT_RECORD_TRIALS } from './levels.js';
import { CM_MODELS, FIRST_LAYOUT_2_MODEL, modelFor } from './models.js';
import { DnaModel, type BasePredictor } from './model.js';
import { readVarint, writeVarint } from '../varint.js';

/** The payload layout a model is written with (its blocks too, in layout 3). */
function layoutOf(model: number): number {
  return model >= FIRST_LAYOUT_2_MODEL ? 2 : 1;
}

/**
 * A base's two bits swapped: A C G T (0 1 2 3) become 0 2 1 3, so that A G C T read 0 1 2 3. A
 * model with `purineFirst` codes, and keeps in its history, the swapped bases, so that its first
 * decision asks purine or pyrimidine. The swap is its own inverse, and it commutes with the
 * complement (3 − x), so the models that learn from the other strand need no change.
 */
const PURINE_FIRST = Uint8Array.of(0, 2, 1, 3);

/** Payload layout 3: the record in independent blocks. */
const BLOCKED_LAYOUT = 3;

/**
 * Smallest and largest block sizes: below 2^12 bases the models learn nothing before they are
 * reset (and the block index outgrows what it saves); 2^30 keeps a block's count an int32.
 */
export const CM_BLOCK_RANGE = { min: 1 << 12, max: 1 << 30 } as const;

function checkBlockBases(blockBases: number | undefined): number | undefined {
  if (blockBases === undefined) return undefined;
  if (!Number.isInteger(blockBases) || blockBases < CM_BLOCK_RANGE.min || blockBases > CM_BLOCK_RANGE.max) {
    throw new InvalidInputError(`cm block size ${blockBases} is outside ${CM_BLOCK_RANGE.min}..${CM_BLOCK_RANGE.max} bases`);
  }
  return blockBases;
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
  /**
   * Code a record longer than this many bases in independent blocks of it (layout 3), so that
   * reading a range decodes only the blocks it touches; each block costs the model's learning
   * again (ADR 0015). Not with hints or an explicit model list; undefined: one stream.
   */
  blockBases?: number;
  /**
   * Whether this record is granted the short-record trial of a level whose trials have a budget
   * (CM_SHORT_RECORD_TRIALS; level 2): the archive writer grants it while the archive's budget
   * lasts. Levels without a budget try every short record regardless.
   */
  trial?: boolean;
  /**
   * An outside prediction of every base (DeepGeCo's Warm-Start, ADR 0033), for a model with
   * `predicted` (model 22), named by `model`; the decoder must be given the same predictor. Not
   * with hints or blocks.
   */
  predictor?: BasePredictor;
}

function chooseModel(options: CmOptions): number {
  if (options.model !== undefined) {
    if (!Number.isInteger(options.model) || CM_MODELS[options.model] === undefined) throw new InvalidInputError(`cm model ${options.model} does not exist`);
    if (options.hints && CM_MODELS[options.model]!.mixers === 0) throw new InvalidInputError(`cm model ${options.model} has no mixer to take side information`);
    if (options.hints && CM_MODELS[options.model]!.purineFirst) throw new InvalidInputError(`cm model ${options.model} codes purine or pyrimidine first, which side information does not`);
    if ((CM_MODELS[options.model]!.predicted === true) !== (options.predictor !== undefined)) {
      throw new InvalidInputError(options.predictor ? `cm model ${options.model} takes no outside predictor` : `cm model ${options.model} codes only with an outside predictor`);
    }
    if (options.predictor && (options.hints || options.blockBases !== undefined)) throw new InvalidInputError('an outside predictor cannot be combined with side information or blocks');
    return options.model;
  }
  if (options.predictor) throw new InvalidInputError('an outside predictor needs a model that takes one (model 22), named by `model`');
  const level = options.level ?? CM_LEVEL_RANGE.default;
  if (!Number.isInteger(level) || CM_LEVELS[level] === undefined) {
    throw new InvalidInputError(`cm level ${level} is outside ${CM_LEVEL_RANGE.min}..${CM_LEVEL_RANGE.max}`);
  }
  return (options.hints ? CM_HINTED_LEVELS : CM_LEVELS)[level]!;
}

/**
 * The models to code `count` symbols with: the one the options name, and on a short record at a
 * level with trials (where its budget, if any, grants this one), the alternatives
 * (CM_SHORT_RECORD_TRIALS) too.
 */
function chooseModels(options: CmOptions, count: number): number[] {
  const first = chooseModel(options);
  if (options.model !== undefined || options.hints) return [first];
  const trial = CM_SHORT_RECORD_TRIALS[options.level ?? CM_LEVEL_RANGE.default];
  if (!trial || count > trial.maxBases || (trial.budget !== undefined && !options.trial)) return [first];
  return [first, ...trial.models];
}

/** One model coding the record (or its current block), with its own coder. */
interface Lane {
  modelNumber: number;
  model: DnaModel;
  coder: BinaryEncoder;
  /** The whole record as this lane's model reads it: the bases, or for `purineFirst` PURINE_FIRST of them. */
  history: Uint8Array;
}

/**
 * Streaming encoder: push the `count` symbols in any number of pieces, then finish(). When the
 * level tries several models (a short record at level 3 or 4), each codes every piece and finish()
 * keeps the smallest payload. In blocks (layout 3), one model codes each block afresh.
 */
export class CmEncoder {
  private readonly history: Uint8Array;
  /** The record's bases through PURINE_FIRST, the history of the lanes that code them so (or null). */
  private readonly swappedHistory: Uint8Array | null;
  private readonly lanes: Lane[];
  private pos = 0;
  /** Bases per block, or the whole count when the record is one stream. */
  private readonly blockBases: number;
  /** The coded streams of the finished blocks (layout 3). */
  private readonly blocks: Uint8Array[] = [];
  private readonly hints: Uint8Array | undefined;
  private readonly predictor: BasePredictor | undefined;

  /**
   * `whole`: the `count` symbols, when the caller has them all at once and pushes exactly them
   * (cmEncode): they become the history the models read instead of a copy, which for the literal
   * stream of a large `ref` group was 200 MB more at the peak of a scale-workflow job (ADR 0017,
   * nineteenth addendum). push() still checks every symbol; it writes each back in place.
   */
  constructor(
    private readonly count: number,
    options: CmOptions = {},
    whole?: Uint8Array,
  ) {
    const blockBases = checkBlockBases(options.blockBases);
    const blocked = blockBases !== undefined && count > blockBases;
    if (blocked && options.hints) throw new InvalidInputError('cm blocks cannot be combined with side information');
    this.blockBases = blocked ? blockBases : Math.max(1, count);
    this.hints = options.hints;
    this.predictor = options.predictor;
    // Blocks are long records by definition, and no level tries other models on those.
    const models = blocked ? [chooseModel(options)] : chooseModels(options, count);
    if (whole !== undefined && whole.length !== count) throw new InvalidInputError(`${whole.length} symbols given as the whole of ${count}`);
    this.history = whole ?? new Uint8Array(count);
    this.swappedHistory = models.some((m) => CM_MODELS[m]!.purineFirst) ? new Uint8Array(count) : null;
    this.lanes = models.map((modelNumber) => this.lane(modelNumber, 0));
  }

  /** A fresh model and coder for the block that starts at `start`. */
  private lane(modelNumber: number, start: number): Lane {
    const end = Math.min(this.count, start + this.blockBases);
    const history = CM_MODELS[modelNumber]!.purineFirst ? this.swappedHistory! : this.history;
    return {
      modelNumber,
      model: new DnaModel(modelFor(modelNumber, end - start), history.subarray(start, end), this.hints, this.predictor),
      coder: new BinaryEncoder(Math.ceil((end - start) / 4) + 64),
      history,
    };
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
    if (this.swappedHistory) for (let j = 0; j < symbols.length; j++) this.swappedHistory[pos + j] = PURINE_FIRST[symbols[j]!]!;
    // The models read only bases before the one they code, so the whole piece can be stored first.
    for (let from = 0; from < symbols.length; ) {
      const at = pos + from;
      if (at > 0 && at % this.blockBases === 0) this.nextBlock(at);
      const to = Math.min(symbols.length, from + this.blockBases - (at % this.blockBases));
      for (const { model, coder, history: laneHistory } of this.lanes) {
        const bases = laneHistory.subarray(pos); // this piece, as the lane's model reads it
        for (let j = from; j < to; j++) {
          const x = bases[j]!;
          const b1 = x >> 1;
          coder.encode(b1, model.predict(0));
          model.update(0, b1);
          const node = 1 + b1;
          coder.encode(x & 1, model.predict(node));
          model.update(node, x & 1);
          model.advance(x);
        }
      }
      from = to;
    }
    this.pos += symbols.length;
  }

  /** Ends the block before `start` (there is one lane in blocks) and starts the next. */
  private nextBlock(start: number): void {
    const lane = this.lanes[0]!;
    this.blocks.push(this.body(lane).slice());
    this.lanes[0] = this.lane(lane.modelNumber, start);
  }

  private body({ modelNumber, coder }: Lane): Uint8Array {
    return layoutOf(modelNumber) === 2 ? coder.finishShort() : coder.finish();
  }

  finish(): Uint8Array {
    if (this.pos !== this.count) throw new InvalidInputError(`${this.pos} symbols pushed, ${this.count} announced`);
    if (this.blockBases < this.count) return this.finishBlocks();
    let best: Uint8Array | undefined;
    for (const lane of this.lanes) {
      const body = this.body(lane);
      // Ties go to the earlier lane: the model the level names.
      if (best !== undefined && best.length <= 2 + body.length) continue;
      best = new Uint8Array(2 + body.length);
      best[0] = layoutOf(lane.modelNumber);
      best[1] = lane.modelNumber;
      best.set(body, 2);
    }
    return best!;
  }

  private finishBlocks(): Uint8Array {
    const lane = this.lanes[0]!;
    return joinStreams(lane.modelNumber, this.blockBases, [...this.blocks, this.body(lane)]);
  }
}

/** A layout-3 payload of the given blocks' streams, all of `model`. */
function joinStreams(model: number, blockBases: number, streams: Uint8Array[]): Uint8Array {
  const head = [BLOCKED_LAYOUT, model];
  writeVarint(head, blockBases);
  for (const stream of streams.slice(0, -1)) writeVarint(head, stream.length);
  const out = new Uint8Array(head.length + streams.reduce((sum, b) => sum + b.length, 0));
  out.set(head);
  let at = head.length;
  for (const stream of streams) {
    out.set(stream, at);
    at += stream.length;
  }
  return out;
}

/**
 * For coding the blocks of a record on several threads (the worker pool): the model each block is
 * coded with (CmOptions.model for `cmEncode` of a block alone gives exactly the block's stream),
 * or undefined when these options and this count give one stream.
 */
export function cmBlockModel(options: CmOptions, count: number): number | undefined {
  const blockBases = checkBlockBases(options.blockBases);
  if (blockBases === undefined || count <= blockBases) return undefined;
  if (options.hints) throw new InvalidInputError('cm blocks cannot be combined with side information');
  return chooseModel(options);
}

/** The payload of a record in blocks, from `cmEncode(block, { model })` of each block in order. */
export function cmJoinBlocks(blocks: Uint8Array[], blockBases: number): Uint8Array {
  const model = blocks[0]![1]!;
  return joinStreams(model, blockBases, blocks.map((b) => b.subarray(2)));
}

/**
 * The blocks of a payload in blocks, each as a payload of its own with its base count (what
 * `cmDecode` of that block alone takes), checked as the decoder checks them; undefined for a
 * payload that is one stream.
 */
export function cmSplitBlocks(payload: Uint8Array, count: number): { payload: Uint8Array; count: number }[] | undefined {
  if (payload[0] !== BLOCKED_LAYOUT) return undefined;
  const model = payload[1]!;
  if (CM_MODELS[model] === undefined) throw new CodedStreamError(`cm payload names model ${model}, which this version does not have`);
  const { blockBases, streams } = readBlockIndex(payload, count, layoutOf(model));
  return streams.map((stream, i) => {
    const block = new Uint8Array(2 + stream.length);
    block[0] = layoutOf(model);
    block[1] = model;
    block.set(stream, 2);
    return { payload: block, count: Math.min(blockBases, count - i * blockBases) };
  });
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

/** A stream of `count` bases coded in `bytes` bytes of `layout`: can it hold them at all? */
function checkCapacity(layout: number, bytes: number, count: number, what: string): void {
  if (layout === 1 && bytes < 4) throw new CodedStreamError(`${what} of ${bytes} bytes is too short`);
  // Checked before allocating `count` bytes: a damaged or forged count must not size memory.
  if (!Number.isSafeInteger(count) || count < 0 || count > MAX_BASES_PER_CODED_BYTE * (bytes + (layout === 2 ? 3 : 0))) {
    throw new CodedStreamError(`${what} of ${bytes} bytes cannot hold ${count} bases`);
  }
}

export class CmDecoder {
  private readonly out: Uint8Array;
  private readonly modelNumber: number;
  private readonly layout: number;
  private readonly hints: Uint8Array | undefined;
  private readonly predictor: BasePredictor | undefined;
  /** Bases per block (the whole count for one stream), and where each block's stream is. */
  private readonly blockBases: number;
  private readonly streams: Uint8Array[];
  private block = 0;
  /** Where the current block ends (the record's end for its last block). */
  private blockEnd = 0;
  /** The bases as the model codes them: `out` itself, or for a model with `purineFirst`, PURINE_FIRST of `out`. */
  private readonly coded: Uint8Array;
  private model!: DnaModel;
  private coder!: BinaryDecoder;
  private pos = 0;

  constructor(
    payload: Uint8Array,
    private readonly count: number,
    options: Pick<CmOptions, 'hints' | 'predictor'> = {},
  ) {
    if (payload.length < 3) throw new CodedStreamError(`cm payload of ${payload.length} bytes is too short`);
    const model = payload[1]!;
    if (CM_MODELS[model] === undefined) throw new CodedStreamError(`cm payload names model ${model}, which this version does not have`);
    const layout = layoutOf(model);
    const blocked = payload[0] === BLOCKED_LAYOUT;
    if (payload[0] !== layout && !blocked) throw new CodedStreamError(`cm payload layout ${payload[0]} is not the layout of model ${model}`);
    // No writer puts such a model beside hints (CM_HINTED_LEVELS), nor blocks; a damaged byte can.
    if (options.hints && (CM_MODELS[model]!.mixers === 0 || CM_MODELS[model]!.purineFirst || blocked)) {
      throw new CodedStreamError(`cm payload names model ${model}${blocked ? ' in blocks' : ''}, which cannot take side information`);
    }
    // Model 22 is written only inside a deepgeco payload, which gives its predictor (ADR 0033).
    if ((CM_MODELS[model]!.predicted === true) !== (options.predictor !== undefined) || (options.predictor && (blocked || options.hints))) {
      throw new CodedStreamError(
        options.predictor ? `cm payload names model ${model}${blocked ? ' in blocks' : ''}, which takes no outside predictor` : `cm payload names model ${model}, which is written only inside a deepgeco payload`,
      );
    }
    this.modelNumber = model;
    this.layout = layout;
    this.hints = options.hints;
    this.predictor = options.predictor;
    if (blocked) {
      const blocks = readBlockIndex(payload, count, layout);
      this.blockBases = blocks.blockBases;
      this.streams = blocks.streams;
    } else {
      checkCapacity(layout, payload.length - 2, count, 'cm payload');
      this.blockBases = Math.max(1, count);
      this.streams = [payload.subarray(2)];
    }
    this.out = new Uint8Array(count);
    this.coded = CM_MODELS[model]!.purineFirst ? new Uint8Array(count) : this.out;
    this.open(0);
  }

  /** Starts decoding block `index` with a fresh model. */
  private open(index: number): void {
    const start = index * this.blockBases;
    const end = Math.min(this.count, start + this.blockBases);
    this.block = index;
    this.blockEnd = end;
    this.model = new DnaModel(modelFor(this.modelNumber, end - start), this.coded.subarray(start, end), this.hints, this.predictor);
    this.coder = new BinaryDecoder(this.streams[index]!, this.layout === 2);
    this.pos = start;
  }

  /**
   * Skips, in a record coded in blocks, to the start of the block that holds base `base` when that
   * block is ahead; returns the position decoding goes on from (the bases skipped stay 0).
   */
  seek(base: number): number {
    const index = Math.floor(Math.min(base, this.count - 1) / this.blockBases);
    if (index > this.block) this.open(index);
    return this.pos;
  }

  /** Symbols decoded so far. */
  get position(): number {
    return this.pos;
  }

  /** Symbols `from..to` of those decoded so far (a view, as read() gives). */
  decoded(from: number, to: number): Uint8Array {
    if (!(from >= 0 && from <= to && to <= this.pos)) throw new RangeError(`symbols ${from}..${to} of the ${this.pos} decoded`);
    return this.out.subarray(from, to);
  }

  /** Decodes up to `n` more symbols; returns a view of them (empty when done). */
  read(n: number): Uint8Array {
    const start = this.pos;
    const end = Math.min(this.count, start + n);
    const { out, coded } = this;
    const swapped = coded !== out;
    for (let i = start; i < end; ) {
      if (i === this.blockEnd) this.open(this.block + 1);
      const stop = Math.min(end, this.blockEnd);
      const { model, coder } = this;
      for (; i < stop; i++) {
        const b1 = coder.decode(model.predict(0));
        model.update(0, b1);
        const node = 1 + b1;
        const b2 = coder.decode(model.predict(node));
        model.update(node, b2);
        const x = (b1 << 1) | b2;
        coded[i] = x;
        if (swapped) out[i] = PURINE_FIRST[x]!;
        model.advance(x);
      }
      // Each block's stream must end exactly where its last base does.
      if (stop === this.blockEnd) coder.finish();
    }
    this.pos = end;
    return out.subarray(start, end);
  }

  /** Decodes whatever is left and returns all `count` symbols. */
  readAll(): Uint8Array {
    this.read(this.count - this.pos);
    if (this.count === 0) this.coder.finish();
    return this.out;
  }
}

/** The blocks of a layout-3 payload: their size and each one's stream, checked against `count`. */
function readBlockIndex(payload: Uint8Array, count: number, layout: number): { blockBases: number; streams: Uint8Array[] } {
  let at = 2;
  const varint = (): number => {
    const { value, next } = readVarint(payload, at, 'cm block index: bad varint');
    at = next;
    return value;
  };
  const blockBases = varint();
  if (blockBases < CM_BLOCK_RANGE.min || blockBases > CM_BLOCK_RANGE.max || !Number.isSafeInteger(count) || count <= blockBases) {
    throw new CodedStreamError(`cm blocks of ${blockBases} bases do not fit a record of ${count}`);
  }
  const blocks = Math.ceil(count / blockBases);
  // Every block but the last has a length of at least one byte in the index.
  if (blocks - 1 > payload.length - at) throw new CodedStreamError(`cm payload of ${payload.length} bytes cannot hold ${blocks} blocks`);
  const lengths: number[] = [];
  for (let i = 0; i < blocks - 1; i++) lengths.push(varint());
  const streams: Uint8Array[] = [];
  for (let i = 0; i < blocks; i++) {
    const length = i < blocks - 1 ? lengths[i]! : payload.length - at;
    if (length < 0 || at + length > payload.length) throw new CodedStreamError(`cm block ${i} runs past the end of its payload`);
    checkCapacity(layout, length, Math.min(blockBases, count - i * blockBases), `cm block ${i}`);
    streams.push(payload.subarray(at, at + length));
    at += length;
  }
  return { blockBases, streams };
}

/** Codes `symbols` (0..3, one per byte). */
export function cmEncode(symbols: Uint8Array, options: CmOptions = {}): Uint8Array {
  return runSteps(cmEncodeSteps(symbols, options, Infinity));
}

/** How far coding in steps is: symbols done, of the total. */
export interface CodingStep {
  done: number;
  total: number;
}

/**
 * cmEncode in steps of `slice` symbols: yields how far it is after each step, and returns
 * cmEncode's bytes. For a caller on an event loop, which can return to it between steps: the
 * literal stream of a large `ref` group takes level 4 minutes, and Ctrl-C waited for it.
 */
export function* cmEncodeSteps(symbols: Uint8Array, options: CmOptions, slice: number): Generator<CodingStep, Uint8Array> {
  const encoder = new CmEncoder(symbols.length, options, symbols);
  for (let done = 0; done < symbols.length; ) {
    encoder.push(symbols.subarray(done, done + slice));
    done = Math.min(symbols.length, done + slice);
    yield { done, total: symbols.length };
  }
  return encoder.finish();
}

/** Runs steps (cmEncodeSteps, RefGroupEncoder.finishing) to their end without a pause; their result. */
export function runSteps<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Decodes `count` symbols from a cm payload. Throws CodedStreamError if the payload does not hold them. */
export function cmDecode(payload: Uint8Array, count: number, options: Pick<CmOptions, 'hints' | 'predictor'> = {}): Uint8Array {
  return new CmDecoder(payload, count, options).readAll();
}

/** Bases per block of a payload in blocks (layout 3), or undefined for one stream; checked as the decoder does. */
export function cmBlockBases(payload: Uint8Array, count: number): number | undefined {
  return payload[0] === BLOCKED_LAYOUT ? readBlockIndex(payload, count, layoutOf(payload[1] ?? 0)).blockBases : undefined;
}

/** The model number a payload was written with. */
export function cmPayloadModel(payload: Uint8Array): number {
  if (payload.length < 2) throw new CodedStreamError('cm payload too short');
  return payload[1]!;
}
