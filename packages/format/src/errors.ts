/**
 * This package's typed errors, each with a stable code, on the base class every SeqCoder package
 * shares (`@seqcoder/errors`). Match on `code` with {@link isSeqCoderError}, not on `instanceof`:
 * two installed copies of a package have two distinct classes, but the same codes and brand.
 */
import { isSeqCoderError, SeqCoderError } from '@seqcoder/errors';

export { isSeqCoderError, SeqCoderError };

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
  | 'INVALID_ARGUMENT';

/**
 * Codes of the coders below this package (`@seqcoder/residual`, `@seqcoder/quantiser`): met while
 * decoding a file, each means that its data is damaged, which this package reports as CORRUPT.
 */
export const CODER_CODES = ['CODED_STREAM', 'PACKED_PADDING', 'INVALID_INPUT'] as const;

/** The input does not start with the SeqCoder magic number: it is not a SeqCoder file. */
export class BadMagicError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message = 'not a SeqCoder file (bad magic number)') {
    super('BAD_MAGIC', message, 0);
  }
}

/** The file was written by a newer major version of the format. */
export class UnsupportedVersionError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(readonly major: number, readonly minor: number) {
    super('UNSUPPORTED_VERSION', `format version ${major}.${minor} is newer than this reader supports (1.x); upgrade SeqCoder`);
  }
}

/** The file uses a codec, frame type or flag that this reader does not implement. */
export class UnsupportedFeatureError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message: string, offset?: number) {
    super('UNSUPPORTED_FEATURE', message, offset);
  }
}

/** The file ends before its end frame: it was cut short. */
export class TruncatedError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message = 'file is truncated', offset?: number) {
    super('TRUNCATED', message, offset);
  }
}

/** The file's structure is damaged: a frame checksum fails or a field is impossible. */
export class CorruptError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message: string, offset?: number) {
    super('CORRUPT', message, offset);
  }
}

/** Decoded content does not match the checksum of the original recorded at compression. */
export class ChecksumMismatchError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message: string) {
    super('CHECKSUM_MISMATCH', message);
  }
}

/** A declared size exceeds the limits in FORMAT.md; nothing that large is allocated. */
export class LimitExceededError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message: string, offset?: number) {
    super('LIMIT_EXCEEDED', message, offset);
  }
}

/** The record asked for does not exist in the archive. */
export class RecordNotFoundError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(which: string | number, what: 'record' | 'file' = 'record') {
    super('RECORD_NOT_FOUND', `no ${what} ${typeof which === 'number' ? `#${which}` : JSON.stringify(which)} in this archive`);
  }
}

/** An argument passed to the API is invalid (unknown codec name, bad range, ...). */
export class InvalidArgumentError extends SeqCoderError<SeqCoderErrorCode> {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
  }
}
