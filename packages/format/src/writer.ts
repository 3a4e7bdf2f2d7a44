/**
 * Compression: FASTA (or anything) in, a SeqCoder file out, as a stream of byte arrays.
 *
 * The input is read once, in order. Records are parsed as soon as they are complete, their bases
 * encoded, and their side streams gathered into a chunk frame of up to `chunkBytes` of input;
 * memory is bounded by one chunk plus the largest record, not by the input.
 */
import { ByteWriter, concatBytes } from './bytes.js';
import { crc32c, Crc32c } from './checksum.js';
import { checkLevel, codecByName, codecNameById, DEFAULT_CODEC, DEFAULT_COLLECTION_CODEC, type GroupContinuation, type GroupEncoder, type SequenceCodec } from './codecs/index.js';
import { encodeSliced, finishSliced, nextTurn, SLICE_BASES } from './codecs/sliced.js';
import { Tally } from './tally.js';
import { workerThreads, type CodecWorkers } from './codecs/workers.js';
import { FrameType, LIMITS, RequiredFlag, SectionId } from './constants.js';
import { encodeChunk, type ChunkRecord } from './container/chunk.js';
import { encodeFileFrame, encodeFileHeader, encodeFrame } from './container/frames.js';
import { writeSection, type ZstdCompress } from './container/sections.js';
import { InvalidArgumentError, LimitExceededError } from './errors.js';
import { parseRecord } from './fasta/record.js';
import type { Archive } from './reader.js';
import { looksLikeNucleotide, SNIFF_BYTES } from './fasta/sniff.js';
import { RecordSplitter } from './fasta/splitter.js';

export interface CompressOptions {
  /**
   * Sequence codec: a name (see `listCodecs()`; default `cm`, `ref` for compressFiles), or a codec
   * object whose id is registered or reserved, e.g. a neural codec made with its own settings
   * (`createNeuralCodecs({ encoderRuntime })`) in place of the registered one.
   */
  codec?: string | SequenceCodec;
  /** Codec level, within the codec's `levels` (whose `meaning` says what it chooses); default its own. */
  level?: number;
  /**
   * zstd compressor for side sections and generic content. Without one (the default in
   * browsers) they are stored raw: the file is still valid, just larger.
   */
  zstd?: ZstdCompress;
  /** `auto` (default) looks at the first 64 KiB (SNIFF_BYTES); `fasta` and `generic` force a path. */
  mode?: 'auto' | 'fasta' | 'generic';
  /** Input bytes gathered into one chunk frame (default 8 MiB; for a group codec, its group size). */
  chunkBytes?: number;
  /**
   * Called as the work advances, with the number of input bytes done: a FASTA record's bytes as it
   * is coded (within a long record, slice by slice, here or in a worker), other input as it is read.
   */
  onProgress?: (inputBytes: number) => void;
  /**
   * Called while a group codec codes what a group's records share, once they are all read (`ref`:
   * the new bases, or every base of a group coded aligned, at its cm level's pace; minutes for a
   * large group of new material at level 4), with the bases done of the total, after each slice.
   * onProgress does not move meanwhile.
   */
  onGroupCoding?: (done: number, total: number) => void;
  /** Stops compression with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Codes records in other threads, `workers.threads` at once (Node: `codecWorkers(n)`; the CLI's
   * `--threads`). The bytes written are the same as without. Default: every record in this thread.
   */
  workers?: CodecWorkers;
  /**
   * Code each record longer than this many bases in independent blocks of it (`cm` only; at least
   * 4,096), so that reading a range decodes only the blocks it touches instead of the record up to
   * it. Each block learns its model again: 1 Mb blocks cost about 1.8% of size at level 2 (ADR 0015).
   * Sets a required flag: readers before format revision 11 refuse the file. Default: no blocks.
   */
  blockBases?: number;
}

/** Input pieces of a generic file are compressed in frames of this size. */
const GENERIC_FRAME_BYTES = 8 << 20;
const DEFAULT_CHUNK_BYTES = 8 << 20;

/**
 * One input of a multi-file archive: its name (a relative path, stored as given) and its bytes.
 * As with compressStream's input, the producer may write a piece's memory again once the next
 * piece is asked for: the writer copies what it keeps.
 */
