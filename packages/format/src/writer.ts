/**
 * Compression: FASTA (or anything) in, a SeqCoder file out, as a stream of byte arrays.
 *
 * The input is read once, in order. Records are parsed as soon as they are complete, their bases
 * encoded, and their side streams gathered into a chunk frame of up to `chunkBytes` of input;
 * memory is bounded by one chunk plus the largest record, not by the input.
 */
import { ByteWriter, concatBytes } from './bytes.js';
import { crc32c, Crc32c } from './checksum.js';
import { codecByName, DEFAULT_CODEC, type SequenceCodec } from './codecs/index.js';
import { encodeSliced } from './codecs/sliced.js';
import { FrameType, LIMITS, SectionId } from './constants.js';
import { encodeChunk, type ChunkRecord } from './container/chunk.js';
import { encodeFileHeader, encodeFrame } from './container/frames.js';
import { writeSection, type ZstdCompress } from './container/sections.js';
import { InvalidArgumentError, LimitExceededError } from './errors.js';
import { parseRecord } from './fasta/record.js';
import { looksLikeNucleotide, SNIFF_BYTES } from './fasta/sniff.js';
import { RecordSplitter } from './fasta/splitter.js';

export interface CompressOptions {
  /** Sequence codec name (see `listCodecs()`); default `pack`. */
  codec?: string;
  /** Codec level: for `cm` the model (1 fast .. 4 smallest, default 2); for `pack` the zstd level of the side sections (1–22, default 19). */
  level?: number;
  /**
   * zstd compressor for side sections and generic content. Without one (the default in
   * browsers) they are stored raw: the file is still valid, just larger.
   */
  zstd?: ZstdCompress;
  /** `auto` (default) looks at the first MiB; `fasta` and `generic` force a path. */
  mode?: 'auto' | 'fasta' | 'generic';
  /** Input bytes gathered into one chunk frame (default 8 MiB; for a group codec, its group size). */
  chunkBytes?: number;
  /** Called after each input piece with the number of input bytes consumed so far. */
  onProgress?: (inputBytes: number) => void;
  /** Stops compression with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Codes a record's bases somewhere else, e.g. in a worker thread (the CLI's `--threads`). Must
   * return exactly what `codecByName(codec).encode(symbols, level)` returns. Default: this thread.
   */
  encodeSequence?: (codec: string, symbols: Uint8Array, level: number) => Promise<Uint8Array>;
  /**
   * Records of a chunk coded at once (default 1). Only useful with an `encodeSequence` that runs
   * elsewhere; the bytes written are the same for any value.
   */
  parallelRecords?: number;
}

/** Input pieces of a generic file are compressed in frames of this size. */
const GENERIC_FRAME_BYTES = 8 << 20;
const DEFAULT_CHUNK_BYTES = 8 << 20;

/** Compresses a stream of input bytes; yields the SeqCoder file in pieces. */
export async function* compressStream(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const codec = codecByName(options.codec ?? DEFAULT_CODEC);
  const level = options.level ?? codec.levels.default;
  if (!Number.isInteger(level) || level < codec.levels.min || level > codec.levels.max) {
    throw new InvalidArgumentError(`level ${level} is outside ${codec.levels.min}..${codec.levels.max} for codec ${codec.name}`);
  }
  const chunkBytes = options.chunkBytes ?? codec.group?.defaultBytes ?? DEFAULT_CHUNK_BYTES;
  const { zstd, signal, onProgress } = options;

  const it = (Symbol.asyncIterator in input ? input : toAsync(input))[Symbol.asyncIterator]();
  // Look at the first bytes to choose the path, then replay them.
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let exhausted = false;
  while (headBytes < SNIFF_BYTES) {
    const { done, value } = await it.next();
    if (done) {
      exhausted = true;
      break;
    }
    head.push(value);
    headBytes += value.length;
  }
  const mode = options.mode ?? 'auto';
  const fasta = mode === 'fasta' || (mode === 'auto' && looksLikeNucleotide(concatBytes(head).subarray(0, SNIFF_BYTES)));

  const fileCrc = new Crc32c();
  let inputBytes = 0;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const consume = (piece: Uint8Array): Uint8Array => {
      signal?.throwIfAborted();
      fileCrc.update(piece);
      inputBytes += piece.length;
      onProgress?.(inputBytes);
      return piece;
    };
    for (const piece of head) yield consume(piece);
    if (exhausted) return;
    for (;;) {
      const { done, value } = await it.next();
      if (done) return;
      yield consume(value);
    }
  }

  yield encodeFileHeader();
  const counts = { records: 0 };
  const frames = fasta
    ? fastaFrames(pieces(), codec, level, zstd, chunkBytes, counts, {
        encode: options.encodeSequence ?? ((_, symbols, lvl) => encodeSliced(codec, symbols, lvl)),
        parallel: options.parallelRecords ?? 1,
      })
    : genericFrames(pieces(), zstd, codec.sideLevel(level));
  for await (const frame of frames) yield frame;
  const end = new ByteWriter(32).varint(counts.records).varint(inputBytes).u32(fileCrc.digest());
  yield encodeFrame(FrameType.End, end.finish());
}

