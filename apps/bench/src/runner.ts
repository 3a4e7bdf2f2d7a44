/**
 * Runs one tool on one input: compress and decompress every file as child processes, `repeat`
 * times, checking each round trip byte for byte. Time is wall time of the child; peak memory is
 * the child's maximum resident set size from the kernel's process accounting (GNU time's %M, which
 * reads wait4's rusage and so includes the processes the child itself waited for). Where GNU time
 * is missing, /proc/PID/status VmHWM is sampled every 10 ms instead, which can miss the last
 * milliseconds; the results header says which one was used.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BenchInput } from './corpus.js';
import type { Command, Tool } from './tools.js';

export interface Measurement {
  tool: string;
  label: string;
  kind: Tool['kind'];
  codec?: string;
  level?: number;
  input: string;
  name: string;
  set: BenchInput['set'];
  mode?: BenchInput['mode'];
  split?: BenchInput['split'];
  files: number;
  originalBytes: number;
  residues: number;
  /** Sum over the input's files of the compressed sizes (identical in every repeat, or FAIL). */
  compressedBytes: number;
  /** originalBytes / compressedBytes, as SeqCoder's README reports it. */
  ratio: number;
  /** compressedBytes × 8 / residues: the whole output (headers, layout) per sequence letter. */
  bitsPerBase: number;
  /** Median over repeats of the time summed over the input's files. */
  compressSeconds: number;
  decompressSeconds: number;
  /** Original bytes per second, in MB (10^6). */
  compressMBps: number;
  decompressMBps: number;
  /** Largest peak RSS of any compress (decompress) process, MB (2^20 bytes); null if unmeasured. */
  compressPeakMB: number | null;
  decompressPeakMB: number | null;
  /**
   * An archive of a tool with random access (Tool.archive.extract): seconds to extract its first
   * and its last file alone (a whole process, the median over repeats), each compared with the original.
   */
  extractSeconds?: { first: number; last: number };
  roundTrip: 'ok' | 'FAIL';
  error?: string;
}

export type MemoryProbe = 'GNU time (wait4 rusage)' | '/proc VmHWM sampled every 10 ms' | 'none';

/** GNU time prints the child's peak RSS with -f %M; BSD time has no -f. */
export function memoryProbe(): MemoryProbe {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', '/dev/null', 'true'], { stdio: 'ignore' });
  if (r.status === 0) return 'GNU time (wait4 rusage)';
  try {
    readFileSync('/proc/self/status');
    return '/proc VmHWM sampled every 10 ms';
  } catch {
    return 'none';
  }
}

export interface Run {
  seconds: number;
  peakKB: number | null;
}

class ToolFailed extends Error {}

