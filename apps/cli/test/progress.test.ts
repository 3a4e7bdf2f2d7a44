/**
 * The progress bar, drawn on a stand-in terminal: standard error made to look like one, its
 * writes kept, and a clock the test moves (the bar waits a second before it shows).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { modellingStage, startProgress, verifyingStage } from '../src/progress.js';

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
    const modelling = modellingStage(progress);
    const verifying = verifyingStage(progress);
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
      modellingStage(progress)(1e6, 4e6);
      progress.stop();
    }
    expect(written).toEqual([]);
  });
});
