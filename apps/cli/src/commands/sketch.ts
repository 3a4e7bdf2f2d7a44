/**
 * `sketch`: MinHash sketches of FASTA files (plain or .gz), one JSON line per file, for grouping
 * similar genomes before they are archived together (the scale workflow's first step). See
 * minhash.ts for the method; `sketch --help` for the output.
 */
import { statSync } from 'node:fs';
import { Sketcher } from '../minhash.js';
import { CliError, Exit } from '../errors.js';
import { readAhead, readMaybeGzip, readText, writeAll, writeFileAtomic } from '../io.js';
import { forInput, log } from '../shared.js';

export interface SketchFlags {
  filesFrom?: string;
  kmer: number;
  size: number;
  /** Sketch one k-mer in this many (a power of two; 1: all). */
  sample: number;
  /** Begin each line with the file's size and modification time (ns): what a cache of sketches compares. */
  stamps?: boolean;
  output?: string;
  force?: boolean;
  quiet?: boolean;
}

/** A file's size and modification time (ns), as it was when it was read. */
interface Stamp {
  bytes: bigint;
  mtimeNs: bigint;
}

/**
 * One JSON line: the file's stamp (with --stamps), its name as given, its bases, k, the sketch
 * size, the sample (when not 1) and the hashes.
 */
async function sketchLine(path: string, flags: SketchFlags, pieces: AsyncIterable<Uint8Array>, stamp: () => Stamp | undefined): Promise<string> {
  const { kmer, size, sample } = flags;
  const sketcher = new Sketcher(kmer, size, sample);
  await forInput(path, async () => {
    for await (const piece of pieces) sketcher.update(piece);
  });
  const { bases, hashes } = sketcher.digest();
  const line = JSON.stringify({ name: path, bases, kmer, size, ...(sample > 1 ? { sample } : {}), hashes });
  const s = flags.stamps ? stamp() : undefined;
  // bigints, which JSON.stringify refuses: nanoseconds since 1970 pass 2^53
  return (s ? `{"bytes":${s.bytes},"mtimeNs":${s.mtimeNs},${line.slice(1)}` : line) + '\n';
}

/**
 * The pieces of a file to sketch, its first asked for now (readAhead), and its stamp once it is
 * open: taken before the file is read, so that a file changed while it is read looks changed to a
 * later run. An empty file is a genome without k-mers here, not an error.
 */
function sketchInput(path: string): ReturnType<typeof readAhead<Uint8Array>> & { stamp: () => Stamp | undefined } {
  let stamp: Stamp | undefined;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    const info = statSync(path, { bigint: true }); // its errors are told with the path (forInput)
    if (!info.isFile()) throw new CliError(`${path}: not a regular file`);
    stamp = { bytes: info.size, mtimeNs: info.mtimeNs };
    // sketching is done with a piece before it asks for the next: the read buffer can be reused
    yield* readMaybeGzip({ name: path, path, size: Number(info.size) }, undefined, true, true);
  }
  return { ...readAhead(pieces()), stamp: () => stamp };
}

export async function sketchCommand(files: string[], flags: SketchFlags): Promise<void> {
  const paths = [...files];
  if (flags.filesFrom !== undefined) {
    const list = await forInput(flags.filesFrom, () => readText(flags.filesFrom!));
    paths.push(...list.split(/\r?\n/).filter((line) => line.trim() !== ''));
  }
  if (paths.length === 0) throw new CliError('sketch: name the files to sketch (or --files-from LIST)', Exit.usage);
  const lines = (async function* () {
    // each file's first piece is asked for before the one before is sketched (readAhead)
    let next = sketchInput(paths[0]!);
    try {
      for (let i = 0; i < paths.length; i++) {
        const current = next;
        if (i + 1 < paths.length) next = sketchInput(paths[i + 1]!);
        yield new TextEncoder().encode(await sketchLine(paths[i]!, flags, current.pieces, current.stamp));
      }
    } finally {
      await next.stop();
    }
  })();
  if (flags.output === undefined) return writeAll(process.stdout, lines);
  await writeFileAtomic(flags.output, lines, { force: !!flags.force });
  if (!flags.quiet) log(`${paths.length} sketch(es) → ${flags.output}`);
}
