/**
 * What a run leaves on disk when things go wrong: interrupted at any moment, racing another
 * process for the same output, or out of disk space. The only acceptable results are a complete,
 * verified output, or no output and no temporary file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CLI, testFolders } from './helpers.js';


const folders = testFolders('seqcoder-reliability-');
let dir = '';
beforeEach(() => (dir = folders.current())); // after testFolders' own beforeEach, which makes it

/** Three records of 400 kb: a second or two of `cm` work, with record boundaries in between. */
function writeGenome(path: string): Buffer {
  let x = 1;
  let text = '';
  for (let r = 0; r < 3; r++) {
    let seq = '';
    for (let i = 0; i < 400_000; i++) seq += 'ACGT'[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3];
    text += `>record${r}\n${seq.replace(/(.{60})/g, '$1\n')}\n`;
  }
  writeFileSync(path, text);
  return Buffer.from(text);
}

function run(args: string[], shell?: string) {
  const r = shell
    ? spawnSync('sh', ['-c', `${shell}; exec "$0" "$@"`, process.execPath, CLI, ...args], { cwd: dir })
    : spawnSync(process.execPath, [CLI, ...args], { cwd: dir });
  return { code: r.status, stderr: r.stderr.toString() };
}

function start(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) =>
    child.on('close', (code, signal) => r({ code, signal, stderr })),
  );
  return { child, exit };
}

/** Files in `dir` apart from the ones named: temporary files are hidden (`.name.tmp-…`). */
const others = (keep: string[]) => readdirSync(dir).filter((f) => !keep.includes(f));

describe('interrupted runs', () => {
  it('SIGINT or SIGTERM at any moment of compress or decompress leaves the whole output or nothing', async () => {
    const original = writeGenome(join(dir, 'g.fa'));
    expect(run(['compress', '-q', '--codec', 'pack', '-o', 'ref.seqc', 'g.fa']).code).toBe(0);
    let interrupted = 0;
    let completed = 0;
    for (const [command, input, output] of [
      ['compress', 'g.fa', 'out.seqc'],
      ['decompress', 'ref.seqc', 'out.fa'],
    ] as const) {
      for (const [i, delay] of [30, 120, 300, 600, 1000, 1600, 2500].entries()) {
        const signal = i % 2 ? 'SIGTERM' : 'SIGINT';
        const { child, exit } = start([command, '-q', '-f', '-o', output, input]);
        await new Promise((r) => setTimeout(r, delay));
        child.kill(signal);
        const { code, signal: killedBy, stderr } = await exit;
        // Whatever the moment, an output that exists is complete: on success, and also when the
        // signal came just after the finished file was renamed into place.
        const whole = (): boolean =>
          command === 'compress' ? run(['verify', '-q', output]).code === 0 : readFileSync(join(dir, output)).equals(original);
        if (code === 0) {
          completed++;
          expect(whole(), `${command} after ${delay} ms`).toBe(true);
        } else {
          interrupted++;
          // 130/143 from our handler; or killed by the signal itself while Node was still starting
          if (code === null) expect(killedBy).toBe(signal);
          else expect(code, stderr).toBe(signal === 'SIGINT' ? 130 : 143);
          if (existsSync(join(dir, output))) expect(whole(), `${command} after ${delay} ms`).toBe(true);
        }
        expect(others(['g.fa', 'ref.seqc', output])).toEqual([]);
        rmSync(join(dir, output), { force: true });
      }
    }
    expect(interrupted).toBeGreaterThan(0); // the test must exercise the interrupt path
    expect(interrupted + completed).toBe(14);
  }, 120_000);
});

