/**
 * The bytes a reference group shares between its records: `varint literalCount`, then the `cm`
 * payload of the group's literal bases (every base no match explained, in record order).
 */
import { CodedStreamError } from '../errors.js';
import type { DifferenceSites } from './tokens.js';

/**
 * What a finished group leaves to a group that continues it (FORMAT.md, "Groups"): every base of
 * its history (its own records after those of the groups it continued) and its difference sites.
 * Opaque to the format: it only passes it from one group to the next.
 */
export interface RefHistory {
  readonly bases: Uint8Array;
  readonly sites: DifferenceSites;
}

export function writeSharedHead(literalCount: number, cm: Uint8Array): Uint8Array {
  const head: number[] = [];
  let v = literalCount;
  while (v >= 0x80) {
    head.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  head.push(v);
  const out = new Uint8Array(head.length + cm.length);
  out.set(head);
  out.set(cm, head.length);
  return out;
}

export function readSharedHead(shared: Uint8Array): { literalCount: number; cm: Uint8Array } {
  let value = 0;
  for (let i = 0; i < 7; i++) {
    if (i >= shared.length) break;
    const byte = shared[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { literalCount: value, cm: shared.subarray(i + 1) };
  }
  throw new CodedStreamError('reference group stream: bad literal count');
}
