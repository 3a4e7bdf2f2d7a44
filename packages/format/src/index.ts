/**
 * @seqcoder/format — read and write SeqCoder (.seqc) files of genome FASTA.
 *
 * Pure TypeScript: no native module, the same code in Node and in browsers. See FORMAT.md at the
 * repository root for the byte-level specification.
 */
export { Archive, openArchive, decompress, decompressStream } from './reader.js';
export type { ArchiveInput, DecompressOptions, FileInfo, FileStart, ReadOptions, RecordInfo } from './reader.js';
export { appendFiles, compress, compressFiles, compressStream, type AppendOptions } from './writer.js';
export type { ArchiveFile, CompressOptions } from './writer.js';
export type { ZstdCompress } from './container/sections.js';
export { listCodecs, codecByName, codecById, checkLevel, roughMBps, registerCodec, packCodec, cmCodec, refCodec, cmStreamError, DEFAULT_CODEC, DEFAULT_COLLECTION_CODEC } from './codecs/index.js';
export type { CodecLevels, GroupCoded, GroupCoding, GroupDecoder, GroupEncoder, SequenceCodec } from './codecs/index.js';
export type { CodecWorkers } from './codecs/workers.js';
export { parseRegion, parseBed, regionSpan, formatRegion, type Region } from './regions.js';
export { filesStoredAsBytes, plainFastaRecords, plainResidues, storedBytes, type PlainRecord } from './fasta/plain.js';
export { bytesSource } from './source.js';
export type { RandomAccessSource } from './source.js';
export { crc32c } from './checksum.js';
export { FILE_EXTENSION, FORMAT_MAJOR, FORMAT_MINOR, FORMAT_REVISION, LIMITS, MAGIC } from './constants.js';
export { concatBytes } from './bytes.js';
export {
  SeqCoderError,
  BadMagicError,
  UnsupportedVersionError,
  UnsupportedFeatureError,
  TruncatedError,
  CorruptError,
  ChecksumMismatchError,
  LimitExceededError,
  RecordNotFoundError,
  InvalidArgumentError,
  isSeqCoderError,
} from './errors.js';
export type { SeqCoderErrorCode } from './errors.js';
