/**
 * `verify`: decode an archive completely and check every checksum, writing nothing. With
 * `--against`, also compare what comes out with the original files, byte for byte; with `--json`,
 * print each file's size, SHA-256 and records. `compress --verify` and `append --verify` run the
 * same check on the archive they have just written (verifyArchive), which is how the scale
 * workflow's compress step checks each batch; `compress --rm` runs it without originals. Decoding
 * into memory and comparing there replaced extracting a batch to a scratch folder, which wrote and
 * synced every file to disk and read it back (about 40% of the check's time on a 500-genome batch).
 * Every check decodes front to back with the streaming reader, as `decompress` does: it shows a
 * bar in bytes rebuilt and returns to the event loop within long records, so Ctrl-C stops it.
 */
import type { Hash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { decompressStream, openArchive, type Archive, type FileInfo, type RecordInfo } from '@seqcoder/format';
import { safeRelativePath } from '../archive-files.js';
import { CliError, Exit } from '../errors.js';
import { openInput, readInput, readMaybeGzip, statPath } from '../io.js';
import { eachInput, forInput, formatBytes, log } from '../shared.js';
import { sha256 } from '../sha256.js';
import { startProgress } from '../progress.js';

export interface VerifyFlags {
  quiet?: boolean;
  json?: boolean;
  /** The original: a file for an archive of one input, a folder for an archive of several. */
  against?: string;
}

/** What `verify --json` prints for each file of an archive. */
export interface VerifiedFile {
  /** Its stored name (for an archive of one input: the archive's name without .seqc). */
  name: string;
  kind: FileInfo['kind'];
  /** Size and SHA-256 of its bytes as restored (for a .gz original: of the FASTA inside). */
  bytes: number;
  sha256: string;
  records: { name: string; length: number }[];
  /** The original it was compared with (`--against`). */
  against?: string;
}

/** Decodes every archive named; reports each, and fails if any fails. */
export async function verifyCommand(files: string[], flags: VerifyFlags): Promise<number> {
  const inputs = files.length > 0 ? files : ['-'];
  const against = flags.against;
  if (against !== undefined && (inputs.length !== 1 || inputs[0] === '-')) {
    throw new CliError('--against compares one archive file (not stdin) with its originals', Exit.usage);
  }
  const reports: VerifyReport[] = [];
  const exit = await eachInput(inputs, async (file) => {
    const { archive, bytes } = await openOnce(file);
    const progress = startProgress(`verify ${file}`, archive.originalBytes, !!flags.quiet);
    try {
      // an archive of one input is compared with the file --against names, a multi-file
      // archive's files with the files of that folder
      const originals: Originals | undefined =
        against === undefined ? undefined : archive.files.length === 0 ? () => original(against, file) : (name) => originalIn(against, name);
      const files = await forInput(file, () => check(bytes, archive, originals, file, progress.active ? progress.update : undefined));
      if (flags.json) reports.push({ file, files });
    } finally {
      progress.stop();
      await archive.close();
    }
    if (!flags.quiet && !flags.json) log(`${file}: OK (${archive.records.length} record(s), ${formatBytes(archive.originalBytes)}${against !== undefined ? `, identical to ${against}` : ''})`);
  });
  if (flags.json) printReports(reports);
  return exit;
}

/**
 * Opens `file` for its index and for a decode front to back (`bytes`). A path is opened twice,
 * with random access and as a stream; standard input can be read only once, so it is read into
 * memory and both read that (reading it again found it empty).
 */
async function openOnce(file: string): Promise<{ archive: Archive; bytes: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array> }> {
  const input = await openInput(file);
  if (input.path !== undefined) {
    const path = input.path;
    return { archive: await forInput(input.name, () => openArchive(path)), bytes: async function* () { yield* readInput(await openInput(path)); } };
  }
  const pieces: Uint8Array[] = [];
  for await (const piece of readInput(input)) pieces.push(piece);
  const whole = Buffer.concat(pieces);
  return { archive: await forInput(input.name, () => openArchive(whole)), bytes: () => [whole] };
}

/** What `verify --json` prints for one archive (and `compress --verify --json` for each it writes). */
export interface VerifyReport {
  file: string;
  files: VerifiedFile[];
}

export function printReports(reports: VerifyReport[]): void {
  process.stdout.write(JSON.stringify(reports, null, 1) + '\n');
}

/**
 * The original of each stored name (of an archive of one input: its only file), or undefined
 * where there is none to compare with: that file is then only hashed and its checksums checked.
 */
export type Originals = (name: string) => Promise<Original | undefined>;

/** Told the bytes rebuilt so far, and the archive's original bytes, as it is verified. */
export type VerifyProgress = (done: number, total: number) => void;

/**
 * Decodes the archive at `path` completely, as `verify --json` does, comparing each file with the
 * original `originals` names; reports the archive under the name `file`. `compress --verify` and
 * `append --verify` run it on the new archive before it takes its name.
 */
export async function verifyArchive(path: string, file: string, originals: Originals | undefined, onProgress?: VerifyProgress): Promise<VerifyReport> {
  const { archive, bytes } = await openOnce(path);
  try {
    return { file, files: await forInput(file, () => check(bytes, archive, originals, file, onProgress)) };
  } finally {
    await archive.close();
  }
}

/**
 * verifyArchive on a file just written under a temporary name, before it takes the name `file`
 * (`compress --verify`, `append --verify`); a failure says so, and what became of the output.
 */
export async function verifyNew(temp: string, file: string, originals: Originals | undefined, outcome: string, onProgress?: VerifyProgress): Promise<VerifyReport> {
  try {
    return await verifyArchive(temp, file, originals, onProgress);
  } catch (e) {
    // a file that differs, or an archive that does not decode, is damage; a missing input is not
    throw new CliError(`verification of the new file failed, ${outcome}: ${(e as Error).message}`, e instanceof CliError ? e.exitCode : Exit.damaged);
  }
}

/**
 * The original at `path`, which must be a regular file. `archive`: the archive of one input it is
 * compared with, for `verify --against`, where a folder is a mistake of usage.
 */
export async function original(path: string, archive?: string): Promise<Original> {
  const info = statPath(path); // synchronous (0.15 s of idle time for a batch of 500 genomes when it was not)
  if (archive !== undefined && info.isDirectory()) throw new CliError(`${archive} holds one file: --against names that file, not a folder`, Exit.usage);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
  return { path, size: info.size };
}

/**
 * Decodes the archive `bytes` gives (whose index is `archive`) front to back, as `decompress`
 * would, checking every checksum, hashing each file and comparing it with its original where
 * `originals` names one. `name` is the archive's name in the report (an archive of one input
 * reports its file under that name without .seqc).
 */
async function check(
  bytes: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  archive: Archive,
  originals: Originals | undefined,
  name: string,
  onProgress?: VerifyProgress,
): Promise<VerifiedFile[]> {
  const single = archive.files.length === 0;
  const members: FileInfo[] = single
    ? [{ index: 0, name: name.replace(/\.seqc$/, ''), nameBytes: new Uint8Array(), kind: archive.kind === 'fasta' ? 'fasta' : 'generic', firstRecord: 0, records: archive.records.length, originalBytes: archive.originalBytes }]
    : [...archive.files];
  // an archive of one input: its original is found (or found missing) before decoding
  const only = single ? await originals?.(members[0]!.name) : undefined;
  const done: VerifiedFile[] = [];
  let current: FileCheck | undefined;
  let next = 0;
  // Files begin (onFile) before their first piece; an empty file has none.
  const advance = async (upTo: number): Promise<void> => {
    for (; next < upTo; next++) {
      if (current) done.push(await current.finish());
      current = new FileCheck(members[next]!, archive.records, single ? only : await originals?.(members[next]!.name));
    }
  };
  let started = single ? 1 : 0;
  // each piece is hashed and compared before the next is asked for (reusePieces)
  // progress in bytes rebuilt: the archive's bytes are read long before a collection's are decoded
  const onRebuilt = onProgress && ((rebuilt: number) => onProgress(rebuilt, archive.originalBytes));
  for await (const piece of decompressStream(bytes(), { onFile: (f) => void (started = f.index + 1), onRebuilt, reusePieces: true })) {
    await advance(started);
    await current!.take(piece);
  }
  await advance(members.length);
  if (current) done.push(await current.finish());
  return done;
}

/** An original file to compare with, and its size. */
export interface Original {
  path: string;
  size: number;
}

/** The original of stored name `name` under `dir`: that path, or that path with .gz (an archive keeps the FASTA a .gz held). */
async function originalIn(dir: string, name: string): Promise<Original> {
  const path = join(dir, ...safeRelativePath(name));
  for (const candidate of [path, `${path}.gz`]) {
    // synchronous, as the reads below: an asynchronous stat waits on the I/O threads, once a file
    let info;
    try {
      info = statSync(candidate);
    } catch {
      continue;
    }
    if (info.isFile()) return { path: candidate, size: info.size };
  }
  throw new CliError(`${name}: no original under ${dir} (looked for ${path} and ${path}.gz)`);
}

/** One file as it is decoded: its hash, and the comparison with its original's bytes. */
class FileCheck {
  private readonly hash: Hash = sha256();
  private bytes = 0;
  /** The original's current piece and how far into it the comparison is. */
  private piece: Uint8Array = new Uint8Array(0);
  private at = 0;

  private readonly original: { path: string; pieces: AsyncGenerator<Uint8Array> } | undefined;

  constructor(
    private readonly member: FileInfo,
    private readonly records: readonly RecordInfo[],
    original: Original | undefined,
  ) {
    // a plain original is read synchronously into a reused buffer (readInput's `reuse`): each of
    // its pieces is compared to the end before the next is asked for
    this.original = original && { path: original.path, pieces: readMaybeGzip({ name: original.path, path: original.path, size: original.size }, undefined, true, true) };
  }

  async take(piece: Uint8Array): Promise<void> {
    this.hash.update(piece);
    const original = this.original;
    if (original) {
      for (let i = 0; i < piece.length; ) {
        if (this.at === this.piece.length) {
          const more = await original.pieces.next();
          if (more.done) throw this.differs(`${original.path} ends at byte ${this.bytes + i}`);
          this.piece = more.value;
          this.at = 0;
          continue;
        }
        const n = Math.min(piece.length - i, this.piece.length - this.at);
        const mine = piece.subarray(i, i + n);
        const theirs = this.piece.subarray(this.at, this.at + n);
        if (Buffer.compare(mine, theirs) !== 0) {
          let k = 0;
          while (mine[k] === theirs[k]) k++;
          throw this.differs(`they differ at byte ${this.bytes + i + k}`);
        }
        i += n;
        this.at += n;
      }
    }
    this.bytes += piece.length;
  }

  async finish(): Promise<VerifiedFile> {
    const original = this.original;
    if (original) {
      let rest = this.piece.length - this.at;
      for (let more = await original.pieces.next(); !more.done; more = await original.pieces.next()) rest += more.value.length;
      if (rest > 0) throw this.differs(`${original.path} goes on for ${rest} more byte(s)`);
    }
    const m = this.member;
    return {
      name: m.name,
      kind: m.kind,
      bytes: this.bytes,
      sha256: this.hash.digest('hex'),
      records: this.records.slice(m.firstRecord, m.firstRecord + m.records).map((r) => ({ name: r.name, length: r.length })),
      ...(original ? { against: original.path } : {}),
    };
  }

  private differs(how: string): CliError {
    return new CliError(`${this.member.name} is not its original ${this.original!.path}: ${how}`, Exit.damaged);
  }
}
