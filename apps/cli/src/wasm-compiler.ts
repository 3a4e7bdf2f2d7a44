/**
 * How V8 compiles WebAssembly in this process, chosen once from the size of the command's input.
 *
 * The networks of the neural codecs run on onnxruntime-web, a 14 MB WebAssembly module. V8 first
 * compiles each function with its baseline compiler (Liftoff) and recompiles the hot ones with its
 * optimising one (TurboFan) on background threads. One hot function of that module takes about a
 * second of processor time to optimise, and a process cannot end while that is under way: a
 * DeepGeCo MINI run on a 19 kb genome spent 0.9 s computing and then waited 0.7 s to exit. When the
 * work is that short the optimised code never pays that second back, so a small input is run on
 * baseline code alone (`--liftoff-only`): BuEb (19 kb) compresses in MINI in 0.66 s instead of
 * 1.66, YeMi (73 kb) in 1.04 s instead of 1.79. At about 300 kb the two break even, and a 1 Mb
 * input is 40% slower on baseline code, so larger inputs, and inputs of unknown size (stdin,
 * --files-from, gzip, folders, a catalogue), keep V8's default (ADR 0028).
 *
 * Only speed changes: WebAssembly arithmetic gives the same bits whichever compiler made the code,
 * which the codecs' determinism already rests on (files written either way decode either way).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { MAGIC } from '@seqcoder/format';
import { isGzip } from './io.js';
import { isNeuralCodec, neuralPackage } from './neural.js';

/**
 * The most input bytes run on baseline code: FASTA to compress (about one base a byte), or
 * archives to decode (DeepGeCo writes about 1.9 bits a base, so 2^15 bytes hold about 140 kb).
 */
export const BASELINE_ONLY_BYTES = { fasta: 2 ** 17, archive: 2 ** 15 } as const;

/** What each command reads from its file arguments; commands not named here never switch. */
const INPUT_KIND: Readonly<Record<string, keyof typeof BASELINE_ONLY_BYTES>> = {
  compress: 'fasta',
  decompress: 'archive',
  cat: 'archive',
  verify: 'archive',
};

/**
 * Runs every WebAssembly module compiled from now on on baseline code when `baselineOnly` says so;
 * returns whether it did. Call before any network loads. Only then is @seqcoder/neural loaded
 * (otherwise it loads when a neural codec first runs), to compile DeepGeCo's kernels first.
 */
export async function fitWasmCompiler(command: string, files: readonly string[], options: CompilerOptions = {}): Promise<boolean> {
  if (!baselineOnly(command, files, options)) return false;
  (await neuralPackage()).compileDeepGeCoKernels();
  setFlagsFromString('--liftoff-only');
  return true;
}

/** The options of the command that the choice reads: its --files-from, and compress's --codec. */
export interface CompilerOptions {
  filesFrom?: string;
  codec?: string;
}

/**
 * Whether `command` with these file arguments (and options) should run on baseline code: every
 * input a plain file of the kind the command reads, together at most its limit. compress runs a
 * network only with a neural codec, so with any other (cm, the default, or ref) it never switches,
 * and never loads @seqcoder/neural; a decoding command cannot tell the codecs before it reads.
 */
export function baselineOnly(command: string, files: readonly string[], options: CompilerOptions = {}): boolean {
  const kind = INPUT_KIND[command];
  if (kind === undefined || files.length === 0 || options.filesFrom !== undefined) return false;
  if (command === 'compress' && !isNeuralCodec(options.codec)) return false;
  let total = 0;
  for (const file of files) {
    const size = plainSize(file, kind);
    if (size === undefined) return false;
    total += size;
    if (total > BASELINE_ONLY_BYTES[kind]) return false; // the files after it need not be read
  }
  return true;
}

/** The size of `file` if it is a regular file of `kind` (an archive by its magic; FASTA not gzipped), else undefined. */
function plainSize(file: string, kind: keyof typeof BASELINE_ONLY_BYTES): number | undefined {
  if (file === '-') return undefined;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) return undefined;
    const head = new Uint8Array(MAGIC.length);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
    if (kind === 'archive' ? !MAGIC.every((b, i) => head[i] === b) : isGzip(head)) return undefined;
    return stats.size;
  } catch {
    return undefined; // the command itself reports a missing or unreadable file
  }
}
