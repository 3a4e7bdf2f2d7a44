/**
 * The two CRC32C routines (portable JavaScript and, in Node, the native one) must give the same
 * values: files written with one are read with the other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { crc32c, Crc32c, useCrc32c } from '../src/checksum.js';
import { nativeCrc32c } from '../src/checksum.node.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

afterEach(() => useCrc32c(undefined));

describe('CRC32C', () => {
  it('has the check value of the standard (RFC 3720)', () => {
    expect(crc32c(text('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')('loads natively on this platform', () => {
    expect(nativeCrc32c()).toBeTypeOf('function');
  });

  it('gives the same values natively and portably, whole or in pieces', () => {
    const native = nativeCrc32c();
    if (!native) return;
    let seed = 12345;
    const random = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n);
    for (let trial = 0; trial < 200; trial++) {
      const data = new Uint8Array(random(5000));
      for (let i = 0; i < data.length; i++) data[i] = random(256);
      const cut = random(data.length + 1);
      const portableWhole = crc32c(data);
      const portable = new Crc32c();
      portable.update(data.subarray(0, cut));
      portable.update(data.subarray(cut));
      useCrc32c(native);
      const nativeWhole = crc32c(data);
      const pieces = new Crc32c(crc32c(data.subarray(0, cut)));
      pieces.update(data.subarray(cut));
      useCrc32c(undefined);
      expect([nativeWhole, pieces.digest(), portable.digest()]).toEqual([portableWhole, portableWhole, portableWhole]);
    }
  });
});
