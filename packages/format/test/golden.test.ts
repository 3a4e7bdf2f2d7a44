import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decompress, decompressStream, isSeqCoderError, openArchive } from '../src/index.js';
import { collect, FIXTURES, fixture, pieces } from './helpers.js';

describe('golden files decode forever', () => {
  const dir = join(FIXTURES, 'golden', 'v1.0');
  const files = readdirSync(dir).filter((f) => f.endsWith('.seqc'));
  it('has golden files', () => expect(files.length).toBeGreaterThanOrEqual(4));
  for (const file of files) {
    it(file, async () => {
      const packed = fixture('golden', 'v1.0', file);
      const original = fixture('golden', 'v1.0', file.replace(/\.seqc$/, ''));
      expect(await decompress(packed)).toEqual(original);
      await (await openArchive(packed)).verify();
    });
  }
});

/** The error a decode of `bytes` raises through both readers (they must agree). */
async function decodeError(bytes: Uint8Array): Promise<unknown[]> {
  const errors: unknown[] = [];
  try {
    await (await openArchive(bytes)).verify();
    errors.push(undefined);
  } catch (e) {
    errors.push(e);
  }
  try {
    await collect(decompressStream(pieces(bytes, 17)));
    errors.push(undefined);
  } catch (e) {
    errors.push(e);
  }
  return errors;
}

describe('corrupt files fail with the right typed error', () => {
  const manifest: Record<string, string> = JSON.parse(readFileSync(join(FIXTURES, 'corrupt', 'manifest.json'), 'utf8'));
  for (const [file, code] of Object.entries(manifest)) {
    it(`${file} → ${code}`, async () => {
      for (const error of await decodeError(fixture('corrupt', file))) {
        expect(isSeqCoderError(error), String(error)).toBe(true);
        expect((error as { code: string }).code).toBe(code);
      }
    });
  }
});

describe('every damage to a small file is caught', () => {
  const good = fixture('golden', 'v1.0', 'mixed.fa.seqc');

  it('a cut at every byte raises TRUNCATED (or BAD_MAGIC for an empty file)', async () => {
    for (let cut = 0; cut < good.length; cut++) {
      for (const error of await decodeError(good.subarray(0, cut))) {
        expect((error as { code?: string })?.code, `cut at ${cut}`).toBe(cut === 0 ? 'BAD_MAGIC' : 'TRUNCATED');
      }
    }
  });

  it('every single bit flip raises a typed error', async () => {
    for (let byte = 0; byte < good.length; byte++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = good.slice();
        bad[byte] ^= 1 << bit;
        for (const error of await decodeError(bad)) {
          expect(isSeqCoderError(error), `flip of bit ${bit} at byte ${byte}: ${String(error)}`).toBe(true);
        }
      }
    }
  }, 120_000);
});
