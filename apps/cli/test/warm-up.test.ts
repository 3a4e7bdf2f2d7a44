/**
 * The warm-up before an archive of many genomes (ADR 0039): its sample is the same on every run and
 * compresses like any collection, it leaves nothing behind, and the archive that follows (made or
 * appended to) is the same bytes with it and without it (where no temporary folder can be made).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compressFiles } from '@seqcoder/format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeTemporaries } from '../src/io.js';
import { sampleFiles, WARM_UP_MIN_BYTES, warmsUp, withSample } from '../src/warm-up.js';
import { zstdCompress } from '../src/zstd.js';
import { CLI, runCli, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-warm-up-test-');
let dir = '';
beforeEach(() => (dir = folders.current()));

/** A seeded genome of `length` bases and `count - 1` copies with a few substitutions each. */
function strains(count: number, length: number): Buffer[] {
  let x = 2024;
  const next = () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) & 3;
  const genome = Array.from({ length }, () => 'ACGT'[next()]!);
  return Array.from({ length: count }, (_, k) => {
    const s = [...genome];
    for (let i = 0; i < 50 * k; i++) s[(i * 7919 + k * 104729) % length] = 'ACGT'[next()]!;
    return Buffer.from(`>strain${k}\n${s.join('').replace(/.{1,70}/g, '$&\n')}`);
  });
}

describe('the warm-up sample', () => {
  it('is five FASTA files of relatives, the same bytes on every call', () => {
    const files = sampleFiles();
    expect(files.map((f) => f.name)).toEqual(['sample-1.fa', 'sample-2.fa', 'sample-3.fa', 'sample-4.fa', 'sample-5.fa']);
    expect(sampleFiles()).toEqual(files);
    for (const { content } of files) {
      const text = content.toString('latin1');
      expect(text).toMatch(/^(>sample-\d\.\d\n([ACGT]{80}\n)*[ACGT]{1,80}\n)+$/);
      expect(content.length).toBeGreaterThan(2500);
      expect(content.length).toBeLessThan(5000);
    }
    // relatives, not copies: each differs from the first genome
    const bases = files.map((f) => f.content.toString('latin1').split('\n').filter((l) => !l.startsWith('>')).join(''));
    for (const other of bases.slice(1)) expect(other).not.toBe(bases[0]);
  });

  it('compresses and comes back byte for byte through the command, as the warm-up runs it', () => {
    const names = sampleFiles().map((f) => {
      writeFileSync(join(dir, f.name), f.content);
      return f.name;
    });
    expect(runCli(dir, ['compress', '-q', '--verify', '-o', 'sample.seqc', ...names]).code).toBe(0);
    mkdirSync(join(dir, 'out'));
    expect(runCli(dir, ['decompress', 'sample.seqc', '-C', 'out']).code).toBe(0);
    for (const f of sampleFiles()) expect(readFileSync(join(dir, 'out', f.name))).toEqual(f.content);
  });
});

describe('withSample', () => {
  const tmp = process.env.TMPDIR;
  afterEach(() => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
  });

  it('writes the sample into a new folder of the temporary folder and removes it after, also when the work fails', async () => {
    process.env.TMPDIR = dir;
    let seen: string[] = [];
    await withSample(async (paths, output) => {
      seen = paths;
      expect(paths.map((p) => readFileSync(p))).toEqual(sampleFiles().map((f) => f.content));
      expect(join(output, '..')).toBe(join(paths[0]!, '..'));
      expect(join(paths[0]!, '..', '..')).toBe(dir);
    });
    expect(seen).toHaveLength(5);
    expect(existsSync(join(seen[0]!, '..'))).toBe(false);
    await expect(withSample(async () => Promise.reject(new Error('no room')))).rejects.toThrow('no room');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is removed by what an interruption runs (removeTemporaries), before the work ends', async () => {
    process.env.TMPDIR = dir;
    await withSample(async (paths) => {
      expect(readdirSync(dir)).toHaveLength(1);
      removeTemporaries(); // what the SIGINT handler runs before it exits
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(paths[0]!)).toBe(false);
    });
  });
});

describe('warmsUp', () => {
  it('warms up archives of the ref codec from WARM_UP_MIN_BYTES on', () => {
    expect(warmsUp(WARM_UP_MIN_BYTES, 2, 'ref')).toBe(true);
    expect(warmsUp(WARM_UP_MIN_BYTES - 1, 2, 'ref')).toBe(false);
    expect(warmsUp(WARM_UP_MIN_BYTES, 2, 'cm')).toBe(false);
  });
});

describe('an archive after the warm-up', () => {
  it('is the bytes the library writes, with the warm-up and where it cannot run, appended to as well, and leaves the temporary folder empty', async () => {
    const genomes = strains(6, 200_000);
    expect(genomes.reduce((n, g) => n + g.length, 0)).toBeGreaterThan(WARM_UP_MIN_BYTES);
    const names = genomes.map((g, k) => {
      writeFileSync(join(dir, `g${k}.fa`), g);
      return `g${k}.fa`;
    });
    const parts: Uint8Array[] = [];
    for await (const p of compressFiles(names.map((name, k) => ({ name, content: [genomes[k]!] })), { zstd: zstdCompress })) parts.push(p);
    const expected = Buffer.concat(parts);

    mkdirSync(join(dir, 'tmp'));
    writeFileSync(join(dir, 'not-a-folder'), '');
    for (const tmp of ['tmp', 'not-a-folder']) {
      const r = spawnSync(process.execPath, [CLI, 'compress', '-q', '--verify', '-o', `${tmp}.seqc`, ...names], { cwd: dir, env: { ...process.env, TMPDIR: join(dir, tmp) } });
      expect(r.status, r.stderr.toString()).toBe(0);
      expect(readFileSync(join(dir, `${tmp}.seqc`)), tmp).toEqual(expected);
    }
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);

    // append warms up too (it decodes the group it continues): the same bytes with and without
    const more = strains(8, 200_000).slice(6);
    more.forEach((g, k) => writeFileSync(join(dir, `more${k}.fa`), g));
    for (const tmp of ['tmp', 'not-a-folder']) {
      const r = spawnSync(process.execPath, [CLI, 'append', '-q', '--verify', `${tmp}.seqc`, 'more0.fa', 'more1.fa'], { cwd: dir, env: { ...process.env, TMPDIR: join(dir, tmp) } });
      expect(r.status, r.stderr.toString()).toBe(0);
    }
    expect(readFileSync(join(dir, 'tmp.seqc'))).toEqual(readFileSync(join(dir, 'not-a-folder.seqc')));
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });
});
