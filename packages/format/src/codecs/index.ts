/**
 * Sequence codecs: how a record's ACGT symbols are stored in its sequence frame.
 * A codec id is written into every sequence frame; ids are never reused.
 */
import {
  CM_ALIGNED_LEVELS,
  CM_BLOCK_RANGE,
  CM_LEVEL_RANGE,
  CM_SHORT_RECORD_TRIALS,
  CmDecoder,
  CmEncoder,
  cmBlockBases,
  GRAMMAR_R10,
  GRAMMAR_R14,
  cmDecode,
  cmEncode,
  pack2bit,
  packedLength,
  RefGroupDecoder,
  RefGroupEncoder,
  type RefHistory,
  type TokenGrammar,
  unpack2bit,
} from '@seqcoder/residual';
import { RequiredFlag } from '../constants.js';
import { CorruptError, InvalidArgumentError, isSeqCoderError, UnsupportedFeatureError } from '../errors.js';

export interface SequenceCodec {
  /** The id stored in sequence frames. */
  readonly id: number;
  /** The name users pass to `--codec`. */
  readonly name: string;
  readonly description: string;
  /** Levels this codec accepts for `--level`, its default, and what a level means. */
  readonly levels: CodecLevels;
  /** The zstd level for the side sections (names, layout) and generic content at a codec level. */
  sideLevel(level: number): number;
  /**
   * Block sizes (in bases) the codec accepts, if it can code a long record in independent blocks
   * (`blockBases` of encode and encoder; FORMAT.md, `cm` layout 3), so that a range costs only the
   * blocks it touches.
   */
  readonly blocks?: { readonly min: number; readonly max: number };
  /**
   * Encodes symbols 0..3 (one per byte). The codec decides what of `level` it stores. Codecs that
   * run a network (registered from `@seqcoder/neural`) return a promise. `blockBases` only for
   * a codec with `blocks`. `trial`: the writer grants this record a share of the level's
   * `trialBudget`.
   */
  encode(symbols: Uint8Array, level: number, blockBases?: number, trial?: boolean): Uint8Array | Promise<Uint8Array>;
  /**
   * Decodes bases `start..end` of a payload holding `count` bases, one symbol per byte.
   * Must throw (any error) on a payload that cannot hold `count` bases.
   */
  decode(payload: Uint8Array, count: number, start: number, end: number): Uint8Array | Promise<Uint8Array>;
  /**
   * Optional, for slow codecs: the same coding in pieces, so that the writer and reader can return
   * to the event loop within a long record (signals, progress, other work), and a reader can stop
   * after the bases it needs. Same bytes as encode/decode. `read(n)` decodes up to `n` more bases
   * from the first and returns them; `readAll()` the rest, returning all `count`. `seek(base)`,
   * where the payload is in blocks, skips ahead to the start of the block holding `base` and
   * returns the position reading goes on from.
   */
  encoder?(count: number, level: number, blockBases?: number, trial?: boolean): { push(symbols: Uint8Array): void; finish(): Uint8Array };
  decoder?(payload: Uint8Array, count: number): { read(n: number): Uint8Array; readAll(): Uint8Array; seek?(base: number): number };
  /**
   * Bases of an archive's records that `level` may spend trials on (coding a short record with
   * several models and keeping the smallest; cm level 2), or undefined where the level needs no
   * grant. The writer grants records in order (`trial` of encode and encoder) while the budget
   * lasts, so that the bytes do not depend on the number of threads.
   */
  trialBudget?(level: number): number | undefined;
  /** Where the codec has `blocks`: the bases per block of a payload coded in blocks, else undefined. */
  blockBases?(payload: Uint8Array, count: number): number | undefined;
  /**
   * For codecs that code the records of a chunk against each other (a group, FORMAT.md "Groups"):
   * the writer gives every record of a chunk to one encoder in order and stores what `finish()`
   * returns in the chunk's group section; a reader rebuilds the records in the same order.
   * Such a codec's `encode` and `decode` (one record alone) are never called.
   */
  group?: GroupCoding;
}

/** What `--level` means for a codec: everything a program needs to offer, check and explain it. */
export interface CodecLevels {
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /** What the level chooses, in a few words, for help texts (`seqcoder compress --help`). */
  readonly meaning: string;
  /**
   * Whether each level codes the bases differently (its own size, so each is worth a benchmark
   * row), rather than only tuning zstd on the side sections or being fixed.
   */
  readonly modelsBases: boolean;
  /**
   * Rough single-thread compression speed in MB of FASTA per second at each level from `min` (on
   * bacterial genomes; a planning figure for schedulers and progress estimates, not a measurement
   * to quote: `pnpm bench` measures).
   */
  readonly roughMBps: readonly number[];
}

