/**
 * Unsigned LEB128 varints, as FORMAT.md defines them (7 bits a byte, least significant first, at
 * most 7 bytes), for the few numbers the residual payloads carry themselves: a reference group's
 * literal count and a cm block index.
 */
import { CodedStreamError } from './errors.js';

/** Appends `value` (a safe non-negative integer) to `out`. */
export function writeVarint(out: number[], value: number): void {
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

/** The varint at `at` and the offset after it; CodedStreamError (`what`) when it is cut or too long. */
export function readVarint(bytes: Uint8Array, at: number, what: string): { value: number; next: number } {
  let value = 0;
  for (let i = 0; i < 7 && at + i < bytes.length; i++) {
    const byte = bytes[at + i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  throw new CodedStreamError(what);
}
