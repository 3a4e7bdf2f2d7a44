/** Numbers fixed by FORMAT.md. Changing any of them breaks every file already written. */

/**
 * The 8-byte magic number: `89 53 51 43 0D 0A 1A 0A` ("\x89SQC\r\n\x1A\n").
 * Borrowed from PNG's reasoning: the high-bit first byte catches 7-bit transports and can never
 * start a FASTA file (which begins with '>' or a letter); CR LF catches text-mode line-ending
 * conversion; 0x1A stops `type` on DOS; the final LF catches LF→CRLF conversion.
 */
export const MAGIC = Uint8Array.of(0x89, 0x53, 0x51, 0x43, 0x0d, 0x0a, 0x1a, 0x0a);
export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;
/**
 * The revision of FORMAT.md this build reads and writes (its change log): every file still says
 * 1.0, since each revision's additions are announced inside the files that use them.
 */
export const FORMAT_REVISION = 22;
/** The file extension of SeqCoder files. */
export const FILE_EXTENSION = '.seqc';

/**
 * Required flags of the file header: features a reader must implement to read the file.
 * `OmittedSections`: a chunk frame leaves out its names, case and exceptions sections when they
 * hold nothing (no record has a header line, a lower-case run or an exception run); 14 bytes per
 * chunk, 0.3% of a compressed 19 kb virus. Every writer of this version sets it.
 * `CmBlocks`: `cm` records may be coded in independent blocks (payload layout 3), set by a writer
 * asked for blocks, so that a reader of an earlier revision refuses the file up front.
 * `AlignedGroups`: `ref` groups may be aligned (their cm stream holds every base, hinted by the
 * alignment; models 15-17, 21 and 25), set by a writer of `ref` at a level that aligns divergent groups.
 * `ReferenceSites`: the token streams of `ref` groups use revision 14's grammar (a difference marks
 * the reference position it stands against as a difference site too), set by every writer of `ref`.
 */
export const RequiredFlag = { OmittedSections: 0x01, CmBlocks: 0x02, AlignedGroups: 0x04, ReferenceSites: 0x08 } as const;
/** The required flags this reader implements. */
export const KNOWN_REQUIRED_FLAGS = RequiredFlag.OmittedSections | RequiredFlag.CmBlocks | RequiredFlag.AlignedGroups | RequiredFlag.ReferenceSites;

/** magic (8) + major (1) + minor (1) + required flags (1) + optional flags (1) + CRC32C (4). */
export const FILE_HEADER_SIZE = 16;
/** type (1) + flags (1) + payload length u32 (4) + CRC32C u32 (4). */
export const FRAME_HEADER_SIZE = 10;

/** Frame types. A type with bit 7 set is skippable: a reader that does not know it skips it. */
export const FrameType = {
  Chunk: 0x01,
  Sequence: 0x02,
  Generic: 0x03,
  Model: 0x04,
  File: 0x06,
  End: 0x7f,
} as const;
export const FRAME_SKIPPABLE_BIT = 0x80;

/** Section ids inside a chunk frame. An id with bit 7 set is ignorable. */
export const SectionId = {
  Names: 0x01,
  Layout: 0x02,
  Case: 0x03,
  Exceptions: 0x04,
  /** What a group codec's records share (FORMAT.md, "Groups"). */
  Group: 0x05,
  /** The group continues the previous group of the file (FORMAT.md, "Groups"); revision 10. */
  Continues: 0x06,
  /** The single section of a generic frame. */
  Content: 0x00,
} as const;
export const SECTION_IGNORABLE_BIT = 0x80;

/** How a section's bytes are stored. */
export const SectionMethod = { Raw: 0, Zstd: 1 } as const;

/** Record flags in a chunk's record table. */
export const RecordFlag = { HasHeader: 0x01, Crlf: 0x02 } as const;

/** Line terminator kinds in the layout section. */
export const Eol = { Lf: 0, Crlf: 1, None: 2 } as const;

/** Resource limits a reader enforces before allocating (FORMAT.md, "Limits"). */
export const LIMITS = {
  /** Largest frame payload: 1 GiB. */
  maxFramePayload: 2 ** 30,
  /** Largest decoded section: 256 MiB. */
  maxSectionBytes: 2 ** 28,
  /** Most records in one chunk frame. */
  maxRecordsPerChunk: 2 ** 20,
  /** Most residues in one record: 2^40 (about 1.1 trillion). */
  maxResidues: 2 ** 40,
  /**
   * Largest record, as original bytes: 2 GiB. A record is rendered whole in memory (by the writer
   * and by the reader), so this bounds that memory; prokaryotic records are under 20 MB.
   */
  maxRecordBytes: 2 ** 31,
  /** Most bases in one group (FORMAT.md, "Groups"): its reader holds them all. */
  maxGroupBases: 2 ** 31,
  /** Longest file name in a multi-file archive, in bytes. */
  maxFileName: 4096,
} as const;
