/**
 * The bench end to end on a small corpus: its figures are what `seqcoder info --json` reports for
 * the same files, its sizes do not change between runs, and a tool that loses data is marked FAIL.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchReport } from '../src/report.js';

const here = dirname(fileURLToPath(import.meta.url));
const bench = resolve(here, '..', 'dist', 'bench.js');
const cli = join(dirname(createRequire(import.meta.url).resolve('seqcoder/package.json')), 'dist', 'cli.js');
const lambda = resolve(here, '..', '..', '..', 'examples', 'lambda_virus.fa');

/** A FASTA with two records, 60-column lines, a lower-case run and an N run (deterministic). */
function syntheticFasta(seed: number, lengths: number[]): string {
  let x = seed;
  const base = () => 'ACGT'[((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3];
  return lengths
    .map((n, r) => {
      let s = Array.from({ length: n }, base).join('');
      s = `${s.slice(0, 100)}${s.slice(100, 180).toLowerCase()}${'N'.repeat(40)}${s.slice(220)}`;
      return `>record_${r} synthetic\n${s.replace(/(.{60})/g, '$1\n').replace(/\n$/, '')}\n`;
    })
    .join('');
}

function runBench(args: string[]) {
  return spawnSync(process.execPath, [bench, ...args], { encoding: 'utf8', timeout: 120_000 });
}

function seqcoderInfo(file: string | string[], codec: string, level: number, scratch: string) {
  const out = join(scratch, 'check.seqc');
  const c = spawnSync(process.execPath, [cli, 'compress', '-q', '-f', '--codec', codec, '--level', String(level), '-o', out, ...[file].flat()]);
  expect(c.status, c.stderr?.toString()).toBe(0);
  const info = spawnSync(process.execPath, [cli, 'info', '--json', out], { encoding: 'utf8' });
  expect(info.status, info.stderr).toBe(0);
  return JSON.parse(info.stdout) as { compressedBytes: number; residues: number; ratio: number; bitsPerBase: number };
}

let root: string;
let corpus: string;
let first: BenchReport;
let markdown: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'seqcoder-bench-test-'));
  corpus = join(root, 'corpus');
  mkdirSync(join(corpus, 'genomes'), { recursive: true });
  mkdirSync(join(corpus, 'collections', 'pair'), { recursive: true });
  copyFileSync(lambda, join(corpus, 'genomes', 'lambda.fa'));
  writeFileSync(join(corpus, 'genomes', 'synthetic.fa'), syntheticFasta(7, [5000, 1200]));
  writeFileSync(join(corpus, 'collections', 'pair', 'a.fa'), syntheticFasta(11, [3000]));
  writeFileSync(join(corpus, 'collections', 'pair', 'b.fa'), syntheticFasta(13, [2500, 700]));
  const r = runBench(['--corpus', corpus, '--codecs', 'pack,cm:1', '--tools', 'gzip', '--jobs', '2', '--out', join(root, 'out1')]);
  expect(r.status, r.stderr).toBe(0);
  first = JSON.parse(readFileSync(join(root, 'out1', 'bench.json'), 'utf8')) as BenchReport;
  markdown = readFileSync(join(root, 'out1', 'README.md'), 'utf8');
}, 180_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('pnpm bench', () => {
  it('runs every tool on every input and verifies every round trip', () => {
    // 2 genomes + 1 collection three times (concatenated, separate, one archive of its files) = 5 inputs; 3 tools each
    expect(first.measurements).toHaveLength(15);
    expect(first.measurements.every((m) => m.roundTrip === 'ok')).toBe(true);
    expect(first.tools.map((t) => t.label)).toEqual(['SeqCoder pack', 'SeqCoder cm L1', 'gzip -9']);
  });

  it('reports the sizes, ratios and bits per base that seqcoder info --json reports', () => {
    const scratch = join(root, 'scratch');
    mkdirSync(scratch, { recursive: true });
    const singles = first.measurements.filter((m) => m.kind === 'seqcoder' && m.mode !== 'separate' && m.mode !== 'archive');
    expect(singles.length).toBe(6);
    const pair = join(scratch, 'pair.fa');
    writeFileSync(pair, Buffer.concat(['a.fa', 'b.fa'].map((f) => readFileSync(join(corpus, 'collections', 'pair', f)))));
    for (const m of singles) {
      const file = m.mode === 'concatenated' ? pair : join(corpus, 'genomes', `${m.name}.fa`);
      const info = seqcoderInfo(file, m.codec!, m.level!, scratch);
      expect(m.compressedBytes).toBe(info.compressedBytes);
      expect(m.residues).toBe(info.residues);
      expect(m.ratio).toBeCloseTo(info.ratio, 12);
      expect(m.bitsPerBase).toBeCloseTo(info.bitsPerBase, 12);
      // and the Markdown shows those numbers
      const prefix = m.mode ? `| ${m.name} | ${m.mode} | 1 | ${m.label} |` : `| ${m.name} | ${m.label} |`;
      const row = markdown.split('\n').find((l) => l.startsWith(prefix));
      expect(row).toContain(`| ${info.compressedBytes.toLocaleString('en-US')} |`);
      expect(row).toContain(`| ${info.ratio.toFixed(4)} |`);
      expect(row).toContain(`| ${info.bitsPerBase.toFixed(4)} |`);
    }
    // one archive of the files: what `seqcoder compress -o` writes for them, shown in the archive table
    const archives = first.measurements.filter((x) => x.kind === 'seqcoder' && x.mode === 'archive');
    expect(archives).toHaveLength(2);
    for (const m of archives) {
      const info = seqcoderInfo(['a.fa', 'b.fa'].map((f) => join(corpus, 'collections', 'pair', f)), m.codec!, m.level!, scratch);
      expect(m.compressedBytes).toBe(info.compressedBytes);
      expect(m.bitsPerBase).toBeCloseTo(info.bitsPerBase, 12);
      // its first and last file extracted alone (each compared with its original by the bench)
      expect(m.extractSeconds?.first).toBeGreaterThan(0);
      expect(m.extractSeconds?.last).toBeGreaterThan(0);
    }
    expect(markdown).toMatch(/### The files of each collection in one archive/);
    expect(markdown).toMatch(/### Extracting one file of the archive/);
    // separate files: the sum of what info reports for each part
    for (const m of first.measurements.filter((x) => x.kind === 'seqcoder' && x.mode === 'separate')) {
      const parts = ['a.fa', 'b.fa'].map((f) => seqcoderInfo(join(corpus, 'collections', 'pair', f), m.codec!, m.level!, scratch));
      expect(m.compressedBytes).toBe(parts[0].compressedBytes + parts[1].compressedBytes);
      expect(m.residues).toBe(parts[0].residues + parts[1].residues);
    }
  });

  it('writes SVG plots linked from the Markdown', () => {
    for (const svg of ['bits-per-base.svg', 'ratio-vs-speed.svg', 'collections.svg']) {
      expect(readFileSync(join(root, 'out1', svg), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(markdown).toContain(`](${svg})`);
    }
  });

  it('gives the same sizes when run again', () => {
    const r = runBench(['--corpus', corpus, '--codecs', 'pack,cm:1', '--tools', 'gzip', '--jobs', '1', '--out', join(root, 'out2')]);
    expect(r.status, r.stderr).toBe(0);
    const second = JSON.parse(readFileSync(join(root, 'out2', 'bench.json'), 'utf8')) as BenchReport;
    const sizes = (rep: BenchReport) => rep.measurements.map((m) => [m.input, m.tool, m.compressedBytes, m.residues]);
    expect(sizes(second)).toEqual(sizes(first));
  }, 120_000);

  it('marks a tool whose output does not round-trip as FAIL, keeps its row and exits 1', () => {
    const lossy = 'lossy::gzip -c {in} > {out}::gzip -dc {in} | tr T A > {out}';
    const r = runBench(['--corpus', corpus, '--sets', 'genomes', '--codecs', 'none', '--tools', 'none', '--tool', lossy, '--out', join(root, 'out3')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/round trip\(s\) FAILED/);
    const report = JSON.parse(readFileSync(join(root, 'out3', 'bench.json'), 'utf8')) as BenchReport;
    expect(report.measurements.map((m) => m.roundTrip)).toEqual(['FAIL', 'FAIL']);
    expect(readFileSync(join(root, 'out3', 'README.md'), 'utf8')).toMatch(/\| lossy \|.*\*\*FAIL\*\*: .*differs from the original/);
  }, 60_000);

  it('stops at once on SIGTERM, killing its children and removing its temporary files', async () => {
    const tmp = mkdtempSync(join(root, 'tmp-'));
    const child = spawn(
      process.execPath,
      [bench, '--corpus', corpus, '--sets', 'genomes', '--codecs', 'none', '--tools', 'none', '--tool', 'slow::sleep 60; cp {in} {out}::cp {in} {out}', '--jobs', '2', '--out', join(root, 'out4')],
      { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' },
    );
    // wait until the measurements run: the inputs folder and a scratch folder per `sleep`
    for (let waited = 0; readdirSync(tmp).length < 3 && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(tmp).length).toBe(3);
    const started = Date.now();
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.on('exit', r));
    expect(code).toBe(143);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses a bad command line with exit code 2 and a reason', () => {
    for (const [args, reason] of [
      [['--repeat', '0'], /--repeat wants a positive integer/],
      [['--codecs', 'nope'], /nope/],
      [['--tools', 'lz4'], /unknown peer "lz4"/],
      [['--sets', 'dna'], /unknown set dna/],
      [['--frobnicate'], /frobnicate/],
    ] as const) {
      const r = runBench([...args, '--corpus', corpus, '--out', join(root, 'never')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(reason);
    }
  });
});
