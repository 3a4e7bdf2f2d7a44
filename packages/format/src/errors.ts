/**
 * Typed errors with stable codes. Match on `code` (or use {@link isSeqCoderError}) rather than
 * on `instanceof`: two installed copies of this package have two distinct classes, but the same codes.
 */

/** Every code an error of this package can carry. Codes are stable across versions. */
export type SeqCoderErrorCode =
  | 'BAD_MAGIC'
  | 'UNSUPPORTED_VERSION'
  | 'UNSUPPORTED_FEATURE'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'CHECKSUM_MISMATCH'
  | 'LIMIT_EXCEEDED'
  | 'RECORD_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'MODEL_UNAVAILABLE'
  | 'RECONSTRUCTION_MISMATCH';

const BRAND = Symbol.for('@seqcoder/format.error');

/** Base class of every error thrown by `@seqcoder/format`. */
export class SeqCoderError extends Error {
  readonly code: SeqCoderErrorCode;
  /** Byte offset in the compressed file where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(code: SeqCoderErrorCode, message: string, offset?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.offset = offset;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** The input does not start with the SeqCoder magic number: it is not a SeqCoder file. */
export class BadMagicError extends SeqCoderError {
  constructor(message = 'not a SeqCoder file (bad magic number)') {
    super('BAD_MAGIC', message, 0);
  }
}

/** The file was written by a newer major version of the format. */
export class UnsupportedVersionError extends SeqCoderError {
  constructor(readonly major: number, readonly minor: number) {
    super('UNSUPPORTED_VERSION', `format version ${major}.${minor} is newer than this reader supports (1.x); upgrade SeqCoder`);
  }
}

/** The file uses a codec, frame type or flag that this reader does not implement. */
export class UnsupportedFeatureError extends SeqCoderError {
  constructor(message: string, offset?: number) {
    super('UNSUPPORTED_FEATURE', message, offset);
  }
}

/** The file ends before its end frame: it was cut short. */
export class TruncatedError extends SeqCoderError {
  constructor(message = 'file is truncated', offset?: number) {
    super('TRUNCATED', message, offset);
  }
}

/** The file's structure is damaged: a frame checksum fails or a field is impossible. */
export class CorruptError extends SeqCoderError {
  constructor(message: string, offset?: number) {
    super('CORRUPT', message, offset);
  }
}

/** Decoded content does not match the checksum of the original recorded at compression. */
export class ChecksumMismatchError extends SeqCoderError {
  constructor(message: string) {
    super('CHECKSUM_MISMATCH', message);
  }
}

/** A declared size exceeds the limits in FORMAT.md; nothing that large is allocated. */
export class LimitExceededError extends SeqCoderError {
  constructor(message: string, offset?: number) {
    super('LIMIT_EXCEEDED', message, offset);
  }
}

/** The record asked for does not exist in the archive. */
export class RecordNotFoundError extends SeqCoderError {
  constructor(which: string | number, what: 'record' | 'file' = 'record') {
    super('RECORD_NOT_FOUND', `no ${what} ${typeof which === 'number' ? `#${which}` : JSON.stringify(which)} in this archive`);
  }
}

/** An argument passed to the API is invalid (unknown codec name, bad range, ...). */
export class InvalidArgumentError extends SeqCoderError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}

/** The file was written with a network (named by its content hash) that this installation lacks. */
export class ModelUnavailableError extends SeqCoderError {
  constructor(message: string, offset?: number) {
    super('MODEL_UNAVAILABLE', message, offset);
  }
}

/**
 * A neural reconstruction computed while decoding differs from the one the encoder checksummed: the
 * runtime computed different numbers (another engine version or platform), or the file is damaged.
 * Raised before any base is produced from it.
 */
export class ReconstructionMismatchError extends SeqCoderError {
  constructor(message: string, offset?: number) {
    super('RECONSTRUCTION_MISMATCH', message, offset);
  }
}

/** True for any error thrown by any installed copy of `@seqcoder/format`. */
export function isSeqCoderError(error: unknown): error is SeqCoderError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}
