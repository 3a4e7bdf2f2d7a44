/**
 * `seqcoder sketch` and the MinHash behind it: the same k-mer set gives the same sketch whatever
 * the strand, case, line layout or gzip; anything but ACGT breaks k-mers; the distance of a
 * mutated copy follows its divergence; bad input fails clearly.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jaccard, mashDistance, radixSort, Sketcher } from '../src/minhash.js';
import { CLI, runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-sketch-');

/** A seeded random sequence (a linear congruential generator: the test needs no quality). */
function randomBases(n: number, seed: number): string {
  let x = seed;
  let out = '';
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += 'ACGT'[x >>> 30];
  }
  return out;
}

function reverseComplement(s: string): string {
  return [...s].reverse().map((c) => ({ A: 'T', C: 'G', G: 'C', T: 'A' })[c as 'A']).join('');
}

function sketch(text: string, k = 21, size = 200, sample = 1) {
  const s = new Sketcher(k, size, sample);
  s.update(new TextEncoder().encode(text));
  return s.digest();
}

describe('MinHash sketches', () => {
  const genome = randomBases(50_000, 1);

  it('ignores strand, case, line layout and headers, and counts the bases', () => {
    const plain = sketch(`>a\n${genome}\n`);
    expect(plain.bases).toBe(50_000);
    expect(plain.hashes).toHaveLength(200);
    expect([...plain.hashes].sort((a, b) => a - b)).toEqual(plain.hashes);
    expect(sketch(`>other name\r\n${reverseComplement(genome).toLowerCase().replace(/(.{70})/g, '$1\r\n')}\r\n`).hashes).toEqual(plain.hashes);
    // pieces of any size give the same sketch
    const s = new Sketcher(21, 200);
    const bytes = new TextEncoder().encode(`>a\n${genome}\n`);
    for (let at = 0; at < bytes.length; at += 777) s.update(bytes.subarray(at, at + 777));
    expect(s.digest()).toEqual(plain);
  });

  it('gives the hashes it always gave, however the input is cut (inside headers, between CR and LF)', () => {
    // records with CRLF and LF ends, a blank line, lower case, an N run, '>' inside a line, an
    // empty record and no final newline. The pinned values were computed before the canonical
    // k-mer was chosen without a branch and the smallest hashes kept in a sorted buffer (ADR 0017):
    // sketches kept by the scale workflow stay comparable with new ones
    const text = `>one record\r\n${genome.slice(0, 20000).toLowerCase().replace(/(.{61})/g, '$1\r\n')}\r\n\n>two > not a header\n${genome.slice(20000, 35000)}NNNN${genome.slice(35000)}\n>empty\n>three, no final newline\n${genome.slice(1000, 3000)}`;
    const whole = sketch(text);
    expect(whole.bases).toBe(52_000);
    expect(whole.hashes.slice(0, 4)).toEqual([2993, 22254, 32583, 72579]);
    expect(whole.hashes.at(-1)).toBe(8474845);
    const bytes = new TextEncoder().encode(text);
    for (const piece of [1, 2, 3, 13, 61, 62, 63, 4096]) {
      const s = new Sketcher(21, 200);
      for (let at = 0; at < bytes.length; at += piece) s.update(bytes.subarray(at, at + piece));
      expect(s.digest(), `pieces of ${piece}`).toEqual(whole);
    }
  });

  it('breaks k-mers at any other letter and at record boundaries', () => {
    expect(sketch('>a\nACGTACGTAC\n', 11).hashes).toEqual([]);
    expect(sketch('>a\nACGTANCGTAC\n', 6).hashes).toEqual(sketch('>a\nACGTA\n>b\nCGTAC\n', 6).hashes);
    expect(sketch('>a\nACGTACGTACG\n', 11).hashes).toHaveLength(1);
    expect(sketch('', 21).bases).toBe(0);
  });

  it('works for every k from 1 to 31 (codes in one or two halves)', () => {
    for (const k of [1, 5, 15, 16, 17, 21, 31]) {
      const a = sketch(genome, k);
      expect(a.hashes.length, `k=${k}`).toBe(Math.min(200, k === 1 ? 2 : 200));
      expect(sketch(reverseComplement(genome), k).hashes, `k=${k}`).toEqual(a.hashes);
    }
    expect(() => new Sketcher(32)).toThrow(RangeError);
  });

  it('samples one k-mer in n: a subset of the full sketch, the same on both strands and in any pieces, for every k', () => {
    const text = `>a\n${genome.slice(0, 30000)}NN${genome.slice(30000).toLowerCase().replace(/(.{61})/g, '$1\r\n')}\n>b\n${genome.slice(0, 5000)}\n`;
    for (const k of [1, 5, 15, 16, 17, 21, 31]) {
      // every k-mer's hash (a size larger than the k-mers), and the sampled ones
      const all = new Set(sketch(text, k, 1 << 17).hashes);
      for (const n of [2, 32]) {
        const sampled = sketch(text, k, 1 << 17, n);
        expect(sampled.bases, `k=${k}`).toBe(55_000);
        // each sampled hash is the hash of a k-mer there (the rebuilt high halves are right) ...
        expect(sampled.hashes.filter((h) => !all.has(h)), `k=${k}, sample ${n}`).toEqual([]);
        // ... and about one in n of them is sampled
        if (all.size > 1000) expect(Math.abs(sampled.hashes.length * n - all.size) / all.size, `k=${k}, sample ${n}`).toBeLessThan(0.15);
        // the reverse complement, another layout, pieces of any size: the same sketch
        expect(sketch(`>r\n${reverseComplement(genome.slice(0, 5000))}\n>s\n${reverseComplement(genome.slice(30000))}\n>t\n${reverseComplement(genome.slice(0, 30000))}\n`, k, 1 << 17, n).hashes).toEqual(sampled.hashes);
        const s = new Sketcher(k, 1 << 17, n);
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 61) s.update(bytes.subarray(at, at + 61));
        expect(s.digest(), `k=${k}, sample ${n}, in pieces`).toEqual(sampled);
      }
    }
    // the smallest `size` of the sampled hashes
    const full = sketch(text, 21, 1 << 17, 32).hashes;
    expect(sketch(text, 21, 100, 32).hashes).toEqual(full.slice(0, 100));
    expect(() => new Sketcher(21, 100, 3)).toThrow(RangeError);
    expect(() => new Sketcher(21, 100, 0)).toThrow(RangeError);
  });

  it('takes a piece larger than the kernel\'s window (16 MiB) as it takes small ones', () => {
    const bytes = new Uint8Array(17 << 20);
    let x = 3;
    for (let i = 0; i < bytes.length; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      bytes[i] = i % 81 === 80 ? 10 : 'ACGT'.charCodeAt(x >>> 30); // lines of 80
    }
    bytes.set(new TextEncoder().encode('\n>a header across the window\n'), (16 << 20) - 10);
    const whole = new Sketcher(21, 500, 32);
    whole.update(bytes);
    const pieces = new Sketcher(21, 500, 32);
    for (let at = 0; at < bytes.length; at += 1 << 20) pieces.update(bytes.subarray(at, at + (1 << 20)));
    expect(whole.digest()).toEqual(pieces.digest());
    expect(whole.digest().hashes).toHaveLength(500);
  });

  it('runs the kernel that assembly/sketch.ts compiles to (src/sketch-wasm.ts is up to date)', async () => {
    const { compileKernel, kernelTarget } = await import('../../../scripts/build-wasm.mjs');
    expect(await compileKernel('sketch'), 'run pnpm build:wasm').toBe(readFileSync(kernelTarget('sketch'), 'utf8'));
  }, 60_000);

  it('sorts the kept hashes as a sort of numbers does (radixSort), repeats and both ends of the range included', () => {
    let x = 7;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    for (const n of [0, 1, 2, 255, 256, 1000, 2000]) {
      const values = Uint32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? [0, 0xffffffff, 0x7fffffff, 256][i % 4]! : i % 5 === 0 ? next() >>> 20 : next()));
      const expected = values.slice().sort();
      radixSort(values, new Uint32Array(n));
      expect(values).toEqual(expected);
    }
  });

  it('estimates the distance of a mutated copy from its divergence', () => {
    const size = 1000;
    const a = new Sketcher(21, size);
    a.update(new TextEncoder().encode(randomBases(400_000, 5)));
    const source = randomBases(400_000, 5);
    let x = 9;
    const mutated = [...source]
      .map((c) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x / 2 ** 32 < 0.01 ? (c === 'A' ? 'C' : 'A') : c;
      })
      .join('');
    const b = new Sketcher(21, size);
    b.update(new TextEncoder().encode(mutated));
    const d = mashDistance(jaccard(a.digest().hashes, b.digest().hashes, size), 21);
    expect(d).toBeGreaterThan(0.006);
    expect(d).toBeLessThan(0.014);
    expect(mashDistance(jaccard(a.digest().hashes, a.digest().hashes, size), 21)).toBe(0);
    expect(mashDistance(jaccard(a.digest().hashes, sketch(randomBases(400_000, 77), 21, size).hashes, size), 21)).toBe(1);
    // one k-mer in 32 (the scale workflow's sketches): the same estimate, as noisy
    const sampled = (text: string) => sketch(text, 21, size, 32).hashes;
    const ds = mashDistance(jaccard(sampled(source), sampled(mutated), size), 21);
    expect(ds).toBeGreaterThan(0.006);
    expect(ds).toBeLessThan(0.014);
  });
});

