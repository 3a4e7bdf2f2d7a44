/**
 * The file header and the frame envelope (FORMAT.md, "File header" and "Frames").
 *
 * Frame: type u8, flags u8, payload length u32 LE, CRC32C u32 LE, payload.
 * The CRC covers the first six header bytes and the payload, so any single flipped bit in a
 * frame is caught before its payload is parsed.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { crc32c } from '../checksum.js';
import {
  FILE_HEADER_SIZE,
  FORMAT_MAJOR,
  FORMAT_MINOR,
  FRAME_HEADER_SIZE,
  FRAME_SKIPPABLE_BIT,
  KNOWN_REQUIRED_FLAGS,
  LIMITS,
  MAGIC,
  RequiredFlag,
} from '../constants.js';
import {
  BadMagicError,
  CorruptError,
  LimitExceededError,
  TruncatedError,
  UnsupportedFeatureError,
  UnsupportedVersionError,
} from '../errors.js';

export interface FileHeader {
  major: number;
  minor: number;
  /** Required-feature flags (RequiredFlag), all known to this reader. */
  requiredFlags: number;
  /** Optional-feature flags (ignored by this reader when unknown). */
  optionalFlags: number;
}

/**
 * A file header with these required flags (RequiredFlag); every file this version writes has
 * OmittedSections (its chunks may omit empty sections), the default.
 */
export function encodeFileHeader(required: number = RequiredFlag.OmittedSections): Uint8Array {
  const w = new ByteWriter(FILE_HEADER_SIZE);
  w.bytes(MAGIC).u8(FORMAT_MAJOR).u8(FORMAT_MINOR).u8(required).u8(0);
  w.u32(crc32c(w.finish()));
  return w.finish().slice();
}

/**
 * Checks, in this order: magic (BadMagicError), major version (UnsupportedVersionError),
 * header CRC (CorruptError), required flags (UnsupportedFeatureError).
 * `bytes` may be shorter than the header when the file is.
 */
export function decodeFileHeader(bytes: Uint8Array, fileSize: number): FileHeader {
  if (fileSize === 0) throw new BadMagicError('not a SeqCoder file (the file is empty)');
  for (let i = 0; i < MAGIC.length; i++) {
    if (i >= bytes.length) throw new TruncatedError('file is truncated inside its header', bytes.length);
    if (bytes[i] !== MAGIC[i]) throw new BadMagicError();
  }
  if (bytes.length < FILE_HEADER_SIZE) throw new TruncatedError('file is truncated inside its header', bytes.length);
  const r = new ByteReader(bytes, 'file header');
  r.bytes(MAGIC.length);
  const major = r.u8();
  const minor = r.u8();
  if (major !== FORMAT_MAJOR) throw new UnsupportedVersionError(major, minor);
  const requiredFlags = r.u8();
  const optionalFlags = r.u8();
  if (r.u32() !== crc32c(bytes.subarray(0, FILE_HEADER_SIZE - 4))) {
    throw new CorruptError('file header checksum does not match', 0);
  }
  const unknown = requiredFlags & ~KNOWN_REQUIRED_FLAGS;
  if (unknown !== 0) {
    throw new UnsupportedFeatureError(`file requires features 0x${unknown.toString(16)} that this reader lacks`, 10);
  }
  return { major, minor, requiredFlags, optionalFlags };
}

export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  if (payload.length > LIMITS.maxFramePayload) {
    throw new LimitExceededError(`frame payload of ${payload.length} bytes exceeds the ${LIMITS.maxFramePayload}-byte limit`);
  }
  const out = new Uint8Array(FRAME_HEADER_SIZE + payload.length);
  out[0] = type;
  out[1] = 0;
  new DataView(out.buffer).setUint32(2, payload.length, true);
  out.set(payload, FRAME_HEADER_SIZE);
  const crc = crc32c(payload, crc32c(out.subarray(0, 6)));
  new DataView(out.buffer).setUint32(6, crc, true);
  return out;
}

export interface FrameHeader {
  type: number;
  length: number;
  crc: number;
  /** File offset of the frame's first byte. */
  offset: number;
  /** The first six header bytes, covered by the CRC. */
  head: Uint8Array;
}

export function isSkippable(type: number): boolean {
  return (type & FRAME_SKIPPABLE_BIT) !== 0;
}

/**
 * Parses a frame header. `available` is how many bytes the file has from `offset` on, when known,
 * so a length that runs past the end is reported as truncation before anything is allocated.
 */
