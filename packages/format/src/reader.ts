/**
 * Reading SeqCoder files.
 *
 * `openArchive` indexes a file from its chunk frames alone (names, lengths, layouts), reading
 * only the headers of sequence frames, so listing records of a multi-gigabyte file is quick and
 * any record, or any range of bases of it, can be read without decoding the others.
 * `decompressStream` decodes a file front to back from a forward-only stream (stdin, fetch),
 * holding one frame at a time.
 * Every frame's CRC is checked before it is parsed; every record and the whole output are
 * checked against the CRC32C of the original recorded at compression.
 */
import { ByteReader } from './bytes.js';
import { crc32c, Crc32c } from './checksum.js';
import { GroupCache, type ChainProgress, type MemberData } from './codecs/groups.js';
import { codecById, codecNameById, listCodecs, type SequenceCodec } from './codecs/index.js';
import { decodeSliced } from './codecs/sliced.js';
import { workerThreads, type CodecWorkers } from './codecs/workers.js';
import { FILE_HEADER_SIZE, FRAME_HEADER_SIZE, FrameType } from './constants.js';
import { decodeChunk, type ChunkGroup, type ChunkRecord } from './container/chunk.js';
import { framesFrom, framesOf } from './container/frame-reader.js';
import { checkFrame, decodeFileFrame, decodeFileHeader, type FrameHeader } from './container/frames.js';
import { readSection } from './container/sections.js';
import { FrameWalker, type EndInfo } from './container/walker.js';
import {
  ChecksumMismatchError,
  CODER_CODES,
  CorruptError,
  InvalidArgumentError,
  isSeqCoderError,
  RecordNotFoundError,
} from './errors.js';
import { basesBefore, recordByteLength, renderRecord, renderResidues, type RecordLayout } from './fasta/record.js';
import { PiecePool } from './pieces.js';
import { Tally } from './tally.js';
import { bytesSource, collectBytes, ForwardReader, iterateStream, type RandomAccessSource } from './source.js';

/** What the archive says about one record. */
export interface RecordInfo {
  /** Position in the file, from 0. */
  index: number;
  /** The header line after '>', decoded as UTF-8 ('' for a headerless sequence). */
  name: string;
  /** The exact header bytes after '>'. */
  nameBytes: Uint8Array;
  hasHeader: boolean;
  /** Sequence length: every residue byte (ACGT, N, IUPAC, …), line breaks excluded. */
  length: number;
  /** ACGT bases among them. */
  bases: number;
  /** Codec of its sequence frame. */
  codec: string;
  /** Bytes of this record in the original FASTA. */
  originalBytes: number;
  /** Bytes of its sequence frame in the archive (the bases; side streams are shared per chunk). */
  storedBytes: number;
  /** Index of the file it belongs to in a multi-file archive (see Archive.files); 0 otherwise. */
  file: number;
}

/** One file of a multi-file archive. */
export interface FileInfo {
  index: number;
  /** The name as stored (a relative path with '/' separators, by convention), decoded as UTF-8. */
  name: string;
  /** The exact name bytes: data, never a path to trust (see FORMAT.md). */
  nameBytes: Uint8Array;
  /** `fasta` (records), `generic` (stored without the FASTA model) or `empty`. */
  kind: 'fasta' | 'generic' | 'empty';
  /** Index of its first record in Archive.records, and how many it has. */
  firstRecord: number;
  records: number;
  /** Bytes of the original file. */
  originalBytes: number;
}

/** What the archive holds, in order: records and generic frames, each in one file. */
type Item = { record: Entry; generic?: undefined } | { generic: FrameHeader; bytes: number; record?: undefined };

export type ArchiveInput =
  | Uint8Array
  | ArrayBuffer
  | RandomAccessSource
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

interface Entry {
  info: RecordInfo;
  record: ChunkRecord;
  frame: FrameHeader;
}

const decoder = new TextDecoder('utf-8');

function isRandomAccess(input: unknown): input is RandomAccessSource {
  const s = input as RandomAccessSource;
  return typeof s === 'object' && s !== null && typeof s.read === 'function' && typeof s.size === 'number';
}

function toAsyncIterable(input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in input ? (input as AsyncIterable<Uint8Array>) : iterateStream(input as ReadableStream<Uint8Array>);
}