/** Chunk frames, each followed by one sequence frame per record. Counts records into `counts`. */
async function* fastaFrames(
  source: AsyncIterable<Uint8Array>,
  codec: SequenceCodec,
  level: number,
  zstd: ZstdCompress | undefined,
  chunkBytes: number,
  counts: { records: number },
  coding: { encode: NonNullable<CompressOptions['encodeSequence']>; parallel: number },
): AsyncGenerator<Uint8Array> {
  if (!Number.isInteger(coding.parallel) || coding.parallel < 1) {
    throw new InvalidArgumentError(`parallelRecords must be a positive integer, not ${coding.parallel}`);
  }
  const splitter = new RecordSplitter();
  // A group codec codes a chunk's records in order against each other, on this thread.
  let groupCoder = codec.group?.encoder(level);
  let group: ChunkRecord[] = [];
  // Sequence payloads in record order; up to `parallel` of them still being coded.
  let sequences: Promise<Uint8Array>[] = [];
  let pending = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let groupBytes = 0;
  const add = async (bytes: Uint8Array): Promise<void> => {
    // never write a record that readers refuse (FORMAT.md, "Limits")
    if (bytes.length > LIMITS.maxRecordBytes) {
      throw new LimitExceededError(`a record of ${bytes.length} bytes exceeds the ${LIMITS.maxRecordBytes}-byte limit`);
    }
    const { layout, symbols } = parseRecord(bytes);
    group.push({ layout, crc: crc32c(bytes) });
    const head = new ByteWriter(16).varint(codec.id).varint(layout.bases).finish();
    while (pending.size >= coding.parallel) await Promise.race(pending);
    if (failure) throw failure.error; // a record coded elsewhere failed: stop now, not at the chunk's end
    const payload = groupCoder
      ? Promise.resolve(concatBytes([head, groupCoder.encodeRecord(symbols)]))
      : coding.encode(codec.name, symbols, level).then((data) => concatBytes([head, data]));
    const settled: Promise<void> = payload.then(
      () => void pending.delete(settled),
      (error: unknown) => {
        pending.delete(settled);
        failure ??= { error };
      },
    );
    pending.add(settled);
    sequences.push(payload);
    groupBytes += bytes.length;
    counts.records++;
  };
  async function* flush(): AsyncGenerator<Uint8Array> {
    if (group.length === 0) return;
    const payloads = await Promise.all(sequences);
    const shared = groupCoder && { codec: codec.id, shared: groupCoder.finish() };
    yield encodeFrame(FrameType.Chunk, encodeChunk(group, zstd, codec.sideLevel(level), shared));
    groupCoder = codec.group?.encoder(level);
    for (const payload of payloads) yield encodeFrame(FrameType.Sequence, payload);
    group = [];
    sequences = [];
    pending = new Set();
    groupBytes = 0;
  }
  for await (const piece of source) {
    for (const record of splitter.push(piece)) {
      await add(record);
      if (groupBytes >= chunkBytes) yield* flush();
    }
  }
  for (const record of splitter.finish()) await add(record);
  yield* flush();
}

async function* genericFrames(
  source: AsyncIterable<Uint8Array>,
  zstd: ZstdCompress | undefined,
  level: number,
): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = [];
  let size = 0;
  const frame = (): Uint8Array => {
    const w = new ByteWriter(64);
    writeSection(w, SectionId.Content, concatBytes(parts), zstd, level);
    parts = [];
    size = 0;
    return encodeFrame(FrameType.Generic, w.finish());
  };
  for await (const piece of source) {
    for (let at = 0; at < piece.length; ) {
      const take = Math.min(piece.length - at, GENERIC_FRAME_BYTES - size);
      parts.push(piece.subarray(at, at + take));
      size += take;
      at += take;
      if (size === GENERIC_FRAME_BYTES) yield frame();
    }
  }
  if (size > 0) yield frame();
}

async function* toAsync(input: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* input;
}

/** Compresses bytes in memory; returns the whole SeqCoder file. */
export async function compress(input: Uint8Array, options: CompressOptions = {}): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of compressStream([input], options)) parts.push(part);
  return concatBytes(parts);
}
