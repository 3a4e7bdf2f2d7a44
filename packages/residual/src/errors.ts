/**
 * The one error this package throws for bad coded input. `@seqcoder/format` turns it into its own
 * typed `CorruptError`; users of this package alone can test for it by `code`.
 */
export class CodedStreamError extends Error {
  readonly code = 'ERR_CODED_STREAM';
  constructor(message: string) {
    super(message);
    this.name = 'CodedStreamError';
  }
}

/** A caller passed something this package cannot code (a symbol above 3, an unknown level). */
export class InvalidInputError extends Error {
  readonly code = 'ERR_INVALID_INPUT';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
