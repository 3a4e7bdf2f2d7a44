/**
 * `get`: regions of an archive's records, as `samtools faidx` prints them from the original FASTA.
 *
 * A region is `NAME`, `NAME:START`, `NAME:START-END` or `NAME:-END`: 1-based, both ends included,
 * commas allowed in the numbers; NAME is a record's identifier (the header's first word) or its
 * whole header. A BED file gives regions 0-based with the end excluded, printed as the same region
 * would be typed. Each region is printed as `>REGION` (as given) and its residues (case and IUPAC
 * letters as in the original) in lines of --line-width. An END past the record is cut to it, as
 * samtools does, with the same warning.
 *
 * Each record is decoded once, as far as its furthest region, and kept for its other regions, up
 * to CACHE_RESIDUES residues in all: a range read alone still reads and checks its whole sequence
 * frame, and cm decodes from the start of the record. A cm record coded in independent blocks
 * (`compress --block-size`) is read instead in windows of one block's length around its regions,
 * each decoded once, when those windows hold fewer bases than the prefix would.
 */
import { concatBytes, filesStoredAsBytes, formatRegion, parseBed, parseRegion, plainFastaRecords, plainResidues, regionSpan, storedBytes, type Archive, type Region } from '@seqcoder/format';
import { Catalogue, isCatalogue, type CatalogueGenome } from '../catalogue.js';
import { CliError, Exit } from '../errors.js';
import { readText, writeAll } from '../io.js';
import { startProgress } from '../progress.js';
import { forInput, log } from '../shared.js';
import { open } from './info.js';

export interface GetFlags {
  bed?: string;
  lineWidth?: number;
  file?: string;
  /** No progress bar. */
  quiet?: boolean;
}

/** Residues of decoded records kept at once (about as many bytes). */
const CACHE_RESIDUES = 256 << 20;

/** Regions printed are gathered into writes of about this many bytes. */
const WRITE_BYTES = 1 << 16;

/** What a span needs of a record: its index among its reader's records, and its length in residues. */
export interface RecordRef {
  index: number;
  length: number;
}

/** Reads the residues of regions' records: the archive's own records, or those of a file it stored as generic bytes. */
interface ResidueReader {
  /** Told every span before any is read, so that each record is read once. */
  plan(spans: Span[]): Promise<void>;
  residues(record: RecordRef, start: number, end: number): Promise<Uint8Array>;
  /** Whether residues() has them at hand, without decoding or reading a file. */
  ready(record: RecordRef, start: number, end: number): boolean;
}

/** A record that a region may name, with the reader of its residues and its file's index. */
interface Named {
  record: RecordRef;
  reader: ResidueReader;
  file: number;
}

/**
 * Finds the records regions name: by whole header, else by identifier (the header's first word),
 * among those of `--file` when given; refuses a name found in several files. Indexed once, so that
 * many regions of an assembly of many contigs cost a look-up each.
 */
class RecordIndex {
  private readonly byHeader = new Map<string, Named[]>();
  private readonly byIdentifier = new Map<string, Named[]>();

  constructor(private readonly archive: Archive) {}

  add(name: string, named: Named): void {
    const add = (map: Map<string, Named[]>, key: string) => map.set(key, [...(map.get(key) ?? []), named]);
    add(this.byHeader, name);
    add(this.byIdentifier, name.split(/\s/, 1)[0]!);
  }

  find(name: string): Named | undefined {
    const found = this.byHeader.get(name) ?? this.byIdentifier.get(name) ?? [];
    if (found.length > 1 && this.archive.files.length > 0 && new Set(found.map((r) => r.file)).size > 1) {
      const files = [...new Set(found.map((r) => this.archive.files[r.file]!.name))].join(', ');
      throw new CliError(`${name}: a record of several files (${files}); name one with --file`, Exit.usage);
    }
    return found[0];
  }
}

/** A region's record and its residues from..to (0-based, end excluded). */
export interface Span {
  record: RecordRef;
  from: number;
  to: number;
}

/**
 * The residues of regions, decoding what each needs at most once while the cache holds it: a
 * record's prefix as far as the furthest region asked of it (a codec like cm decodes from the
 * record's start), or, for a record in blocks, the windows of one block's length its regions touch.
 */
