/**
 * Sequence codecs: how a record's ACGT symbols are stored in its sequence frame.
 * A codec id is written into every sequence frame; ids are never reused.
 */
import { pack2bit, packedLength, unpack2bit } from '@seqcoder/residual';
import { CorruptError, InvalidArgumentError, UnsupportedFeatureError } from '../errors.js';

export interface SequenceCodec {
  /** The id stored in sequence frames. */
  readonly id: number;
  /** The name users pass to `--codec`. */
  readonly name: string;
  readonly description: string;
  /** Levels this codec accepts for `--level` and its default. */
  readonly levels: { min: number; max: number; default: number };
  /** Encodes symbols 0..3 (one per byte). `level` is encoder-only: it is not stored. */
  encode(symbols: Uint8Array, level: number): Uint8Array;
  /**
   * Decodes bases `start..end` of a payload holding `count` bases, one symbol per byte.
   * Must throw (any error) on a payload that cannot hold `count` bases.
   */
  decode(payload: Uint8Array, count: number, start: number, end: number): Uint8Array;
}

/** 2 bits per base, no model: the speed mode, and the floor every modelling codec must beat. */
export const packCodec: SequenceCodec = {
  id: 1,
  name: 'pack',
  description: '2 bits per base, no modelling; fastest, random access to any base',
  // pack itself has no levels; --level sets the zstd level of the side sections.
  levels: { min: 1, max: 22, default: 19 },
  encode: (symbols) => pack2bit(symbols),
  decode: (payload, count, start, end) => {
    if (payload.length !== packedLength(count)) {
      throw new CorruptError(`pack payload holds ${payload.length} bytes, expected ${packedLength(count)}`);
    }
    return unpack2bit(payload, count, start, end);
  },
};

const CODECS: readonly SequenceCodec[] = [packCodec];

/** The codec used when none is named. */
export const DEFAULT_CODEC = 'pack';

/** Every codec this build can write and read. */
export function listCodecs(): readonly SequenceCodec[] {
  return CODECS;
}

export function codecByName(name: string): SequenceCodec {
  const codec = CODECS.find((c) => c.name === name);
  if (!codec) {
    throw new InvalidArgumentError(`unknown codec "${name}" (available: ${CODECS.map((c) => c.name).join(', ')})`);
  }
  return codec;
}

export function codecById(id: number, offset?: number): SequenceCodec {
  const codec = CODECS.find((c) => c.id === id);
  if (!codec) throw new UnsupportedFeatureError(`sequence codec id ${id} is not supported by this reader`, offset);
  return codec;
}