/** Rebuilds a group member's bases (see codecs/groups.ts); given by the reader that holds the group. */
type GroupSymbols = (own: MemberData) => Promise<Uint8Array> | Uint8Array;

/** Where a record's bases are decoded besides this thread: a worker (not for groups), or its group. */
interface RecordCoding {
  workers?: CodecWorkers;
  group?: GroupSymbols;
  /** Told the bases decoded so far while a long record is decoded, slice by slice (here, or in a worker). */
  onSlice?: (bases: number) => void;
  /** Where a whole record's bytes are rendered; a new buffer when absent. */
  pool?: PiecePool;
}

/** Reads a sequence frame's head: the codec, and the base count checked against the record. */
function sequenceHead(payload: Uint8Array, layout: RecordLayout, offset: number): { codec: SequenceCodec; own: MemberData } {
  const r = new ByteReader(payload, 'sequence frame', offset);
  const codec: SequenceCodec = codecById(r.varint(), offset);
  const bases = r.varint();
  if (bases !== layout.bases) {
    throw new CorruptError(`sequence frame holds ${bases} bases, its record has ${layout.bases}`, offset);
  }
  return { codec, own: { data: payload.subarray(r.pos), count: bases } };
}

/** Decodes a sequence frame's payload into bases `start..end` of its record. */
async function decodeBases(
  payload: Uint8Array,
  record: ChunkRecord,
  offset: number,
  start: number,
  end: number,
  coding: RecordCoding = {},
): Promise<Uint8Array> {
  const { codec, own } = sequenceHead(payload, record.layout, offset);
  const { data, count } = own;
  if (record.group && codec.id !== record.group.codec) {
    throw new CorruptError(`a record of a ${codecNameById(record.group.codec) ?? record.group.codec} group is coded with ${codec.name}`, offset);
  }
  if (!record.group && codec.group) throw new CorruptError(`a ${codec.name} record outside a group`, offset);
  // Errors of a worker pass as they are: it reports damage with a typed error itself.
  const inWorker = !record.group && start === 0 && end === count ? coding.workers?.decode(codec, data, count, coding.onSlice) : undefined;
  if (inWorker) return inWorker;
  try {
    if (record.group) return (await coding.group!(own)).subarray(start, end);
    return await decodeSliced(codec, data, count, start, end, coding.onSlice);
  } catch (e) {
    if (isSeqCoderError(e) && !isSeqCoderError(e, ...CODER_CODES)) throw e;
    throw new CorruptError(`${codec.name} data does not decode: ${(e as Error).message}`, offset);
  }
}

/** Renders a whole record and checks it against its recorded CRC32C. */
async function decodeRecord(
  payload: Uint8Array,
  record: ChunkRecord,
  index: number,
  offset: number,
  coding: RecordCoding = {},
): Promise<Uint8Array> {
  const { layout } = record;
  const symbols = await decodeBases(payload, record, offset, 0, layout.bases, coding);
  const bytes = renderRecord(layout, symbols, coding.pool?.take(recordByteLength(layout)));
  if (crc32c(bytes) !== record.crc) {
    throw new ChecksumMismatchError(`record #${index} does not match its checksum after decoding`);
  }
  return bytes;
}

/** The content of a generic frame's payload (a single section). */
function decodeGeneric(payload: Uint8Array, offset: number): Uint8Array {
  const r = new ByteReader(payload, 'generic frame', offset);
  const { data } = readSection(r);
  r.expectEnd();
  return data;
}

function checkFileCrc(crc: Crc32c, end: EndInfo): void {
  if (crc.digest() !== end.crc) throw new ChecksumMismatchError('decoded file does not match its checksum');
}

/** How Archive.readSequence reports a long read. */
export interface ReadOptions {
  /**
   * Told, as a long read goes (a slice of 65,536 bases at a time), the bases decoded so far and
   * where it ends: in the record up to the range's end, or, in a group, along the group's records
   * and the groups it continues up to the record's end (the records before it are rebuilt too).
   * A read that starts where an earlier one left off begins part of the way.
   */
  onBases?: (done: number, total: number) => void;
}

/** A SeqCoder file opened for reading. */
export class Archive {
  private readonly groups = new GroupCache();

