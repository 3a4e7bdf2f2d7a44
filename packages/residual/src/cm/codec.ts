/**
 * The `cm` codec: context mixing + binary arithmetic coding of a symbol stream (A0 C1 G2 T3).
 *
 * Payload layout (what `@seqcoder/format` stores in a sequence frame after the base count):
 *
 * | offset | size | field                                                        |
 * |--------|------|--------------------------------------------------------------|
 * | 0      | 1    | layout version, 1                                            |
 * | 1      | 1    | level (1..4): selects the model, see levels.ts               |
 * | 2      | rest | arithmetic-coded bits, 2 per base, ending with a 4-byte flush |
 *
 * The symbol count is not stored here: the container holds it, and the decoder needs it up front.
 */
import { CodedStreamError, InvalidInputError } from '../errors.js';
import { BinaryDecoder, BinaryEncoder } from './binary-coder.js';
import { CM_LEVEL_RANGE, CM_LEVELS, modelFor } from './levels.js';
import { DnaModel } from './model.js';

const LAYOUT_VERSION = 1;

export interface CmOptions {
  /** 1 (fastest) .. 4 (smallest); default 2. */
  level?: number;
  /**
   * Side information: an external guess of each base (0..3, anything else = no guess), aligned with
   * the symbols. The decoder must be given the same array. Used by the neural codec.
   */
  hints?: Uint8Array;
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || CM_LEVELS[level] === undefined) {
    throw new InvalidInputError(`cm level ${level} is outside ${CM_LEVEL_RANGE.min}..${CM_LEVEL_RANGE.max}`);
  }
}

/** Streaming encoder: push the `count` symbols in any number of pieces, then finish(). */
export class CmEncoder {
  private readonly history: Uint8Array;
  private readonly model: DnaModel;
  private readonly coder: BinaryEncoder;
  private readonly level: number;
  private pos = 0;

  constructor(
    private readonly count: number,
    options: CmOptions = {},
  ) {
    this.level = options.level ?? CM_LEVEL_RANGE.default;
    checkLevel(this.level);
    this.history = new Uint8Array(count);
    this.model = new DnaModel(modelFor(this.level, count), this.history, options.hints);
    this.coder = new BinaryEncoder(Math.ceil(count / 4) + 64);
  }

  push(symbols: Uint8Array): void {
    if (this.pos + symbols.length > this.count) {
      throw new InvalidInputError(`more than the ${this.count} symbols announced`);
    }
    const { history, model, coder } = this;
    for (let j = 0; j < symbols.length; j++) {
      const x = symbols[j]!;
      if (x > 3) throw new InvalidInputError(`symbol ${x} at ${this.pos + j} is not 0..3`);
      history[this.pos + j] = x;
      const b1 = x >> 1;
      coder.encode(b1, model.predict(0));
      model.update(0, b1);
      const node = 1 + b1;
      coder.encode(x & 1, model.predict(node));
      model.update(node, x & 1);
      model.advance(x);
    }
    this.pos += symbols.length;
  }

  finish(): Uint8Array {
    if (this.pos !== this.count) throw new InvalidInputError(`${this.pos} symbols pushed, ${this.count} announced`);
    const body = this.coder.finish();
    const out = new Uint8Array(2 + body.length);
    out[0] = LAYOUT_VERSION;
    out[1] = this.level;
    out.set(body, 2);
    return out;
  }
}

/** Streaming decoder: read() the `count` symbols in pieces of any size. */
/**
 * More bases than any coded stream of this many bytes can hold (FORMAT.md, "Limits"). Each binary
 * decision narrows the coder's interval by a factor of at most (1 - 1/4097), because
 * probabilities are clamped to 1..4095 of 4096. Every output byte widens it by exactly 256, and
 * a base is two decisions. So a stream of B bytes holds at most
 * 8·B / (2·log2(4097/4096)) ≈ 11,360·B bases; all-A input reaches 11,319. 2^15 leaves margin.
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
    if (payload.length < 6) throw new CodedStreamError(`cm payload of ${payload.length} bytes is too short`);
    const coded = payload.length - 2;
    // Checked before allocating `count` bytes: a damaged or forged count must not size memory.
    if (!Number.isSafeInteger(count) || count < 0 || count > MAX_BASES_PER_CODED_BYTE * coded) {
      throw new CodedStreamError(`cm payload of ${payload.length} bytes cannot hold ${count} bases`);
    }
    if (payload[0] !== LAYOUT_VERSION) throw new CodedStreamError(`cm payload layout ${payload[0]} is not supported`);
    const level = payload[1]!;
    if (CM_LEVELS[level] === undefined) throw new CodedStreamError(`cm payload names level ${level}, which this version does not have`);
    this.out = new Uint8Array(count);
    this.model = new DnaModel(modelFor(level, count), this.out, options.hints);
    this.coder = new BinaryDecoder(payload.subarray(2));
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

/** The level a payload was written at. */
export function cmPayloadLevel(payload: Uint8Array): number {
  if (payload.length < 2) throw new CodedStreamError('cm payload too short');
  return payload[1]!;
}
