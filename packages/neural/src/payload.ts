/**
 * The part of a neural record's payload shared by both codecs (after the container's codec id and
 * base count; all integers little-endian):
 *
 * | size          | field                                                                     |
 * |---------------|---------------------------------------------------------------------------|
 * | 1             | layout version, 1                                                         |
 * | 32            | SHA-256 of the decoder graph: the model that decodes this record          |
 * | 1 + n         | n, then n ASCII bytes: the canonical runtime that computed the reconstruction, e.g. `onnxruntime-web 1.30.0` |
 * | 4 + m         | m, then m bytes: the quantised latents (@seqcoder/quantiser layout), zstd |
 * | 4 × groups    | CRC32C of the reconstruction's symbols, per group of 64 windows           |
 * | rest          | the residual, which each codec stores its own way                         |
 *
 * The reconstruction checksums make a runtime that computes different numbers (another engine
 * version or platform) fail loudly before a single base is produced from its output.
 */
import { crc32c, CorruptError } from '@seqcoder/format';
import { ModelUnavailableError, ReconstructionMismatchError } from './errors.js';
import { decompress as zstdDecompress } from 'fzstd';
import { deserialise, serialise, type Quantised } from '@seqcoder/quantiser';
import type { Engine } from './engine.js';
import { windowCount } from './windows.js';

const LAYOUT_VERSION = 1;
/** Windows per reconstruction checksum: 81,920 bases, so the checksums cost about 0.0004 bits per base. */
export const CHECK_GROUP_WINDOWS = 64;

export type ZstdCompress = (data: Uint8Array, level: number) => Uint8Array;

/**
 * zstd expands at most about 2^15-fold (an RLE block: a 3-byte header and one byte for 128 KiB).
 * A stored section declaring more than this times its own size is forged: refused before the
 * output buffer is allocated (the same rule as cm's bases per coded byte, ADR 0007).
 */
export const MAX_ZSTD_EXPANSION = 1 << 15;

export function checkExpansion(stored: Uint8Array, expected: number, what: string): void {
  if (expected > (stored.length + 1) * MAX_ZSTD_EXPANSION) {
    throw new CorruptError(`${stored.length} bytes of ${what} cannot hold the ${expected} bytes the record needs`);
  }
}

/** Decodes a zstd section that must hold exactly `expected` bytes, allocating only plausible sizes. */
export function unzstdExactly(stored: Uint8Array, expected: number, what: string): Uint8Array {
  checkExpansion(stored, expected, what);
  let out: Uint8Array;
  try {
    out = zstdDecompress(stored, new Uint8Array(expected));
  } catch (e) {
    throw new CorruptError(`${what} do not decode: ${(e as Error).message}`);
  }
  if (out.length !== expected) throw new CorruptError(`${what} decode to ${out.length} bytes, expected ${expected}`);
  return out;
}

export interface NeuralHead {
  decoderSha256: string;
  runtime: string;
  latents: Quantised;
  checksums: Uint32Array;
  /** Where the codec's residual starts. */
  residualAt: number;
}

/** A SHA-256 (or any bytes) as lower-case hex, as @seqcoder/models records them, and back. */
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
export const fromHex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g)!, (h) => parseInt(h, 16));
const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
};

/** Checksums of the reconstruction, one per group of windows. */
export function reconstructionChecksums(reconstruction: Uint8Array, K: number): Uint32Array {
  const span = CHECK_GROUP_WINDOWS * K;
  const out = new Uint32Array(Math.ceil(reconstruction.length / span));
  for (let g = 0; g < out.length; g++) out[g] = crc32c(reconstruction.subarray(g * span, (g + 1) * span));
  return out;
}

export function writeHead(engine: Engine, latents: Quantised, reconstruction: Uint8Array, zstd: ZstdCompress): Uint8Array[] {
  const runtime = new TextEncoder().encode(`${engine.decoderRuntime.engine} ${engine.decoderRuntime.version}`);
  const hash = fromHex(engine.model.decoderSha256);
  const packedLatents = zstd(serialise(latents), 22);
  const checksums = reconstructionChecksums(reconstruction, engine.model.K);
  const sums = new Uint8Array(4 * checksums.length);
  checksums.forEach((c, i) => new DataView(sums.buffer).setUint32(4 * i, c, true));
  return [Uint8Array.of(LAYOUT_VERSION), hash, Uint8Array.of(runtime.length), runtime, u32(packedLatents.length), packedLatents, sums];
}

/** Reads the shared part; every length is checked against the payload before anything is allocated. */
export function readHead(payload: Uint8Array, count: number, shapeOf: (decoderSha256: string) => { K: number; P: number } | undefined): NeuralHead {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let at = 0;
  const need = (n: number, what: string): number => {
    if (at + n > payload.length) throw new CorruptError(`neural payload ends inside its ${what}`);
    const start = at;
    at += n;
    return start;
  };
  const version = payload[need(1, 'version')]!;
  if (version !== LAYOUT_VERSION) throw new CorruptError(`neural payload layout ${version} is unknown`);
  const decoderSha256 = hex(payload.subarray(need(32, 'model hash'), at));
  const runtimeLength = payload[need(1, 'runtime name')]!;
  const runtime = new TextDecoder().decode(payload.subarray(need(runtimeLength, 'runtime name'), at));
  const shape = shapeOf(decoderSha256);
  if (!shape) {
    throw new ModelUnavailableError(
      `this record was written with the model whose decoder has SHA-256 ${decoderSha256}, which this installation of @seqcoder/models does not have`,
    );
  }
  const latentLength = view.getUint32(need(4, 'latent length'), true);
  const packed = payload.subarray(need(latentLength, 'latents'), at);
  const windows = windowCount(count, shape.K);
  const expected = 10 + 4 * shape.P + windows * shape.P * (shape.K / 16);
  const raw = unzstdExactly(packed, expected, 'latents');
  let latents: Quantised;
  try {
    latents = deserialise(raw);
  } catch (e) {
    throw new CorruptError(`latents do not decode: ${(e as Error).message}`);
  }
  if (latents.channels !== shape.P || latents.length !== shape.K / 16) {
    throw new CorruptError(`latents have ${latents.channels} × ${latents.length} values per window, the model takes ${shape.P} × ${shape.K / 16}`);
  }
  const groups = Math.ceil(windows / CHECK_GROUP_WINDOWS);
  const sumsAt = need(4 * groups, 'reconstruction checksums');
  const checksums = new Uint32Array(groups);
  for (let g = 0; g < groups; g++) checksums[g] = view.getUint32(sumsAt + 4 * g, true);
  return { decoderSha256, runtime, latents, checksums, residualAt: at };
}

/** Compares a reconstruction computed now with the encoder's checksums. */
export function checkReconstruction(head: NeuralHead, reconstruction: Uint8Array, engine: Engine): void {
  const now = reconstructionChecksums(reconstruction, engine.model.K);
  for (let g = 0; g < now.length; g++) {
    if (now[g] !== head.checksums[g]) {
      const here = `${engine.decoderRuntime.engine} ${engine.decoderRuntime.version}`;
      throw new ReconstructionMismatchError(
        `the network's reconstruction of windows ${g * CHECK_GROUP_WINDOWS}.. differs from the one recorded at compression ` +
          `(written with ${head.runtime}, decoding with ${here})${head.runtime === here ? '; the file may be damaged' : ''}`,
      );
    }
  }
}
