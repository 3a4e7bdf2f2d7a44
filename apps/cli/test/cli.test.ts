/**
 * The seqcoder command as a user runs it: the built CLI in a child process, exit codes,
 * stderr, and what is (not) left on disk.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { beforeEach, describe, expect, it } from 'vitest';
import { ROOT, runCli, testFolders } from './helpers.js';

const EXAMPLE = join(ROOT, 'examples', 'lambda_virus.fa');
const GOLDEN = join(ROOT, 'packages', 'format', 'test', '__fixtures__', 'golden', 'v1.0');
const CORRUPT = join(ROOT, 'packages', 'format', 'test', '__fixtures__', 'corrupt');

const folders = testFolders('seqcoder-cli-');
let dir = '';
beforeEach(() => (dir = folders.current())); // after testFolders' own beforeEach, which makes it

const seqcoder = (args: string[], input?: Uint8Array) => runCli(dir, args, input);

describe('round trips', () => {
  it('compress, info, verify, cat and decompress the example genome', () => {
    copyFileSync(EXAMPLE, join(dir, 'lambda.fa'));
    expect(seqcoder(['compress', 'lambda.fa']).code).toBe(0);
    expect(existsSync(join(dir, 'lambda.fa'))).toBe(true); // input kept
    const info = JSON.parse(seqcoder(['info', '--json', 'lambda.fa.seqc']).stdout.toString());
    expect(info).toMatchObject({ kind: 'fasta', originalBytes: 49270, residues: 48502 });
    expect(info.records[0]).toMatchObject({ name: expect.stringContaining('NC_001416.1'), codec: 'cm', length: 48502 });
    expect(seqcoder(['verify', 'lambda.fa.seqc']).code).toBe(0);
    expect(Buffer.compare(seqcoder(['cat', 'lambda.fa.seqc']).stdout, readFileSync(EXAMPLE))).toBe(0);
    expect(seqcoder(['decompress', '-o', 'back.fa', 'lambda.fa.seqc']).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'back.fa')), readFileSync(EXAMPLE))).toBe(0);
  });

  it('works through stdin and stdout', () => {
    const packed = seqcoder(['compress', '-c'], readFileSync(EXAMPLE));
    expect(packed.code).toBe(0);
    const back = seqcoder(['decompress', '-c'], packed.stdout);
    expect(Buffer.compare(back.stdout, readFileSync(EXAMPLE))).toBe(0);
    // verify reads stdin once, for the index and the decode (--json found it empty the second time)
    expect(seqcoder(['verify', '-'], packed.stdout)).toMatchObject({ code: 0, stderr: expect.stringMatching(/^-: OK \(1 record/) });
    const report = seqcoder(['verify', '--json', '-'], packed.stdout);
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout.toString())).toMatchObject([{ file: '-', files: [{ bytes: readFileSync(EXAMPLE).length }] }]);
  });

  it('reads .gz input as the FASTA it holds', () => {
    writeFileSync(join(dir, 'lambda.fa.gz'), gzipSync(readFileSync(EXAMPLE)));
    expect(seqcoder(['compress', 'lambda.fa.gz']).code).toBe(0);
    expect(seqcoder(['decompress', 'lambda.fa.seqc']).code).toBe(0);
    expect(Buffer.compare(readFileSync(join(dir, 'lambda.fa')), readFileSync(EXAMPLE))).toBe(0);
  });

  it('--rm removes the input only after a verified write; -f is needed to overwrite', () => {
    copyFileSync(EXAMPLE, join(dir, 'a.fa'));
    expect(seqcoder(['compress', '--rm', 'a.fa']).code).toBe(0);
    expect(existsSync(join(dir, 'a.fa'))).toBe(false);
    expect(seqcoder(['decompress', 'a.fa.seqc']).code).toBe(0);
    const again = seqcoder(['decompress', 'a.fa.seqc']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(seqcoder(['decompress', '-f', '--rm', 'a.fa.seqc']).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['a.fa']);
  });
});

describe('--threads', () => {
  it('writes the same bytes with 1 and 3 worker threads, and decodes the same with 1 and 3', () => {
    // Twelve records of a few kb: several records per chunk to share out.
    const bases = readFileSync(EXAMPLE, 'latin1').split('\n').slice(1).join('');
    const fasta = Buffer.from(Array.from({ length: 12 }, (_, i) => `>r${i}\n${bases.slice(i * 3000, i * 3000 + 2500 + i * 97)}\n`).join(''));
    const one = seqcoder(['compress', '-c', '--threads', '1'], fasta);
    const three = seqcoder(['compress', '-c', '--threads', '3', '--level', '3'], fasta);
    const oneL3 = seqcoder(['compress', '-c', '--threads', '1', '--level', '3'], fasta);
    expect([one.code, three.code, oneL3.code]).toEqual([0, 0, 0]);
    expect(Buffer.compare(three.stdout, oneL3.stdout)).toBe(0);
    expect(Buffer.compare(seqcoder(['compress', '-c', '--threads', '2'], fasta).stdout, one.stdout)).toBe(0);
    for (const threads of ['1', '3']) {
      expect(Buffer.compare(seqcoder(['cat', '--threads', threads], three.stdout).stdout, fasta)).toBe(0);
      expect(Buffer.compare(seqcoder(['decompress', '-c', '--threads', threads], one.stdout).stdout, fasta)).toBe(0);
    }
  });

  it('refuses a thread count that is not 1..64', () => {
    for (const n of ['0', '-1', '1.5', 'lots']) expect(seqcoder(['compress', '-c', '--threads', n], readFileSync(EXAMPLE)).code).toBe(2);
  });
});

describe('bad input: one line, non-zero exit, no output file', () => {
  const cases: [string, () => string[], number][] = [
    ['missing path', () => ['decompress', 'missing.seqc'], 1],
    ['a directory', () => (mkdirSync(join(dir, 'd.seqc')), ['decompress', 'd.seqc']), 1],
    ['an empty file', () => (writeFileSync(join(dir, 'e.seqc'), ''), ['decompress', 'e.seqc']), 1],
    ['an empty file to compress', () => (writeFileSync(join(dir, 'e.fa'), ''), ['compress', 'e.fa']), 1],
    ['a missing file to compress', () => ['compress', 'nothing.fa'], 1],
    ['an unknown codec', () => (copyFileSync(EXAMPLE, join(dir, 'x.fa')), ['compress', '--codec', 'zip', 'x.fa']), 2],
    ['a level out of range', () => (copyFileSync(EXAMPLE, join(dir, 'x.fa')), ['compress', '--level', '99', 'x.fa']), 2],
    ['a name without .seqc', () => (copyFileSync(EXAMPLE, join(dir, 'x.fa')), ['decompress', 'x.fa']), 2],
    [
      'a truncated .gz to compress',
      () => (writeFileSync(join(dir, 'x.fa.gz'), gzipSync(readFileSync(EXAMPLE)).subarray(0, 3000)), ['compress', 'x.fa.gz']),
      3,
    ],
  ];
  const manifest: Record<string, string> = JSON.parse(readFileSync(join(CORRUPT, 'manifest.json'), 'utf8'));
  for (const [file, code] of Object.entries(manifest)) {
    if (file === 'empty.seqc') continue; // refused before decoding, covered above
    const exit = code === 'UNSUPPORTED_VERSION' || code === 'UNSUPPORTED_FEATURE' ? 4 : 3;
    cases.push([`corrupt ${file}`, () => (copyFileSync(join(CORRUPT, file), join(dir, file)), ['decompress', file]), exit]);
  }
  for (const [what, setup, exit] of cases) {
    it(what, () => {
      const args = setup();
      const before = readdirSync(dir).sort();
      const r = seqcoder(args);
      expect(r.code).toBe(exit);
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('(run seqcoder'))).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(readdirSync(dir).sort()).toEqual(before);
    });
  }

  it('with several inputs, every command goes on past a bad one and exits with its code at the end', () => {
    copyFileSync(EXAMPLE, join(dir, 'a.fa'));
    copyFileSync(EXAMPLE, join(dir, 'b.fa'));
    const compress = seqcoder(['compress', '-q', 'a.fa', 'missing.fa', 'b.fa']);
    expect(compress.code).toBe(1);
    expect(compress.stderr).toContain('missing.fa');
    expect(existsSync(join(dir, 'a.fa.seqc')) && existsSync(join(dir, 'b.fa.seqc'))).toBe(true);

    copyFileSync(join(CORRUPT, 'record-checksum.seqc'), join(dir, 'bad.seqc')); // found when decoding
    writeFileSync(join(dir, 'junk.seqc'), 'not a SeqCoder file at all'); // found when opening
    const info = seqcoder(['info', 'a.fa.seqc', 'junk.seqc', 'b.fa.seqc']);
    expect(info.code).toBe(3);
    expect(info.stdout.toString()).toMatch(/file +a\.fa\.seqc[\s\S]*file +b\.fa\.seqc/);
    const json = seqcoder(['info', '--json', 'a.fa.seqc', 'junk.seqc', 'b.fa.seqc']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout.toString()).map((d: { file: string }) => d.file)).toEqual(['a.fa.seqc', 'b.fa.seqc']);
    const list = seqcoder(['list', 'a.fa.seqc', 'nothing.seqc']);
    expect(list.code).toBe(1);
    expect(list.stdout.toString()).toContain('a.fa.seqc: 1 file(s)');

    const cat = seqcoder(['cat', 'a.fa.seqc', 'bad.seqc', 'b.fa.seqc']);
    expect(cat.code).toBe(3);
    expect(cat.stdout.subarray(-readFileSync(EXAMPLE).length)).toEqual(readFileSync(EXAMPLE));
    for (const f of ['a.fa', 'b.fa']) rmSync(join(dir, f));
    const decompress = seqcoder(['decompress', 'a.fa.seqc', 'bad.seqc', 'b.fa.seqc']);
    expect(decompress.code).toBe(3);
    expect(decompress.stderr).toMatch(/^seqcoder: bad\.seqc: /m);
    expect(readFileSync(join(dir, 'a.fa'))).toEqual(readFileSync(EXAMPLE));
    expect(readFileSync(join(dir, 'b.fa'))).toEqual(readFileSync(EXAMPLE));
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('prints no warning of Node: files refused at opening are closed, back-pressure leaves no listener behind', () => {
    for (const file of Object.keys(JSON.parse(readFileSync(join(CORRUPT, 'manifest.json'), 'utf8')))) {
      const r = seqcoder(['verify', join(CORRUPT, file)]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toMatch(/Warning|DEP0/);
    }
    // 20 records of 200 kb: each fills the pipe, and stdout drains 20 times
    const record = (i: number) => `>r${i}\n${'ACGTTGCA'.repeat(25_000).replace(/(.{80})/g, '$1\n')}\n`;
    writeFileSync(join(dir, 'many.fa'), Array.from({ length: 20 }, (_, i) => record(i)).join(''));
    expect(seqcoder(['compress', '-q', '--codec', 'pack', 'many.fa']).code).toBe(0);
    const cat = seqcoder(['cat', 'many.fa.seqc']);
    expect(cat.code).toBe(0);
    expect(cat.stdout.length).toBe(readFileSync(join(dir, 'many.fa')).length);
    expect(cat.stderr).toBe('');
  });

  it('installs and runs from the root without package-manager warnings', () => {
    // the command's bin is a committed file, so pnpm links it before the build exists
    const pkg = JSON.parse(readFileSync(join(ROOT, 'apps', 'cli', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    const bin = join(ROOT, 'apps', 'cli', pkg.bin.seqcoder!);
    expect(bin).not.toContain(`${join('cli', 'dist')}`);
    expect(readFileSync(bin, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    // no project config that npm does not know (npm warned "Unknown project config" on every run)
    expect(existsSync(join(ROOT, '.npmrc'))).toBe(false);
    // as from a user's shell: without the npm_config_* settings pnpm passes to the scripts it runs
    // (npm warns "Unknown env config" about pnpm's own, as when the tests run through pnpm)
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
    const npx = spawnSync('npx', ['--no-install', 'seqcoder', '--version'], { cwd: ROOT, encoding: 'utf8', env });
    expect(npx.status).toBe(0);
    expect(npx.stdout).toMatch(/^0\.\d+\.\d+ \(format 1\.0 r\d+\)/);
    expect(npx.stderr).toBe('');
  });

  it('verify and cat fail the same way on damaged files', () => {
    copyFileSync(join(CORRUPT, 'record-checksum.seqc'), join(dir, 'r.seqc'));
    expect(seqcoder(['verify', 'r.seqc'])).toMatchObject({ code: 3 });
    expect(seqcoder(['cat', 'r.seqc']).code).toBe(3);
    expect(seqcoder(['info', join(GOLDEN, 'mixed.fa.seqc')]).code).toBe(0);
  });
});
