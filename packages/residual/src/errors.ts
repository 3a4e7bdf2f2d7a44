/**
 * The errors this package throws, on `@seqcoder/errors`' base (test them with `isSeqCoderError`):
 * `CODED_STREAM` for coded input that does not decode (`@seqcoder/format` reports it as its own
 * `CORRUPT`), `INVALID_INPUT` for something a caller passed that cannot be coded, `PACKED_PADDING`
 * for a 2-bit stream whose unused bits are not zero.
 */
import { SeqCoderError } from '@seqcoder/errors';

export class CodedStreamError extends SeqCoderError<'CODED_STREAM'> {
  constructor(message: string) {
    super('CODED_STREAM', message);
  }
}

/** A caller passed something this package cannot code (a symbol above 3, an unknown level). */
export class InvalidInputError extends SeqCoderError<'INVALID_INPUT'> {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}

/** Thrown by `unpack2bit` when the unused low bits of the last byte are not zero. */
export class PackedPaddingError extends SeqCoderError<'PACKED_PADDING'> {
  constructor() {
    super('PACKED_PADDING', '2-bit stream has non-zero padding bits after its last base');
  }
}
