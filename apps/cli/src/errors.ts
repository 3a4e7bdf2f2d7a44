/**
 * How the CLI reports failures: one line on stderr and a documented exit code, never a stack
 * trace for a user's mistake (set SEQCODER_DEBUG=1 to see one).
 */
import { isSeqCoderError } from '@seqcoder/format';

/** Exit codes, documented in `seqcoder --help` and the README. */
export const Exit = {
  ok: 0,
  /** Input or output problem: missing path, directory, empty input, output exists, I/O error. */
  io: 1,
  /** Bad command line. */
  usage: 2,
  /** The input is not a SeqCoder file, or is damaged (truncated, corrupt, checksum mismatch). */
  damaged: 3,
  /**
   * The file needs a newer SeqCoder (future version, unknown codec or feature), or a model or
   * runtime this installation lacks or computes differently.
   */
  unsupported: 4,
  // Signals exit with 128 + the signal number (130 SIGINT, 143 SIGTERM): see cli.ts.
} as const;

/** A failure with a message meant for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = Exit.io,
  ) {
    super(message);
  }
}

/** Codes of the format (and, for the network codecs, of @seqcoder/neural) by exit code; any other typed error is exit 1. */
const UNSUPPORTED = ['UNSUPPORTED_VERSION', 'UNSUPPORTED_FEATURE', 'MODEL_UNAVAILABLE', 'RECONSTRUCTION_MISMATCH'];
const DAMAGED = ['BAD_MAGIC', 'TRUNCATED', 'CORRUPT', 'CHECKSUM_MISMATCH', 'LIMIT_EXCEEDED'];

/** The exit code and one-line message for any error. */
export function describeError(error: unknown): { code: number; message: string } {
  if (error instanceof CliError) return { code: error.exitCode, message: error.message };
  if (isSeqCoderError(error)) {
    if (error.code === 'INVALID_ARGUMENT') return { code: Exit.usage, message: error.message };
    if (UNSUPPORTED.includes(error.code)) return { code: Exit.unsupported, message: error.message };
    const where = error.offset !== undefined ? ` (at byte ${error.offset})` : '';
    return { code: DAMAGED.includes(error.code) ? Exit.damaged : Exit.io, message: error.message + where };
  }
  const e = error as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string' && e.syscall) {
    const reasons: Record<string, string> = {
      ENOENT: 'no such file or directory',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
      ENOSPC: 'no space left on device',
      EDQUOT: 'disk quota exceeded',
      EFBIG: 'file too large (file system or ulimit -f limit)',
      EROFS: 'read-only file system',
    };
    return { code: Exit.io, message: `${e.path ? `${e.path}: ` : ''}${reasons[e.code] ?? e.message}` };
  }
  return { code: Exit.io, message: (error as Error)?.message ?? String(error) };
}