  private constructor(
    private readonly source: RandomAccessSource,
    private readonly entries: Entry[],
    private readonly items: Item[],
    private readonly fileTable: { info: FileInfo; items: [number, number] }[],
    private readonly endInfo: EndInfo,
    /** Where the END frame starts. */
    private readonly endOffset: number,
    /** `fasta` when records were modelled, `generic` when the input was stored as opaque bytes (the first file's, in a multi-file archive). */
    readonly kind: 'fasta' | 'generic',
    /** The file header's required-feature flags (RequiredFlag): what a reader must implement. */
    readonly requiredFlags: number,
  ) {}

  /** Opens and indexes a SeqCoder file. Streams are read into memory first; use {@link decompressStream} to avoid that. */
  static async open(input: ArchiveInput): Promise<Archive> {
    let source: RandomAccessSource;
    if (input instanceof Uint8Array) source = bytesSource(input);
    else if (input instanceof ArrayBuffer) source = bytesSource(new Uint8Array(input));
    else if (isRandomAccess(input)) source = input;
    else source = bytesSource(await collectBytes(toAsyncIterable(input)));

    const size = source.size;
    const { requiredFlags } = decodeFileHeader(await source.read(0, Math.min(FILE_HEADER_SIZE, size)), size);
    const walker = new FrameWalker();
    const entries: Entry[] = [];
    const items: Item[] = [];
    const files: { info: FileInfo; items: [number, number] }[] = [];
    let kind: 'fasta' | 'generic' | undefined;
    let end: { info: EndInfo; offset: number } | undefined;
    const closeFile = () => {
      const last = files[files.length - 1];
      if (!last) return;
      last.items[1] = items.length;
      const own = items.slice(last.items[0]);
      last.info.records = own.filter((i) => i.record).length;
      last.info.originalBytes = own.reduce((sum, i) => sum + (i.record ? i.record.info.originalBytes : i.bytes), 0);
      last.info.kind = own.length === 0 ? 'empty' : own[0]!.record ? 'fasta' : 'generic';
    };
    // Only chunk, file and end frames are read whole; of the others, the header and first bytes.
    for await (const frame of framesOf(source, FILE_HEADER_SIZE)) {
      const { header, payloadAt } = frame;
      if (frame.type === FrameType.Chunk) {
        walker.chunk(decodeChunk(await frame.payload(), payloadAt, requiredFlags), header.offset);
      } else if (frame.type === FrameType.Sequence) {
        const record = walker.sequence(header.offset);
        const head = new ByteReader(frame.peek, 'sequence frame', payloadAt);
        // Listing needs only the codec's name: a file of a codec this build has not registered still
        // opens, and reading its bases then names the package to install.
        const codecId = head.varint();
        const codecName = codecNameById(codecId);
        if (codecName === undefined) codecById(codecId, payloadAt); // throws UNSUPPORTED_FEATURE
        const { layout } = record;
        kind ??= 'fasta';
        entries.push({
          record,
          frame: header,
          info: {
            file: Math.max(0, files.length - 1),
            index: entries.length,
            name: decoder.decode(layout.name),
            nameBytes: layout.name,
            hasHeader: layout.hasHeader,
            length: layout.residues,
            bases: layout.bases,
            codec: codecName!,
            originalBytes: recordByteLength(layout),
            storedBytes: FRAME_HEADER_SIZE + header.length,
          },
        });
        items.push({ record: entries[entries.length - 1]! });
      } else if (frame.type === FrameType.Generic) {
        const head = new ByteReader(frame.peek, 'generic frame', payloadAt);
        head.u8();
        head.u8();
        const bytes = head.varint();
        walker.generic(bytes, header.offset);
        kind ??= 'generic';
        items.push({ generic: header, bytes });
      } else if (frame.type === FrameType.File) {
        walker.file(header.offset);
        closeFile();
        const nameBytes = decodeFileFrame(await frame.payload(), payloadAt, files.at(-1)?.info.nameBytes);
        const info: FileInfo = { index: files.length, name: decoder.decode(nameBytes), nameBytes, kind: 'empty', firstRecord: entries.length, records: 0, originalBytes: 0 };
        files.push({ info, items: [items.length, items.length] });
      } else {
        end = { info: walker.end(await frame.payload(), payloadAt), offset: header.offset };
      }
    }
    closeFile();
    return new Archive(source, entries, items, files, end!.info, end!.offset, kind ?? 'fasta', requiredFlags);
  }