/** `level`, or the codec's default when undefined, checked against the codec's range: the one place levels are checked. */
export function checkLevel(codec: SequenceCodec, level: number | undefined): number {
  const { min, max } = codec.levels;
  const chosen = level ?? codec.levels.default;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) {
    throw new InvalidArgumentError(`level ${chosen} is outside ${min}..${max} for codec ${codec.name}`);
  }
  return chosen;
}

/** The rough speed of a codec at a level (see CodecLevels.roughMBps). */
export function roughMBps(codec: SequenceCodec, level: number): number {
  const speeds = codec.levels.roughMBps;
  return speeds[Math.min(Math.max(0, level - codec.levels.min), speeds.length - 1)] ?? 1;
}

/**
 * What a finished group leaves to a group that continues it (FORMAT.md, "Groups"): opaque here,
 * passed from a group's decoder to the next group's encoder or decoder.
 */
export type GroupContinuation = unknown;

export interface GroupCoding {
  /** Input bytes a writer gathers into one group by default (bounds the memory of both sides). */
  readonly defaultBytes: number;
  /**
   * The file header's required flags (RequiredFlag) that groups written at `level` need: features
   * that readers of earlier revisions lack (ref: AlignedGroups at a level that aligns, revision 12;
   * ReferenceSites, revision 14). A new file announces them all.
   */
  requiredFlags(level: number): number;
  /**
   * `continues`: what the group this one continues left, if it continues one; `fileFlags`: the
   * required flags of the file's header, which say what the group may use (an archive appended to
   * keeps the features it was written with); `capacity`: the bases the group will most likely hold
   * (the writer's budget), for reserving memory, not a limit. finish() gives the group's shared
   * bytes and each record's payload, in the order of encodeRecord. encodeRecord copies what it
   * keeps of `symbols`: the writer parses every record into the same buffer.
   */
  encoder(level: number, continues: GroupContinuation | undefined, fileFlags: number, capacity?: number): GroupEncoder;
  /**
   * `bases` is the sum of the bases of the group's records; `continues` and `fileFlags` as for the
   * encoder. `continuation()`, after `finish()`, is what the group leaves to one that continues it.
   */
  decoder(shared: Uint8Array, bases: number, continues: GroupContinuation | undefined, fileFlags: number): GroupDecoder;
}

/** What a group coder's finish() gives: the group's shared bytes and each record's payload. */
export interface GroupCoded {
  shared: Uint8Array;
  records: Uint8Array[];
}

/** Codes the records of one group, in order. */
export interface GroupEncoder {
  encodeRecord(symbols: Uint8Array): void;
  finish(): GroupCoded;
  /**
   * finish() in steps of about `slice` bases, each yielding how far it is (bases done of a total),
   * for a coder whose finish() does the long work (ref codes its shared stream there); see
   * codecs/sliced.ts.
   */
  finishing?(slice: number): Generator<{ done: number; total: number }, GroupCoded>;
}

/** Rebuilds the records of one group, in order. */
export interface GroupDecoder {
  /** The next record's bases. */
  decodeRecord(payload: Uint8Array, count: number): Uint8Array;
  /**
   * The next record read only as far as the records after it need, for a reader on its way to a
   * later one (a codec may rebuild it whole all the same); `record(m)` gives its bases if wanted.
   */
  skipRecord(payload: Uint8Array, count: number): void;
  /**
   * decodeRecord and skipRecord in steps of about `slice` bases of work, each yielding the record's
   * bases done so far, for a reader that returns to its event loop between them; see codecs/sliced.ts.
   */
  decodingRecord?(payload: Uint8Array, count: number, slice: number): Generator<number, Uint8Array>;
  skippingRecord?(payload: Uint8Array, count: number, slice: number): Generator<number, unknown>;
  /** The bases of record `m` (from 0) of the group, read already. */
  record(m: number): Uint8Array;
  /**
   * Decodes, in steps of about `slice` bases, work that the next records of up to `bases` bases
   * will need, for a reader that reads every record of the group in order; see codecs/sliced.ts.
   */
  decodingAhead?(bases: number, slice: number): Generator<number, void>;
  finish(): void;
  continuation(): GroupContinuation;
}

