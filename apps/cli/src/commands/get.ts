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
import type { Archive, RecordInfo } from '@seqcoder/format';
import { CliError, Exit } from '../errors.js';
import { writeAll } from '../io.js';
import { forInput, log } from '../shared.js';
import { open } from './info.js';

export interface GetFlags {
  bed?: string;
  lineWidth?: number;
  file?: string;
}

/** A region to print: residues start..end of a record, 1-based and both included (end undefined: to the end). */
export interface Region {
  /** As the user typed it: the output's header. */
  text: string;
  name: string;
  start: number;
  end?: number;
}

/** Residues of decoded records kept at once (about as many bytes). */
const CACHE_RESIDUES = 256 << 20;

function position(text: string, region: string): number {
  const digits = text.replaceAll(',', '');
  if (!/^\d+$/.test(digits)) throw new CliError(`${region}: "${text}" is not a position`, Exit.usage);
  return Number(digits);
}

/**
 * Parses a samtools region. `isName(text)` says whether the whole text names a record: such a
 * name is taken whole even when it looks like NAME:START-END, as samtools does.
 */
export function parseRegion(text: string, isName: (name: string) => boolean): Region {
  if (isName(text)) return { text, name: text, start: 1 };
  const match = /^(.+):([\d,]*)(?:-([\d,]*))?$/.exec(text);
  if (!match) return { text, name: text, start: 1 };
  const [, name, from, to] = match;
  const start = from ? position(from, text) : 1;
  const end = to ? position(to, text) : undefined;
  if (start < 1) throw new CliError(`${text}: positions start at 1`, Exit.usage);
  if (end !== undefined && end < start) throw new CliError(`${text}: the end is before the start`, Exit.usage);
  return { text, name: name!, start, end };
}

/** Regions of a BED file: `chrom start end …`, 0-based, end excluded; header, track and comment lines skipped. */
export function parseBed(content: string, source: string): Region[] {
  const regions: Region[] = [];
  for (const [i, line] of content.split(/\r?\n/).entries()) {
    if (line.trim() === '' || /^(#|track\b|browser\b)/.test(line)) continue;
    const [name, from, to] = line.split('\t');
    const start = Number(from);
    const end = Number(to);
    if (!name || !/^\d+$/.test(from ?? '') || !/^\d+$/.test(to ?? '') || end < start) {
      throw new CliError(`${source}:${i + 1}: not a BED line (chrom, start, end; 0-based, end excluded)`, Exit.usage);
    }
    regions.push({ text: `${name}:${start + 1}-${end}`, name, start: start + 1, end });
  }
  return regions;
}

/** Finds the record a region names, among those of `--file` when given; refuses a name found in several files. */
function recordNamed(archive: Archive, name: string, file: number | undefined): RecordInfo | undefined {
  const candidates = archive.records.filter((r) => file === undefined || r.file === file);
  const exact = candidates.filter((r) => r.name === name);
  const found = exact.length > 0 ? exact : candidates.filter((r) => r.name.split(/\s/, 1)[0] === name);
  if (found.length > 1 && archive.files.length > 0 && new Set(found.map((r) => r.file)).size > 1) {
    const files = found.map((r) => archive.files[r.file]!.name).join(', ');
    throw new CliError(`${name}: a record of several files (${files}); name one with --file`, Exit.usage);
  }
  return found[0];
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

/** `>REGION`, then the residues in lines of `width` (0: one line), as one piece. */
function formatted(text: string, residues: Uint8Array, width: number): Uint8Array {
  const header = new TextEncoder().encode(`>${text}\n`);
  const step = width > 0 ? width : Math.max(1, residues.length);
  const lines = Math.ceil(residues.length / step);
  const out = new Uint8Array(header.length + residues.length + lines);
  out.set(header);
  let o = header.length;
  for (let at = 0; at < residues.length; at += step) {
    const line = residues.subarray(at, at + step);
    out.set(line, o);
    o += line.length;
    out[o++] = 10;
  }
  return out;
}

export async function getCommand(archivePath: string, regionTexts: string[], flags: GetFlags): Promise<void> {
  if (regionTexts.length === 0 && flags.bed === undefined) throw new CliError('get: name a region (NAME[:START-END]) or --bed FILE', Exit.usage);
  const width = flags.lineWidth ?? 60;
  const bed = flags.bed === undefined ? [] : parseBed(await forInput(flags.bed, () => readFile(flags.bed!, 'utf8')), flags.bed);
  const archive = await open(archivePath);
  try {
    const file = flags.file === undefined ? undefined : await forInput(archivePath, async () => archive.file(flags.file!).index);
    const isName = (name: string) => recordNamed(archive, name, file) !== undefined;
    const regions = [...regionTexts.map((text) => parseRegion(text, isName)), ...bed];
    const reach = new Map<number, number>();
    for (const region of regions) {
      const record = recordNamed(archive, region.name, file);
      if (record) reach.set(record.index, Math.max(reach.get(record.index) ?? 0, Math.min(region.end ?? record.length, record.length)));
    }
    const reader = new RegionReader(archive, reach);
    let missing = 0;
    await forInput(archivePath, () =>
      writeAll(
        process.stdout,
        (async function* () {
          for (const region of regions) {
            const record = recordNamed(archive, region.name, file);
            if (!record) {
              log(`${archivePath}: no record named ${region.name} (region ${region.text})`);
              missing++;
              continue;
            }
            const from = Math.min(region.start - 1, record.length);
            const to = Math.min(region.end ?? record.length, record.length);
            if (from >= to) log(`[get] Zero length sequence: ${region.text}`);
            else if ((region.end ?? 0) > record.length) log(`[get] Truncated sequence: ${region.text}`);
            yield formatted(region.text, from < to ? await reader.residues(record, from, to) : new Uint8Array(0), width);
          }
        })(),
      ),
    );
    if (missing > 0) throw new CliError(`${archivePath}: ${missing} of ${regions.length} region(s) name no record`, Exit.io);
  } finally {
    await archive.close();
  }
}
