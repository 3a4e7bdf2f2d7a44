/**
 * Files and standard streams: opening inputs with clear errors, and writing outputs through a
 * temporary name that is renamed only once everything was written and verified, so that an
 * interrupted or failed run never leaves a file that looks complete.
 */
import { closeSync, createReadStream, constants as fsConstants, mkdtempSync, openSync, readSync, rmSync, statSync, type Stats } from 'node:fs';
import { access, link, open, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { CliError, Exit } from './errors.js';

/** Paths of temporary files and folders in progress, removed if the process is interrupted. */
const temporaries = new Set<string>();

/** Removes temporary files and folders. Synchronous, because it runs from signal handlers. */
export function removeTemporaries(): void {
  for (const path of temporaries) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      /* nothing more to do on the way out */
    }
  }
  temporaries.clear();
}

/**
 * Runs `work` in a new folder of the system's temporary folder (`$TMPDIR`), named `prefix` and six
 * random characters, and removes it afterwards, also when `work` fails or the process is
 * interrupted.
 */
export async function withTemporaryFolder<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  // Made synchronously, and registered in the same turn: a signal handler runs between turns, so
  // it cannot come between the two. An asynchronous mkdtemp could still be making the folder on an
  // I/O thread when the handler ran and exited, and leave it behind (as AtomicFile.create did).
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaries.add(dir);
  try {
    return await work(dir);
  } finally {
    temporaries.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

export interface Input {
  /** What to call it in messages: the path, or "stdin". */
  name: string;
  path: string | undefined;
  /** Size in bytes when known (files), for progress. */
  size: number | undefined;
}

/** A failed stat of `path`, told with the path. */
function statError(path: string, e: unknown): CliError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CliError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
}

/**
 * The stat of `path`, synchronous: an asynchronous stat waits on the I/O threads, and a coder
 * that stats hundreds of files (the members of an archive, the originals it is compared with)
 * left its thread idle once a file. An error names the path.
 */
export function statPath(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw statError(path, e);
  }
}

/** Checks that a path names a readable, non-empty regular file. */
async function checkInputFile(path: string): Promise<Input> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw statError(path, e);
  }
  if (info.isDirectory()) throw new CliError(`${path}: is a directory`);
  if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
  if (info.size === 0) throw new CliError(`${path}: file is empty`);
  return { name: path, path, size: info.size };
}

const STDIN: Input = { name: 'stdin', path: undefined, size: undefined };

/**
 * A text file's content, '-' being stdin (a list of files, a BED file). Stdin is read as a stream:
 * opening /dev/stdin fails where it is a socket (ENXIO), as when a Node program spawns the command.
 */
export async function readText(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(parts).toString('utf8');
}

/** The input a command-line argument names: '-' is stdin, anything else a checked file. */
export async function openInput(file: string): Promise<Input> {
  return file === '-' ? STDIN : checkInputFile(file);
}

/** The most bytes read from a file at once. */
const READ_BYTES = 1 << 20;
/** What an AtomicFile gathers small pieces into before it writes them. */
const WRITE_BYTES = 1 << 20;

/**
 * Read buffers free for the next file read with `reuse` (readInput). A reader holds one while its
 * file is open; files read ahead (readAhead) hold one more each.
 */
const readBuffers: Buffer[] = [];

/**
 * The raw bytes of an input, counting them for progress. Fails on an empty stream unless `allowEmpty`.
 * With `reuse`, a file is read into one buffer again and again, so each piece is valid only until
 * the next is asked for: for consumers that are done with a piece by then (the format's writer,
 * which copies what it keeps; sketching; comparing). Writing fresh memory is the costliest part of
 * reading here: 50 Chlamydia genomes (53 MB) took 240-400 ms through read streams, each piece a new
 * buffer, and 13-25 ms into one reused buffer (measured; compressing them took 0.13 s less).
 */