  /** The records, in file order (empty for a generic file). */
  get records(): readonly RecordInfo[] {
    return this.entries.map((e) => e.info);
  }

  /** The files of a multi-file archive, in order; empty for an archive of one input. */
  get files(): readonly FileInfo[] {
    return this.fileTable.map((f) => f.info);
  }

  /** Finds a file of a multi-file archive by index or by its exact name. */
  file(which: number | string): FileInfo {
    const found = typeof which === 'number' ? this.fileTable[which] : this.fileTable.find((f) => f.info.name === which);
    if (!found) throw new RecordNotFoundError(which, 'file');
    return found.info;
  }

  /**
   * One file of a multi-file archive, in pieces, every record checksum-verified. Records coded as
   * a group are rebuilt from the start of their group (see FORMAT.md, "Groups").
   */
  async *streamFile(which: number | string): AsyncGenerator<Uint8Array> {
    const { index } = this.file(which);
    const [from, to] = this.fileTable[index]!.items;
    for (let i = from; i < to; i++) yield await this.decodeItem(this.items[i]!);
  }

  /** Residues of all records together (0 for a generic file): the denominator of bits per base. */
  get residues(): number {
    return this.entries.reduce((sum, e) => sum + e.info.length, 0);
  }

  /** Size of the original file in bytes. */
  get originalBytes(): number {
    return this.endInfo.originalBytes;
  }

  /** Size of the compressed file in bytes. */
  get compressedBytes(): number {
    return this.source.size;
  }

  /** CRC32C of the original file, as recorded at compression. */
  get originalCrc32c(): number {
    return this.endInfo.crc;
  }

  /**
   * Finds a record by index, by its full header, or by its identifier (the header's first word,
   * e.g. `NC_000913.3`).
   */
  record(which: number | string): RecordInfo {
    return this.entry(which).info;
  }

  private entry(which: number | string): Entry {
    if (typeof which === 'number') {
      const e = this.entries[which];
      if (!Number.isInteger(which) || !e) throw new RecordNotFoundError(which);
      return e;
    }
    const found =
      this.entries.find((e) => e.info.name === which) ??
      this.entries.find((e) => e.info.name.split(/\s/, 1)[0] === which);
    if (!found) throw new RecordNotFoundError(which);
    return found;
  }

  private async sequencePayload(e: Entry): Promise<Uint8Array> {
    const bytes = await this.source.read(e.frame.offset + FRAME_HEADER_SIZE, e.frame.length);
    checkFrame(e.frame, bytes);
    return bytes;
  }

  /** Index of the first record of each group, for reading any member of any group. */
  private groupStarts: Map<ChunkGroup, number> | undefined;

  /** Member `m` of `group`, read from this file. */
  private readonly member = async (group: ChunkGroup, m: number): Promise<MemberData> => {
    if (!this.groupStarts) {
      this.groupStarts = new Map();
      for (const [i, e] of this.entries.entries()) if (e.record.group && e.record.member === 0) this.groupStarts.set(e.record.group, i);
    }
    const other = this.entries[this.groupStarts.get(group)! + m]!;
    return sequenceHead(await this.sequencePayload(other), other.record.layout, other.frame.offset).own;
  };

  /** How a record of a group is rebuilt: the members before it (and the groups it continues) are read from this file. */
  private groupCoding(e: Entry, onChain?: ChainProgress): RecordCoding {
    if (!e.record.group) return {};
    return { group: (own) => this.groups.symbols(e.record, own, this.member, e.frame.offset, onChain) };
  }

  /**
   * Where a read of bases up to `end` of a record is done, along what it decodes: the record's
   * bases up to `end` (cm decodes from the record's start, or its block's); for a record of a
   * group, every base of the records before it in its chain of groups, and its own.
   */
  private readingEnd(e: Entry, end: number): number {
    const group = e.record.group;
    if (!group) return end;
    let before = group.chainBases - group.bases;
    for (let i = e.info.index - e.record.member!; i <= e.info.index; i++) before += this.entries[i]!.record.layout.bases;
    return before;
  }

