/**
 * `append`: adds files to a multi-file archive. What the archive holds is copied as it is, never
 * coded again; the new files continue its last group (coded against the genomes there, which are
 * rebuilt first), or form new groups with --new-group. The new archive is written beside the old
 * one and renamed over it only when complete, so an interruption leaves the old archive intact.
 */
import { appendFiles, DEFAULT_COLLECTION_CODEC, openArchive } from '@seqcoder/format';
import { memberFiles, memberInputs } from '../archive-files.js';
import { CliError, Exit } from '../errors.js';
import { writeFileAtomic } from '../io.js';
import { modellingStage, startProgress, verifyingStage } from '../progress.js';
import { forInput, formatBytes, log } from '../shared.js';
import { zstdCompress } from '../zstd.js';
import { original, printReports, verifyNew, type VerifyReport } from './verify.js';
import { warmUp } from './compress.js';
import { warmsUp } from '../warm-up.js';

export interface AppendFlags {
  filesFrom?: string;
  codec?: string;
  level?: number;
  newGroup?: boolean;
  quiet?: boolean;
  /** Decode the new archive and compare the files added with their inputs before it replaces the old one. */
  verify?: boolean;
  /** With --verify: print what `verify --json` prints for the new archive. */
  json?: boolean;
}

export async function appendCommand(archivePath: string, files: string[], flags: AppendFlags): Promise<void> {
  if (files.length === 0 && flags.filesFrom === undefined) throw new CliError('append: name the files to add', Exit.usage);
  if (flags.json && !flags.verify) throw new CliError('--json prints what --verify found: give --verify too', Exit.usage);
  const members = await memberInputs(files, flags.filesFrom);
  const archive = await forInput(archivePath, () => openArchive(archivePath));
  try {
    const taken = new Set(archive.files.map((f) => f.name));
    const clash = members.find((m) => taken.has(m.name));
    if (clash) throw new CliError(`${archivePath}: already holds a file named ${clash.name}`, Exit.usage);
    if (members.some((m) => m.path === archivePath)) throw new CliError(`${archivePath}: is also an input`, Exit.usage);
    const total = members.reduce((sum, m) => sum + m.size, 0);
    // the group the new files continue is decoded first, and with --verify the whole archive after
    // them: the warm-up pays for what the archive holds as much as for what is added (ADR 0039)
    const codec = flags.codec ?? DEFAULT_COLLECTION_CODEC;
    if (warmsUp(archive.originalBytes + total, archive.files.length + members.length, codec)) {
      await warmUp({ verify: flags.verify }, { codec, level: flags.level, blockBases: undefined, zstd: zstdCompress, workers: undefined });
    }
    const progress = startProgress(`append to ${archivePath}`, total, !!flags.quiet);
    const before = archive.compressedBytes;
    // --verify: the files added are compared with their inputs; the ones the archive held (copied
    // as they were, never coded again) are decoded and their checksums checked
    const added = new Map(members.map((m) => [m.name, m.path]));
    let report: VerifyReport | undefined;
    const verifyAppended = async (temp: string): Promise<void> => {
      const originals = async (name: string) => (added.has(name) ? original(added.get(name)!) : undefined);
      report = await verifyNew(temp, archivePath, originals, `${archivePath} left as it was`, verifyingStage(progress));
    };
    await forInput(archivePath, async () => {
      try {
        const pieces = appendFiles(archive, memberFiles(members, progress), {
          codec: flags.codec,
          level: flags.level,
          newGroup: flags.newGroup,
          zstd: zstdCompress,
          onGroupCoding: modellingStage(progress),
        });
        await writeFileAtomic(archivePath, pieces, { force: true, verify: flags.verify ? (temp) => verifyAppended(temp) : undefined });
      } finally {
        progress.stop();
      }
    });
    if (flags.json && report) printReports([report]);
    if (!flags.quiet) {
      const after = await openArchive(archivePath);
      log(`${archivePath}: ${members.length} file(s), ${formatBytes(total)} added in ${formatBytes(after.compressedBytes - before)}; ${after.files.length} files in all`);
      await after.close();
    }
  } finally {
    await archive.close();
  }
}
