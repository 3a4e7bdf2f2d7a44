/**
 * The errors of the neural codecs, on the base every SeqCoder package shares (test them with
 * `isSeqCoderError(e, 'MODEL_UNAVAILABLE')`). Both say that this installation cannot decode the
 * file as it is, not that the file is damaged.
 */
import { isSeqCoderError, SeqCoderError } from '@seqcoder/errors';

export type NeuralErrorCode = 'MODEL_UNAVAILABLE' | 'RECONSTRUCTION_MISMATCH';

/** The file was written with a network (named by its content hash) that this installation lacks. */
export class ModelUnavailableError extends SeqCoderError<NeuralErrorCode> {
  constructor(message: string, offset?: number) {
    super('MODEL_UNAVAILABLE', message, offset);
  }
}

/**
 * A reconstruction computed while decoding differs from the one the encoder checksummed: the
 * runtime computed different numbers (another engine version or platform), or the file is damaged.
 * Raised before any base is produced from it.
 */
export class ReconstructionMismatchError extends SeqCoderError<NeuralErrorCode> {
  constructor(message: string, offset?: number) {
    super('RECONSTRUCTION_MISMATCH', message, offset);
  }
}

/** A model that cannot be loaded (files missing or changed) is MODEL_UNAVAILABLE, not damage to the file. */
export async function asUnavailable<T>(loading: Promise<T>): Promise<T> {
  try {
    return await loading;
  } catch (e) {
    if (isSeqCoderError(e, 'UNKNOWN_MODEL', 'MODEL_FILES_MISSING', 'MODEL_FILES_CHANGED')) throw new ModelUnavailableError(e.message);
    throw e;
  }
}