  /**
   * What the last group of the archive leaves to a group that continues it (appendFiles), with the
   * original bytes of the chain of groups it ends; undefined when the last group is not of `codec`.
   * Rebuilds that chain.
   */
  async lastGroup(codec: number): Promise<{ continuation: unknown; chainBytes: number } | undefined> {
    let last: Entry | undefined;
    for (const e of this.entries) if (e.record.group) last = e;
    const group = last?.record.group;
    if (!last || !group || group.codec !== codec) return undefined;
    await this.decodeEntry(last); // the group's last member: the whole chain is rebuilt
    const chain = new Set<ChunkGroup>();
    for (let g: ChunkGroup | undefined = group; g; g = g.previous) chain.add(g);
    let chainBytes = 0;
    for (const e of this.entries) if (e.record.group && chain.has(e.record.group)) chainBytes += e.info.originalBytes;
    return { continuation: this.groups.continuation(group), chainBytes };
  }

  private async decodeEntry(e: Entry): Promise<Uint8Array> {
    return decodeRecord(await this.sequencePayload(e), e.record, e.info.index, e.frame.offset, this.groupCoding(e));
  }

  /** The record's original FASTA bytes (header line, line breaks and all), checksum-verified. */
  async readRecord(which: number | string): Promise<Uint8Array> {
    return this.decodeEntry(this.entry(which));
  }

  /**
   * Residues `start..end` (0-based, end exclusive) of a record: the sequence without line
   * breaks, case and IUPAC letters as in the original. Only the bases of that range are unpacked.
   */
  async readSequence(which: number | string, start = 0, end?: number, options: ReadOptions = {}): Promise<Uint8Array> {
    const e = this.entry(which);
    const { layout } = e.record;
    const stop = end ?? layout.residues;
    if (!(Number.isInteger(start) && Number.isInteger(stop) && start >= 0 && start <= stop && stop <= layout.residues)) {
      throw new InvalidArgumentError(`range ${start}..${stop} is outside record #${e.info.index} (length ${layout.residues})`);
    }
    const last = basesBefore(layout, stop);
    const { onBases } = options;
    const total = onBases ? this.readingEnd(e, last) : 0;
    const told = onBases && ((done: number) => onBases(done, total));
    const symbols = await decodeBases(
      await this.sequencePayload(e),
      e.record,
      e.frame.offset,
      basesBefore(layout, start),
      last,
      { ...this.groupCoding(e, told), onSlice: told },
    );
    return renderResidues(layout, symbols, start, stop);
  }

  /**
   * Bases per independent block when a record is coded in blocks (`CompressOptions.blockBases`),
   * else undefined. In blocks, a range costs the blocks it touches; otherwise it costs the record
   * up to its end (or the record's group up to it). For readers that plan many ranges of one record.
   */
  async blockBases(which: number | string): Promise<number | undefined> {
    const e = this.entry(which);
    // Only a codec with blocks, on a record longer than its smallest block, can have them: the
    // sequence frame is read only then.
    const blocks = listCodecs().find((c) => c.name === e.info.codec)?.blocks;
    if (!blocks || e.record.layout.bases <= blocks.min) return undefined;
    const { codec, own } = sequenceHead(await this.sequencePayload(e), e.record.layout, e.frame.offset);
    return codec.blockBases?.(own.data, own.count);
  }

  /** The whole original file (all files, one after another, in a multi-file archive), in pieces, every checksum verified. */
  async *stream(): AsyncGenerator<Uint8Array> {
    const crc = new Crc32c();
    for (const item of this.items) {
      const bytes = await this.decodeItem(item);
      crc.update(bytes);
      yield bytes;
    }
    checkFileCrc(crc, this.endInfo);
  }

  private async decodeItem(item: Item): Promise<Uint8Array> {
    if (item.record) return this.decodeEntry(item.record);
    const { generic: frame } = item;
    const bytes = await this.source.read(frame.offset + FRAME_HEADER_SIZE, frame.length);
    checkFrame(frame, bytes);
    return decodeGeneric(bytes, frame.offset + FRAME_HEADER_SIZE);
  }

  /** The file's bytes before its END frame, as they are, in pieces of up to 8 MiB (for appendFiles). */
  async *framesBeforeEnd(): AsyncGenerator<Uint8Array> {
    const piece = 8 << 20;
    for (let at = 0; at < this.endOffset; at += piece) yield await this.source.read(at, Math.min(piece, this.endOffset - at));
  }