/** 2 bits per base, no model: the speed mode, and the floor every modelling codec must beat. */
export const packCodec: SequenceCodec = {
  id: 1,
  name: 'pack',
  description: '2 bits per base, no modelling; fastest, random access to any base',
  // pack itself has no levels; --level sets the zstd level of the side sections.
  levels: {
    min: 1,
    max: 22,
    default: 19,
    meaning: 'the zstd level of headers and line layout; the bases are always 2 bits',
    modelsBases: false,
    roughMBps: [60],
  },
  sideLevel: (level) => level,
  encode: (symbols) => pack2bit(symbols),
  decode: (payload, count, start, end) => {
    if (payload.length !== packedLength(count)) {
      throw new CorruptError(`pack payload holds ${payload.length} bytes, expected ${packedLength(count)}`);
    }
    return unpack2bit(payload, count, start, end);
  },
};

/** cm's rough speeds at levels 1–4 on bacterial genomes (one thread). */
const CM_ROUGH_MBPS = [3, 1, 0.4, 0.25];

/**
 * Context mixing + arithmetic coding (`@seqcoder/residual`): 1.73–1.96 bits per base on bacterial
 * genomes. The level (1 fast .. 4 smallest) picks a model, whose number is stored in the payload;
 * decoding a record means decoding it from its first base, since every prediction depends on all
 * earlier bases.
 */
export const cmCodec: SequenceCodec = {
  id: 2,
  name: 'cm',
  description: 'context mixing of DNA with arithmetic coding; the smallest files of one genome',
  levels: { ...CM_LEVEL_RANGE, meaning: 'the model: 1 fastest .. 4 smallest', modelsBases: true, roughMBps: CM_ROUGH_MBPS },
  sideLevel: () => 19,
  blocks: CM_BLOCK_RANGE,
  blockBases: (payload, count) => wrapCodedErrors(() => cmBlockBases(payload, count)),
  encode: (symbols, level, blockBases, trial) => cmEncode(symbols, { level, blockBases, trial }),
  encoder: (count, level, blockBases, trial) => new CmEncoder(count, { level, blockBases, trial }),
  trialBudget: (level) => CM_SHORT_RECORD_TRIALS[level]?.budget,
  decoder: (payload, count) => {
    const decoder = wrapCodedErrors(() => new CmDecoder(payload, count));
    return {
      read: (n: number) => wrapCodedErrors(() => decoder.read(n)),
      readAll: () => wrapCodedErrors(() => decoder.readAll()),
      seek: (base: number) => wrapCodedErrors(() => decoder.seek(base)),
    };
  },
  decode: (payload, count, start, end) =>
    wrapCodedErrors(() => {
      if (start === 0 && end === count) return cmDecode(payload, count);
      // From the block that holds `start` (the record's start when it is one stream).
      const decoder = new CmDecoder(payload, count);
      const from = decoder.seek(start);
      return decoder.read(end - from).subarray(start - from);
    }),
};

/** The grammar of a file's ref token streams: revision 14's where its header announces it. */
function refGrammar(fileFlags: number): TokenGrammar {
  return (fileFlags & RequiredFlag.ReferenceSites) !== 0 ? GRAMMAR_R14 : GRAMMAR_R10;
}

/**
 * Collections: the records of a chunk (a group) are coded in order, each against every base of the
 * group before it, on both strands: long matches as runs (alignment, length, substitutions), the
 * rest as literal bases that the group shares in one cm stream (`@seqcoder/residual`'s ref/).
 * The level is the cm level of the literals. Reading a record rebuilds the group up to it.
 */
