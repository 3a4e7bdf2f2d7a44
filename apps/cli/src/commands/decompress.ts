import { mkdir, unlink } from 'node:fs/promises';
import {
  decompressStream,
  FILE_EXTENSION,
  filesStoredAsBytes,
  isSeqCoderError,
  openArchive,
  plainFastaRecords,
  storedBytes,
  type Archive,
  type DecompressOptions,
} from '@seqcoder/format';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { extractionPath, safeRelativePath } from '../archive-files.js';
import { Catalogue, isCatalogue } from '../catalogue.js';
import { open } from './info.js';
import { CliError, Exit } from '../errors.js';
import { AtomicFile, openInput, readInput, writeAll, writeFileAtomic, type Input } from '../io.js';
import { startProgress, wantsBar, type Progress } from '../progress.js';
import { sha256 } from '../sha256.js';
import { eachInput, forInput, inputsOf, log, withWorkers, type CommonFlags, type ThreadFlags } from '../shared.js';

/** `x.fa.seqc` → `x.fa`. */
export function decompressedName(path: string): string {
  if (!path.endsWith(FILE_EXTENSION) || path.length === FILE_EXTENSION.length) {
    throw new CliError(`${path}: unknown suffix, expected ${FILE_EXTENSION} (name the output with -o, or use -c)`, Exit.usage);
  }
  return path.slice(0, -FILE_EXTENSION.length);
}

export interface DecompressFlags extends CommonFlags, ThreadFlags {
  /** The folder a multi-file archive is extracted into. */
  directory?: string;
}

/** Every checksum is verified while decoding; the output is renamed into place only after the last one passed. */
export async function decompressCommand(files: string[], flags: DecompressFlags): Promise<number> {
  return withWorkers(flags, (workers) => eachInput(inputsOf(files, flags), (file) => decompressOne(file, flags, { workers })));
}