  /** Decodes everything and checks every checksum, keeping nothing. Throws on the first problem. */
  async verify(): Promise<void> {
    for await (const piece of this.stream()) void piece;
  }

  async close(): Promise<void> {
    await this.source.close();
  }
}

/** Opens a SeqCoder file from bytes, a random-access source or a stream (read into memory); a path only in Node. */
export async function openArchive(input: ArchiveInput | string): Promise<Archive> {
  // The same signature as the Node entry point's, so that code type-checks under any module
  // resolution (TypeScript's `bundler` resolution picks these typings); only Node opens paths.
  if (typeof input === 'string') {
    throw new InvalidArgumentError(`cannot open the path ${input} here: paths are opened by the Node build of @seqcoder/format; pass bytes, a stream or a RandomAccessSource`);
  }
  return Archive.open(input);
}

/**
 * Decodes a SeqCoder file read front to back, yielding the original bytes as each record is
 * verified. Memory stays at about one frame however large the file is.
 */
export interface DecompressOptions {
  /**
   * Decodes records in other threads, `workers.threads` at once (Node: `codecWorkers(n)`; the
   * CLI's `--threads`). Output order and bytes are the same as without; up to twice as many
   * records as threads are held at once.
   */
  workers?: CodecWorkers;
  /**
   * Called as the work advances with the number of compressed bytes done: after each piece
   * yielded, and within a long record decoded in this thread, slice by slice.
   */
  onProgress?: (inputBytes: number) => void;
  /**
   * Called as the work advances with the number of original bytes rebuilt: after each piece
   * yielded, and within a long record, in proportion to its bases (here or in a worker). Unlike
   * onProgress, it keeps moving while a group's records are rebuilt: a group's shared stream is
   * read before its records, so the compressed bytes are nearly all read when they begin.
   */
  onRebuilt?: (bytes: number) => void;
  /** Stops decompression with the signal's reason (checked at every frame). */
  signal?: AbortSignal;
  /**
   * In a multi-file archive, called when a file begins, before its first piece is yielded (an
   * empty file has none): the pieces that follow, up to the next call, are that file's.
   */
  onFile?: (file: FileStart) => void;
  /**
   * Lets a piece's memory be used again for a later one: each piece is then valid only until the
   * next is asked for, so a consumer must be done with it by then (write it and wait for the
   * write, compare it, hash it; never keep it). Decoding then writes little fresh memory, which is
   * costlier than the rendering itself: 50 Chlamydia genomes decompressed to files in 1.35 s
   * instead of 1.52 s (PiecePool, ADR 0025). Default false: pieces are the consumer's to keep.
   */
  reusePieces?: boolean;
}

/** A file of a multi-file archive, as `DecompressOptions.onFile` announces it. */
export interface FileStart {
  index: number;
  name: string;
  nameBytes: Uint8Array;
}

