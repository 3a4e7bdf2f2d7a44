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
 * frame, and cm decodes from the start of the record.
 */
import { readFile } from 'node:fs/promises';
import { formatRegion, parseBed, parseRegion, regionSpan, type Archive, type RecordInfo } from '@seqcoder/format';
import { CliError, Exit } from '../errors.js';
import { writeAll } from '../io.js';
import { forInput, log } from '../shared.js';
import { open } from './info.js';

export interface GetFlags {
  bed?: string;
  lineWidth?: number;
  file?: string;
}

/** Residues of decoded records kept at once (about as many bytes). */
const CACHE_RESIDUES = 256 << 20;

/**
 * Finds the records regions name: by whole header, else by identifier (the header's first word),
 * among those of `--file` when given; refuses a name found in several files. Indexed once, so that
 * many regions of an assembly of many contigs cost a look-up each.
 */
class RecordIndex {
  private readonly byHeader = new Map<string, RecordInfo[]>();
  private readonly byIdentifier = new Map<string, RecordInfo[]>();

  constructor(
    private readonly archive: Archive,
    file: number | undefined,
  ) {
    const add = (map: Map<string, RecordInfo[]>, key: string, record: RecordInfo) => map.set(key, [...(map.get(key) ?? []), record]);
    for (const record of archive.records) {
      if (file !== undefined && record.file !== file) continue;
      add(this.byHeader, record.name, record);
      add(this.byIdentifier, record.name.split(/\s/, 1)[0]!, record);
    }
  }

  find(name: string): RecordInfo | undefined {
    const found = this.byHeader.get(name) ?? this.byIdentifier.get(name) ?? [];
    if (found.length > 1 && this.archive.files.length > 0 && new Set(found.map((r) => r.file)).size > 1) {
      const files = found.map((r) => this.archive.files[r.file]!.name).join(', ');
      throw new CliError(`${name}: a record of several files (${files}); name one with --file`, Exit.usage);
    }
    return found[0];
  }
}

/**
 * The residues of regions, decoding each record at most once while the cache holds it, and only
 * as far as the furthest region asked of it (a codec like cm decodes from the record's start).
 */
class RegionReader {
  private readonly cache = new Map<number, Uint8Array>();
  private cached = 0;

  /** `reach`: for each record, the end of the furthest region asked of it. */
  constructor(
    private readonly archive: Archive,
    private readonly reach: Map<number, number>,
  ) {}

  async residues(record: RecordInfo, start: number, end: number): Promise<Uint8Array> {
    let prefix = this.cache.get(record.index);
    if (!prefix) {
      prefix = await this.archive.readSequence(record.index, 0, this.reach.get(record.index) ?? end);
      while (this.cached + prefix.length > CACHE_RESIDUES && this.cache.size > 0) {
        const [oldest, bytes] = this.cache.entries().next().value!;
        this.cache.delete(oldest);
        this.cached -= bytes.length;
      }
      this.cache.set(record.index, prefix);
      this.cached += prefix.length;
    }
    return prefix.subarray(start, end);
  }
}

export async function getCommand(archivePath: string, regionTexts: string[], flags: GetFlags): Promise<void> {
  if (regionTexts.length === 0 && flags.bed === undefined) throw new CliError('get: name a region (NAME[:START-END]) or --bed FILE', Exit.usage);
  const width = flags.lineWidth ?? 60;
  const bed = flags.bed === undefined ? [] : parseBed(await forInput(flags.bed, () => readFile(flags.bed!, 'utf8')), flags.bed);
  const archive = await open(archivePath);
  try {
    const file = flags.file === undefined ? undefined : await forInput(archivePath, async () => archive.file(flags.file!).index);
    const index = new RecordIndex(archive, file);
    const regions = [...regionTexts.map((text) => parseRegion(text, (name) => index.find(name) !== undefined)), ...bed];
    // each region's record, looked up once
    const targets = regions.map((region) => ({ region, record: index.find(region.name) }));
    const reach = new Map<number, number>();
    for (const { region, record } of targets) {
      if (record) reach.set(record.index, Math.max(reach.get(record.index) ?? 0, Math.min(region.end ?? record.length, record.length)));
    }
    const reader = new RegionReader(archive, reach);
    let missing = 0;
    await forInput(archivePath, () =>
      writeAll(
        process.stdout,
        (async function* () {
          for (const { region, record } of targets) {
            if (!record) {
              log(`${archivePath}: no record named ${region.name} (region ${region.text})`);
              missing++;
              continue;
            }
            const { from, to, truncated } = regionSpan(region, record.length);
            if (from === to) log(`[get] Zero length sequence: ${region.text}`);
            else if (truncated) log(`[get] Truncated sequence: ${region.text}`);
            yield formatRegion(region.text, from < to ? await reader.residues(record, from, to) : new Uint8Array(0), width);
          }
        })(),
      ),
    );
    if (missing > 0) throw new CliError(`${archivePath}: ${missing} of ${regions.length} region(s) name no record`, Exit.io);
  } finally {
    await archive.close();
  }
}
