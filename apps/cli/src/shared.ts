import { codecWorkers, type CodecWorkers } from '@seqcoder/format';
import { CliError, describeError, Exit } from './errors.js';

/** Flags shared by compress and decompress. */
export interface CommonFlags {
  stdout?: boolean;
  output?: string;
  force?: boolean;
  rm?: boolean;
  quiet?: boolean;
}

export interface ThreadFlags {
  /** Records coded at once in worker threads (--threads). */
  threads?: number;
}

/**
 * Runs `work` with the format's codec workers when --threads is above 1 (none otherwise) and stops
 * them after. Which codecs run in workers is the format's business, not the CLI's.
 */
export async function withWorkers<T>(flags: ThreadFlags, work: (workers: CodecWorkers | undefined) => Promise<T>): Promise<T> {
  const threads = flags.threads ?? 1;
  const workers = threads > 1 ? codecWorkers(threads) : undefined;
  try {
    return await work(workers);
  } finally {
    await workers?.close();
  }
}

/** Files to process ('-' for stdin), after checking flags that constrain them. */
export function inputsOf(files: string[], flags: CommonFlags): string[] {
  const inputs = files.length > 0 ? files : ['-'];
  if (flags.output && inputs.length > 1) throw new CliError('-o names one output: give one input file', Exit.usage);
  if (flags.output && flags.stdout) throw new CliError('-o and -c are exclusive', Exit.usage);
  if (flags.rm && flags.stdout) throw new CliError('--rm cannot be used with -c (the output is not a file)', Exit.usage);
  return inputs;
}

/** Messages go to stderr so that stdout carries only data. */
export function log(message: string): void {
  process.stderr.write(message + '\n');
}

/**
 * An integer with its thousands separated by commas, as `toLocaleString('en')` writes it. Not that
 * call itself: its first use loads ICU's number formatting, about 27 ms of every command that
 * prints a count (a tenth of compressing a 19 kb genome, process start included).
 */
export function groupDigits(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  return n < 0 ? '-' + out : out;
}

export function formatBytes(n: number): string {
  return `${groupDigits(n)} bytes`;
}

/**
 * Runs `work` on each input in turn and goes on past one that fails, as gzip does: each failure is
 * reported on stderr when it happens. Returns the exit code: that of the worst failure, 0 if none.
 */
export async function eachInput(inputs: string[], work: (input: string) => Promise<void>): Promise<number> {
  let worst: number = Exit.ok;
  for (const input of inputs) {
    try {
      await work(input);
    } catch (e) {
      const { code, message } = describeError(e);
      log(`seqcoder: ${message.startsWith(`${input}:`) || input === '-' ? message : `${input}: ${message}`}`);
      if (process.env.SEQCODER_DEBUG) console.error(e);
      worst = Math.max(worst, code);
    }
  }
  return worst;
}

/** Runs `work` for one input, prefixing any error message with the input's name. */
export async function forInput<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof CliError) throw e;
    const { code, message } = describeError(e);
    throw new CliError(message.startsWith(`${name}:`) ? message : `${name}: ${message}`, code);
  }
}