export interface ArchiveFile {
  name: string | Uint8Array;
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

/** The codec and level (and block size), checked once. */
function chooseCodec(options: CompressOptions, fallback: string): { codec: SequenceCodec; level: number } {
  const chosen = options.codec ?? fallback;
  const codec = typeof chosen === 'string' ? codecByName(chosen) : chosen;
  if (codecNameById(codec.id) !== codec.name) {
    throw new InvalidArgumentError(`codec "${codec.name}" (id ${codec.id}) is neither registered nor reserved: readers could not read its files`);
  }
  const { blockBases } = options;
  if (blockBases !== undefined) {
    const range = codec.blocks;
    if (!range) throw new InvalidArgumentError(`the ${codec.name} codec does not code records in blocks (cm does)`);
    if (!Number.isInteger(blockBases) || blockBases < range.min || blockBases > range.max) {
      throw new InvalidArgumentError(`block size ${blockBases} is outside ${range.min}..${range.max} bases`);
    }
  }
  return { codec, level: checkLevel(codec, options.level) };
}

/**
 * Compresses a stream of input bytes; yields the SeqCoder file in pieces. The input's producer may
 * write a piece's memory again once the next piece is asked for (a reader that reuses one buffer:
 * fresh memory is the costliest part of reading, measured): the writer copies what it keeps.
 */
export async function* compressStream(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: CompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const { codec, level } = chooseCodec(options, DEFAULT_CODEC);
  const totals = new Totals(options);
  const input$ = await sniff(input, options.mode ?? 'auto', totals);
  const flags = headerFlags(codec, level, options);
  yield encodeFileHeader(flags);
  let records = 0;
  if (input$.fasta) {
    const chunks = new ChunkWriter(codec, level, options, totals.progress, flags);
    for await (const record of splitRecords(input$.pieces)) yield* chunks.add(record);
    yield* chunks.flush();
    records = chunks.count;
  } else {
    yield* genericFrames(input$.pieces, options.zstd, codec.sideLevel(level));
  }
  yield totals.endFrame(records);
}

/**
 * Compresses several files into one archive that keeps each file's name and exact bytes
 * (FORMAT.md, "Multi-file archives"). FASTA records of consecutive files share chunks, so a group
 * codec codes the genomes of different files against each other; the default codec is `ref`.
 */
export async function* compressFiles(
  files: AsyncIterable<ArchiveFile> | Iterable<ArchiveFile>,
  options: CompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const { codec, level } = chooseCodec(options, DEFAULT_COLLECTION_CODEC);
  const flags = headerFlags(codec, level, options);
  yield encodeFileHeader(flags);
  yield* fileFrames(files, codec, level, options, new Totals(options), 0, flags, { share: true });
}

/** The required flags a new file announces: blocks when asked for, and the features of the group codec's groups. */
function headerFlags(codec: SequenceCodec, level: number, options: CompressOptions): number {
  return RequiredFlag.OmittedSections | (options.blockBases !== undefined ? RequiredFlag.CmBlocks : 0) | (codec.group?.requiredFlags(level) ?? 0);
}

export interface AppendOptions extends CompressOptions {
  /**
   * Code the new files in groups of their own instead of continuing the archive's last group:
   * reading them then never rebuilds the groups before, but they are coded against nothing there
   * (10x larger on half of 50 Chlamydia genomes appended to the other half, ADR 0013).
   */
  newGroup?: boolean;
}

/**
 * Adds files to a multi-file archive without coding again what it holds: yields the archive's
 * bytes up to its END frame, the new files' frames, and a new END frame that counts everything.
 * With a group codec the new records continue the archive's last group (FORMAT.md, "Groups")
 * while the chain of groups stays within one group's budget (`chunkBytes`), so that they are coded
 * against the genomes already there; that group is rebuilt first. Write the result to a new file
 * and rename it over the old one, so that an interruption leaves the old archive as it was.
 */
export async function* appendFiles(
  archive: Archive,
  files: AsyncIterable<ArchiveFile> | Iterable<ArchiveFile>,
  options: AppendOptions = {},
): AsyncGenerator<Uint8Array> {
  if (archive.files.length === 0 && (archive.records.length > 0 || archive.originalBytes > 0)) {
    throw new InvalidArgumentError('files can be appended only to an archive of several files (made with compressFiles or seqcoder compress -o)');
  }
  // The archive's header, with its required flags, is copied as it is: the new groups use only the
  // features it announces (aligned groups, revision 14's token grammar).
  if (options.blockBases !== undefined) throw new InvalidArgumentError('blocks are chosen when an archive is made: append does not take a block size');
  const { codec, level } = chooseCodec(options, DEFAULT_COLLECTION_CODEC);
  const last = codec.group && !options.newGroup ? await archive.lastGroup(codec.id) : undefined;
  const continues = last && last.chainBytes < groupBytes(codec, options) ? last : undefined;
  yield* archive.framesBeforeEnd();
  const totals = new Totals(options, { bytes: archive.originalBytes, crc: archive.originalCrc32c });
  // File names share the ends of the one before them (revision 14) only in an archive written
  // since then, so that an archive that older readers read stays readable by them.
  const names = { share: (archive.requiredFlags & RequiredFlag.ReferenceSites) !== 0, previous: archive.files.at(-1)?.nameBytes };
  yield* fileFrames(files, codec, level, options, totals, archive.records.length, archive.requiredFlags, names, continues);
}

/** Input bytes gathered into one chunk frame: a group codec's group size, or DEFAULT_CHUNK_BYTES. */
function groupBytes(codec: SequenceCodec, options: CompressOptions): number {
  return options.chunkBytes ?? codec.group?.defaultBytes ?? DEFAULT_CHUNK_BYTES;
}

/** The group that the first group written continues: what it left, and the input bytes of its chain. */
interface Continues {
  continuation: GroupContinuation;
  chainBytes: number;
}

/** FILE frames and each file's frames, then END: the body of compressFiles and appendFiles. */
async function* fileFrames(
  files: AsyncIterable<ArchiveFile> | Iterable<ArchiveFile>,
  codec: SequenceCodec,
  level: number,
  options: CompressOptions,
  totals: Totals,
  recordsBefore: number,
  fileFlags: number,
  /** Whether FILE frames may share the ends of the name before them, and that name (of the archive appended to). */
  names: { share: boolean; previous?: Uint8Array },
  continues?: Continues,
): AsyncGenerator<Uint8Array> {
  const chunks = new ChunkWriter(codec, level, options, totals.progress, fileFlags, continues);
  // one splitter for every file: its buffer grows to the largest record once, not once a file
  const splitter = new RecordSplitter();
  // and one sniffing buffer: a file is read to its end before the next is sniffed
  const sniffing = new SniffBuffer();
  let previous = names.previous;
  for await (const file of files) {
    const name = typeof file.name === 'string' ? new TextEncoder().encode(file.name) : file.name;
    const marker = encodeFrame(FrameType.File, encodeFileFrame(name, names.share ? previous : undefined));
    previous = name;
    const input$ = await sniff(file.content, options.mode ?? 'auto', totals, sniffing);
    if (input$.fasta || input$.empty) {
      // (an empty file has no frames of its own: it does not end the chunk)
      chunks.mark(marker);
      for await (const record of splitRecords(input$.pieces, splitter)) yield* chunks.add(record);
    } else {
      // A generic file's frames cannot sit inside a chunk: close it first.
      yield* chunks.flush();
      yield marker;
      yield* genericFrames(input$.pieces, options.zstd, codec.sideLevel(level));
    }
  }
  yield* chunks.flush();
  yield totals.endFrame(recordsBefore + chunks.count);
}

/** What the END frame records: records, input bytes and their CRC32C, counted as input is read. */
class Totals {
  bytes: number;
  /** Input bytes done, reported through onProgress. */
  readonly progress: Tally;
  private readonly crc: Crc32c;
  /** `before`: the bytes and CRC32C of content this archive already holds (appendFiles). */
  constructor(
    private readonly options: CompressOptions,
    before: { bytes: number; crc: number } = { bytes: 0, crc: 0 },
  ) {
    this.bytes = before.bytes;
    this.crc = new Crc32c(before.crc);
    this.progress = new Tally(options.onProgress);
  }