describe('seqcoder sketch', () => {
  it('writes one JSON line per file; gzip and plain give the same sketch; an empty file has none', () => {
    const dir = folders.current();
    const fasta = `>x\n${randomBases(5000, 3)}\n`;
    writeFileSync(join(dir, 'a.fa'), fasta);
    writeFileSync(join(dir, 'b.fa.gz'), gzipSync(fasta));
    writeFileSync(join(dir, 'empty.fa'), '');
    writeFileSync(join(dir, 'list'), 'b.fa.gz\nempty.fa\n');
    const r = runCli(dir, ['sketch', 'a.fa', '--files-from', 'list', '-s', '50', '-k', '15']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.toString().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => l.name)).toEqual(['a.fa', 'b.fa.gz', 'empty.fa']);
    expect(lines[0]).toMatchObject({ bases: 5000, kmer: 15, size: 50 });
    expect(lines[1].hashes).toEqual(lines[0].hashes);
    expect(lines[2]).toMatchObject({ bases: 0, hashes: [] });
    expect('sample' in lines[0]).toBe(false);
    // the list from standard input: here a socket, which /dev/stdin cannot open (ENXIO)
    const piped = runCli(dir, ['sketch', 'a.fa', '--files-from', '-', '-s', '50', '-k', '15'], new TextEncoder().encode('b.fa.gz\nempty.fa\n'));
    expect(piped.stdout.toString()).toBe(r.stdout.toString());
    const sampled = runCli(dir, ['sketch', 'a.fa', '--sample', '4', '-s', '50', '-k', '15']);
    expect(JSON.parse(sampled.stdout.toString())).toMatchObject({ name: 'a.fa', bases: 5000, kmer: 15, size: 50, sample: 4 });
    expect(runCli(dir, ['sketch', 'a.fa', '--sample', '6'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/power of two/) });
    expect(runCli(dir, ['sketch', 'a.fa', '-o', 'out.jsonl']).code).toBe(0);
    expect(runCli(dir, ['sketch', 'a.fa', '-o', 'out.jsonl']).code).toBe(1); // exists: -f to overwrite
  });

  it('begins each line with the file\'s size and modification time in nanoseconds with --stamps (the workflow\'s cache keeps them)', () => {
    const dir = folders.current();
    writeFileSync(join(dir, 'a.fa'), `>x\n${randomBases(5000, 3)}\n`);
    writeFileSync(join(dir, 'b.fa.gz'), gzipSync(`>y\n${randomBases(3000, 4)}\n`));
    // a time past 2^53 ns, with digits a double would round away
    utimesSync(join(dir, 'b.fa.gz'), 1_700_000_000.123456, 1_700_000_000.123456);
    const plain = runCli(dir, ['sketch', 'a.fa', 'b.fa.gz', '-s', '50']).stdout.toString().trim().split('\n');
    const r = runCli(dir, ['sketch', '--stamps', 'a.fa', 'b.fa.gz', '-s', '50']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.toString().trim().split('\n');
    expect(lines).toHaveLength(2);
    lines.forEach((line, i) => {
      const info = statSync(join(dir, ['a.fa', 'b.fa.gz'][i]!), { bigint: true });
      // first, in the order the workflow's sketch.py has always written them; the rest as without
      expect(line).toBe(`{"bytes":${info.size},"mtimeNs":${info.mtimeNs},${plain[i]!.slice(1)}`);
    });
    expect(statSync(join(dir, 'b.fa.gz'), { bigint: true }).mtimeNs > 2n ** 53n).toBe(true);
  });

  it('says what to do where virtual memory is limited (the kernel reserves address space), and works with that done', () => {
    const dir = folders.current();
    writeFileSync(join(dir, 'a.fa'), `>x\n${randomBases(5000, 3)}\n`);
    // ulimit -v in KiB: room for Node (about 1.4 GB here), not for a WebAssembly memory's reservation
    const limited = (env: Record<string, string> = {}) =>
      spawnSync('/bin/sh', ['-c', `ulimit -v 3000000 && exec "${process.execPath}" "${CLI}" sketch a.fa`], { cwd: dir, env: { ...process.env, ...env } });
    const refused = limited();
    expect(refused.status).toBe(1);
    expect(refused.stderr.toString()).toMatch(/cannot reserve the sketching kernel's memory.*NODE_OPTIONS=--disable-wasm-trap-handler/);
    // the flag is Node's from 20.15 and 22.2
    if (spawnSync(process.execPath, ['--disable-wasm-trap-handler', '-e', '0']).status !== 0) return;
    const done = limited({ NODE_OPTIONS: '--disable-wasm-trap-handler' });
    expect(done.status, done.stderr.toString()).toBe(0);
    expect(done.stdout.toString()).toBe(runCli(dir, ['sketch', 'a.fa']).stdout.toString());
  });

  it('refuses missing files, folders, no input and a k out of range', () => {
    const dir = folders.current();
    expect(runCli(dir, ['sketch', 'missing.fa'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no such file/) });
    expect(runCli(dir, ['sketch', '.'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not a regular file/) });
    expect(runCli(dir, ['sketch']).code).toBe(2);
    expect(runCli(dir, ['sketch', '-k', '40', 'x.fa'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/from 1 to 31/) });
  });
});