export async function* readInput(input: Input, onBytes?: (n: number) => void, allowEmpty = false, reuse = false): AsyncGenerator<Uint8Array> {
  if (reuse && input.path) {
    yield* readReusing(input, onBytes, allowEmpty);
    return;
  }
  // Pieces of 1 MB, or the file's size when smaller: a read that fills less than its buffer is
  // copied into one of its own size (a tenth of sketching 250 kb genomes went there).
  const highWaterMark = Math.min(READ_BYTES, Math.max(1 << 16, input.size ?? READ_BYTES));
  const stream: Readable = input.path ? createReadStream(input.path, { highWaterMark }) : process.stdin;
  let total = 0;
  for await (const chunk of stream) {
    total += (chunk as Buffer).length;
    onBytes?.(total);
    yield chunk as Buffer;
  }
  if (total === 0 && !allowEmpty) throw new CliError(`${input.name}: input is empty`);
}

/**
 * readInput with `reuse`, of a file: every piece is read into the same buffer, synchronously. Its
 * readers (compressing, sketching, comparing with originals) hold the thread with their work on
 * each piece anyway, and an asynchronous read is delivered only when the thread next waits. A
 * batch of 500 genomes (120 MB) compressed in 6% less time with the files cached and in the same
 * time with them not, and sketched in 4-8% less (measured).
 */
async function* readReusing(input: Input, onBytes: ((n: number) => void) | undefined, allowEmpty: boolean): AsyncGenerator<Uint8Array> {
  const fd = openSync(input.path!, 'r');
  const buffer = readBuffers.pop() ?? Buffer.allocUnsafeSlow(READ_BYTES);
  let total = 0;
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      onBytes?.(total);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    readBuffers.push(buffer);
    closeSync(fd);
  }
  if (total === 0 && !allowEmpty) throw new CliError(`${input.name}: input is empty`);
}

/** Whether `head` starts with the gzip magic (1F 8B). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * When a gzipped file is gunzipped in one call (readMaybeGzip): a file of at most `bytes`, whose
 * content comes to at most `output` bytes. A genome's .gz is a few megabytes.
 */
export const GUNZIP_WHOLE = { bytes: 8 << 20, output: 64 << 20 };

/**
 * Input bytes, transparently gunzipped when they start with the gzip magic (1F 8B). With `reuse`,
 * as readInput's: a piece is valid until the next is asked for (gunzipped pieces are always new).
 *
 * A gzipped file within `whole` (GUNZIP_WHOLE) is read whole and gunzipped in one call on this
 * thread, its content one piece. Through a stream each file cost about 1.7 ms more (the stream's
 * set-up, and round trips to the I/O threads that this thread waited for): sketching 1,000
 * genomes, 50 of them gzipped, took 1.41 s instead of 1.49 (measured). Larger files, stdin, and a
 * file whose content passes `output` are gunzipped through a stream, a megabyte at a time.
 */
export async function* readMaybeGzip(
  input: Input,
  onBytes?: (n: number) => void,
  allowEmpty = false,
  reuse = false,
  whole: { bytes: number; output: number } = GUNZIP_WHOLE,
): AsyncGenerator<Uint8Array> {
  const raw = readInput(input, onBytes, allowEmpty, reuse);
  const first = await raw.next();
  if (first.done) return;
  const head = first.value;
  const rest = async function* () {
    yield head;
    yield* raw;
  };
  if (!isGzip(head)) {
    yield* rest();
    return;
  }
  let compressed: Buffer | undefined;
  if (input.size !== undefined && input.size <= whole.bytes) {
    // copies: the reader may write its buffer again
    const parts: Buffer[] = [];
    for await (const piece of rest()) parts.push(Buffer.from(piece));
    compressed = Buffer.concat(parts);
    let content: Buffer | undefined;
    try {
      content = gunzipSync(compressed, { maxOutputLength: whole.output });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw gzipDamaged(input, e);
    }
    if (content !== undefined) {
      yield content;
      return;
    }
  }
  // Pieces of a megabyte, not zlib's 16 kB: each piece is a round trip to the I/O threads, and
  // 150 gzipped genomes (37 MB) compressed in 15% less time (measured).
  const gunzip = createGunzip({ chunkSize: READ_BYTES });
  // the stream queues what it is given: copies, where the reader writes its buffer again
  const source = Readable.from(compressed !== undefined ? [compressed] : reuse ? (async function* () {
    for await (const piece of rest()) yield Buffer.from(piece); // a copy (a Buffer's slice() is a view)
  })() : rest());
  source.on('error', (e) => gunzip.destroy(e));
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    throw gzipDamaged(input, e);
  }
}