  consume(piece: Uint8Array): Uint8Array {
    this.options.signal?.throwIfAborted();
    this.crc.update(piece);
    this.bytes += piece.length;
    return piece;
  }

  endFrame(records: number): Uint8Array {
    return encodeFrame(FrameType.End, new ByteWriter(32).varint(records).varint(this.bytes).u32(this.crc.digest()).finish());
  }
}

/**
 * Where the sniffer copies the pieces it holds while it asks for more: SNIFF_BYTES, made when first
 * needed, used again for every file of an archive. A copy of its own for each piece wrote the
 * whole of every file under SNIFF_BYTES into fresh memory (0.1-0.2 s for 500 genomes of 250 kb).
 */
class SniffBuffer {
  private bytes: Uint8Array | undefined;
  get(): Uint8Array {
    return (this.bytes ??= new Uint8Array(SNIFF_BYTES));
  }
}

/**
 * Looks at the first bytes of an input to choose the path, then replays them. The pieces it holds
 * are copied into `buffer`, which must not be used again before the replayed pieces are consumed.
 */
async function sniff(
  input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  mode: NonNullable<CompressOptions['mode']>,
  totals: Totals,
  buffer = new SniffBuffer(),
): Promise<{ fasta: boolean; empty: boolean; pieces: AsyncIterable<Uint8Array> }> {
  const it = (Symbol.asyncIterator in input ? input : toAsync(input))[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let exhausted = false;
  while (headBytes < SNIFF_BYTES) {
    const { done, value } = await it.next();
    if (done) {
      exhausted = true;
      break;
    }
    // asking for another piece may let its producer overwrite this one: keep a copy, one after
    // another in the buffer (so that together they are the sample), of every piece that does not
    // complete the sample
    if (headBytes + value.length < SNIFF_BYTES) {
      const copy = buffer.get().subarray(headBytes, headBytes + value.length);
      copy.set(value);
      head.push(copy);
    } else {
      head.push(value);
    }
    headBytes += value.length;
  }
  // The sample: one piece is its own (a view, not a copy); several, the copies with the start of
  // the last piece after them.
  let sample = head[0] ?? new Uint8Array(0);
  if (head.length > 1) {
    const copied = headBytes - head.at(-1)!.length;
    sample = buffer.get();
    if (!exhausted) sample.set(head.at(-1)!.subarray(0, SNIFF_BYTES - copied), copied);
    sample = sample.subarray(0, Math.min(headBytes, SNIFF_BYTES));
  }
  const fasta = mode === 'fasta' || (mode === 'auto' && looksLikeNucleotide(sample.subarray(0, SNIFF_BYTES)));
  // FASTA input is done when its records are coded (ChunkWriter); other input when it is read
  const consume = (piece: Uint8Array): Uint8Array => {
    totals.consume(piece);
    if (!fasta) totals.progress.add(piece.length);
    return piece;
  };
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for (const piece of head) yield consume(piece);
    if (exhausted) return;
    for (;;) {
      const { done, value } = await it.next();
      if (done) return;
      yield consume(value);
    }
  }
  return { fasta, empty: exhausted && headBytes === 0, pieces: pieces() };
}

async function* splitRecords(source: AsyncIterable<Uint8Array>, splitter = new RecordSplitter()): AsyncGenerator<Uint8Array> {
  for await (const piece of source) yield* splitter.push(piece);
  yield* splitter.finish();
}

/**
 * Gathers records into chunk frames, each followed by one sequence frame per record. Records are
 * coded as they arrive (up to `workers.threads` at once in other threads, or in order by a group codec);
 * memory is bounded by one chunk plus the largest record. Frames marked with `mark` (a file's
 * start) are written before the next record added, inside the chunk's run of sequence frames.
 */
class ChunkWriter {
  private readonly zstd: ZstdCompress | undefined;
  private readonly chunkBytes: number;
  private readonly workers: CodecWorkers | undefined;
  private readonly onGroupCoding: CompressOptions['onGroupCoding'];
  private readonly parallel: number;
  private readonly blockBases: number | undefined;
  // A group codec codes a chunk's records in order against each other, on this thread.
  private groupCoder: GroupEncoder | undefined;
  private records: ChunkRecord[] = [];
  /** Where a group coder's records are parsed (it copies their symbols). */
  private scratch = new Uint8Array(0);
  /** Bases the group coder parsed since the last return to the event loop. */
  private parsedSinceTurn = 0;
  // Sequence payloads in record order; up to `parallel` of them still being coded.
  private sequences: Promise<Uint8Array>[] = [];
  private pending = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;
  private bytes = 0;
  /** The group being gathered continues the previous group of the file. */
  private continuing: boolean;
  /**
   * Bases of short-record trials the level may still spend (SequenceCodec.trialBudget): granted
   * to records in the order they come, so that the bytes do not depend on the threads.
   */
  private trialBases: number;
  /** Frames to write before record i of the chunk (i = records.length: after the last). */
  private marks: { before: number; frame: Uint8Array }[] = [];
  /** Records added in all, for the END frame. */
  count = 0;