export function decodeFrameHeader(bytes: Uint8Array, offset: number, available: number | undefined): FrameHeader {
  if (bytes.length < FRAME_HEADER_SIZE) throw new TruncatedError('file is truncated inside a frame header', offset);
  const view = new DataView(bytes.buffer, bytes.byteOffset, FRAME_HEADER_SIZE);
  const type = bytes[0];
  const flags = bytes[1];
  const length = view.getUint32(2, true);
  const crc = view.getUint32(6, true);
  if (flags !== 0) throw new CorruptError(`frame flags 0x${flags.toString(16)} are reserved`, offset + 1);
  if (length > LIMITS.maxFramePayload) {
    throw new LimitExceededError(`frame of ${length} bytes exceeds the ${LIMITS.maxFramePayload}-byte limit`, offset + 2);
  }
  if (available !== undefined && FRAME_HEADER_SIZE + length > available) {
    throw new TruncatedError('file is truncated inside a frame', offset);
  }
  return { type, length, crc, offset, head: bytes.slice(0, 6) };
}

/** Checks a frame's payload against its CRC. */
export function checkFrame(header: FrameHeader, payload: Uint8Array): void {
  if (crc32c(payload, crc32c(header.head)) !== header.crc) {
    throw new CorruptError('a frame fails its checksum (damaged file)', header.offset);
  }
}

/**
 * FILE frame (FORMAT.md, "Multi-file archives"): the records or generic frames after it, up to
 * the next FILE frame or END, are the file of this name. Payload: varint flags, then either
 * (flags 0) varint length and the name's bytes, or (flags 1, since revision 14) the name as the
 * previous FILE frame's name with its middle replaced: varint prefix and varint suffix (bytes kept
 * from the start and the end of the previous name), varint length and the bytes between. The
 * files of a collection are often named alike (GCF_000026905.1_ASM2690v1_genomic.fa): 50
 * Chlamydia's names take 992 bytes instead of 1,948.
 */
export const FileNameFlag = { SharedEnds: 0x01 } as const;

/** `previous`: the name of the FILE frame before it in the file, when this one may share its ends. */
export function encodeFileFrame(name: Uint8Array, previous?: Uint8Array): Uint8Array {
  if (name.length === 0 || name.length > LIMITS.maxFileName) {
    throw new LimitExceededError(`a file name of ${name.length} bytes is outside 1..${LIMITS.maxFileName}`);
  }
  const w = new ByteWriter(name.length + 16);
  if (previous) {
    const most = Math.min(name.length, previous.length);
    let prefix = 0;
    while (prefix < most && name[prefix] === previous[prefix]) prefix++;
    let suffix = 0;
    while (suffix < most - prefix && name[name.length - 1 - suffix] === previous[previous.length - 1 - suffix]) suffix++;
    // three small numbers instead of one: worth it from three shared bytes on
    if (prefix + suffix >= 3) {
      return w.varint(FileNameFlag.SharedEnds).varint(prefix).varint(suffix).varint(name.length - prefix - suffix).bytes(name.subarray(prefix, name.length - suffix)).finish();
    }
  }
  return w.varint(0).varint(name.length).bytes(name).finish();
}

/** The name a FILE frame gives, `previous` being the name of the FILE frame before it in the file (none for the first). */
export function decodeFileFrame(payload: Uint8Array, offset: number, previous: Uint8Array | undefined): Uint8Array {
  const r = new ByteReader(payload, 'file frame', offset);
  const flags = r.varint();
  if ((flags & ~FileNameFlag.SharedEnds) !== 0) throw new UnsupportedFeatureError('file frame flags not understood', offset);
  let name: Uint8Array;
  if (flags & FileNameFlag.SharedEnds) {
    if (!previous) throw new CorruptError('a file name shares the ends of a previous name, but no file comes before it', offset);
    const prefix = r.varintAtMost(previous.length, 'file name prefix');
    const suffix = r.varintAtMost(previous.length - prefix, 'file name suffix');
    const middle = r.varintAtMost(Math.min(LIMITS.maxFileName, r.remaining), 'file name length');
    const length = prefix + middle + suffix;
    if (length === 0 || length > LIMITS.maxFileName) throw new CorruptError(`file name of ${length} bytes is outside 1..${LIMITS.maxFileName}`, offset);
    name = new Uint8Array(length);
    name.set(previous.subarray(0, prefix));
    name.set(r.bytes(middle), prefix);
    name.set(previous.subarray(previous.length - suffix), prefix + middle);
  } else {
    const length = r.varintAtMost(Math.min(LIMITS.maxFileName, r.remaining), 'file name length');
    if (length === 0) throw new CorruptError('file frame with an empty name', offset);
    name = r.bytes(length).slice();
  }
  r.expectEnd();
  return name;
}
