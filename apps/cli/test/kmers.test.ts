/**
 * `seqcoder kmers denoise` with the shipped denoiser: reads come back in their own format, names,
 * qualities and lengths kept, the same on every run; bad input ends in a clear error. Whether the
 * network removes errors is measured by `pnpm bench:denoise`, not here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-kmers-');
let dir = '';
beforeEach(() => (dir = folders.current()));
const seqcoder = (args: string[], input?: Uint8Array) => runCli(dir, args, input);

/** Seeded reads of one random genome. */
function reads(count: number, length: number): string[] {
  let x = 2024;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
  const genome = Array.from({ length: 2000 }, () => 'ACGT'[Math.floor(next() * 4)]).join('');
  return Array.from({ length: count }, () => {
    const at = Math.floor(next() * (genome.length - length));
    return genome.slice(at, at + length);
  });
}

describe('kmers denoise', () => {
  it('writes FASTQ as FASTQ: names, + lines, qualities and lengths kept; N, case and short reads as they were', () => {
    const seqs = reads(20, 100);
    seqs[3] = seqs[3]!.slice(0, 40) + 'N' + seqs[3]!.slice(41);
    seqs[4] = seqs[4]!.toLowerCase();
    seqs[5] = 'ACGTACGTAC'; // shorter than k
    const fastq = seqs.map((s, i) => `@read${i} extra\n${s}\n${i % 2 ? '+' : `+read${i} extra`}\n${'F'.repeat(s.length)}\n`).join('');
    const r = seqcoder(['kmers', 'denoise', '-'], Buffer.from(fastq));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/20 read\(s\), 1,910 bases, [\d,]+ changed by kmer-denoiser-k31/);
    const lines = r.stdout.toString().split('\n');
    expect(lines).toHaveLength(81);
    seqs.forEach((s, i) => {
      expect(lines[4 * i]).toBe(`@read${i} extra`);
      expect(lines[4 * i + 1]).toHaveLength(s.length);
      expect(lines[4 * i + 2]).toBe(i % 2 ? '+' : `+read${i} extra`);
      expect(lines[4 * i + 3]).toBe('F'.repeat(s.length));
    });
    expect(lines[13]![40]).toBe('N');
    expect(lines[17]).toMatch(/^[acgt]+$/);
    expect(lines[21]).toBe('ACGTACGTAC');
    // the same bytes again, and from a .gz
    expect(seqcoder(['kmers', 'denoise', '-q', '-'], gzipSync(fastq)).stdout).toEqual(r.stdout);
    // natively (onnxruntime-node, or WASM with a message where it does not load): the same reads here
    const native = seqcoder(['kmers', 'denoise', '-q', '--runtime', 'onnx', '-'], Buffer.from(fastq));
    expect(native.code).toBe(0);
    expect(native.stdout).toEqual(r.stdout);
  });

  it('writes FASTA reads one line each, and the corrected k-mers on request', () => {
    const seqs = reads(5, 90);
    const fasta = seqs.map((s, i) => `>r${i}\n${s.slice(0, 60)}\n${s.slice(60)}\n`).join('');
    const r = seqcoder(['kmers', 'denoise', '-q', '-o', 'out.fa', '--kmers', 'kmers.txt', '-'], Buffer.from(fasta));
    expect(r.code).toBe(0);
    const out = readFileSync(join(dir, 'out.fa'), 'utf8').split('\n');
    expect(out.filter((_, i) => i % 2 === 0 && i < 10)).toEqual(seqs.map((_, i) => `>r${i}`));
    const corrected = out.filter((_, i) => i % 2 === 1);
    expect(corrected.map((s) => s.length)).toEqual(seqs.map((s) => s.length));
    const kmers = readFileSync(join(dir, 'kmers.txt'), 'utf8').trim().split('\n');
    const expected = new Set<string>();
    for (const s of corrected) for (let i = 0; i + 31 <= s.length; i++) expected.add(s.slice(i, i + 31));
    expect(kmers).toEqual([...expected].sort());
  });

  it('refuses what is not DNA reads, an empty input, a k the model does not have', () => {
    const bad = (args: string[], input: string, code: number, message: RegExp) => {
      const r = seqcoder(['kmers', 'denoise', ...args, '-'], Buffer.from(input));
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message);
    };
    bad([], 'hello, world\n', 1, /line 1: not FASTA \(">name"\) or FASTQ \("@name"\)/);
    bad([], '>r\nACGTXACGT\n', 1, /line 2: "X" is not a nucleotide letter: reads must be DNA/);
    bad([], '@r\nACGT\n+\nFFF\n', 1, /line 4: the quality line is not as long as the sequence/);
    bad([], '@r\nACGT\n+\n', 1, /incomplete/);
    bad([], '', 1, /input is empty/);
    bad([], '\n\n', 1, /input is empty/);
    bad(['-k', '21'], '>r\nACGT\n', 2, /-k 21: the denoiser kmer-denoiser-k31 works on 31-mers only/);
    bad(['-k', '0'], '>r\nACGT\n', 2, /./);
    bad(['-k', '65'], '>r\nACGT\n', 2, /./);
    bad(['--model', 'none'], '>r\nACGT\n', 1, /no denoiser "none"/);
  });
});