function vmHwmKB(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The child processes and scratch folders of the measurements under way, for an interrupt. */
const liveChildren = new Set<ChildProcess>();
const liveScratch = new Set<string>();
export function stopAll(): void {
  // Each child leads its own process group, so the kill also reaches what it started (GNU time
  // ignores SIGINT while it waits). SIGKILL, because a tool inside a long synchronous step may
  // answer SIGINT only minutes later; its output is in the scratch folder, removed next.
  for (const child of liveChildren) process.kill(-child.pid!, 'SIGKILL');
  for (const dir of liveScratch) rmSync(dir, { recursive: true, force: true });
}

/** Runs a command with its stdin/stdout bound to files; rejects with its stderr when it fails. */
export async function run(cmd: Command, probe: MemoryProbe, scratch: string): Promise<Run> {
  const memFile = join(scratch, 'peak-rss');
  const argv = probe === 'GNU time (wait4 rusage)' ? ['/usr/bin/time', '-f', '%M', '-o', memFile, ...cmd.argv] : cmd.argv;
  const stdin = cmd.stdin ? openSync(cmd.stdin, 'r') : 'ignore';
  const stdout = cmd.stdout ? openSync(cmd.stdout, 'w') : 'ignore';
  const started = performance.now();
  try {
    return await new Promise<Run>((resolve, reject) => {
      const child = spawn(argv[0], argv.slice(1), { stdio: [stdin, stdout, 'pipe'], detached: true });
      liveChildren.add(child);
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
      let sampled: number | null = null;
      const sample = () => {
        const kb = vmHwmKB(child.pid!);
        if (kb !== null) sampled = Math.max(sampled ?? 0, kb);
      };
      const timer = probe === '/proc VmHWM sampled every 10 ms' ? setInterval(sample, 10) : undefined;
      child.on('error', (e) => reject(new ToolFailed(`${argv[0]}: ${e.message}`)));
      child.on('close', (code, signal) => {
        liveChildren.delete(child);
        clearInterval(timer);
        const seconds = (performance.now() - started) / 1000;
        if (code !== 0) {
          const why = signal ? `killed by ${signal}` : `exit ${code}`;
          return reject(new ToolFailed(`${cmd.argv.join(' ')}: ${why}${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`));
        }
        let peakKB: number | null = sampled;
        if (probe === 'GNU time (wait4 rusage)') {
          const kb = Number(readFileSync(memFile, 'utf8').trim().split('\n').pop());
          peakKB = Number.isFinite(kb) ? kb : null;
        }
        resolve({ seconds, peakKB });
      });
    });
  } finally {
    if (typeof stdin === 'number') closeSync(stdin);
    if (typeof stdout === 'number') closeSync(stdout);
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const maxOrNull = (xs: (number | null)[]): number | null => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));


/** Compress and decompress every file of `input` with `tool`, `repeat` times, verifying each round trip. */
export async function measure(tool: Tool, input: BenchInput, repeat: number, probe: MemoryProbe): Promise<Measurement> {
  const scratch = mkdtempSync(join(tmpdir(), 'seqcoder-bench-'));
  liveScratch.add(scratch);
  const compressTotals = Array<number>(repeat).fill(0);
  const decompressTotals = Array<number>(repeat).fill(0);
  const peaks: { c: (number | null)[]; d: (number | null)[] } = { c: [], d: [] };
  const extracts: { first: number[]; last: number[] } = { first: [], last: [] };
  let compressedBytes = 0;
  let error: string | undefined;
  try {
    if (input.mode === 'archive') {
      compressedBytes = await measureArchive(tool, input, repeat, probe, scratch, { compressTotals, decompressTotals, peaks, extracts });
    } else for (const file of input.files) {
      const original = readFileSync(file);
      const packed = join(scratch, 'packed');
      const restored = join(scratch, 'restored');
      let size: number | undefined;
      for (let r = 0; r < repeat; r++) {
        const c = await run(tool.compress(file, packed), probe, scratch);
        const d = await run(tool.decompress(packed, restored), probe, scratch);
        compressTotals[r] += c.seconds;
        decompressTotals[r] += d.seconds;
        peaks.c.push(c.peakKB);
        peaks.d.push(d.peakKB);
        const bytes = statSync(packed).size;
        if (size !== undefined && bytes !== size) throw new ToolFailed(`${file}: ${size} bytes, then ${bytes} bytes on repeat ${r + 1}`);
        size = bytes;
        if (!original.equals(readFileSync(restored))) throw new ToolFailed(`${file}: decompressed output differs from the original`);
      }
      compressedBytes += size!;
    }
  } catch (e) {
    if (!(e instanceof ToolFailed)) throw e;
    error = e.message;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    liveScratch.delete(scratch);
  }
  const c = error ? NaN : median(compressTotals);
  const d = error ? NaN : median(decompressTotals);
  const toMB = (kb: number | null) => (kb === null ? null : kb / 1024);
  return {
    tool: tool.id,
    label: tool.label,
    kind: tool.kind,
    codec: tool.codec,
    level: tool.level,
    input: input.id,
    name: input.name,
    set: input.set,
    mode: input.mode,
    split: input.split,
    files: input.files.length,
    originalBytes: input.bytes,
    residues: input.residues,
    compressedBytes: error ? NaN : compressedBytes,
    ratio: error ? NaN : input.bytes / compressedBytes,
    bitsPerBase: error || input.residues === 0 ? NaN : (compressedBytes * 8) / input.residues,
    compressSeconds: c,
    decompressSeconds: d,
    compressMBps: input.bytes / 1e6 / c,
    decompressMBps: input.bytes / 1e6 / d,
    compressPeakMB: error ? null : toMB(maxOrNull(peaks.c)),
    decompressPeakMB: error ? null : toMB(maxOrNull(peaks.d)),
    ...(!error && extracts.first.length > 0 ? { extractSeconds: { first: median(extracts.first), last: median(extracts.last) } } : {}),
    roundTrip: error ? 'FAIL' : 'ok',
    ...(error ? { error } : {}),
  };
}

/** The files of `input` into one archive and back (Tool.archive), each file compared with its original. */
async function measureArchive(
  tool: Tool,
  input: BenchInput,
  repeat: number,
  probe: MemoryProbe,
  scratch: string,
  into: {
    compressTotals: number[];
    decompressTotals: number[];
    peaks: { c: (number | null)[]; d: (number | null)[] };
    extracts: { first: number[]; last: number[] };
  },
): Promise<number> {
  const archive = tool.archive!;
  const list = join(scratch, 'files.txt');
  writeFileSync(list, input.files.join('\n') + '\n');
  const packed = join(scratch, 'packed');
  let size: number | undefined;
  for (let r = 0; r < repeat; r++) {
    rmSync(packed, { force: true });
    const restored = join(scratch, `restored-${r}`);
    mkdirSync(restored);
    const c = await run(archive.compress(list, input.files, packed), probe, scratch);
    const d = await run(archive.decompress(packed, restored), probe, scratch);
    into.compressTotals[r] += c.seconds;
    into.decompressTotals[r] += d.seconds;
    into.peaks.c.push(c.peakKB);
    into.peaks.d.push(d.peakKB);
    const bytes = statSync(packed).size;
    if (size !== undefined && bytes !== size) throw new ToolFailed(`${size} bytes, then ${bytes} bytes on repeat ${r + 1}`);
    size = bytes;
    for (const file of input.files) {
      const back = join(restored, basename(file));
      if (!existsSync(back)) throw new ToolFailed(`${basename(file)} was not restored`);
      if (!readFileSync(file).equals(readFileSync(back))) throw new ToolFailed(`${basename(file)}: decompressed output differs from the original`);
    }
    rmSync(restored, { recursive: true, force: true });
    if (archive.extract) {
      // the first file is at the start of its group, the last at the end of the archive's last one
      for (const [which, file] of [['first', input.files[0]!], ['last', input.files.at(-1)!]] as const) {
        const one = join(scratch, 'one');
        const e = await run(archive.extract(packed, basename(file), one), probe, scratch);
        if (!readFileSync(file).equals(readFileSync(one))) throw new ToolFailed(`${basename(file)} extracted alone differs from the original`);
        into.extracts[which].push(e.seconds);
      }
    }
  }
  return size!;
}

/**
 * Runs `tasks` with at most `jobs` at once, in the given order, reporting progress on stderr:
 * one line rewritten in place on a terminal, one line per finished task otherwise.
 */
export async function runAll<T>(
  tasks: { label: string; weight: number; run: () => Promise<T> }[],
  jobs: number,
  describe: (result: T) => string,
): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  const tty = process.stderr.isTTY;
  const started = performance.now();
  const totalWeight = tasks.reduce((s, t) => s + t.weight, 0);
  let doneWeight = 0;
  let done = 0;
  let next = 0;
  const running = new Set<string>();
  const clock = () => {
    const s = Math.round((performance.now() - started) / 1000);
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
  };
  const status = () => {
    const pct = totalWeight ? Math.floor((100 * doneWeight) / totalWeight) : 100;
    return `[${done}/${tasks.length}] ${clock()} ~${pct}%`;
  };
  const show = () => {
    if (tty) process.stderr.write(`\r\x1b[K${status()} ${[...running].join(', ')}`.slice(0, process.stderr.columns || 120));
  };
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      running.add(task.label);
      show();
      results[i] = await task.run();
      running.delete(task.label);
      done++;
      doneWeight += task.weight;
      if (tty) show();
      else process.stderr.write(`${status()} ${task.label}: ${describe(results[i])}\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  if (tty) process.stderr.write(`\r\x1b[K${status()} done\n`);
  return results;
}