export const refCodec: SequenceCodec = {
  id: 5,
  name: 'ref',
  description: 'collections: the records of a group coded against each other, new bases with cm; the default for several genomes',
  // Divergent genomes run at cm's speed; near-identical ones an order of magnitude faster.
  levels: { ...CM_LEVEL_RANGE, meaning: 'the cm model of the bases no earlier genome explains', modelsBases: true, roughMBps: CM_ROUGH_MBPS },
  sideLevel: () => 19,
  encode: () => {
    throw new InvalidArgumentError('the ref codec codes the records of a chunk together: use compressStream');
  },
  decode: () => {
    throw new InvalidArgumentError('the ref codec decodes the records of a chunk together: use openArchive or decompressStream');
  },
  group: {
    defaultBytes: 256 << 20,
    requiredFlags: (level) => (CM_ALIGNED_LEVELS[level] !== undefined ? RequiredFlag.AlignedGroups : 0) | RequiredFlag.ReferenceSites,
    encoder: (level, continues, fileFlags, capacity) =>
      new RefGroupEncoder(
        { level, aligned: (fileFlags & RequiredFlag.AlignedGroups) !== 0, grammar: refGrammar(fileFlags), capacity },
        continues as RefHistory | undefined,
      ),
    decoder: (shared, bases, continues, fileFlags) => {
      const decoder = wrapCodedErrors(() => new RefGroupDecoder(shared, bases, continues as RefHistory | undefined, refGrammar(fileFlags)));
      return {
        decodeRecord: (payload: Uint8Array, count: number) => wrapCodedErrors(() => decoder.decodeRecord(payload, count)),
        skipRecord: (payload: Uint8Array, count: number) => wrapCodedErrors(() => decoder.skipRecord(payload, count)),
        decodingRecord: (payload: Uint8Array, count: number, slice: number) => wrapSteps(decoder.decodingRecord(payload, count, slice)),
        skippingRecord: (payload: Uint8Array, count: number, slice: number) => wrapSteps(decoder.skippingRecord(payload, count, slice)),
        record: (m: number) => decoder.record(m),
        decodingAhead: (bases: number, slice: number) => wrapSteps(decoder.decodingAhead(bases, slice)),
        finish: () => wrapCodedErrors(() => decoder.finish()),
        continuation: () => decoder.continuation(),
      };
    },
  },
};

/**
 * A cm stream that does not decode is damage to the file: CORRUPT, like any other. Returns the
 * error to throw in place of `error`; for code that runs cm outside this codec (worker pools, the
 * neural codec's residual).
 */
export function cmStreamError(error: unknown): unknown {
  return isSeqCoderError(error, 'CODED_STREAM') ? new CorruptError(`cm stream: ${error.message}`) : error;
}

function wrapCodedErrors<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw cmStreamError(error);
  }
}

/** A coder's steps, each with wrapCodedErrors. */
function* wrapSteps<Y, R>(steps: Generator<Y, R>): Generator<Y, R> {
  for (;;) {
    const step = wrapCodedErrors(() => steps.next());
    if (step.done) return step.value;
    yield step.value;
  }
}

const CODECS: SequenceCodec[] = [packCodec, cmCodec, refCodec];

/**
 * Ids taken by codecs that live outside this package, so that a reader without them can say what
 * to install instead of calling the file unreadable. Never reuse an id.
 */
const EXTERNAL_CODECS: ReadonlyMap<number, { name: string; from: string }> = new Map([
  [3, { name: 'seqcoder-classic', from: '@seqcoder/neural' }],
  [4, { name: 'seqcoder', from: '@seqcoder/neural' }],
  [6, { name: 'deepgeco', from: '@seqcoder/neural' }],
]);

/**
 * Adds a codec implemented outside this package (the neural codecs run a network, which the plain
 * reader does not ship). Registering the same codec object again is a no-op; a different codec with
 * a taken id or name is refused.
 */
export function registerCodec(codec: SequenceCodec): void {
  const taken = CODECS.find((c) => c.id === codec.id || c.name === codec.name);
  if (taken === codec) return;
  if (taken) throw new InvalidArgumentError(`codec id ${codec.id} / name "${codec.name}" is already registered as ${taken.name}`);
  const reserved = EXTERNAL_CODECS.get(codec.id);
  if (!reserved || reserved.name !== codec.name) {
    throw new InvalidArgumentError(`codec id ${codec.id} "${codec.name}" is not reserved in FORMAT.md`);
  }
  CODECS.push(codec);
}

/** The codec used when none is named. */
export const DEFAULT_CODEC = 'cm';
/** The codec used when none is named for an archive of several files (genomes coded against each other). */
export const DEFAULT_COLLECTION_CODEC = 'ref';

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

/** The name of codec `id`, also for a known codec this build has not registered; undefined if unknown. */
export function codecNameById(id: number): string | undefined {
  return CODECS.find((c) => c.id === id)?.name ?? EXTERNAL_CODECS.get(id)?.name;
}

export function codecById(id: number, offset?: number): SequenceCodec {
  const codec = CODECS.find((c) => c.id === id);
  const external = EXTERNAL_CODECS.get(id);
  if (!codec && external) {
    throw new UnsupportedFeatureError(
      `this file uses the ${external.name} codec (id ${id}): install ${external.from} and call its registerNeuralCodecs() to read it`,
      offset,
    );
  }
  if (!codec) throw new UnsupportedFeatureError(`sequence codec id ${id} is not supported by this reader`, offset);
  return codec;
}