class RegionReader implements ResidueReader {
  private readonly cache = new Map<string, Uint8Array>();
  private cached = 0;
  /** For each record, the end of the furthest region asked of it. */
  private readonly reach = new Map<number, number>();
  /** Records read in windows, and the window length (the record's bases per block). */
  private readonly windows = new Map<number, number>();
  /** For each window `record:w`, the end of the furthest region inside it (it is decoded that far). */
  private readonly windowReach = new Map<string, number>();

  constructor(
    private readonly archive: Archive,
    private readonly quiet = false,
  ) {}

  /** Chooses, for each record, between its prefix and windows: whichever decodes fewer residues. */
  async plan(spans: Span[]): Promise<void> {
    // (a BED file may hold a million regions of one record: no copying, no spread arguments)
    const byRecord = new Map<number, Span[]>();
    for (const span of spans) {
      const own = byRecord.get(span.record.index);
      if (own) own.push(span);
      else byRecord.set(span.record.index, [span]);
    }
    for (const [index, own] of byRecord) {
      let reach = 0;
      for (const span of own) reach = Math.max(reach, span.to);
      this.reach.set(index, reach);
      const block = await this.archive.blockBases(index);
      if (block === undefined) continue;
      const touched = new Map<string, number>();
      for (const { from, to } of own) {
        for (let w = Math.floor(from / block); w * block < to; w++) {
          const id = `${index}:${w}`;
          touched.set(id, Math.max(touched.get(id) ?? 0, Math.min(to, (w + 1) * block)));
        }
      }
      if (touched.size * block >= reach) continue;
      this.windows.set(index, block);
      for (const [id, end] of touched) this.windowReach.set(id, end);
    }
  }

  async residues(record: RecordRef, start: number, end: number): Promise<Uint8Array> {
    const window = this.windows.get(record.index);
    if (window === undefined) return (await this.read(record, 'prefix', 0, this.reach.get(record.index) ?? end)).subarray(start, end);
    // Windows are counted in residues, blocks in bases: a window may straddle two blocks (an N run
    // before it shifts it), which costs one more block, never a wrong residue.
    const out = new Uint8Array(end - start);
    for (let w = Math.floor(start / window); w * window < end; w++) {
      const from = w * window;
      const bytes = await this.read(record, String(w), from, this.windowReach.get(`${record.index}:${w}`)!);
      const a = Math.max(start, from);
      const b = Math.min(end, from + bytes.length);
      out.set(bytes.subarray(a - from, b - from), a - start);
    }
    return out;
  }

  ready(record: RecordRef, start: number, end: number): boolean {
    const window = this.windows.get(record.index);
    if (window === undefined) return this.cache.has(`${record.index}:prefix`);
    for (let w = Math.floor(start / window); w * window < end; w++) if (!this.cache.has(`${record.index}:${w}`)) return false;
    return true;
  }

  /** Residues from..to of a record, decoded once while the cache holds them under `key`. */
  private async read(record: RecordRef, key: string, from: number, to: number): Promise<Uint8Array> {
    const id = `${record.index}:${key}`;
    let bytes = this.cache.get(id);
    if (!bytes) {
      const name = this.archive.record(record.index).name.split(/\s/, 1)[0]!;
      bytes = await withBar(`decoding ${name}`, 'Mb', this.quiet, (onBases) => this.archive.readSequence(record.index, from, to, { onBases }));
      while (this.cached + bytes.length > CACHE_RESIDUES && this.cache.size > 0) {
        const [oldest, evicted] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        this.cached -= evicted.length;
      }
      this.cache.set(id, bytes);
      this.cached += bytes.length;
    }
    return bytes;
  }
}

/** A record of a file the archive stored as generic bytes: the file (-1 for the archive's one file) and its position there. */
interface PlainRef extends RecordRef {
  file: number;
  ordinal: number;
}

/**
 * The records of the files an archive stored as generic bytes (protein FASTA, say): such a file
 * has no record table, so its bytes are read front to back to find the records the regions may
 * name, keeping their residues while CACHE_RESIDUES holds them (one pass, as a rule). What did not
 * fit is read in further passes, as many records' windows at a time as CACHE_RESIDUES holds (a
 * record alone may exceed it, as a record's prefix may for RegionReader).
 */