  constructor(
    private readonly codec: SequenceCodec,
    private readonly level: number,
    options: CompressOptions,
    private readonly progress: Tally,
    /** The file header's required flags: what its groups may use (GroupCoding.encoder). */
    private readonly fileFlags: number,
    continues?: Continues,
  ) {
    this.zstd = options.zstd;
    this.chunkBytes = groupBytes(codec, options);
    this.workers = options.workers;
    this.onGroupCoding = options.onGroupCoding;
    this.parallel = workerThreads(options.workers);
    this.blockBases = options.blockBases;
    // a continued chain counts against the first group's budget
    this.bytes = continues?.chainBytes ?? 0;
    // the budget left, in bases at most, reserved by the group coder (input bytes bound bases)
    this.groupCoder = codec.group?.encoder(level, continues?.continuation, fileFlags, this.chunkBytes - this.bytes);
    this.continuing = continues !== undefined;
    this.trialBases = codec.trialBudget?.(level) ?? 0;
  }

  mark(frame: Uint8Array): void {
    this.marks.push({ before: this.records.length, frame });
  }

  /** Adds a record; yields the chunk's frames when it is full. */
  async *add(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
    // never write a record that readers refuse (FORMAT.md, "Limits")
    if (bytes.length > LIMITS.maxRecordBytes) {
      throw new LimitExceededError(`a record of ${bytes.length} bytes exceeds the ${LIMITS.maxRecordBytes}-byte limit`);
    }
    const { codec, level } = this;
    // A group coder copies the symbols into its history at once, so they can go to one buffer.
    if (this.groupCoder && this.scratch.length < bytes.length) this.scratch = new Uint8Array(bytes.length);
    const { layout, symbols } = parseRecord(bytes, this.groupCoder ? this.scratch : undefined);
    this.records.push({ layout, crc: crc32c(bytes) });
    const head = new ByteWriter(16).varint(codec.id).varint(layout.bases).finish();
    while (this.pending.size >= this.parallel) await Promise.race(this.pending);
    if (this.failure) throw this.failure.error; // a record coded elsewhere failed: stop now, not at the chunk's end
    // progress: the record's bytes once it is coded, and in proportion while it is coded (sliced
    // here, or in a worker that tells its bases as it goes)
    const size = bytes.length;
    const key = {};
    const partly = (bases: number) => this.progress.part(key, Math.floor((size * bases) / symbols.length));
    // A group's record payloads are known once the group is (flush): here only their heads.
    if (this.groupCoder) {
      this.groupCoder.encodeRecord(symbols);
      // Plain files are read on this thread (apps/cli, io.ts), so without this return a group of
      // new material kept the event loop, and Ctrl-C, busy for as long as its records took to parse.
      this.parsedSinceTurn += symbols.length;
      if (this.parsedSinceTurn >= SLICE_BASES) {
        this.parsedSinceTurn = 0;
        await nextTurn();
      }
    }
    const trial = symbols.length <= this.trialBases;
    if (trial) this.trialBases -= symbols.length;
    const payload = this.groupCoder
      ? Promise.resolve(head)
      : (this.workers?.encode(codec, symbols, level, this.blockBases, trial, partly) ?? encodeSliced(codec, symbols, level, this.blockBases, partly, trial)).then((data) =>
          concatBytes([head, data]),
        );
    const settled: Promise<void> = payload.then(
      () => {
        this.pending.delete(settled);
        this.progress.add(size, key);
      },
      (error: unknown) => {
        this.pending.delete(settled);
        this.failure ??= { error };
      },
    );
    this.pending.add(settled);
    this.sequences.push(payload);
    this.bytes += bytes.length;
    this.count++;
    if (this.bytes >= this.chunkBytes) yield* this.flush();
  }

