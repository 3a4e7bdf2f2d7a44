import { unlink } from 'node:fs/promises';
import { compressStream, DEFAULT_CODEC, FILE_EXTENSION, openArchive } from '@seqcoder/format';
import { encodingOptions, startCodingPool, type CodingPool } from '../pool.js';
import { CliError, Exit } from '../errors.js';
import { checkBinaryStdout, openInput, readMaybeGzip, writeAll, writeFileAtomic, type Input } from '../io.js';
import { describeArchive } from './info.js';
import { startProgress } from '../progress.js';
import { forInput, formatBytes, inputsOf, log, type CommonFlags, type ThreadFlags } from '../shared.js';
import { neuralSettings } from '../neural.js';
import { zstdCompress } from '../zstd.js';

export interface CompressFlags extends CommonFlags, ThreadFlags {
  codec?: string;
  level?: number;
  runtime?: 'wasm' | 'onnx';
  device?: 'cpu' | 'cuda';
}


/** `x.fa` → `x.fa.seqc`; a gzip suffix is dropped because the archive holds the FASTA it contained. */
export function compressedName(path: string): string {
  if (path.endsWith(FILE_EXTENSION)) throw new CliError(`${path}: already has the ${FILE_EXTENSION} suffix`);
  return path.replace(/\.gz$/i, '') + FILE_EXTENSION;
}

export async function compressCommand(files: string[], flags: CompressFlags): Promise<void> {
  neuralSettings.device = flags.device ?? 'cpu';
  neuralSettings.runtime = neuralSettings.device === 'cuda' ? 'onnx' : (flags.runtime ?? 'wasm');
  const threads = flags.threads ?? 1;
  const pool = threads > 1 ? startCodingPool(threads) : undefined;
  try {
    for (const file of inputsOf(files, flags)) await compressOne(file, flags, pool, threads);
  } finally {
    await pool?.close();
  }
}

async function compressOne(file: string, flags: CompressFlags, pool: CodingPool | undefined, threads: number): Promise<void> {
  const input = await openInput(file);
  const toStdout = flags.stdout || (input.path === undefined && !flags.output);
  const output = toStdout ? undefined : (flags.output ?? compressedName(input.path!));
  if (toStdout) checkBinaryStdout();
  if (output !== undefined && output === input.path) throw new CliError(`${output}: input and output are the same file`);

  const progress = startProgress(`compress ${input.name}`, input.size, !!flags.quiet);
  const pieces = compressStream(readMaybeGzip(input, progress.update), {
    codec: flags.codec,
    level: flags.level,
    zstd: zstdCompress,
    ...encodingOptions(pool, flags.codec ?? DEFAULT_CODEC, threads),
  });
  await forInput(input.name, async () => {
    try {
      if (output === undefined) await writeAll(process.stdout, pieces);
      else {
        await writeFileAtomic(output, pieces, {
          force: !!flags.force,
          // --rm deletes the only other copy, so decode the new file completely first.
          verify: flags.rm ? verifyWritten : undefined,
        });
      }
    } finally {
      progress.stop();
    }
  });
  if (output !== undefined) {
    if (!flags.quiet) await summarise(input, output);
    if (flags.rm && input.path) await unlink(input.path);
  }
}

async function verifyWritten(path: string): Promise<void> {
  const archive = await openArchive(path);
  try {
    await archive.verify();
  } catch (e) {
    throw new CliError(`verification of the new file failed, input kept: ${(e as Error).message}`, Exit.damaged);
  } finally {
    await archive.close();
  }
}

async function summarise(input: Input, output: string): Promise<void> {
  const archive = await openArchive(output);
  try {
    const d = describeArchive(output, archive);
    const bpb = d.bitsPerBase !== null ? `, ${d.bitsPerBase.toFixed(3)} bits/base` : '';
    log(
      `${input.name}: ${formatBytes(d.originalBytes)} → ${formatBytes(d.compressedBytes)} ` +
        `(ratio ${d.ratio.toFixed(2)}${bpb}) → ${output}`,
    );
  } finally {
    await archive.close();
  }
}