/** A gunzip error as the error to throw: damaged data, unless it is already a CliError (a read error, told with the path). */
function gzipDamaged(input: Input, e: unknown): unknown {
  if (e instanceof CliError) return e;
  return new CliError(`${input.name}: gzip data is damaged (${(e as Error).message})`, Exit.damaged);
}

/**
 * The lines of UTF-8 text in byte pieces, without their line breaks (\n or \r\n). Each line is
 * decoded on its own: a string cut from a larger one keeps the larger one alive in V8, so lines
 * split from megabyte strings held every piece they came from (1.2 GB of memory for `get` of one
 * name from a 1 GB catalogue). The pieces may be a reused buffer (readInput's `reuse`): each is done
 * with before the next is asked for.
 */
export async function* lines(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let rest: Buffer = Buffer.alloc(0);
  const line = (bytes: Buffer, start: number, end: number) => bytes.toString('utf8', start, end > start && bytes[end - 1] === 13 ? end - 1 : end);
  for await (const chunk of pieces) {
    const piece = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const bytes = rest.length > 0 ? Buffer.concat([rest, piece]) : piece;
    let start = 0;
    for (let end = bytes.indexOf(10); end >= 0; end = bytes.indexOf(10, start)) {
      yield line(bytes, start, end);
      start = end + 1;
    }
    rest = Buffer.from(bytes.subarray(start)); // a copy: the piece's buffer may be read into again
  }
  if (rest.length > 0) yield line(rest, 0, rest.length);
}

/**
 * `source` with its first piece asked for now: a gzipped file's first piece is then decompressed
 * on the I/O threads while other work goes on (a plain file's is read there and then, see
 * readReusing). Its failure is reported where the pieces are read; `stop` closes it if they never are.
 */
export function readAhead<T>(source: AsyncGenerator<T>): { pieces: AsyncGenerator<T>; stop: () => Promise<unknown> } {
  const first = source.next();
  first.catch(() => {}); // not unhandled: awaited below
  async function* pieces(): AsyncGenerator<T> {
    const head = await first;
    if (head.done) return;
    yield head.value;
    yield* source;
  }
  return { pieces: pieces(), stop: () => source.return(undefined) };
}

/** Writes every piece to a stream, respecting back-pressure. */
export async function writeAll(out: Writable, pieces: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const piece of pieces) {
    // events.once removes both of its listeners whichever fires (a pair of .once() calls left an
    // 'error' listener behind at every drain: MaxListenersExceededWarning on `cat … | slow`)
    if (!out.write(piece)) await once(out, 'drain');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Moves `temp` to `path` unless `path` exists, atomically: link() fails if the name is taken, so
 * of two processes finishing the same output at once, one wins and the other reports it. File
 * systems without hard links get the check-then-rename of the start of writeFileAtomic.
 */
async function publishNoClobber(temp: string, path: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new CliError(`${path}: already exists (use -f to overwrite)`);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    if (await exists(path)) throw new CliError(`${path}: already exists (use -f to overwrite)`);
    await rename(temp, path);
    return;
  }
  await unlink(temp);
}

/**
 * A file written under a hidden temporary name beside `path`, and renamed to `path` by commit()
 * once complete; abort() (or an interruption, see removeTemporaries) removes it.
 */
