/**
 * The compressors the bench runs: SeqCoder (through its CLI, one codec and level per tool) and the
 * peers (gzip, bzip2, xz, zstd at their best settings, or any command a user names). Every tool is
 * a pair of commands run as child processes, so each one's time and peak memory are its own.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { checkLevel, codecByName, listCodecs, roughMBps, type SequenceCodec } from '@seqcoder/format';
import { registerNeuralCodecs } from '@seqcoder/neural';

/** One child process: an argv, with stdin and stdout optionally bound to files. */
export interface Command {
  argv: string[];
  stdin?: string;
  stdout?: string;
}

export interface Tool {
  /** Stable key in the JSON, e.g. `seqcoder cm:2`, `xz -9e -T1`. */
  id: string;
  /** What the tables show. */
  label: string;
  kind: 'seqcoder' | 'peer';
  codec?: string;
  level?: number;
  /** Version line, for the results header. */
  version: string;
  /** A rough compression speed in MB/s, only used to start long jobs first and to estimate time. */
  roughMBps: number;
  /** Whether the tool compresses one file at a time (every set); false for archive-only tools. */
  perFile: boolean;
  compress(input: string, output: string): Command;
  decompress(input: string, output: string): Command;
  /**
   * Collections given as separate files into one archive: `list` names a file that lists `files`,
   * one path a line. Decompression restores each file as `dir/<its base name>`.
   */
  archive?: {
    compress(list: string, files: string[], output: string): Command;
    decompress(input: string, dir: string): Command;
    /** One file of the archive (by its base name) to `output`: random access, where the tool has it. */
    extract?(input: string, file: string, output: string): Command;
  };
}

export const cliPath = join(dirname(createRequire(import.meta.url).resolve('seqcoder/package.json')), 'dist', 'cli.js');

