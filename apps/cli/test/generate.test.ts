/**
 * `seqcoder generate` with the shipped genome VAE: FASTA of the asked count and length, the same
 * file for the same seed (the canonical WASM runtime), another for another seed; bad arguments end
 * in a usage error. How genome-like the output is: `pnpm bench:generate`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-generate-');
let dir = '';
beforeEach(() => (dir = folders.current()));
const seqcoder = (args: string[]) => runCli(dir, args);

/** The records of a FASTA text: header and joined sequence. */
const records = (text: string) =>
  text
    .split('>')
    .slice(1)
    .map((r) => {
      const [header, ...lines] = r.trimEnd().split('\n');
      return { header, lines, sequence: lines.join('') };
    });

describe('generate', () => {
  it('writes FASTA of the asked length, the same for a seed and another for another seed', () => {
    const a = seqcoder(['generate', '--length', '2500', '--seed', '7']);
    expect(a.code).toBe(0);
    expect(a.stderr).toMatch(/1 synthetic genome\(s\) of 2,500 bases from genome-vae-chlamydia \(seed 7\)/);
    const [one] = records(a.stdout.toString());
    expect(one!.header).toBe('synthetic_1 genome-vae-chlamydia seed=7 length=2500');
    expect(one!.sequence).toMatch(/^[ACGT]{2500}$/);
    expect(one!.lines.slice(0, -1).every((l) => l.length === 80)).toBe(true);

    expect(seqcoder(['generate', '-q', '--length', '2500', '--seed', '7']).stdout).toEqual(a.stdout);
    // natively: a valid genome of the same length (the same bases are not promised)
    const native = seqcoder(['generate', '-q', '--length', '2500', '--seed', '7', '--runtime', 'onnx']);
    expect(native.code).toBe(0);
    expect(records(native.stdout.toString())[0]!.sequence).toMatch(/^[ACGT]{2500}$/);
    expect(records(seqcoder(['generate', '-q', '--length', '2500', '--seed', '8']).stdout.toString())[0]!.sequence).not.toBe(one!.sequence);

    // several genomes continue one stream of draws: the first is the one above
    expect(seqcoder(['generate', '-q', '-n', '3', '--length', '2500', '--seed', '7', '--line-width', '60', '-o', 'three.fa']).code).toBe(0);
    const three = records(readFileSync(join(dir, 'three.fa'), 'utf8'));
    expect(three.map((r) => r.header)).toEqual([1, 2, 3].map((i) => `synthetic_${i} genome-vae-chlamydia seed=7 length=2500`));
    expect(three[0]!.sequence).toBe(one!.sequence);
    expect(new Set(three.map((r) => r.sequence)).size).toBe(3);
    expect(three[0]!.lines[0]).toHaveLength(60);
  });

  it('refuses a missing or impossible length, count or seed, and an unknown model', () => {
    for (const args of [[], ['--length', '0'], ['--length', '2G'], ['--length', 'x'], ['--length', '10', '-n', '0'], ['--length', '10', '--seed', '-1'], ['--length', '10', '--seed', '1.5'], ['--length', '10', '--line-width', '0']]) {
      const r = seqcoder(['generate', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout.length).toBe(0);
    }
    const r = seqcoder(['generate', '--length', '10', '--model', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no generator "none"/);
  });
});