export class AtomicFile {
  private constructor(
    readonly path: string,
    readonly temp: string,
    private readonly handle: FileHandle,
    private readonly force: boolean,
  ) {}

  static async create(path: string, force: boolean): Promise<AtomicFile> {
    if (!force && (await exists(path))) throw new CliError(`${path}: already exists (use -f to overwrite)`);
    const temp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    // The file is made synchronously, in the turn that registers it, then opened for writing. An
    // asynchronous open(temp, 'wx') could still be making it on an I/O thread when an interruption's
    // handler removed the temporaries and exited, and an empty temporary file stayed (seen once in a
    // test that interrupts decompress at moments spread over its run). Opening a file that exists
    // does not make one: if the handler removed it first, the open fails and nothing is left.
    temporaries.add(temp);
    try {
      closeSync(openSync(temp, 'wx'));
    } catch (e) {
      temporaries.delete(temp);
      throw e;
    }
    try {
      return new AtomicFile(path, temp, await open(temp, 'r+'), force);
    } catch (e) {
      await unlink(temp).catch(() => {});
      temporaries.delete(temp);
      throw e;
    }
  }

  /**
   * Small pieces are gathered into one buffer and written a megabyte at a time: an archive's
   * writer yields pieces of a few hundred bytes (about 1,000 for a batch of 500 genomes), and each
   * write of its own was a round trip to the I/O threads that the writer waited for.
   */
  private pending: Buffer | undefined;
  private filled = 0;

  async write(piece: Uint8Array): Promise<void> {
    if (piece.length < WRITE_BYTES) {
      this.pending ??= Buffer.allocUnsafe(WRITE_BYTES);
      if (this.filled + piece.length > WRITE_BYTES) await this.flush();
      this.pending.set(piece, this.filled);
      this.filled += piece.length;
      return;
    }
    await this.flush();
    await this.put(piece);
  }

  private async flush(): Promise<void> {
    if (this.filled === 0) return;
    const filled = this.filled;
    this.filled = 0;
    await this.put(this.pending!.subarray(0, filled));
  }

  /** Writes all of `piece`: a write may take only part (at a file size limit, the rest fails on the next). */
  private async put(piece: Uint8Array): Promise<void> {
    try {
      for (let done = 0; done < piece.length; ) done += (await this.handle.write(piece, done)).bytesWritten;
    } catch (e) {
      // a full disk is about the output: name it (write errors carry no path)
      const errno = e as NodeJS.ErrnoException;
      if (errno.syscall && !errno.path) errno.path = this.path;
      throw e;
    }
  }

  /** Syncs and closes the temporary file; `verify` runs on it before it takes the final name. */
  async commit(verify?: (tempPath: string) => Promise<void>): Promise<void> {
    try {
      await this.flush();
      await this.handle.sync();
      await this.handle.close();
      await verify?.(this.temp);
      if (this.force) await rename(this.temp, this.path);
      else await publishNoClobber(this.temp, this.path);
      temporaries.delete(this.temp);
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await unlink(this.temp).catch(() => {});
    temporaries.delete(this.temp);
  }
}

/**
 * Writes `pieces` to `path` atomically: into a hidden temporary file beside it, synced, then
 * renamed over `path`. `verify` runs on the finished temporary file before the rename.
 * On any failure the temporary file is removed and `path` is untouched.
 */
export async function writeFileAtomic(
  path: string,
  pieces: AsyncIterable<Uint8Array>,
  options: { force: boolean; verify?: (tempPath: string) => Promise<void> },
): Promise<void> {
  const file = await AtomicFile.create(path, options.force);
  try {
    for await (const piece of pieces) await file.write(piece);
  } catch (e) {
    await file.abort();
    throw e;
  }
  await file.commit(options.verify);
}

/** Refuses to write binary data to a terminal, as gzip and zstd do. */
export function checkBinaryStdout(): void {
  if (process.stdout.isTTY) {
    throw new CliError('compressed data not written to a terminal: use -o FILE or redirect stdout', Exit.usage);
  }
}