export class PlainRecordReader implements ResidueReader {
  /** The records found, in file order; a record's `index` is its place here. */
  readonly records: (PlainRef & { name: string })[] = [];
  /** For each record, the residues its regions need (from the first start to the last end). */
  private readonly windows = new Map<number, { from: number; to: number }>();
  /** The records in the order regions first ask for them. */
  private order: number[] = [];
  private readonly held = new Map<number, { from: number; residues: Uint8Array }>();

  private constructor(
    private readonly archive: Archive,
    /** Residues held at once (CACHE_RESIDUES; less in tests). */
    private readonly budget: number,
    private readonly quiet: boolean,
  ) {}

  /** Reads the generic files (-1: the archive's one file) for the records whose header or identifier is among `names`. */
  static async find(archive: Archive, files: number[], names: Set<string>, { budget = CACHE_RESIDUES, quiet = false } = {}): Promise<PlainRecordReader> {
    const reader = new PlainRecordReader(archive, budget, quiet);
    let held = 0;
    for (const file of files) {
      for await (const { ordinal, name, length, bytes } of plainFastaRecords(barred(archive, file, 'reading records', quiet))) {
        if (!names.has(name) && !names.has(name.split(/\s/, 1)[0]!)) continue;
        const index = reader.records.length;
        reader.records.push({ index, file, ordinal, name, length });
        if (held + length > budget) continue;
        reader.held.set(index, { from: 0, residues: plainResidues(bytes, 0, length) });
        held += length;
      }
    }
    return reader;
  }

  async plan(spans: Span[]): Promise<void> {
    for (const { record, from, to } of spans) {
      const window = this.windows.get(record.index);
      if (window) {
        window.from = Math.min(window.from, from);
        window.to = Math.max(window.to, to);
      } else {
        this.windows.set(record.index, { from, to });
        this.order.push(record.index);
      }
    }
  }

  ready(record: RecordRef): boolean {
    return this.held.has(record.index);
  }

  async residues(record: RecordRef, start: number, end: number): Promise<Uint8Array> {
    if (!this.held.has(record.index)) await this.load(record.index);
    const { from, residues } = this.held.get(record.index)!;
    return residues.subarray(start - from, end - from);
  }

  /** Lets go of what it holds and reads, in one pass, the windows of `first` and of the records asked for after it, while they fit. */
  private async load(first: number): Promise<void> {
    this.held.clear();
    // by file, then by the record's position in it
    const wanted = new Map<number, Map<number, { index: number; from: number; to: number }>>();
    let size = 0;
    let taken = 0;
    for (const index of this.order.slice(this.order.indexOf(first))) {
      const { from, to } = this.windows.get(index)!;
      if (taken++ > 0 && size + to - from > this.budget) break;
      const { file, ordinal } = this.records[index]!;
      if (!wanted.has(file)) wanted.set(file, new Map());
      wanted.get(file)!.set(ordinal, { index, from, to });
      size += to - from;
    }
    for (const [file, own] of wanted) {
      let left = own.size;
      for await (const { ordinal, bytes } of plainFastaRecords(barred(this.archive, file, 'reading residues', this.quiet))) {
        const want = own.get(ordinal);
        if (!want) continue;
        this.held.set(want.index, { from: want.from, residues: plainResidues(bytes, want.from, want.to) });
        if (--left === 0) break;
      }
    }
  }
}

/**
 * Runs a long read with a bar on stderr (a terminal only, after a second), told `(done, total)` in
 * `unit`; the bar is gone before the read's region is printed on stdout.
 */
async function withBar<T>(stage: string, unit: 'MB' | 'Mb', quiet: boolean, read: (onProgress?: (done: number, total: number) => void) => Promise<T>): Promise<T> {
  const progress = startProgress('get', 1, quiet);
  try {
    return await read(progress.active ? (done, total) => progress.stage(stage, done, total, unit) : undefined);
  } finally {
    progress.stop();
  }
}

/** The bytes of a file stored as bytes (-1: the archive's one file), with a bar of how far they have been read, as withBar draws it. */
async function* barred(archive: Archive, file: number, stage: string, quiet: boolean): AsyncGenerator<Uint8Array> {
  const total = file < 0 ? archive.originalBytes : archive.files[file]!.originalBytes;
  const progress = startProgress('get', 1, quiet);
  let done = 0;
  try {
    for await (const piece of storedBytes(archive, file)) {
      done += piece.length;
      if (progress.active) progress.stage(stage, done, total, 'MB');
      yield piece;
    }
  } finally {
    progress.stop();
  }
}

