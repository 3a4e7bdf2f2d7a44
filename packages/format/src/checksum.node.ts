/**
 * The native CRC32C for Node: `@node-rs/crc32` (an optional dependency with prebuilt binaries
 * for each platform). Where it is missing or fails to load, the portable one stays in use.
 */
import { createRequire } from 'node:module';
import type { Crc32cFunction } from './checksum.js';

/** The native CRC32C, or undefined when it cannot be loaded on this machine. */
export function nativeCrc32c(): Crc32cFunction | undefined {
  try {
    const { crc32c } = createRequire(import.meta.url)('@node-rs/crc32') as {
      crc32c(input: Uint8Array, initialState?: number): number;
    };
    // Checked once against a known value, so a broken binary cannot write wrong checksums.
    if (crc32c(new TextEncoder().encode('123456789'), 0) !== 0xe3069283) return undefined;
    return (data, previous) => crc32c(data, previous >>> 0) >>> 0;
  } catch {
    return undefined;
  }
}
