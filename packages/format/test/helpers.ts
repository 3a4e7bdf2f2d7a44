import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress as zstd } from 'zstd-napi';
import type { ZstdCompress } from '../src/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__');

/** The native compressor, as the CLI uses it; readers still decode with fzstd. */
export const zstdCompress: ZstdCompress = (data, level) => zstd(data, { compressionLevel: level });

export function fixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, ...parts)));
}

/** Splits bytes into pieces of `size` (to exercise streaming boundaries). */
export function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/**
 * A deliberately naive reference: each record's residues (sequence bytes without header line
 * and line terminators), computed line by line as the FASTA model defines them.
 */
export function referenceResidues(bytes: Uint8Array): Uint8Array[] {
  const text = Buffer.from(bytes).toString('latin1');
  const records: string[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, i) => {
    const terminated = i < lines.length - 1 || text.endsWith('\n');
    const content = terminated && line.endsWith('\r') ? line.slice(0, -1) : line;
    if (line.startsWith('>')) {
      records.push('');
    } else {
      if (records.length === 0) records.push('');
      records[records.length - 1] += content;
    }
  });
  return records.map((r) => new Uint8Array(Buffer.from(r, 'latin1')));
}

export async function collect(it: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of it) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

/** xorshift32: reproducible pseudo-random numbers for property tests. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Payloads of the sequence frames (type 2) of a container, in order. */
export function sequenceFrames(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 16; at < file.length; ) {
    const length = view.getUint32(at + 2, true);
    if (file[at] === 2) out.push(file.subarray(at + 10, at + 10 + length));
    at += 10 + length;
  }
  return out;
}

/** What a sequence frame's codec coded: its payload after the codec id and the base count (two varints). */
export function codedPayload(frame: Uint8Array): Uint8Array {
  let p = 0;
  for (let varints = 0; varints < 2; p++) if (frame[p]! < 0x80) varints++;
  return frame.subarray(p);
}