/** A region to print, its record when one was found, and the reader of that record's archive. */
interface Target {
  region: Region;
  record?: RecordRef;
  reader?: ResidueReader;
  /** The archive or catalogue, for messages. */
  where: string;
}

/** Prints the regions in order, each record decoded once; returns how many named no record. */
async function printRegions(targets: Target[], width: number): Promise<number> {
  const spans = new Map<ResidueReader, Span[]>();
  for (const { region, record, reader } of targets) {
    if (!record || !reader) continue;
    const { from, to } = regionSpan(region, record.length);
    if (from >= to) continue;
    // (a BED file may hold a million regions: push, never copy)
    const own = spans.get(reader);
    if (own) own.push({ record, from, to });
    else spans.set(reader, [{ record, from, to }]);
  }
  for (const [reader, own] of spans) await reader.plan(own);
  let missing = 0;
  // Regions go out in writes of WRITE_BYTES (a write each made 100,000 regions of a BED file
  // spend a sixth of their time writing), and before each decode, so that none waits behind one.
  let pending: Uint8Array[] = [];
  let size = 0;
  const takePending = (): Uint8Array => {
    const out = concatBytes(pending);
    pending = [];
    size = 0;
    return out;
  };
  await writeAll(
    process.stdout,
    (async function* () {
      for (const { region, record, reader, where } of targets) {
        if (!record || !reader) {
          log(`${where}: no record named ${region.name} (region ${region.text})`);
          missing++;
          continue;
        }
        const { from, to, truncated } = regionSpan(region, record.length);
        if (from === to) log(`[get] Zero length sequence: ${region.text}`);
        else if (truncated) log(`[get] Truncated sequence: ${region.text}`);
        if (size > 0 && from < to && !reader.ready(record, from, to)) yield takePending();
        const piece = formatRegion(region.text, from < to ? await reader.residues(record, from, to) : new Uint8Array(0), width);
        pending.push(piece);
        size += piece.length;
        if (size >= WRITE_BYTES) yield takePending();
      }
      if (size > 0) yield takePending();
    })(),
  );
  return missing;
}

export async function getCommand(archivePath: string, regionTexts: string[], flags: GetFlags): Promise<void> {
  if (regionTexts.length === 0 && flags.bed === undefined) throw new CliError('get: name a region (NAME[:START-END]) or --bed FILE', Exit.usage);
  const width = flags.lineWidth ?? 60;
  if (flags.bed === '-' && archivePath === '-') throw new CliError('get: the archive and --bed cannot both be standard input', Exit.usage);
  const bed = flags.bed === undefined ? [] : parseBed(await forInput(flags.bed, () => readText(flags.bed!)), flags.bed);
  if (await isCatalogue(archivePath)) return catalogueGet(archivePath, regionTexts, bed, width, flags);
  const archive = await open(archivePath);
  try {
    const file = flags.file === undefined ? undefined : await forInput(archivePath, async () => archive.file(flags.file!).index);
    const index = new RecordIndex(archive);
    const reader = new RegionReader(archive, flags.quiet);
    for (const record of archive.records) if (file === undefined || record.file === file) index.add(record.name, { record, reader, file: record.file });
    await forInput(archivePath, () => addPlainRecords(archive, file, index, regionTexts, bed, !!flags.quiet));
    const regions = [...regionTexts.map((text) => parseRegion(text, (name) => index.find(name) !== undefined)), ...bed];
    // each region's record, looked up once
    const targets = regions.map((region) => ({ region, ...index.find(region.name), where: archivePath }));
    const missing = await forInput(archivePath, () => printRegions(targets, width));
    if (missing > 0) throw new CliError(`${archivePath}: ${missing} of ${regions.length} region(s) name no record`, Exit.io);
  } finally {
    await archive.close();
  }
}

/**
 * Adds to the index the records of the archive's generic files (those of `file` only, when given)
 * that the regions may name, when some region names none of its modelled records: a FASTA that
 * did not look like nucleotides (protein, say) was stored as bytes, and samtools reads its
 * records all the same.
 */
