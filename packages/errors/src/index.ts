/**
 * @seqcoder/errors — the one base class of every error a SeqCoder package throws on purpose.
 *
 * Every error carries a stable `code` in SCREAMING_SNAKE_CASE (`CORRUPT`, `CODED_STREAM`,
 * `MODEL_FILES_MISSING`, …) and, when it concerns a compressed file, the byte `offset` where the
 * problem was found. Test for them with {@link isSeqCoderError}, never with `instanceof`: a program
 * can end up with two installed copies of a package (two versions in node_modules, or one bundled
 * and one not), whose classes differ though their errors are the same. The brand is a
 * `Symbol.for` key, which every copy shares.
 */

const BRAND = Symbol.for('@seqcoder/error');

export class SeqCoderError<Code extends string = string> extends Error {
  readonly code: Code;
  /** Byte offset in the compressed file where the problem was found, when known. */
  readonly offset: number | undefined;

  constructor(code: Code, message: string, offset?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.offset = offset;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for an error of any SeqCoder package, from any installed copy; with `codes`, only for those
 * codes (e.g. `isSeqCoderError(e, 'CODED_STREAM')`).
 */
export function isSeqCoderError<Code extends string = string>(error: unknown, ...codes: Code[]): error is SeqCoderError<Code> {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return codes.length === 0 || (codes as string[]).includes((error as SeqCoderError).code);
}
