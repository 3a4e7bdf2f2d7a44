import { openArchive, type Archive } from '@seqcoder/format';
import { openInput, readInput } from '../io.js';
import { eachInput, forInput, formatBytes, groupDigits, log } from '../shared.js';

export async function open(file: string): Promise<Archive> {
  // A path is read with random access; stdin is read into memory first.
  const input = await openInput(file);
  return forInput(input.name, () => openArchive(input.path ?? readInput(input)));
}

/** Everything `info --json` prints; the bench app and tests read these fields. */
export function describeArchive(file: string, archive: Archive) {
  const { residues } = archive;
  return {
    file,
    kind: archive.kind,
    originalBytes: archive.originalBytes,
    compressedBytes: archive.compressedBytes,
    ratio: archive.originalBytes / archive.compressedBytes,
    residues,
    bitsPerBase: residues > 0 ? (archive.compressedBytes * 8) / residues : null,
    crc32c: archive.originalCrc32c.toString(16).padStart(8, '0'),
    records: archive.records.map((r) => ({
      index: r.index,
      name: r.name,
      length: r.length,
      bases: r.bases,
      codec: r.codec,
      originalBytes: r.originalBytes,
      storedBytes: r.storedBytes,
      file: r.file,
    })),
    /** The files of a multi-file archive (empty for an archive of one input). */
    files: archive.files.map((f) => ({
      index: f.index,
      name: f.name,
      kind: f.kind,
      records: f.records,
      firstRecord: f.firstRecord,
      originalBytes: f.originalBytes,
    })),
  };
}

/** `list`: the files of an archive with their records, lengths and codecs. */
export async function listCommand(files: string[], flags: { json?: boolean }): Promise<number> {
  const { reports, exit } = await describeAll(files);
  if (flags.json) {
    process.stdout.write(JSON.stringify(reports.map(({ file, files: members, records }) => ({ file, files: members, records })), null, 2) + '\n');
    return exit;
  }
  for (const d of reports) {
    // An archive of one input lists as one file named after the archive.
    const members = d.files.length > 0
      ? d.files
      : [{ index: 0, name: d.file.replace(/\.seqc$/, ''), kind: d.kind, records: d.records.length, firstRecord: 0, originalBytes: d.originalBytes }];
    const lines = [`${d.file}: ${members.length} file(s), ${d.records.length} record(s), ${formatBytes(d.originalBytes)}`];
    for (const f of members) {
      const codecs = [...new Set(d.records.slice(f.firstRecord, f.firstRecord + f.records).map((r) => r.codec))].join(',') || '-';
      lines.push(`  ${printable(f.name)}  ${f.kind}, ${f.records} record(s), ${formatBytes(f.originalBytes)}, codec ${codecs}`);
      for (const r of d.records.slice(f.firstRecord, f.firstRecord + f.records)) {
        lines.push(`    ${printable(r.name)}  ${groupDigits(r.length)} residues`);
      }
    }
    process.stdout.write(lines.join('\n') + '\n');
  }
  return exit;
}

/** describeArchive of each file named ('-' or none: stdin), going on past one that fails; and the exit code. */
async function describeAll(files: string[]): Promise<{ reports: ReturnType<typeof describeArchive>[]; exit: number }> {
  const reports: ReturnType<typeof describeArchive>[] = [];
  const exit = await eachInput(files.length > 0 ? files : ['-'], async (file) => {
    const archive = await open(file);
    try {
      reports.push(describeArchive(file, archive));
    } finally {
      await archive.close();
    }
  });
  return { reports, exit };
}

/** Reports every file it can read (the others on stderr); returns the exit code. */
export async function infoCommand(files: string[], flags: { json?: boolean }): Promise<number> {
  const { reports, exit } = await describeAll(files);
  if (flags.json) {
    // one object for one file asked for, else an array of those that could be read
    if (reports.length > 0 || files.length > 1) process.stdout.write(JSON.stringify(files.length <= 1 ? reports[0] : reports, null, 2) + '\n');
    return exit;
  }
  for (const d of reports) {
    const lines = [
      `file         ${d.file}`,
      `content      ${d.files.length > 0 ? `${d.files.length} files, ${d.records.length} record(s), ${groupDigits(d.residues)} residues (seqcoder list shows the files)` : d.kind === 'fasta' ? `FASTA, ${d.records.length} record(s), ${groupDigits(d.residues)} residues` : 'generic (not nucleotide FASTA; stored with zstd)'}`,
      `original     ${formatBytes(d.originalBytes)} (crc32c ${d.crc32c})`,
      `compressed   ${formatBytes(d.compressedBytes)}, ratio ${d.ratio.toFixed(3)}` +
        (d.bitsPerBase !== null ? `, ${d.bitsPerBase.toFixed(4)} bits per base` : ''),
    ];
    if (d.records.length > 0) {
      const names = d.records.map((r) => printable(r.name));
      const width = Math.min(48, Math.max(4, ...names.map((name) => name.length)));
      lines.push('', `${'#'.padStart(5)}  ${'name'.padEnd(width)}  ${'length'.padStart(12)}  codec  ${'stored'.padStart(12)}`);
      for (const [i, r] of d.records.entries()) {
        const name = names[i].length > width ? names[i].slice(0, width - 1) + '…' : names[i];
        lines.push(
          `${String(r.index).padStart(5)}  ${name.padEnd(width)}  ${groupDigits(r.length).padStart(12)}  ${r.codec.padEnd(5)}  ${groupDigits(r.storedBytes).padStart(12)}`,
        );
      }
    }
    process.stdout.write(lines.join('\n') + '\n\n');
  }
  return exit;
}

/**
 * A record name as text that cannot act on a terminal: names are archive data, so control
 * characters (escape sequences, bell, carriage return) are shown escaped, as `\x1b`.
 */
function printable(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
