import { stat, unlink } from 'node:fs/promises';
import { compressFiles, compressStream, DEFAULT_CODEC, DEFAULT_COLLECTION_CODEC, FILE_EXTENSION, openArchive, type CodecWorkers, type SequenceCodec } from '@seqcoder/format';
import { memberFiles, memberInputs, type MemberInput } from '../archive-files.js';
import { CliError, Exit } from '../errors.js';
import { checkBinaryStdout, openInput, readMaybeGzip, writeAll, writeFileAtomic, type Input } from '../io.js';
import { describeArchive } from './info.js';
import { original, printReports, verifyNew, type Originals, type VerifyReport } from './verify.js';
import { modellingStage, startProgress, verifyingStage, type Progress } from '../progress.js';
import { eachInput, forInput, formatBytes, inputsOf, log, withWorkers, type CommonFlags, type ThreadFlags } from '../shared.js';
import { writingCodec, type RuntimeFlags } from '../neural.js';
import { zstdCompress } from '../zstd.js';
import { SAMPLE_GROUP_BYTES, warmsUp, withSample } from '../warm-up.js';

/** DeepGeCo's modes by level (the deepgeco codec's levels 1 to 4). */
export const MODE_NAMES = ['mini', 'plus', 'ultra', 'cm'];

/** How every input of one command is coded: the codec, made once, its level, zstd and the workers. */
export interface Coding {
  codec: string | SequenceCodec;
  level: number | undefined;
  blockBases: number | undefined;
  zstd: typeof zstdCompress;
  workers: CodecWorkers | undefined;
  /** A group budget other than the codec's: only the warm-up's, to keep its tables small. */
  chunkBytes?: number;
}

export interface CompressFlags extends CommonFlags, ThreadFlags, RuntimeFlags {
  /** A file listing more inputs, one path a line (- for stdin). */
  filesFrom?: string;
  codec?: string;
  /** A number, or a DeepGeCo mode name (`mini`), which only the deepgeco codec takes. */
  level?: number | string;
  /** --block-size: cm records longer than this in independent blocks. */
  blockSize?: number;
  /** Decode each new file and compare it with its input before it takes its name. */
  verify?: boolean;
  /** With --verify: print what `verify --json` prints for each new file. */
  json?: boolean;
}


/** `--level` as a number: DeepGeCo's mode names (mini, plus, ultra, cm = 1, 2, 3, 4) only for `--codec deepgeco`. */
function levelOf(level: number | string | undefined, codec: string): number | undefined {
  if (typeof level !== 'string') return level;
  if (codec !== 'deepgeco') throw new CliError(`--level ${level}: mode names are for --codec deepgeco; ${codec} takes a number`, Exit.usage);
  return MODE_NAMES.indexOf(level) + 1;
}

/** `x.fa` → `x.fa.seqc`; a gzip suffix is dropped because the archive holds the FASTA it contained. */
export function compressedName(path: string): string {
  if (path.endsWith(FILE_EXTENSION)) throw new CliError(`${path}: already has the ${FILE_EXTENSION} suffix`);
  return path.replace(/\.gz$/i, '') + FILE_EXTENSION;
}

/** Returns the exit code: with several inputs, each is compressed even when one before failed. */
export async function compressCommand(files: string[], flags: CompressFlags): Promise<number> {
  if (flags.json && !flags.verify) throw new CliError('--json prints what --verify found: give --verify too', Exit.usage);
  if (flags.verify && flags.stdout) throw new CliError('--verify reads the new file back: it needs an output file, not -c', Exit.usage);
  const archive = await archiveOutput(files, flags);
  // Made once: a neural codec for --runtime/--device loads its network once for all the files.
  const codecName = flags.codec ?? (archive ? DEFAULT_COLLECTION_CODEC : DEFAULT_CODEC);
  const coding = {
    codec: writingCodec(codecName, flags),
    level: levelOf(flags.level, codecName),
    blockBases: flags.blockSize,
    zstd: zstdCompress,
  };
  const reports: VerifyReport[] = [];
  try {
    return await withWorkers(flags, async (workers) => {
      if (!archive) return eachInput(inputsOf(files, flags), (file) => compressOne(file, flags, { ...coding, workers }, reports));
      await compressArchive(await memberInputs(files, flags.filesFrom), archive.output, flags, { ...coding, workers }, reports);
      return Exit.ok;
    });
  } finally {
    if (flags.json) printReports(reports);
  }
}

/**
 * What writeFileAtomic runs on a new file before it takes its name: with --verify, a complete
 * decode compared byte for byte with the inputs (`originals`), its report kept in `reports`;
 * with --rm alone, a complete decode that checks every checksum; else nothing.
 */
function verifyStep(flags: CompressFlags, output: string, originals: Originals, reports: VerifyReport[], progress: Progress): ((temp: string) => Promise<void>) | undefined {
  if (flags.verify) {
    return async (temp) => void reports.push(await verifyNew(temp, output, originals, 'nothing written', verifyingStage(progress)));
  }
  if (flags.rm) return async (temp) => void (await verifyNew(temp, output, undefined, 'input kept', verifyingStage(progress)));
  return undefined;
}

/**
 * Whether the command writes one archive of several files, and where (undefined: stdout): with
 * -o or -c and several inputs, with --files-from, or for a folder (`strains/` → `strains.seqc`).
 * Several files without -o or -c are compressed one by one, as one file always is.
 */
