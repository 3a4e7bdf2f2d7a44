/**
 * The chunk frame: a directory of consecutive records (record table + side sections).
 * Each record's bases follow in its own sequence frame, so a reader can list every record and
 * jump to one without touching the others' bases.
 *
 * Payload:
 *   varint recordCount
 *   recordCount × (varint flags, varint residues, u32 crc32c of the original record bytes)
 *   varint sectionCount
 *   sectionCount × section (names, layout, case, exceptions, group; see sections.ts)
 *
 * A chunk whose records a group codec coded together (FORMAT.md, "Groups") also has a group
 * section: `varint codec, shared bytes`; every record of it then points at one ChunkGroup. A group
 * that goes on from the previous group of the file (an append) also has a continues section.
 *
 * The writer leaves out the names, case and exceptions sections when they hold nothing, which the
 * file header's required flag `OmittedSections` allows; a file without the flag has all four.
 */
import { ByteReader, ByteWriter } from '../bytes.js';
import { Eol, LIMITS, RecordFlag, RequiredFlag, SECTION_IGNORABLE_BIT, SectionId } from '../constants.js';
import { CorruptError, LimitExceededError, UnsupportedFeatureError } from '../errors.js';
import { lineCount, recordByteLength, type RecordLayout } from '../fasta/record.js';
import { readSection, writeSection, type ZstdCompress } from './sections.js';

export interface ChunkRecord {
  layout: RecordLayout;
  /** CRC32C of the record's original bytes. */
  crc: number;
  /** The group this record was coded in, and its place there; absent outside groups. */
  group?: ChunkGroup;
  member?: number;
}

/** What the records of a chunk coded as one group share. */
export interface ChunkGroup {
  /** The group codec; every sequence frame of the chunk must name it. */
  codec: number;
  shared: Uint8Array;
  /** Bases of all records of the chunk together. */
  bases: number;
  records: number;
  /** The chunk has a continues section: the group goes on from the previous group of the file. */
  continues: boolean;
  /** That previous group, linked by the frame walker (container/walker.ts). */
  previous?: ChunkGroup;
  /** Bases of this group and of every group it continues, directly or not. */
  chainBases: number;
  /** The file header's required flags: which features the group codec's data may use. */
  fileFlags: number;
}

export function encodeChunk(
  records: readonly ChunkRecord[],
  zstd: ZstdCompress | undefined,
  level: number,
  group?: { codec: number; shared: Uint8Array; continues?: boolean },
): Uint8Array {
  const w = new ByteWriter(64 + records.length * 16);
  const names = new ByteWriter();
  const layout = new ByteWriter();
  const cases = new ByteWriter();
  const exceptions = new ByteWriter();

  w.varint(records.length);
  for (const { layout: l, crc } of records) {
    w.varint((l.hasHeader ? RecordFlag.HasHeader : 0) | (l.crlf ? RecordFlag.Crlf : 0));
    w.varint(l.residues);
    w.u32(crc);

    if (l.hasHeader) names.varint(l.name.length).bytes(l.name);

    layout.varint(l.lineRuns.length / 2);
    for (const v of l.lineRuns) layout.varint(v);
    layout.varint(l.eolExceptions.length / 2);
    let prevLine = 0;
    for (let i = 0; i < l.eolExceptions.length; i += 2) {
      layout.varint(l.eolExceptions[i] - prevLine).varint(l.eolExceptions[i + 1]);
      prevLine = l.eolExceptions[i] + 1;
    }

    cases.varint(l.caseRuns.length);
    for (const v of l.caseRuns) cases.varint(v);

    exceptions.varint(l.exceptions.length / 3);
    let prevEnd = 0;
    for (let i = 0; i < l.exceptions.length; i += 3) {
      exceptions.varint(l.exceptions[i] - prevEnd).varint(l.exceptions[i + 1]).u8(l.exceptions[i + 2]);
      prevEnd = l.exceptions[i] + l.exceptions[i + 1];
    }
  }
  const sections: [number, Uint8Array][] = [
    [SectionId.Names, names.finish()],
    [SectionId.Layout, layout.finish()],
    [SectionId.Case, cases.finish()],
    [SectionId.Exceptions, exceptions.finish()],
  ];
  const kept = sections.filter(([id, data]) => !isOmittedSection(id, data, records.length));
  w.varint(kept.length + (group ? 1 : 0) + (group?.continues ? 1 : 0));
  for (const [id, data] of kept) writeSection(w, id, data, zstd, level);
  // arithmetic-coded already: stored raw
  if (group) writeSection(w, SectionId.Group, new ByteWriter(group.shared.length + 8).varint(group.codec).bytes(group.shared).finish(), undefined, 0);
  if (group?.continues) writeSection(w, SectionId.Continues, new ByteWriter(1).varint(0).finish(), undefined, 0);
  return w.finish();
}