/** The commit this SeqCoder was built from, so a results table names the code that made it. */
const CHECKOUT = ((): string => {
  const git = (args: string[]) => spawnSync('git', args, { cwd: dirname(cliPath), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'of this checkout';
  const dirty = git(['status', '--porcelain', '--untracked-files=no']).stdout.trim() ? ' with local changes' : '';
  return `at commit ${head.stdout.trim()}${dirty}`;
})();

/**
 * Codecs slower than this (MB/s, their rough figure at the default level) run only when named in
 * --codecs: the neural codecs would add hours to the default run (`pnpm bench:neural` is their table).
 */
const ON_REQUEST_BELOW_MBPS = 0.1;
const onRequest = (codec: SequenceCodec): boolean => roughMBps(codec, codec.levels.default) < ON_REQUEST_BELOW_MBPS;
// The bench resolves names and levels of every codec the CLI offers, the neural ones included.
registerNeuralCodecs();

export function seqcoderTool(codecName: string, level?: number, threads = 1): Tool {
  const codec = codecByName(codecName); // throws a clear error for an unknown name
  const lvl = checkLevel(codec, level);
  return {
    id: `seqcoder ${codec.name}:${lvl}`,
    // Rows name the level when it picks how the bases are coded (`SeqCoder ref L1`).
    label: codec.levels.modelsBases ? `SeqCoder ${codec.name} L${lvl}` : `SeqCoder ${codec.name}`,
    kind: 'seqcoder',
    codec: codec.name,
    level: lvl,
    version: `SeqCoder ${CHECKOUT}`,
    roughMBps: roughMBps(codec, lvl),
    compress: (input, output) => ({
      // One thread by default, like every peer: the tables compare single-core speeds.
      argv: [process.execPath, cliPath, 'compress', '-q', '-c', '--threads', String(threads), '--codec', codec.name, '--level', String(lvl), input],
      stdout: output,
    }),
    decompress: (input, output) => ({ argv: [process.execPath, cliPath, 'cat', '--threads', String(threads), input], stdout: output }),
    perFile: true,
    archive: {
      // Paths outside the working folder are stored by their base names.
      compress: (_list, files, output) => ({
        argv: [process.execPath, cliPath, 'compress', '-q', '-f', '--threads', String(threads), '--codec', codec.name, '--level', String(lvl), '-o', output, ...files],
      }),
      decompress: (input, dir) => ({ argv: [process.execPath, cliPath, 'decompress', '-q', '--threads', String(threads), '-C', dir, input] }),
      extract: (input, file, output) => ({ argv: [process.execPath, cliPath, 'cat', '--threads', String(threads), '--file', file, input], stdout: output }),
    },
  };
}

/**
 * `--codecs` values: `cm:2`, `cm` (its default level), `cm:*` (every level), or `none`.
 * Without the option: every level of the codecs whose levels model the bases (not group codecs,
 * which on DNAcorpus's single genomes are cm), and the default of the others, on DNAcorpus (`wide`); each codec at its default level elsewhere; codecs slower than
 * ON_REQUEST_BELOW_MBPS only when named.
 */
export function parseCodecs(spec: string | undefined, wide: boolean, threads = 1): Tool[] {
  if (spec === 'none') return [];
  const items =
    spec?.split(',').map((s) => s.trim()).filter(Boolean) ??
    listCodecs()
      .filter((c) => !onRequest(c))
      // A group codec on DNAcorpus's single genomes codes literals with cm: the cm rows show its levels.
      .map((c) => (wide && c.levels.modelsBases && !c.group ? `${c.name}:*` : c.name));
  return items.flatMap((item) => {
    const [name, level] = item.split(':');
    if (level === '*') {
      const { min, max } = codecByName(name).levels;
      return Array.from({ length: max - min + 1 }, (_, i) => seqcoderTool(name, min + i, threads));
    }
    return [seqcoderTool(name, level === undefined ? undefined : Number(level), threads)];
  });
}

/** The peers at their best settings; single-threaded so that speeds compare with SeqCoder's. */
const PEERS: Record<string, { flags: string[]; decompress: string[]; roughMBps: number }> = {
  gzip: { flags: ['-9'], decompress: ['-d'], roughMBps: 1.3 },
  bzip2: { flags: ['-9'], decompress: ['-d'], roughMBps: 12 },
  xz: { flags: ['-9e', '-T1'], decompress: ['-d'], roughMBps: 0.9 },
  // --long finds repeats across a whole collection; --memory lets decoding follow any window.
  zstd: { flags: ['--ultra', '-22', '--long=27', '-T1'], decompress: ['-d', '--memory=2048MB'], roughMBps: 0.75 },
};
export const DEFAULT_PEERS = Object.keys(PEERS).join(',');

/** `name x.y.z` from what a program prints for `--version`; undefined when it is not installed. */
function versionOf(program: string): string | undefined {
  const r = spawnSync(program, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 5000 });
  if (r.error) return undefined;
  const version = /\d+\.\d+(\.\d+)?/.exec(`${r.stdout}${r.stderr}`);
  return version ? `${program} ${version[0]}` : program;
}

/**
 * `--tools` values: peer names with optional flags, `xz:-9,zstd:-19`, or `none`.
 * Returns the tools found and the names that are not installed (reported, never silently dropped).
 */
export function parsePeers(spec: string): { tools: Tool[]; missing: string[] } {
  const tools: Tool[] = [];
  const missing: string[] = [];
  if (spec === 'none') return { tools, missing };
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, ...rest] = item.split(':');
    const peer = PEERS[name];
    if (!peer) throw new Error(`unknown peer "${name}" (known: ${DEFAULT_PEERS}; name others with --tool)`);
    const flags = rest.length > 0 ? rest.join(':').split(/\s+/).filter(Boolean) : peer.flags;
    const version = versionOf(name);
    if (!version) {
      missing.push(name);
      continue;
    }
    const label = `${name} ${flags.filter((f) => f !== '-T1').join(' ')}`;
    tools.push({
      id: `${name} ${flags.join(' ')}`,
      label,
      kind: 'peer',
      version,
      roughMBps: peer.roughMBps,
      compress: (input, output) => ({ argv: [name, ...flags, '-c'], stdin: input, stdout: output }),
      decompress: (input, output) => ({ argv: [name, ...peer.decompress, '-c'], stdin: input, stdout: output }),
      perFile: true,
      // several files: a tar of them (each by its base name) through the compressor
      archive: {
        compress: (_list, files, output) => ({
          argv: ['sh', '-c', `tar -cf - ${files.map((f) => `-C ${shellQuote(dirname(f))} ${shellQuote(basename(f))}`).join(' ')} | ${[name, ...flags, '-c'].map(shellQuote).join(' ')} > ${shellQuote(output)}`],
        }),
        decompress: (input, dir) => ({
          argv: ['sh', '-c', `${[name, ...peer.decompress, '-c'].map(shellQuote).join(' ')} < ${shellQuote(input)} | tar -xf - -C ${shellQuote(dir)}`],
        }),
      },
    });
  }
  return { tools, missing };
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * A user-named compressor, `LABEL::COMPRESS::DECOMPRESS`: two shell commands (pipes allowed) in
 * which `{in}` and `{out}` stand for the file paths, e.g.
 * `NAF -22::ennaf -22 {in} -o {out}::unnaf {in} -o {out}`. A compressor of several files into one
 * archive uses `{list}` (a file listing the inputs, one a line) and `{out}` to compress, `{in}` and
 * `{dir}` (where each file must reappear under its base name) to decompress, e.g.
 * `MBGC -m 3::mbgc c -m 3 -t 1 -I {list} {out}::mbgc d -t 1 {in} {dir}`; it runs on collections only.
 */
export function customTool(spec: string): Tool {
  const [label, compress, decompress, ...extra] = spec.split('::').map((s) => s.trim());
  if (!label || !compress || !decompress || extra.length > 0) {
    throw new Error(`--tool wants "LABEL::COMPRESS COMMAND::DECOMPRESS COMMAND" with {in} and {out}, got "${spec}"`);
  }
  const fill = (template: string, values: Record<string, string>): Command => ({
    argv: ['sh', '-c', Object.entries(values).reduce((s, [key, value]) => s.replaceAll(`{${key}}`, shellQuote(value)), template)],
  });
  const archiveOnly = compress.includes('{list}');
  const unusable = (): never => {
    throw new Error(`${label} compresses lists of files: it runs on collections only`);
  };
  return {
    id: label,
    label,
    kind: 'peer',
    version: compress.split(/\s+/)[0],
    roughMBps: 0.5,
    perFile: !archiveOnly,
    compress: archiveOnly ? unusable : (input, output) => fill(compress, { in: input, out: output }),
    decompress: archiveOnly ? unusable : (input, output) => fill(decompress, { in: input, out: output }),
    ...(archiveOnly
      ? {
          archive: {
            compress: (list: string, _files: string[], output: string) => fill(compress, { list, out: output }),
            decompress: (input: string, dir: string) => fill(decompress, { in: input, dir }),
          },
        }
      : {}),
  };
}