export async function* decompressStream(
  input: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: DecompressOptions = {},
): AsyncGenerator<Uint8Array> {
  const parallel = workerThreads(options.workers);
  // Records held: up to twice the threads, so that a long record at the head of the line, which
  // output must wait for, does not leave the other threads idle; at most `parallel` are decoding.
  const window = parallel > 1 ? 2 * parallel : 1;
  const running = new Set<Promise<unknown>>();
  const iterable =
    Symbol.iterator in input && !(Symbol.asyncIterator in input)
      ? (async function* () {
          yield* input as Iterable<Uint8Array>;
        })()
      : toAsyncIterable(input as ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>);
  const reader = new ForwardReader(iterable);
  const head = await reader.readAtMost(FILE_HEADER_SIZE);
  const { requiredFlags } = decodeFileHeader(head, head.length);
  const walker = new FrameWalker();
  const groups = new GroupCache();
  const crc = new Crc32c();
  const pool = options.reusePieces ? new PiecePool() : undefined;
  // Records being decoded and files begun, in file order: each record is yielded (and added to the
  // file CRC), and each file announced, in that order. A file's start waits in line rather than
  // waiting for the records before it, so that an archive of many small files decodes `parallel`
  // records at once across its files (waiting there made 50 genomes coded with cm decode on one
  // core).
  const queue: ({ record: Promise<Uint8Array>; key: object } | { file: FileStart })[] = [];
  let held = 0; // records in the queue
  let lastName: Uint8Array | undefined; // of the last FILE frame: the next may share its ends
  const rebuilt = new Tally(options.onRebuilt);
  /** After a piece of `bytes` is yielded: a record's (`key`), or a generic frame's. */
  const yielded = (bytes: number, key?: object): void => {
    options.onProgress?.(reader.offset);
    rebuilt.add(bytes, key);
  };
  /** What a long record being decoded tells as its bases are decoded, in proportion to them. */
  const progressWithin = (record: ChunkRecord, header: FrameHeader) => {
    const size = options.onRebuilt ? recordByteLength(record.layout) : 0;
    const share = (bases: number, of: number) => Math.floor((of * bases) / Math.max(1, record.layout.bases));
    return (bases: number): void => {
      if (parallel === 1) options.onProgress?.(header.offset + share(bases, header.length));
      rebuilt.part(record, share(bases, size));
    };
  };
  const settle = (p: Promise<Uint8Array>) => p.catch(() => undefined);
  /**
   * Yields records and announces files from the head of the line while more than `keep` records
   * are in it; with `keep` 0, everything in line, files begun after the last record included.
   */
  async function* release(keep: number): AsyncGenerator<Uint8Array> {
    while (queue.length > 0 && (keep === 0 || held > keep)) {
      const next = queue.shift()!;
      if ('file' in next) {
        options.onFile?.(next.file);
        continue;
      }
      held--;
      const bytes = await next.record;
      crc.update(bytes);
      yield bytes;
      // the consumer asked for the next piece: it is done with this one
      pool?.give(bytes);
      yielded(bytes.length, next.key);
    }
  }
  for await (const frame of framesFrom(reader)) {
    options.signal?.throwIfAborted();
    const { header, payloadAt } = frame;
    const payload = await frame.payload();
    if (frame.type === FrameType.Sequence) {
      const index = walker.records;
      const record = walker.sequence(header.offset);
      // A group's records are rebuilt on this thread in file order (GroupCache.next queues them).
      // Progress moves within a long record as it is decoded, in proportion to its bases: the
      // compressed bytes only when records are decoded one at a time (they are a position in the
      // file), the bytes rebuilt also when several are decoded at once in workers.
      const onSlice = options.onRebuilt || (parallel === 1 && options.onProgress) ? progressWithin(record, header) : undefined;
      while (running.size >= parallel) await Promise.race(running);
      const decoding = decodeRecord(payload, record, index, header.offset, {
        workers: options.workers,
        group: (own) => groups.next(record, own, header.offset, onSlice),
        onSlice,
        pool,
      });
      // a failure is raised when its turn comes, in file order
      const done: Promise<unknown> = settle(decoding).then(() => running.delete(done));
      running.add(done);
      queue.push({ record: decoding, key: record });
      held++;
    }
    // Chunk and file frames yield nothing, so records stay in flight across them: consecutive
    // chunks and files decode at once. Any other frame yields or reports after the records before it.
    const inTurn = frame.type === FrameType.Sequence || frame.type === FrameType.Chunk || frame.type === FrameType.File;
    yield* release(inTurn ? window - 1 : 0);
    if (frame.type === FrameType.Chunk) {
      walker.chunk(decodeChunk(payload, payloadAt, requiredFlags), header.offset);
    } else if (frame.type === FrameType.Generic) {
      const data = decodeGeneric(payload, payloadAt);
      walker.generic(data.length, header.offset);
      crc.update(data);
      yield data;
      yielded(data.length);
    } else if (frame.type === FrameType.File) {
      walker.file(header.offset);
      const nameBytes = decodeFileFrame(payload, payloadAt, lastName);
      lastName = nameBytes;
      queue.push({ file: { index: walker.files - 1, name: decoder.decode(nameBytes), nameBytes } });
    } else if (frame.type === FrameType.End) {
      checkFileCrc(crc, walker.end(payload, payloadAt));
    }
  }
}

/** Decompresses a whole SeqCoder file in memory (every piece is kept, so none is reused). */
export async function decompress(input: Uint8Array, options: DecompressOptions = {}): Promise<Uint8Array> {
  return collectBytes(decompressStream([input], { ...options, reusePieces: false }));
}
