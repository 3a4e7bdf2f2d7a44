/**
 * The bytes a reference group shares between its records: `varint literalCount`, then the `cm`
 * payload of the group's literal bases (every base no match explained, in record order).
 */
import { readVarint, writeVarint } from '../varint.js';
import type { Sites } from './sites.js';

/**
 * What a finished group leaves to a group that continues it (FORMAT.md, "Groups"): every base of
 * its history (its own records after those of the groups it continued) and its difference sites.
 * Opaque to the format: it only passes it from one group to the next.
 */
export interface RefHistory {
  readonly bases: Uint8Array;
  readonly sites: Sites;
}

export function writeSharedHead(literalCount: number, cm: Uint8Array): Uint8Array {
  const head: number[] = [];
  writeVarint(head, literalCount);
  const out = new Uint8Array(head.length + cm.length);
  out.set(head);
  out.set(cm, head.length);
  return out;
}

export function readSharedHead(shared: Uint8Array): { literalCount: number; cm: Uint8Array } {
  const { value, next } = readVarint(shared, 0, 'reference group stream: bad literal count');
  return { literalCount: value, cm: shared.subarray(next) };
}