describe('interrupting long work', () => {
  let x = 3;
  /**
   * `bases` pseudo-random bases in lines of 80: new material, every base coded by cm (the
   * generator's top bits: its bits 16-17 repeat every 2^18 bases, which `ref` would copy).
   */
  const sequence = (bases: number): string => {
    let seq = '';
    for (let i = 0; i < bases; i++) seq += 'ACGT'[(x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 30];
    return seq.replace(/(.{80})/g, '$1\n');
  };
  /**
   * Writes the input of `command` (its arguments for `bases` bases) sized to take it about
   * `seconds` on this machine, so that the interrupt cannot come after the work is done, however
   * fast the codec. The command is timed on 1.2 Mb against 300 kb: level 4 spends a second or more
   * on its models before the first base, which a probe against nothing counted as bases.
   */
  const sized = (seconds: number, output: string, command: (bases: number) => string[]): string[] => {
    const timed = (bases: number): number => {
      const t = performance.now();
      expect(run(command(bases)).code).toBe(0);
      return (performance.now() - t) / 1000;
    };
    const perBase = Math.max(1e-9, (timed(1_200_000) - timed(300_000)) / 900_000);
    rmSync(join(dir, output));
    return command(Math.min(50_000_000, Math.ceil(seconds / perBase)));
  };
  /** Starts `args`, interrupts it once its temporary output `.<output>.tmp-…` exists, and checks that it stopped at once. */
  async function interrupted(args: string[], output: string, inputs: string[]): Promise<void> {
    const { child, exit } = start(args);
    // Interrupted once its output has begun (it is then parsing or coding).
    while (child.exitCode === null && !readdirSync(dir).some((f) => f.startsWith(`.${output}.tmp-`))) await new Promise((r) => setTimeout(r, 5));
    const signalled = Date.now();
    child.kill('SIGINT');
    const { code } = await exit;
    expect(code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(2500);
    expect(others(inputs)).toEqual([]);
  }

  it('of one long record takes effect within a second or two, not when the record is done', async () => {
    const args = sized(15, 'one.fa.seqc', (bases) => {
      writeFileSync(join(dir, 'one.fa'), `>one\n${sequence(bases)}\n`);
      return ['compress', '-q', '-f', '--level', '4', 'one.fa'];
    });
    await interrupted(args, 'one.fa.seqc', ['one.fa']);
  }, 60_000);

  it('of a collection takes effect within a second or two, not when its group is coded', async () => {
    // Eight genomes of new material: ref parses each in a fraction of a second, then codes the
    // group's shared stream (every base a literal) once the input is read. Level 2, whose models
    // are allocated in a moment: level 4's take this machine 2–3 s, in one piece.
    const names = Array.from({ length: 8 }, (_, i) => `g${i}.fa`);
    const args = sized(15, 'set.seqc', (bases) => {
      for (const name of names) writeFileSync(join(dir, name), `>${name}\n${sequence(bases >> 3)}\n`);
      return ['compress', '-q', '-f', '--level', '2', '-o', 'set.seqc', ...names];
    });
    await interrupted(args, 'set.seqc', names);
  }, 60_000);
});

describe('concurrent writers', () => {
  it('of the same output without -f: one wins, the others say it exists, the file is whole', async () => {
    const original = writeGenome(join(dir, 'g.fa'));
    const runs = Array.from({ length: 4 }, () => start(['compress', '-q', '--codec', 'pack', '-o', 'same.seqc', 'g.fa']));
    const results = await Promise.all(runs.map((r) => r.exit));
    expect(results.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of results.filter((r) => r.code !== 0)) {
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/already exists/);
    }
    expect(run(['decompress', '-q', '-o', 'back.fa', 'same.seqc']).code).toBe(0);
    expect(readFileSync(join(dir, 'back.fa')).equals(original)).toBe(true);
    expect(others(['g.fa', 'same.seqc', 'back.fa'])).toEqual([]);
  }, 60_000);

  it('of the same output with -f: every one succeeds and the file is whole', async () => {
    const original = writeGenome(join(dir, 'g.fa'));
    const runs = Array.from({ length: 4 }, (_, i) => start(['compress', '-q', '-f', '--codec', i % 2 ? 'pack' : 'cm', '--level', '1', '-o', 'same.seqc', 'g.fa']));
    const results = await Promise.all(runs.map((r) => r.exit));
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(run(['decompress', '-q', '-o', 'back.fa', 'same.seqc']).code).toBe(0);
    expect(readFileSync(join(dir, 'back.fa')).equals(original)).toBe(true);
    expect(others(['g.fa', 'same.seqc', 'back.fa'])).toEqual([]);
  }, 60_000);
});

describe('a full disk', () => {
  // `ulimit -f` makes every write past 100 kB fail (EFBIG), the way a full file system would.
  it('while compressing or decompressing to a file: a clear error and no partial output', () => {
    writeGenome(join(dir, 'g.fa')); // 1.2 MB, about 300 kB packed
    expect(run(['compress', '-q', '--codec', 'pack', 'g.fa']).code).toBe(0);
    const c = run(['compress', '-q', '--codec', 'pack', '-o', 'big.seqc', 'g.fa'], 'ulimit -f 200');
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/big\.seqc: file too large/);
    const d = run(['decompress', '-q', '-o', 'back.fa', 'g.fa.seqc'], 'ulimit -f 200');
    expect(d.code).toBe(1);
    expect(d.stderr).toMatch(/back\.fa: file too large/);
    expect(others(['g.fa', 'g.fa.seqc'])).toEqual([]);
  });

  it.skipIf(!existsSync('/dev/full'))('behind standard output: a clear error, not a crash', () => {
    writeGenome(join(dir, 'g.fa'));
    expect(run(['compress', '-q', '--codec', 'pack', 'g.fa']).code).toBe(0);
    for (const args of [['compress', '-c', 'g.fa'], ['cat', 'g.fa.seqc']]) {
      const r = spawnSync('sh', ['-c', '"$0" "$@" > /dev/full', process.execPath, CLI, ...args], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stderr.toString()).toMatch(/^seqcoder: standard output: no space left on device\n$/);
    }
  });
});

describe('hostile archives', () => {
  it('record names are data: never paths, never terminal escapes', () => {
    const fasta = Buffer.from('>../../evil \x1b[31mRED\x1b[0m \x07\nACGT\n>/etc/passwd\nAC\n');
    writeFileSync(join(dir, 'h.fa'), fasta);
    expect(run(['compress', '-q', 'h.fa']).code).toBe(0);
    mkdirSync(join(dir, 'sub'));
    const r = spawnSync(process.execPath, [CLI, 'decompress', '-q', join(dir, 'h.fa.seqc'), '-o', 'out.fa'], { cwd: join(dir, 'sub') });
    expect(r.status).toBe(0);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['out.fa']); // only the chosen output
    expect(others(['h.fa', 'h.fa.seqc', 'sub'])).toEqual([]);
    const text = spawnSync(process.execPath, [CLI, 'info', 'h.fa.seqc'], { cwd: dir }).stdout.toString();
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(text).toContain('../../evil \\x1b[31mRED\\x1b[0m \\x07');
    const json = JSON.parse(spawnSync(process.execPath, [CLI, 'info', '--json', 'h.fa.seqc'], { cwd: dir }).stdout.toString());
    expect(json.records[0].name).toBe('../../evil \x1b[31mRED\x1b[0m \x07'); // exact in JSON
  });
});
