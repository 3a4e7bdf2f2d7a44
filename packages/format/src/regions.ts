/**
 * Regions of records in samtools' syntax, shared by every reader that takes them (the `seqcoder
 * get` command, the viewer): `NAME`, `NAME:START`, `NAME:START-END` or `NAME:-END`, 1-based with
 * both ends included and commas allowed in the numbers; a name that is a record's own is taken
 * whole even when it looks like a region, as samtools does. BED lines are 0-based, end excluded.
 */
import { InvalidArgumentError } from './errors.js';

/** Residues start..end of a record, 1-based and both included (end undefined: to the record's end). */
export interface Region {
  /** As given: what `formatRegion` prints after '>'. */
  text: string;
  name: string;
  start: number;
  end?: number;
}

function position(text: string, region: string): number {
  const digits = text.replaceAll(',', '');
  if (!/^\d+$/.test(digits)) throw new InvalidArgumentError(`${region}: "${text}" is not a position`);
  return Number(digits);
}

/** Parses a samtools region; `isName(text)` says whether the whole text names a record. */
export function parseRegion(text: string, isName: (name: string) => boolean = () => false): Region {
  if (isName(text)) return { text, name: text, start: 1 };
  const match = /^(.+):([\d,]*)(?:-([\d,]*))?$/.exec(text);
  if (!match) return { text, name: text, start: 1 };
  const [, name, from, to] = match;
  const start = from ? position(from, text) : 1;
  const end = to ? position(to, text) : undefined;
  if (start < 1) throw new InvalidArgumentError(`${text}: positions start at 1`);
  if (end !== undefined && end < start) throw new InvalidArgumentError(`${text}: the end is before the start`);
  return { text, name: name!, start, end };
}

/** The regions of a BED file (`chrom start end …`); header, track, browser and comment lines are skipped. */
export function parseBed(content: string, source = 'BED'): Region[] {
  const regions: Region[] = [];
  for (const [i, line] of content.split(/\r?\n/).entries()) {
    if (line.trim() === '' || /^(#|track\b|browser\b)/.test(line)) continue;
    const [name, from, to] = line.split('\t');
    const start = Number(from);
    const end = Number(to);
    if (!name || !/^\d+$/.test(from ?? '') || !/^\d+$/.test(to ?? '') || end < start) {
      throw new InvalidArgumentError(`${source}:${i + 1}: not a BED line (chrom, start, end; 0-based, end excluded)`);
    }
    regions.push({ text: `${name}:${start + 1}-${end}`, name, start: start + 1, end });
  }
  return regions;
}

/**
 * Where a region lies in a record of `length` residues, 0-based and end excluded, cut to the
 * record; `truncated` when its end was past the record (samtools warns then).
 */
export function regionSpan(region: Region, length: number): { from: number; to: number; truncated: boolean } {
  const from = Math.min(region.start - 1, length);
  const to = Math.min(region.end ?? length, length);
  return { from, to: Math.max(from, to), truncated: (region.end ?? 0) > length && from < length };
}

/** `>TEXT`, then the residues in lines of `width` (0: one line), as `samtools faidx` prints them. */
export function formatRegion(text: string, residues: Uint8Array, width = 60): Uint8Array {
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
