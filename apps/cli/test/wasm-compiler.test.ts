/** baselineOnly: which commands and inputs run WebAssembly on baseline code (wasm-compiler.ts). */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MAGIC } from '@seqcoder/format';
import { baselineOnly, BASELINE_ONLY_BYTES } from '../src/wasm-compiler.js';
import { CLI, testFolders } from './helpers.js';

const folders = testFolders('seqcoder-wasm-compiler-');

/** A file of `bytes` bytes in the test's folder, starting with `head`. */
function file(name: string, bytes: number, head: Uint8Array = new TextEncoder().encode('>r\n')): string {
  const data = new Uint8Array(bytes).fill(0x41);
  data.set(head.subarray(0, bytes));
  const path = join(folders.current(), name);
  writeFileSync(path, data);
  return path;
}

describe('baselineOnly', () => {
  it('takes small FASTA to compress with a neural codec, up to the limit in all', () => {
    const half = BASELINE_ONLY_BYTES.fasta / 2;
    for (const codec of ['deepgeco', 'seqcoder', 'seqcoder-classic']) expect(baselineOnly('compress', [file('a.fa', 1000)], { codec })).toBe(true);
    expect(baselineOnly('compress', [file('b.fa', half), file('c.fa', half)], { codec: 'deepgeco' })).toBe(true);
    expect(baselineOnly('compress', [file('d.fa', half), file('e.fa', half + 1)], { codec: 'deepgeco' })).toBe(false);
  });

  it('leaves compress with any other codec to the default: it runs no network', () => {
    const fasta = file('a.fa', 1000);
    expect(baselineOnly('compress', [fasta])).toBe(false);
    for (const codec of ['cm', 'ref', 'pack']) expect(baselineOnly('compress', [fasta], { codec })).toBe(false);
  });

  it('takes small archives to decode, known by their magic, not a catalogue or other files', () => {
    const archive = file('a.seqc', 1000, MAGIC);
    for (const command of ['decompress', 'cat', 'verify']) expect(baselineOnly(command, [archive])).toBe(true);
    expect(baselineOnly('cat', [file('big.seqc', BASELINE_ONLY_BYTES.archive + 1, MAGIC)])).toBe(false);
    expect(baselineOnly('decompress', [file('catalogue.tsv', 100, new TextEncoder().encode('genome\t'))])).toBe(false);
  });

  it('leaves inputs of unknown size to the default: stdin, gzip, folders, --files-from, missing files', () => {
    const fasta = file('a.fa', 1000);
    const codec = 'deepgeco';
    expect(baselineOnly('compress', ['-'], { codec })).toBe(false);
    expect(baselineOnly('compress', [fasta, '-'], { codec })).toBe(false);
    const gz = join(folders.current(), 'a.fa.gz');
    writeFileSync(gz, gzipSync(new Uint8Array(1000).fill(0x41)));
    expect(baselineOnly('compress', [gz], { codec })).toBe(false);
    expect(baselineOnly('compress', [folders.current()], { codec })).toBe(false);
    expect(baselineOnly('compress', [fasta], { filesFrom: 'list.txt', codec })).toBe(false);
    expect(baselineOnly('compress', [join(folders.current(), 'missing.fa')], { codec })).toBe(false);
    expect(baselineOnly('compress', [], { codec })).toBe(false);
  });

  it('leaves every other command to the default', () => {
    const fasta = file('a.fa', 1000);
    for (const command of ['sketch', 'append', 'get', 'info', 'list', 'generate']) expect(baselineOnly(command, [fasta])).toBe(false);
  });
});

describe('a small input where WebAssembly is unavailable', () => {
  it('still compresses and decodes with cm (node --jitless has no WebAssembly)', () => {
    // the baseline-code choice of `cat` (which cannot tell the archive's codec before it reads it)
    // first compiles DeepGeCo's kernel, which must not need WebAssembly to exist
    const fasta = join(folders.current(), 'small.fa');
    writeFileSync(fasta, '>small\nACGTTGCAACGGATTACAGGCATTACGA\nGGCTA\n');
    const run = (args: string[]) => execFileSync(process.execPath, ['--jitless', CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const archive = join(folders.current(), 'small.fa.seqc');
    writeFileSync(archive, run(['compress', '-q', '-c', fasta]));
    expect(run(['cat', archive]).toString()).toBe(readFileSync(fasta, 'utf8'));
  });
});
