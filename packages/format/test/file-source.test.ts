/**
 * The random-access source over a file (Node): small reads come from a block read around them,
 * and every read returns exactly the file's bytes there, in an array of its own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSource } from '../src/index.node.js';

const dir = mkdtempSync(join(tmpdir(), 'seqcoder-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fileSource', () => {
  // 200 kB: three blocks and a part, with bytes that tell their offset
  const bytes = new Uint8Array(200_000).map((_, i) => (i * 7 + (i >> 8)) & 255);
  const path = join(dir, 'bytes.bin');
  writeFileSync(path, bytes);

  it('reads what the file holds, however the reads fall on its blocks', async () => {
    const source = await fileSource(path);
    try {
      expect(source.size).toBe(bytes.length);
      // forwards, backwards, across a block's end, at the file's end, one long read, the start again
      const reads: [number, number][] = [[0, 24], [24, 100], [65_530, 20], [10, 5], [131_000, 70_000], [199_990, 10], [199_999, 1], [65_536, 65_536], [3, 65_535], [0, 200_000], [100_000, 0]];
      for (const [offset, length] of reads) {
        expect(await source.read(offset, length), `${length} at ${offset}`).toEqual(bytes.subarray(offset, offset + length));
      }
    } finally {
      await source.close();
    }
  });

  it('gives each read an array of its own', async () => {
    const source = await fileSource(path);
    try {
      const first = await source.read(100, 8);
      first.fill(0);
      expect(await source.read(96, 16)).toEqual(bytes.subarray(96, 112));
    } finally {
      await source.close();
    }
  });
});