async function addPlainRecords(archive: Archive, file: number | undefined, index: RecordIndex, regionTexts: string[], bed: Region[], quiet: boolean): Promise<void> {
  const files = filesStoredAsBytes(archive, file);
  if (files.length === 0) return;
  const names = new Set([...regionTexts.flatMap((text) => [text, regionName(text)]), ...bed.map((region) => region.name)]);
  const unresolved = [...regionTexts.map((text) => [text, regionName(text)]), ...bed.map((region) => [region.name])].some((both) => both.every((name) => index.find(name) === undefined));
  if (!unresolved) return;
  const plain = await PlainRecordReader.find(archive, files, names, { quiet });
  for (const record of plain.records) index.add(record.name, { record, reader: plain, file: Math.max(0, record.file) });
}

/**
 * `get` on a catalogue of the scale workflow: GENOME (its path, stored name or file name) prints
 * that genome's file as it was, byte for byte; RECORD[:START-END], or GENOME[:START-END] for a
 * genome of one record, prints a region as for an archive. Each archive is opened once.
 */
async function catalogueGet(path: string, regionTexts: string[], bed: Region[], width: number, flags: GetFlags): Promise<void> {
  if (flags.file !== undefined) throw new CliError('get: --file names a file of an archive; with a catalogue, name the genome instead', Exit.usage);
  // only the genomes these names may mean are kept: a large run's catalogue does not fit in memory
  const names = new Set([...regionTexts.flatMap((text) => [text, regionName(text)]), ...bed.map((region) => region.name)]);
  const catalogue = await forInput(path, () => Catalogue.read(path, { names }));
  const archives = new Map<string, { archive: Archive; reader: RegionReader }>();
  const openOnce = async (file: string) => {
    let entry = archives.get(file);
    if (!entry) {
      const archive = await open(file);
      entry = { archive, reader: new RegionReader(archive, flags.quiet) };
      archives.set(file, entry);
    }
    return entry;
  };
  try {
    // printed in the order asked: the regions gathered so far go out before each whole genome
    let targets: Target[] = [];
    let missing = 0;
    const flush = async () => {
      missing += await forInput(path, () => printRegions(targets, width));
      targets = [];
    };
    const regions = [...regionTexts.map((text) => ({ text, region: undefined as Region | undefined })), ...bed.map((region) => ({ text: region.text, region }))];
    for (const { text, region: given } of regions) {
      const whole = given === undefined ? catalogue.genome(text) : undefined;
      if (whole) {
        await flush();
        const { archive } = await openOnce(whole.archive);
        await forInput(whole.archive, () => writeAll(process.stdout, archive.streamFile(whole.stored)));
        continue;
      }
      const region = given ?? parseRegion(text, (name) => catalogue.record(name) !== undefined);
      const found = catalogue.record(region.name) ?? singleRecord(catalogue.genome(region.name));
      if (!found) {
        targets.push({ region, where: path });
        continue;
      }
      const { archive, reader } = await openOnce(found.genome.archive);
      const file = await forInput(found.genome.archive, async () => archive.file(found.genome.stored));
      targets.push({ region, record: archive.records[file.firstRecord + found.record], reader, where: path });
    }
    await flush();
    if (missing > 0) throw new CliError(`${path}: ${missing} of ${regions.length} region(s) name no genome or record`, Exit.io);
  } finally {
    for (const { archive } of archives.values()) await archive.close();
  }
}

/** The record name a region's text names, or the text itself where it is no region (its error comes later, if at all). */
function regionName(text: string): string {
  try {
    return parseRegion(text).name;
  } catch {
    return text;
  }
}

/** A genome's only record, for GENOME:START-END; a genome of several records needs the record named. */
function singleRecord(genome: CatalogueGenome | undefined): { genome: CatalogueGenome; record: number } | undefined {
  if (!genome) return undefined;
  if (genome.records.length !== 1) {
    const names = genome.records.map((r) => r.name.split(/\s/, 1)[0]).join(', ');
    throw new CliError(`${genome.genome} has ${genome.records.length} records${names ? ` (${names})` : ''}: name the record for a region`, Exit.usage);
  }
  return { genome, record: 0 };
}