async function decompressOne(file: string, flags: DecompressFlags, options: DecompressOptions): Promise<void> {
  if (file !== '-' && (await isCatalogue(file))) return restoreCatalogue(file, flags, options);
  const input = await openInput(file);
  // Without -o or -c, the output is named after the input: a file, or a folder for a multi-file archive.
  const named = !flags.stdout && !flags.output && flags.directory === undefined && input.path !== undefined ? decompressedName(input.path) : undefined;
  // (its index is read once: for what it holds, and for the bar's total)
  const index = named !== undefined ? await readIndex(input.path!) : undefined;
  if (flags.directory !== undefined || index?.multiFile) {
    if (flags.output || flags.stdout) throw new CliError('-C extracts the files of an archive: it goes with neither -o nor -c', Exit.usage);
    return extract(input, flags.directory ?? named!, flags, options, index?.originalBytes);
  }
  const toStdout = flags.stdout || (input.path === undefined && !flags.output);
  const output = toStdout ? undefined : (flags.output ?? decompressedName(input.path!));
  if (output !== undefined && output === input.path) throw new CliError(`${output}: input and output are the same file`);
  const { progress, report } = await decodingProgress(input, !!flags.quiet, index?.originalBytes);
  await forInput(input.name, async () => {
    try {
      // A file's writes are awaited piece by piece, so its pieces may share memory (reusePieces);
      // stdout's are queued, so they may not.
      const pieces = decompressStream(readInput(input), { ...options, ...report, reusePieces: output !== undefined });
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

/** `cat`: decode to stdout, verified, nothing written to disk; or one file or record of an archive. */
export async function catCommand(files: string[], flags: ThreadFlags & { file?: string; record?: string | number } = {}): Promise<number> {
  if (flags.file !== undefined || flags.record !== undefined) {
    if (files.length !== 1 || files[0] === '-') throw new CliError('--file and --record read one archive file (not stdin)', Exit.usage);
    const archive = await open(files[0]!);
    try {
      await forInput(files[0]!, async () => {
        if (flags.file !== undefined) await writeAll(process.stdout, archive.streamFile(flags.file));
        if (flags.record !== undefined) {
          const record = await readRecordOrPlain(archive, flags.record);
          await writeAll(process.stdout, (async function* () {
            yield record;
          })());
        }
      });
    } finally {
      await archive.close();
    }
    return Exit.ok;
  }
  return withWorkers(flags, (workers) =>
    eachInput(files.length > 0 ? files : ['-'], async (file) => {
      const input = await openInput(file);
      await forInput(input.name, () => writeAll(process.stdout, decompressStream(readInput(input), { workers })));
    }),
  );
}

/**
 * A record of the archive; failing that, a FASTA record of a file it stored as bytes (protein,
 * say: no record table), read from the file's start, as samtools reads it.
 */
async function readRecordOrPlain(archive: Archive, which: string | number): Promise<Uint8Array> {
  try {
    return await archive.readRecord(which);
  } catch (e) {
    if (!isSeqCoderError(e, 'RECORD_NOT_FOUND')) throw e;
    const plain = await plainRecordBytes(archive, which);
    if (plain === undefined) throw e;
    return plain;
  }
}

/**
 * A record of the files stored as bytes, as it was: the first whose whole header is `which`, else
 * the first whose identifier (the header's first word) is; a number is a position, in an archive
 * of one such file only (elsewhere numbers count the records the archive modelled).
 */
async function plainRecordBytes(archive: Archive, which: string | number): Promise<Uint8Array | undefined> {
  const files = filesStoredAsBytes(archive);
  if (typeof which === 'number' && files[0] !== -1) return undefined;
  let byIdentifier: Uint8Array | undefined;
  for (const file of files) {
    for await (const { ordinal, name, bytes } of plainFastaRecords(storedBytes(archive, file))) {
      if (typeof which === 'number' ? ordinal === which : name === which) return bytes.slice();
      if (byIdentifier === undefined && name.split(/\s/, 1)[0] === which) byIdentifier = bytes.slice();
    }
  }
  return byIdentifier;
}

/**
 * Restores every genome of a scale-workflow catalogue into the folder -C names, each under its path
 * relative to the run's input (a `.gz` genome as the FASTA it held): every archive is extracted
 * (verified as always), then each genome's size and SHA-256 are checked against the catalogue.
 */
async function restoreCatalogue(path: string, flags: DecompressFlags, options: DecompressOptions): Promise<void> {
  if (flags.directory === undefined) throw new CliError(`${path}: a catalogue is restored into a folder: name it with -C DIR`, Exit.usage);
  if (flags.output || flags.stdout) throw new CliError('-C extracts the files of an archive: it goes with neither -o nor -c', Exit.usage);
  if (flags.rm) throw new CliError('--rm does not apply to a catalogue (its archives stay)', Exit.usage);
  // every genome, without its records (a large run's catalogue holds tens of millions)
  const catalogue = await forInput(path, () => Catalogue.read(path, { records: false }));
  for (const archive of catalogue.archives) {
    await extract(await openInput(archive), flags.directory, { ...flags, quiet: true }, options);
  }
  for (const genome of catalogue.genomes) {
    const restored = join(flags.directory, ...safeRelativePath(genome.stored));
    const hash = sha256();
    let bytes = 0;
    for await (const piece of createReadStream(restored)) {
      hash.update(piece as Buffer);
      bytes += (piece as Buffer).length;
    }
    if (bytes !== genome.bytes || hash.digest('hex') !== genome.sha256) {
      throw new CliError(`${restored}: does not match the catalogue's size and SHA-256 for ${genome.genome}`, Exit.damaged);
    }
  }
  if (!flags.quiet) log(`${path}: ${catalogue.genomes.length} genome(s) from ${catalogue.archives.length} archive(s), verified → ${flags.directory}`);
}

/**
 * The bar of a decompression: the original bytes rebuilt, of the total the archive's index gives,
 * where it can be read first (a path); else the compressed bytes whose content has been decoded
 * and verified. Those stand still while a group's records are rebuilt (its shared stream is read
 * before them): a collection's bar sat at 99% for all of its decoding.
 */
async function decodingProgress(
  input: Input,
  quiet: boolean,
  known?: number,
): Promise<{ progress: Progress; report: Pick<DecompressOptions, 'onProgress' | 'onRebuilt'> }> {
  const label = `decompress ${input.name}`;
  // a damaged index is not this function's to report: decoding finds what is wrong, or finds nothing
  const total =
    input.path === undefined || !wantsBar(quiet) ? undefined : (known ?? (await openArchive(input.path).then(async (a) => (await a.close(), a.originalBytes), () => undefined)));
  if (total === undefined) {
    const progress = startProgress(label, input.size, quiet);
    return { progress, report: { onProgress: progress.update } };
  }
  const progress = startProgress(label, total, quiet);
  return { progress, report: { onRebuilt: progress.update } };
}

/** What an archive's index says: whether it holds several files, and its original size. */
async function readIndex(path: string): Promise<{ multiFile: boolean; originalBytes: number }> {
  const archive = await forInput(path, () => openArchive(path));
  try {
    return { multiFile: archive.files.length > 0, originalBytes: archive.originalBytes };
  } finally {
    await archive.close();
  }
}

/**
 * Writes each file of a multi-file archive under `outdir`, by its stored name (checked: never a
 * path outside `outdir`). Each file is written under a temporary name and renamed once all its
 * records passed their checksums; the archive's own checksum is checked at its end.
 */
async function extract(input: Input, outdir: string, flags: DecompressFlags, options: DecompressOptions, originalBytes?: number): Promise<void> {
  await mkdir(outdir, { recursive: true });
  const { progress, report } = await decodingProgress(input, !!flags.quiet, originalBytes);
  const starts: { name: string }[] = [];
  let current: AtomicFile | undefined;
  let files = 0;
  // A finished file is synced and renamed while the next one decodes (fsync waits on the disk:
  // a sixth of the time of 50 small genomes, measured). Commits still run one after another, in
  // file order; the first failure stops the extraction.
  let commits = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const commitCurrent = (): void => {
    const file = current;
    if (!file) return;
    current = undefined;
    commits = commits.then(() => (failure ? file.abort() : file.commit())).catch((error: unknown) => void (failure ??= { error }));
  };
  // Files begin (onFile) before their first piece; empty files have no piece.
  const advance = async (): Promise<void> => {
    for (const { name } of starts.splice(0)) {
      commitCurrent();
      if (failure) throw failure.error;
      // one level at a time (see extractionPath); an existing folder is fine
      const makeFolder = (dir: string) => mkdir(dir).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
      current = await AtomicFile.create(await extractionPath(outdir, name, makeFolder), !!flags.force);
      files++;
    }
  };
  await forInput(input.name, async () => {
    try {
      // each piece is written, and the write awaited, before the next is asked for (reusePieces)
      const pieces = decompressStream(readInput(input), { ...options, ...report, onFile: (f) => starts.push({ name: f.name }), reusePieces: true });
      for await (const piece of pieces) {
        await advance();
        if (!current) throw new CliError(`${input.name}: not a multi-file archive (decompress it without -C)`, Exit.usage);
        await current.write(piece);
      }
      await advance();
      commitCurrent();
      await commits;
      if (failure) throw failure.error;
    } catch (e) {
      await current?.abort();
      // files still being committed finish (or clean up after themselves) before the error is told
      await commits;
      throw e;
    } finally {
      progress.stop();
    }
  });
  if (!flags.quiet) log(`${input.name}: verified → ${files} file(s) in ${outdir}`);
  if (flags.rm && input.path) await unlink(input.path);
}