/**
 * What an omitted section stands for in a chunk of `count` records: no names (no record has a
 * header line), or a run count of zero for each record (no case or exception run). The layout
 * section is never omitted: undefined.
 */
function omittedSection(id: number, count: number): Uint8Array | undefined {
  if (id === SectionId.Layout) return undefined;
  return id === SectionId.Names ? new Uint8Array(0) : new Uint8Array(count);
}

function isOmittedSection(id: number, data: Uint8Array, count: number): boolean {
  const omitted = omittedSection(id, count);
  return omitted !== undefined && data.length === omitted.length && data.every((b) => b === 0);
}

/**
 * Parses a chunk payload and checks every layout for consistency (sums, orders, ranges),
 * so nothing downstream can index out of bounds on a damaged or hostile file.
 * @param offset the payload's offset in the file, for error messages
 * @param requiredFlags the file header's required flags (OmittedSections: empty sections may be left out)
 */
export function decodeChunk(payload: Uint8Array, offset: number, requiredFlags: number): ChunkRecord[] {
  const omittedSections = (requiredFlags & RequiredFlag.OmittedSections) !== 0;
  const r = new ByteReader(payload, 'chunk frame', offset);
  // Each table entry takes at least 6 bytes: that bounds the count before we allocate for it.
  const count = r.varintAtMost(Math.min(LIMITS.maxRecordsPerChunk, Math.floor(r.remaining / 6)), 'record count');
  if (count === 0) throw new CorruptError('chunk frame with no records', offset);
  const table: { flags: number; residues: number; crc: number }[] = [];
  for (let i = 0; i < count; i++) {
    const flags = r.varint();
    if ((flags & ~(RecordFlag.HasHeader | RecordFlag.Crlf)) !== 0) {
      throw new UnsupportedFeatureError(`record flags 0x${flags.toString(16)} not understood`, offset);
    }
    const residues = r.varintAtMost(LIMITS.maxResidues, 'residue count');
    table.push({ flags, residues, crc: r.u32() });
  }

  const sectionCount = r.varintAtMost(r.remaining, 'section count');
  const sections = new Map<number, Uint8Array>();
  for (let i = 0; i < sectionCount; i++) {
    const { id, data } = readSection(r);
    if (id & SECTION_IGNORABLE_BIT) continue;
    if (id < SectionId.Names || id > SectionId.Continues) {
      throw new UnsupportedFeatureError(`chunk section id ${id} not understood`, offset);
    }
    if (sections.has(id)) throw new CorruptError(`chunk section ${id} appears twice`, offset);
    sections.set(id, data);
  }
  r.expectEnd();
  const section = (id: number, what: string): ByteReader => {
    const data = sections.get(id) ?? (omittedSections ? omittedSection(id, count) : undefined);
    if (!data) throw new CorruptError(`chunk frame lacks its ${what} section`, offset);
    return new ByteReader(data, `${what} section`, offset);
  };
  const names = section(SectionId.Names, 'names');
  const layouts = section(SectionId.Layout, 'layout');
  const cases = section(SectionId.Case, 'case');
  const excs = section(SectionId.Exceptions, 'exceptions');

  const records: ChunkRecord[] = [];
  for (const { flags, residues, crc } of table) {
    const hasHeader = (flags & RecordFlag.HasHeader) !== 0;
    const name = hasHeader ? names.bytes(names.varintAtMost(names.remaining, 'name length')).slice() : new Uint8Array(0);

    // Every count below is bounded by the bytes left, since each item takes at least one byte.
    const lineRuns: number[] = [];
    let lineResidues = 0;
    const runCount = layouts.varintAtMost(layouts.remaining, 'line run count');
    for (let i = 0; i < runCount; i++) {
      const length = layouts.varintAtMost(residues, 'line length');
      const repeat = layouts.varint();
      if (repeat === 0) throw new CorruptError('line run with zero repeats', offset);
      lineResidues += length * repeat;
      if (lineResidues > residues) throw new CorruptError('line lengths exceed the residue count', offset);
      lineRuns.push(length, repeat);
    }
    if (lineResidues !== residues) throw new CorruptError('line lengths do not add up to the residue count', offset);

    const layoutSoFar = { hasHeader, lineRuns } as RecordLayout;
    const lines = lineCount(layoutSoFar);
    const eolExceptions: number[] = [];
    const eolCount = layouts.varintAtMost(layouts.remaining, 'terminator exception count');
    let nextLine = 0;
    for (let i = 0; i < eolCount; i++) {
      const line = nextLine + layouts.varint();
      const kind = layouts.varint();
      if (line >= lines) throw new CorruptError('terminator exception beyond the last line', offset);
      if (kind > Eol.None) throw new CorruptError(`unknown line terminator kind ${kind}`, offset);
      if (kind === Eol.None && line !== lines - 1) throw new CorruptError('missing terminator before the last line', offset);
      eolExceptions.push(line, kind);
      nextLine = line + 1;
    }

    const caseRuns: number[] = [];
    let caseTotal = 0;
    const caseCount = cases.varintAtMost(cases.remaining, 'case run count');
    for (let i = 0; i < caseCount; i++) {
      const run = cases.varint();
      caseTotal += run;
      if (caseTotal > residues) throw new CorruptError('case runs exceed the residue count', offset);
      caseRuns.push(run);
    }

    const exceptions: number[] = [];
    let covered = 0;
    let prevEnd = 0;
    const excCount = excs.varintAtMost(Math.floor(excs.remaining / 3), 'exception count');
    for (let i = 0; i < excCount; i++) {
      const start = prevEnd + excs.varint();
      const length = excs.varint();
      const byte = excs.u8();
      if (length === 0 || start + length > residues) throw new CorruptError('exception run outside the record', offset);
      exceptions.push(start, length, byte);
      covered += length;
      prevEnd = start + length;
    }

    const layout: RecordLayout = {
      hasHeader,
      name,
      crlf: (flags & RecordFlag.Crlf) !== 0,
      lineRuns,
      eolExceptions,
      residues,
      caseRuns,
      exceptions,
      bases: residues - covered,
    };
    // Checked here, before anything renders it: residues, N runs and empty lines cost few bytes
    // in the file but their full size in memory.
    const size = recordByteLength(layout);
    if (size > LIMITS.maxRecordBytes) {
      throw new LimitExceededError(`record of ${size} bytes exceeds the ${LIMITS.maxRecordBytes}-byte limit`, offset);
    }
    records.push({ crc, layout });
  }
  names.expectEnd();
  layouts.expectEnd();
  cases.expectEnd();
  excs.expectEnd();
  const groupData = sections.get(SectionId.Group);
  const continuesData = sections.get(SectionId.Continues);
  if (continuesData && !groupData) throw new CorruptError('a continues section in a chunk that is not a group', offset);
  if (continuesData) {
    const c = new ByteReader(continuesData, 'continues section', offset);
    const flags = c.varint();
    if (flags !== 0) throw new UnsupportedFeatureError(`continues flags 0x${flags.toString(16)} not understood`, offset);
    c.expectEnd();
  }
  if (groupData) {
    const g = new ByteReader(groupData, 'group section', offset);
    const bases = records.reduce((sum, rec) => sum + rec.layout.bases, 0);
    const group: ChunkGroup = {
      codec: g.varint(),
      shared: groupData.subarray(g.pos),
      bases,
      records: records.length,
      continues: continuesData !== undefined,
      chainBases: bases,
      fileFlags: requiredFlags,
    };
    if (group.bases > LIMITS.maxGroupBases) {
      throw new LimitExceededError(`group of ${group.bases} bases exceeds the ${LIMITS.maxGroupBases}-base limit`, offset);
    }
    records.forEach((rec, member) => Object.assign(rec, { group, member }));
  }
  return records;
}