async function archiveOutput(files: string[], flags: CompressFlags): Promise<{ output: string | undefined } | undefined> {
  const folders = (await Promise.all(files.map((f) => (f === '-' ? false : stat(f).then((s) => s.isDirectory(), () => false))))).filter(Boolean).length;
  const several = files.length > 1 || flags.filesFrom !== undefined || folders > 0;
  if (!several) return undefined;
  if (flags.output && flags.stdout) throw new CliError('-o and -c are exclusive', Exit.usage);
  if (flags.rm && flags.stdout) throw new CliError('--rm cannot be used with -c (the output is not a file)', Exit.usage);
  if (flags.stdout) {
    checkBinaryStdout();
    return { output: undefined };
  }
  if (flags.output) return { output: flags.output };
  if (files.length === 1 && folders === 1) return { output: files[0]!.replace(/[/\\]+$/, '') + FILE_EXTENSION };
  if (folders > 0 || flags.filesFrom !== undefined) {
    throw new CliError('several inputs with a folder or --files-from make one archive: name it with -o NAME.seqc (or -c)', Exit.usage);
  }
  return undefined;
}

/** Compresses `members` into one archive that keeps their names and bytes; `warm`: warm up first where it pays. */
async function compressArchive(
  members: MemberInput[],
  output: string | undefined,
  flags: CompressFlags,
  coding: Coding,
  reports: VerifyReport[],
  warm = true,
): Promise<void> {
  if (output !== undefined && members.some((m) => m.path === output)) throw new CliError(`${output}: is also an input`);
  const total = members.reduce((sum, m) => sum + m.size, 0);
  if (warm && warmsUp(total, members.length, coding.codec)) await warmUp(flags, coding);
  const progress = startProgress(`compress ${members.length} files`, total, !!flags.quiet);
  const pieces = compressFiles(memberFiles(members, progress), { ...coding, onGroupCoding: modellingStage(progress) });
  const name = output ?? 'stdout';
  await forInput(name, async () => {
    try {
      if (output === undefined) await writeAll(process.stdout, pieces);
      else {
        const inputs = new Map(members.map((m) => [m.name, m.path]));
        const originals: Originals = async (stored) => original(inputs.get(stored)!);
        await writeFileAtomic(output, pieces, { force: !!flags.force, verify: verifyStep(flags, output, originals, reports, progress) });
      }
    } finally {
      progress.stop();
    }
  });
  if (output !== undefined) {
    if (!flags.quiet) await summarise({ name: `${members.length} files`, path: undefined, size: total }, output);
    if (flags.rm) for (const path of new Set(members.map((m) => m.remove))) await unlink(path);
  }
}

/**
 * Compresses (and with --verify verifies) a small made-up collection in a temporary folder, as the
 * archive that follows will be, and throws the result away: V8 then compiles the hot functions
 * once, with every common path seen, instead of again at each path first met (ADR 0039). The same
 * archive comes out either way. Only an optimisation: where it fails (no room for a temporary
 * folder), the command goes on without it.
 */
export async function warmUp(flags: CompressFlags, coding: Coding): Promise<void> {
  const sampleFlags: CompressFlags = { ...flags, quiet: true, json: false, force: true, rm: false, stdout: false };
  await withSample(async (paths, output) => compressArchive(await memberInputs(paths), output, sampleFlags, { ...coding, chunkBytes: SAMPLE_GROUP_BYTES }, [], false)).catch(() => {});
}

async function compressOne(file: string, flags: CompressFlags, coding: Coding, reports: VerifyReport[]): Promise<void> {
  const input = await openInput(file);
  if (flags.verify && input.path === undefined) throw new CliError('--verify reads the input again: it needs input files, not stdin', Exit.usage);
  const toStdout = flags.stdout || (input.path === undefined && !flags.output);
  const output = toStdout ? undefined : (flags.output ?? compressedName(input.path!));
  if (toStdout) checkBinaryStdout();
  if (output !== undefined && output === input.path) throw new CliError(`${output}: input and output are the same file`);

  const progress = startProgress(`compress ${input.name}`, input.size, !!flags.quiet);
  // The bar follows the bytes coded (the writer's onProgress), not the bytes read: a genome is read
  // in a fraction of a second and then modelled for seconds, at level 4 for minutes, and the bar
  // stood still (or never showed) meanwhile. Those are bytes of content (of a .gz file, the FASTA
  // it holds); scaled by the file's bytes per content byte read so far, they end at its size.
  let read = 0;
  let content = 0;
  const counted = async function* (pieces: AsyncIterable<Uint8Array>) {
    for await (const piece of pieces) yield ((content += piece.length), piece);
  };
  // only for a bar: a worker then tells its bases as it goes
  const onProgress = progress.active ? (coded: number) => progress.update(content > 0 ? Math.round((coded * read) / content) : 0) : undefined;
  // the format's writer copies what it keeps of a piece, so the read buffer can be reused
  const pieces = compressStream(counted(readMaybeGzip(input, (n) => (read = n), false, true)), { ...coding, onProgress, onGroupCoding: modellingStage(progress) });
  await forInput(input.name, async () => {
    try {
      if (output === undefined) await writeAll(process.stdout, pieces);
      else {
        // --rm deletes the only other copy, so the new file is decoded completely first.
        await writeFileAtomic(output, pieces, { force: !!flags.force, verify: verifyStep(flags, output, () => original(input.path!), reports, progress) });
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