  /** Writes the chunk gathered so far (and any marked frames). */
  async *flush(): AsyncGenerator<Uint8Array> {
    const { records, marks } = this;
    let payloads = await Promise.all(this.sequences);
    if (records.length > 0) {
      const group = this.groupCoder && (await finishSliced(this.groupCoder, this.onGroupCoding));
      if (group) payloads = payloads.map((head, i) => concatBytes([head, group.records[i]!]));
      const shared = group && { codec: this.codec.id, shared: group.shared, continues: this.continuing };
      yield encodeFrame(FrameType.Chunk, encodeChunk(records, this.zstd, this.codec.sideLevel(this.level), shared));
    }
    let m = 0;
    for (let i = 0; i <= payloads.length; i++) {
      while (m < marks.length && marks[m]!.before === i) yield marks[m++]!.frame;
      if (i < payloads.length) yield encodeFrame(FrameType.Sequence, payloads[i]!);
    }
    this.records = [];
    this.sequences = [];
    this.pending = new Set();
    this.marks = [];
    this.bytes = 0;
    if (records.length > 0) {
      this.groupCoder = this.codec.group?.encoder(this.level, undefined, this.fileFlags, this.chunkBytes);
      this.continuing = false;
    }
  }
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
      // a copy: the piece's producer may overwrite it once the next is asked for
      parts.push(new Uint8Array(piece.subarray(at, at + take)));
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
