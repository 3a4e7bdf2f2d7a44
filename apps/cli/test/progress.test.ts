/**
 * The progress bar, drawn on a stand-in terminal: standard error made to look like one, its
 * writes kept, and a clock the test moves (the bar waits a second before it shows).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compressCommand } from '../src/commands/compress.js';
import { decompressCommand } from '../src/commands/decompress.js';
import { getCommand } from '../src/commands/get.js';
import { verifyCommand } from '../src/commands/verify.js';
import { modellingStage, startProgress, verifyingStage } from '../src/progress.js';
import { testFolders } from './helpers.js';

const stderr = process.stderr as NodeJS.WriteStream & { isTTY: boolean };
const saved = { isTTY: stderr.isTTY, columns: stderr.columns, write: stderr.write };
let written: string[] = [];
let now = 0;

beforeEach(() => {
  written = [];
  now = 1_000_000;
  vi.spyOn(Date, 'now').mockImplementation(() => now);
  stderr.isTTY = true;
  stderr.columns = 200;
  stderr.write = ((chunk: string | Uint8Array) => written.push(String(chunk)) > 0) as typeof stderr.write;
});

afterEach(() => {
  Object.assign(stderr, saved);
  vi.restoreAllMocks();
});

/** What was drawn, one line per redraw, without the terminal's control sequences. */
const lines = (): string[] =>
  written
    .join('')
    .replace(/\x1b\[1G/g, '\n') // each redraw starts at column 1
    .replace(/\x1b\[[0-9;?]*[a-zA-Z]|\x1b[78]/g, '')
    .split('\n')
    .filter((line) => line.trim() !== '');

describe('the progress bar', () => {
  it('shows the bytes read, the bases a collection models once they are read, the bytes again, and the verification', () => {
    const progress = startProgress('compress 2 files', 10e6, false);
    const modelling = modellingStage(progress)!;
    const verifying = verifyingStage(progress)!;
    progress.update(1e6); // within the first second: nothing drawn
    expect(lines()).toEqual([]);
    now += 2_000;
    progress.update(5e6);
    now += 1_000;
    modelling(1e6, 4e6);
    now += 1_000;
    modelling(2e6, 4e6);
    now += 1_000;
    progress.update(10e6);
    now += 1_000;
    verifying(1.5e6, 3e6);
    progress.stop();
    const drawn = lines();
    expect(drawn.some((l) => /^compress 2 files \[.*\] 50% \| 5\.0\/10\.0 MB \| 2\.5 MB\/s/.test(l))).toBe(true);
    // a stage's speed counts from its own start: 2 Mb in 1 s
    expect(drawn.some((l) => /^compress 2 files: modelling bases \[.*\] 50% \| 2\.0\/4\.0 Mb \| 2\.0 Mb\/s/.test(l))).toBe(true);
    expect(drawn.some((l) => /^compress 2 files \[.*\] 100% \| 10\.0\/10\.0 MB/.test(l))).toBe(true);
    expect(drawn.some((l) => /^compress 2 files: verifying \[.*\] 50% \| 1\.5\/3\.0 MB/.test(l))).toBe(true);
  });

  it('draws nothing where standard error is not a terminal, or with --quiet', () => {
    for (const [tty, quiet] of [
      [false, false],
      [true, true],
    ] as const) {
      stderr.isTTY = tty;
      const progress = startProgress('compress x', 10e6, quiet);
      now += 2_000;
      progress.update(5e6);
      // no stage to report to: the work is not asked to report it
      expect(modellingStage(progress)).toBeUndefined();
      expect(verifyingStage(progress)).toBeUndefined();
      progress.stop();
    }
    expect(written).toEqual([]);
  });
});

describe('the bars of the commands, on a stand-in terminal', () => {
  const folders = testFolders('seqcoder-progress-');
  /** Percentages drawn on the bar named `label`, in order. */
  const percentages = (label: string): number[] =>
    lines()
      .filter((l) => l.startsWith(`${label} [`))
      .map((l) => Number(/\] (\d+)%/.exec(l)![1]));

  it('move while one long genome is modelled (in a worker), verified, and rebuilt: not only once it is done', async () => {
    // each look at the clock moves it 0.3 s, so a bar shows at its fourth update (it waits a second)
    vi.spyOn(Date, 'now').mockImplementation(() => (now += 300));
    const dir = folders.current();
    let seed = 3;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 30;
    const bases = Array.from({ length: 600_000 }, () => 'ACGT'[next()]).join('');
    const fasta = join(dir, 'one.fa');
    writeFileSync(fasta, `>one\n${bases.replace(/(.{80})/g, '$1\n')}\n`);
    const archive = `${fasta}.seqc`;
    // two threads: past the first 256 kb, the record goes to a worker, which tells its bases as it goes
    expect(await compressCommand([fasta], { level: 1, threads: 2, verify: true })).toBe(0);
    expect(await verifyCommand([archive], {})).toBe(0);
    expect(await decompressCommand([archive], { threads: 2, output: join(dir, 'back.fa') })).toBe(0);
    // get decodes the record as far as its region, here; the region is printed after the bar is gone
    const printed: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => printed.push(Buffer.from(chunk).toString()) > 0);
    await getCommand(archive, ['one:599991-600000'], {});
    expect(printed.join('')).toBe(`>one:599991-600000\n${bases.slice(599_990)}\n`);
    const drawnBefore = written.length;
    await getCommand(archive, ['one:599991-600000'], { quiet: true });
    expect(written.length).toBe(drawnBefore); // -q: no bar
    for (const label of [`compress ${fasta}`, `compress ${fasta}: verifying`, `verify ${archive}`, `decompress ${archive}`, 'get: decoding one']) {
      const drawn = percentages(label);
      expect(drawn.filter((p) => p > 0 && p < 100).length, label).toBeGreaterThanOrEqual(2);
      expect(drawn, label).toEqual([...drawn].sort((x, y) => x - y));
    }
  });
});
