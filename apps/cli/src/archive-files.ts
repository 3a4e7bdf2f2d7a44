/**
 * Multi-file archives on the command line: which files the arguments name and under which names
 * they are stored, and where an archive's names may be written back. Names stored in an archive
 * are data from whoever wrote it: `safeRelativePath` accepts only plain relative paths, and
 * `extractionPath` also refuses to follow a link out of the output folder.
 */
import { readlinkSync, statSync, type Dirent, type Stats } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { basename, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import type { ArchiveFile } from '@seqcoder/format';
import { CliError, Exit } from './errors.js';
import { readAhead, readMaybeGzip, readText, statPath } from './io.js';
import type { Progress } from './progress.js';

export interface MemberInput {
  /** The path to read. */
  path: string;
  /** The name to store: a relative path with '/' separators, `.gz` dropped (the archive holds the FASTA). */
  name: string;
  size: number;
  /**
   * What `compress --rm` deletes once the archive is verified: the file, or the link to a folder
   * it was found through, whose files are not the folder's to delete (as `rm -r` removes a link,
   * not what it leads to).
   */
  remove: string;
}

/** The name an input path is stored under: relative to the working folder when inside it, else from its own folder. */
function storedName(path: string, root?: string): string {
  const inside = relative(process.cwd(), resolve(path));
  const name =
    root !== undefined
      ? join(storedName(root), relative(root, path))
      : inside !== '' && !inside.startsWith('..') && !isAbsolute(inside)
        ? inside
        : basename(resolve(path));
  return name.split(sep).join('/').replace(/\.gz$/i, '');
}

/**
 * Every regular file below `dir`, sorted by name, hidden ones included. Symbolic links are
 * followed, as naming the file itself would: a folder of genomes is often a folder of links to
 * where they were downloaded, and a walk that skipped them left those genomes out of the archive
 * without a word. A link to a folder the walk came through (`above`, and `dir` itself) would walk
 * forever; its files are listed once, where the walk already is. A link to nothing is refused with
 * its name. Each file comes with the link to a folder that the walk came through (`link`), if any.
 * Only links cost more than the folder's listing.
 */
async function walk(dir: string, above: string[] = [], link?: string): Promise<{ path: string; link?: string }[]> {
  const out: { path: string; link?: string }[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    const linked = entry.isSymbolicLink();
    let kind: Dirent | Stats = entry;
    if (linked) {
      try {
        kind = statSync(path);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ELOOP') throw e;
        throw new CliError(`${path}: a symbolic link to nothing (${readlinkSync(path)}): remove it or give its target`);
      }
    }
    if (kind.isDirectory()) {
      const folders = [...above, dir];
      if (linked && (await Promise.all(folders.map((f) => realpath(f)))).includes(await realpath(path))) continue;
      out.push(...(await walk(path, folders, link ?? (linked ? path : undefined))));
    } else if (kind.isFile()) out.push({ path, link });
  }
  return out;
}

/**
 * The files that `args` and the list file `filesFrom` (one path a line) name, folders expanded,
 * each with its stored name. Two inputs stored under one name are refused.
 */
export async function memberInputs(args: string[], filesFrom?: string): Promise<MemberInput[]> {
  const paths = [...args];
  if (filesFrom !== undefined) {
    const list = await readText(filesFrom).catch((e: NodeJS.ErrnoException) => {
      throw new CliError(`${filesFrom}: ${e.code === 'ENOENT' ? 'no such file or directory' : e.message}`);
    });
    paths.push(...list.split(/\r?\n/).filter((line) => line.trim() !== ''));
  }
  const members: MemberInput[] = [];
  for (const path of paths) {
    if (path === '-') throw new CliError('standard input cannot be a member of a multi-file archive', Exit.usage);
    const info = statPath(path);
    if (info.isDirectory()) {
      for (const file of await walk(path)) members.push({ path: file.path, name: storedName(file.path, normalize(path)), size: statSync(file.path).size, remove: file.link ?? file.path });
    } else if (info.isFile()) {
      members.push({ path, name: storedName(path), size: info.size, remove: path });
    } else {
      throw new CliError(`${path}: not a regular file or folder`);
    }
  }
  const seen = new Map<string, string>();
  for (const m of members) {
    // a name that no reader would extract is refused here, before anything is coded: the archive
    // would hold the file, and `decompress -C` would refuse it
    const why = unsafeName(m.name);
    if (why !== undefined) throw new CliError(`${JSON.stringify(m.path)}: cannot be stored as ${JSON.stringify(m.name)} (${why}): no reader would extract it; rename the file`, Exit.usage);
    const earlier = seen.get(m.name);
    if (earlier !== undefined) throw new CliError(`${earlier} and ${m.path} would both be stored as ${m.name}: give them from different folders`, Exit.usage);
    seen.set(m.name, m.path);
  }
  if (members.length === 0) throw new CliError('no input files (the folders given are empty)');
  return members;
}

/**
 * The members as archive inputs, read from disk (a gzip member as the FASTA it holds), reporting
 * the bytes read over all of them to `progress`. Empty files are kept.
 */
export async function* memberFiles(members: MemberInput[], progress: Progress): AsyncGenerator<ArchiveFile> {
  // Each file's first piece is asked for before the one before it is coded (readAhead): a gzipped
  // file is then decompressed on the I/O threads meanwhile.
  let shown = 0;
  const open = (i: number, before: number) => {
    const m = members[i]!;
    const report = (n: number) => progress.update((shown = Math.max(shown, before + n)));
    // the format's writer copies what it keeps of a piece, so the read buffer can be reused
    return readAhead(readMaybeGzip({ name: m.path, path: m.path, size: m.size }, report, true, true));
  };
  let before = 0;
  let next = members.length > 0 ? open(0, 0) : undefined;
  try {
    for (let i = 0; i < members.length; i++) {
      const content = next!.pieces;
      before += members[i]!.size;
      next = i + 1 < members.length ? open(i + 1, before) : undefined;
      yield { name: members[i]!.name, content };
    }
  } finally {
    await next?.stop(); // the writer stopped early: close the file read ahead
  }
}

/**
 * Why a stored name is not a plain relative path, or undefined when it is one. Absolute paths,
 * drive letters, empty, `.` or `..` components, backslashes and control characters are refused on
 * every machine, so that an archive extracts under the same names everywhere (a backslash and a
 * drive letter lead elsewhere on Windows).
 */
function unsafeName(name: string): string | undefined {
  if (/[\u0000-\u001f\u007f\\]/.test(name)) return 'control character or backslash in the name';
  if (name.startsWith('/')) return 'absolute path';
  const parts = name.split('/');
  if (/^[A-Za-z]:/.test(parts[0]!)) return 'drive letter';
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return 'empty, "." or ".." path component';
  return undefined;
}

/** The name as a relative path of plain components, or an error (see unsafeName). */
export function safeRelativePath(name: string): string[] {
  const why = unsafeName(name);
  if (why !== undefined) throw new CliError(`refusing to extract ${JSON.stringify(name)}: ${why}`, Exit.damaged);
  return name.split('/');
}

/**
 * Where a stored name is written under `outdir`: checked by safeRelativePath, and each folder on
 * the way, once it exists (made one level at a time), must resolve inside `outdir`, so a link
 * planted in the output folder cannot lead out, not even to create an empty folder.
 */
export async function extractionPath(outdir: string, name: string, makeFolder: (dir: string) => Promise<void>): Promise<string> {
  const parts = safeRelativePath(name);
  const root = await realpath(outdir);
  let folder = outdir;
  for (const part of parts.slice(0, -1)) {
    folder = join(folder, part);
    await makeFolder(folder);
    const real = await realpath(folder);
    if (real !== root && !real.startsWith(root + sep)) {
      throw new CliError(`refusing to extract ${JSON.stringify(name)}: its folder leads outside ${outdir}`, Exit.damaged);
    }
  }
  return join(outdir, ...parts);
}
