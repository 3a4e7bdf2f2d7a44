import { unlink } from 'node:fs/promises';
import { decompressStream, FILE_EXTENSION, type DecompressOptions } from '@seqcoder/format';
import { decodingOptions, startCodingPool } from '../pool.js';
import { CliError, Exit } from '../errors.js';
import { openInput, readInput, writeAll, writeFileAtomic } from '../io.js';
import { startProgress } from '../progress.js';
import { forInput, inputsOf, log, type CommonFlags, type ThreadFlags } from '../shared.js';

/** `x.fa.seqc` → `x.fa`. */
export function decompressedName(path: string): string {
  if (!path.endsWith(FILE_EXTENSION) || path.length === FILE_EXTENSION.length) {
    throw new CliError(`${path}: unknown suffix, expected ${FILE_EXTENSION} (name the output with -o, or use -c)`, Exit.usage);
  }
  return path.slice(0, -FILE_EXTENSION.length);
}

/** Every checksum is verified while decoding; the output is renamed into place only after the last one passed. */
export async function decompressCommand(files: string[], flags: CommonFlags & ThreadFlags): Promise<void> {
  const threads = flags.threads ?? 1;
  const pool = threads > 1 ? startCodingPool(threads) : undefined;
  try {
    for (const file of inputsOf(files, flags)) await decompressOne(file, flags, decodingOptions(pool, threads));
  } finally {
    await pool?.close();
  }
}

async function decompressOne(file: string, flags: CommonFlags, options: DecompressOptions): Promise<void> {
  const input = await openInput(file);
  const toStdout = flags.stdout || (input.path === undefined && !flags.output);
  const output = toStdout ? undefined : (flags.output ?? decompressedName(input.path!));
  if (output !== undefined && output === input.path) throw new CliError(`${output}: input and output are the same file`);
  const progress = startProgress(`decompress ${input.name}`, input.size, !!flags.quiet);
  await forInput(input.name, async () => {
    try {
      const pieces = decompressStream(readInput(input, progress.update), options);
      if (output === undefined) await writeAll(process.stdout, pieces);
      else await writeFileAtomic(output, pieces, { force: !!flags.force });
    } finally {
      progress.stop();
    }
  });
  if (output !== undefined) {
    if (!flags.quiet) log(`${input.name}: verified → ${output}`);
    if (flags.rm && input.path) await unlink(input.path);
  }
}

/** `cat`: decode to stdout, verified, nothing written to disk. */
export async function catCommand(files: string[], flags: ThreadFlags = {}): Promise<void> {
  const threads = flags.threads ?? 1;
  const pool = threads > 1 ? startCodingPool(threads) : undefined;
  try {
    for (const file of files.length > 0 ? files : ['-']) {
      const input = await openInput(file);
      await forInput(input.name, () => writeAll(process.stdout, decompressStream(readInput(input), decodingOptions(pool, threads))));
    }
  } finally {
    await pool?.close();
  }
}
