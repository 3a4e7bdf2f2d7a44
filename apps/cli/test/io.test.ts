/**
 * readAhead: a member file is opened while the one before it is coded, without changing what is
 * read or reported. readMaybeGzip: a .gz file gunzipped in one call or streamed gives the same bytes.
 * AtomicFile: an interruption at any moment leaves no temporary file.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CliError, Exit } from '../src/errors.js';
import { AtomicFile, GUNZIP_WHOLE, readAhead, readMaybeGzip, removeTemporaries } from '../src/io.js';
import { testFolders } from './helpers.js';

const folders = testFolders('seqcoder-io-');

async function collect<T>(pieces: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const piece of pieces) out.push(piece);
  return out;
}

describe('readAhead', () => {
  it('asks for the first piece at once and then gives every piece in order', async () => {
    const asked: number[] = [];
    async function* source() {
      for (let i = 0; i < 3; i++) {
        asked.push(i);
        yield i;
      }
    }
    const ahead = readAhead(source());
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual([0]); // read before anyone asked, and no further
    expect(await collect(ahead.pieces)).toEqual([0, 1, 2]);
  });

  it('reports a failure where the pieces are read, not as an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      async function* failing(): AsyncGenerator<number> {
        throw new Error('cannot open');
      }
      const ahead = readAhead(failing());
      await new Promise((resolve) => setTimeout(resolve, 10));
      await expect(collect(ahead.pieces)).rejects.toThrow('cannot open');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('stop closes a source whose pieces were never read', async () => {
    let closed = false;
    async function* source() {
      try {
        yield 1;
        yield 2;
      } finally {
        closed = true;
      }
    }
    const ahead = readAhead(source());
    await ahead.stop();
    expect(closed).toBe(true);
  });

  it('an empty source gives no pieces', async () => {
    async function* empty(): AsyncGenerator<number> {}
    expect(await collect(readAhead(empty()).pieces)).toEqual([]);
  });
});

describe('readMaybeGzip', () => {
  // a file of two gzip members, the second starting mid-line: 2.4 MB of FASTA when whole
  let seed = 3;
  const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const bases = Array.from({ length: 2_400_000 }, () => 'ACGT'[Math.floor(random() * 4)]).join('');
  const content = Buffer.from(`>x a genome\n${bases.replace(/(.{80})/g, '$1\n')}\n`);
  const gz = Buffer.concat([gzipSync(content.subarray(0, 1_000_001)), gzipSync(content.subarray(1_000_001))]);
  /** `bytes` as a file of the test's folder, named as readMaybeGzip is given a file. */
  const write = (name: string, bytes: Buffer) => {
    const path = join(folders.current(), name);
    writeFileSync(path, bytes);
    return { name, path, size: bytes.length };
  };
  const read = async (input: ReturnType<typeof write>, whole?: { bytes: number; output: number }) =>
    (await collect(readMaybeGzip(input, undefined, false, true, whole))).map((piece) => Buffer.from(piece));

  it('gunzips a file within the bound in one call: its content, one piece', async () => {
    const file = write('x.fa.gz', gz);
    expect(file.size).toBeLessThan(GUNZIP_WHOLE.bytes);
    const pieces = await read(file);
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.equals(content)).toBe(true);
  });

  it('streams a larger file, and one whose content passes the bound, a megabyte at a time: the same content', async () => {
    const file = write('x.fa.gz', gz);
    for (const whole of [{ bytes: 1000, output: GUNZIP_WHOLE.output }, { bytes: GUNZIP_WHOLE.bytes, output: 1_000_000 }]) {
      const pieces = await read(file, whole);
      expect(pieces.length, JSON.stringify(whole)).toBeGreaterThan(2);
      expect(Buffer.concat(pieces).equals(content), JSON.stringify(whole)).toBe(true);
    }
  });

  it('calls damaged data damaged, gunzipped in one call or streamed', async () => {
    const damaged = write('d.fa.gz', gz.subarray(0, gz.length - 5000));
    for (const whole of [GUNZIP_WHOLE, { bytes: 1000, output: GUNZIP_WHOLE.output }]) {
      const error = await read(damaged, whole).then(() => undefined, (e: unknown) => e);
      expect(error, JSON.stringify(whole)).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(Exit.damaged);
      expect((error as CliError).message).toMatch(/^d\.fa\.gz: gzip data is damaged/);
    }
  });
});

describe('AtomicFile', () => {
  it('leaves no temporary file when interrupted just after it is asked for', async () => {
    // What the signal handler does (removeTemporaries) in the turn after create() was called: the
    // temporary file must not appear afterwards. Made by an asynchronous open, it did, most times.
    const dir = folders.current();
    for (let i = 0; i < 20; i++) {
      const made = AtomicFile.create(join(dir, 'out.seqc'), true);
      removeTemporaries();
      const file = await made.catch(() => undefined);
      expect(readdirSync(dir), `try ${i}`).toEqual([]);
      await file?.abort();
    }
  });
});
