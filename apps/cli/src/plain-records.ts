/**
 * The FASTA records of files an archive stored as generic bytes. A FASTA that did not look like
 * nucleotides (protein, say) is stored whole with zstd and has no record table; `get` and
 * `cat --record` still find its records, as samtools does, by reading the file front to back
 * (`plainFastaRecords` of @seqcoder/format), one record held at a time.
 */
import { plainFastaRecords, type Archive } from '@seqcoder/format';

/** The archive's generic files, of `file` only when given: indexes for {@link plainBytes}, -1 for an archive of one file. */
export function plainFiles(archive: Archive, file?: number): number[] {
  if (archive.files.length === 0) return archive.kind === 'generic' ? [-1] : [];
  return archive.files.filter((f) => f.kind === 'generic' && (file === undefined || f.index === file)).map((f) => f.index);
}

/** A generic file's bytes, every checksum verified. */
export function plainBytes(archive: Archive, file: number): AsyncIterable<Uint8Array> {
  return file < 0 ? archive.stream() : archive.streamFile(file);
}

/**
 * A record of the archive's generic files, its bytes as they were: the first whose whole header is
 * `which`, else the first whose identifier (the header's first word) is; a number is a position,
 * in an archive of one generic file only (elsewhere numbers count the records the archive modelled).
 */
export async function plainRecordBytes(archive: Archive, which: string | number): Promise<Uint8Array | undefined> {
  const files = plainFiles(archive);
  if (typeof which === 'number' && files[0] !== -1) return undefined;
  let byIdentifier: Uint8Array | undefined;
  for (const file of files) {
    for await (const { ordinal, name, bytes } of plainFastaRecords(plainBytes(archive, file))) {
      if (typeof which === 'number' ? ordinal === which : name === which) return bytes.slice();
      if (byIdentifier === undefined && name.split(/\s/, 1)[0] === which) byIdentifier = bytes.slice();
    }
  }
  return byIdentifier;
}
