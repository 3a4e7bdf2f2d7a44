/**
 * Sections: `id u8, method u8, rawLength varint, storedLength varint, stored bytes`.
 * Side streams (names, layout, case, exceptions) and generic content are sections, stored raw
 * or zstd-compressed. Decoding uses fzstd (pure JS) so readers need no native module; encoding
 * takes an injected compressor so the writer stays pure TypeScript too.
 */
import { decompress as zstdDecompress } from 'fzstd';
import { ByteReader, ByteWriter } from '../bytes.js';
import { LIMITS, SectionMethod } from '../constants.js';
import { CorruptError, LimitExceededError } from '../errors.js';

/** Compresses `data` with zstd at `level`. The CLI passes zstd-napi; without one, sections are stored raw. */
export type ZstdCompress = (data: Uint8Array, level: number) => Uint8Array;

export function writeSection(
  w: ByteWriter,
  id: number,
  raw: Uint8Array,
  zstd: ZstdCompress | undefined,
  level: number,
): void {
  let method: number = SectionMethod.Raw;
  let stored = raw;
  if (zstd && raw.length > 0) {
    const packed = zstd(raw, level);
    if (packed.length < raw.length) {
      method = SectionMethod.Zstd;
      stored = packed;
    }
  }
  w.u8(id).u8(method).varint(raw.length).varint(stored.length).bytes(stored);
}

export interface Section {
  id: number;
  /** Decoded bytes. */
  data: Uint8Array;
}

/** Reads one section and decodes it, checking its declared sizes against the limits first. */
export function readSection(r: ByteReader): Section {
  const at = r.base + r.pos;
  const id = r.u8();
  const method = r.u8();
  const rawLength = r.varint();
  if (rawLength > LIMITS.maxSectionBytes) {
    throw new LimitExceededError(`section of ${rawLength} bytes exceeds the ${LIMITS.maxSectionBytes}-byte limit`, at);
  }
  const storedLength = r.varintAtMost(r.remaining, 'section length');
  const stored = r.bytes(storedLength);
  return { id, data: decodeSectionData(method, rawLength, stored, at) };
}

function decodeSectionData(method: number, rawLength: number, stored: Uint8Array, at: number): Uint8Array {
  if (method === SectionMethod.Raw) {
    if (stored.length !== rawLength) throw new CorruptError('raw section length mismatch', at);
    return stored;
  }
  if (method === SectionMethod.Zstd) {
    let out: Uint8Array;
    try {
      out = zstdDecompress(stored, new Uint8Array(rawLength));
    } catch (e) {
      throw new CorruptError(`zstd section does not decode: ${(e as Error).message}`, at);
    }
    if (out.length !== rawLength) throw new CorruptError('zstd section decodes to the wrong length', at);
    return out;
  }
  throw new CorruptError(`unknown section storage method ${method}`, at);
}
